// Peak transient activation footprint by liveness over the node order (see footprint.h).
#include "tessera/workload/footprint.h"

#include <algorithm>

#include "tessera/core/checked_math.h"
#include "tessera/core/error.h"

namespace tessera::workload {
namespace {

using model::OpKind;
using model::TensorClass;
using model::TensorId;

bool aliases_input(OpKind kind) {
  return kind == OpKind::Reshape || kind == OpKind::Identity || kind == OpKind::Expand;
}

bool unary_elementwise(OpKind kind) {
  switch (kind) {
    case OpKind::BatchNorm:
    case OpKind::Relu:
    case OpKind::Relu6:
    case OpKind::Sigmoid:
    case OpKind::Swish:
    case OpKind::HardSigmoid:
    case OpKind::HardSwish:
    case OpKind::Tanh:
    case OpKind::Gelu:
    case OpKind::Scale:
    case OpKind::Clip:
      return true;
    default:
      return false;
  }
}

}  // namespace

FootprintResult activation_footprint(const model::Graph& graph, const FootprintOptions& options) {
  const size_t tensor_count = graph.tensors.size();
  const int64_t node_count = static_cast<int64_t>(graph.nodes.size());
  // Each activation tensor maps to a buffer; aliasing ops share their input's buffer.
  std::vector<TensorId> buffer(tensor_count);
  for (size_t t = 0; t < tensor_count; ++t) buffer[t] = static_cast<TensorId>(t);
  std::vector<int64_t> first_use(tensor_count, node_count), last_use(tensor_count, -1);
  auto is_activation = [&](TensorId t) {
    return graph.tensor(t).tensor_class == TensorClass::Activation;
  };
  for (TensorId t : graph.inputs) first_use[static_cast<size_t>(t)] = 0;

  for (int64_t i = 0; i < node_count; ++i) {
    const model::Node& node = graph.nodes[static_cast<size_t>(i)];
    for (TensorId t : node.inputs) {
      const model::Tensor& tensor = graph.tensor(t);
      if (tensor.producer >= i)
        throw Error(graph.name + ": node '" + node.name + "' reads '" + tensor.name +
                    "' before it is produced (nodes not in topological order)");
    }
    const bool alias =
        aliases_input(node.kind) || (options.in_place_elementwise && unary_elementwise(node.kind));
    for (TensorId out : node.outputs) {
      if (alias && !node.inputs.empty() && is_activation(node.inputs[0]))
        buffer[static_cast<size_t>(out)] = buffer[static_cast<size_t>(node.inputs[0])];
    }
  }
  // Liveness per buffer: from the first node that writes it to the last node that reads it.
  for (int64_t i = 0; i < node_count; ++i) {
    const model::Node& node = graph.nodes[static_cast<size_t>(i)];
    for (TensorId t : node.outputs) {
      size_t b = static_cast<size_t>(buffer[static_cast<size_t>(t)]);
      first_use[b] = std::min(first_use[b], i);
      last_use[b] = std::max(last_use[b], i);
    }
    for (TensorId t : node.inputs) {
      if (!is_activation(t)) continue;
      size_t b = static_cast<size_t>(buffer[static_cast<size_t>(t)]);
      last_use[b] = std::max(last_use[b], i);
    }
  }
  for (TensorId t : graph.outputs)
    last_use[static_cast<size_t>(buffer[static_cast<size_t>(t)])] = node_count - 1;

  // Sweep: add a buffer's size at its first use, drop it after its last use.
  std::vector<int64_t> delta_start(static_cast<size_t>(node_count) + 1, 0);
  std::vector<int64_t> delta_end(static_cast<size_t>(node_count) + 1, 0);
  // An aliased buffer is as large as the largest tensor that shares it.
  std::vector<int64_t> buffer_elements(tensor_count, 0);
  for (size_t t = 0; t < tensor_count; ++t) {
    size_t b = static_cast<size_t>(buffer[t]);
    buffer_elements[b] = std::max(buffer_elements[b], graph.tensors[t].elements());
  }
  FootprintResult result;
  for (size_t t = 0; t < tensor_count; ++t) {
    if (buffer[t] != static_cast<TensorId>(t) || !is_activation(static_cast<TensorId>(t))) continue;
    if (last_use[t] < 0 || first_use[t] >= node_count) continue;  // never used
    const int64_t elements = buffer_elements[t];
    result.largest_tensor_elements = std::max(result.largest_tensor_elements, elements);
    delta_start[static_cast<size_t>(first_use[t])] += elements;
    delta_end[static_cast<size_t>(last_use[t])] += elements;
  }
  int64_t live = 0;
  result.live_bytes.resize(static_cast<size_t>(node_count));
  for (int64_t i = 0; i < node_count; ++i) {
    live = checked_add(live, delta_start[static_cast<size_t>(i)], "footprint");
    const int64_t bytes = checked_mul(live, options.precision.activation_bytes, "footprint");
    result.live_bytes[static_cast<size_t>(i)] = bytes;
    if (live > result.peak_elements) {
      result.peak_elements = live;
      result.peak_bytes = bytes;
      result.peak_node = static_cast<model::NodeId>(i);
    }
    live -= delta_end[static_cast<size_t>(i)];
  }
  if (result.peak_node >= 0) {
    for (size_t t = 0; t < tensor_count; ++t)
      if (buffer[t] == static_cast<TensorId>(t) && is_activation(static_cast<TensorId>(t)) &&
          first_use[t] <= result.peak_node && last_use[t] >= result.peak_node)
        result.live_at_peak.push_back(static_cast<TensorId>(t));
  }
  return result;
}

}  // namespace tessera::workload
