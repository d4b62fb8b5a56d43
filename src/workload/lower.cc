// Lowering graph nodes to loop-nest problems with ideal counts (001 Sec. 2.2.1).
#include <numeric>

#include "tessera/core/checked_math.h"
#include "tessera/core/error.h"
#include "tessera/workload/analysis.h"
#include "workload/flop_rules.h"

namespace tessera::workload {
namespace {

using model::OpKind;
using model::TensorClass;

int64_t bytes_per_element(TensorClass cls, const Precision& precision) {
  return cls == TensorClass::Weight ? precision.weight_bytes : precision.activation_bytes;
}

int64_t product(const model::Shape& s, size_t begin, size_t end) {
  int64_t n = 1;
  for (size_t i = begin; i < end; ++i) n = checked_mul(n, s[i], "shape product");
  return n;
}

void add_traffic(Op& op, const model::Graph& graph, model::TensorId id, bool is_output,
                 int64_t elements, const Precision& precision) {
  const model::Tensor& t = graph.tensor(id);
  TensorTraffic traffic;
  traffic.tensor = id;
  traffic.tensor_class = t.tensor_class;
  traffic.is_output = is_output;
  traffic.elements = elements;
  traffic.bytes = checked_mul(elements, bytes_per_element(t.tensor_class, precision), "bytes");
  (is_output ? op.bytes_written : op.bytes_read) =
      checked_add(is_output ? op.bytes_written : op.bytes_read, traffic.bytes, "bytes");
  op.traffic.push_back(traffic);
}

void lower_matmul(Op& op, const model::Graph& graph, const model::Node& node) {
  const model::Shape& a = graph.tensor(node.inputs[0]).shape;
  const model::Shape& out = graph.tensor(node.outputs[0]).shape;
  MatmulProblem& mm = op.problem.matmul;
  op.problem.kind = ProblemKind::Matmul;
  mm.m = a[a.size() - 2];
  mm.k = a.back();
  mm.n = out.back();
  mm.batch = product(out, 0, out.size() - 2);
  mm.b_is_weight = graph.tensor(node.inputs[1]).tensor_class == TensorClass::Weight;
  op.macs = checked_product({mm.batch, mm.m, mm.k, mm.n}, "MACs");
  op.flops = checked_mul(op.macs, 2, "FLOPs");
}

void lower_conv(Op& op, const model::Graph& graph, const model::Node& node) {
  const model::Shape& x = graph.tensor(node.inputs[0]).shape;
  const model::Shape& w = graph.tensor(node.inputs[1]).shape;
  const model::Shape& out = graph.tensor(node.outputs[0]).shape;
  ConvProblem& cv = op.problem.conv;
  op.problem.kind = ProblemKind::Conv;
  cv.n = out[0];
  cv.k = out[1];
  cv.c = x[1];
  cv.p = out[2];
  cv.q = out[3];
  cv.r = w[2];
  cv.s = w[3];
  cv.h = x[2];
  cv.w = x[3];
  cv.stride_h = node.conv.stride_h;
  cv.stride_w = node.conv.stride_w;
  cv.dilation_h = node.conv.dilation_h;
  cv.dilation_w = node.conv.dilation_w;
  cv.groups = node.conv.groups;
  if (node.kind == OpKind::ConvTranspose2d) {
    cv.transposed = true;
    // Every input pixel scatters into an R x S window of K/groups output channels.
    op.macs = checked_product({cv.n, cv.c, cv.h, cv.w, cv.k / cv.groups, cv.r, cv.s}, "MACs");
  } else {
    op.macs = checked_product({cv.n, cv.k, cv.p, cv.q, cv.c / cv.groups, cv.r, cv.s}, "MACs");
  }
  op.flops = checked_mul(op.macs, 2, "FLOPs");
}

bool moves_no_data(OpKind kind) {
  return kind == OpKind::Reshape || kind == OpKind::Identity || kind == OpKind::Expand;
}

}  // namespace

std::string_view problem_kind_name(ProblemKind kind) {
  switch (kind) {
    case ProblemKind::Matmul:
      return "matmul";
    case ProblemKind::Conv:
      return "conv";
    case ProblemKind::Vector:
      return "vector";
    case ProblemKind::None:
      return "none";
  }
  return "none";
}

Op lower_node(const model::Graph& graph, model::NodeId node_id, const Precision& precision) {
  const model::Node& node = graph.nodes.at(static_cast<size_t>(node_id));
  Op op;
  op.name = node.name;
  op.kind = node.kind;
  op.role = node.role;
  op.group = std::string(model::role_group(node.role, graph.domain));
  op.layer = node.layer;
  op.heads = node.heads;
  op.node = node_id;
  op.unsupported = node.kind == OpKind::Unsupported;
  for (model::TensorId t : node.inputs) op.input_shapes.push_back(graph.tensor(t).shape);
  for (model::TensorId t : node.outputs) op.output_shapes.push_back(graph.tensor(t).shape);
  for (model::TensorId t : node.inputs)
    if (graph.tensor(t).tensor_class == TensorClass::Weight)
      op.params = checked_add(op.params, graph.tensor(t).elements(), "#params");

  if (op.unsupported || moves_no_data(node.kind)) return op;

  const int64_t out_elements = graph.tensor(node.outputs.at(0)).elements();
  switch (node.kind) {
    case OpKind::MatMul:
      lower_matmul(op, graph, node);
      break;
    case OpKind::Conv2d:
    case OpKind::ConvTranspose2d:
      lower_conv(op, graph, node);
      break;
    default: {
      op.problem.kind = ProblemKind::Vector;
      VectorProblem& v = op.problem.vector;
      v.flops_per_element = flops_per_element(node.kind);
      v.elements = out_elements;
      if (node.kind == OpKind::MaxPool || node.kind == OpKind::AvgPool)
        v.flops_per_element *= static_cast<double>(node.pool.kernel_h * node.pool.kernel_w);
      if (node.kind == OpKind::GlobalAvgPool || node.kind == OpKind::ReduceMean)
        v.elements = graph.tensor(node.inputs.at(0)).elements();
      op.flops = static_cast<int64_t>(static_cast<double>(v.elements) * v.flops_per_element);
    }
  }

  // Memory traffic: each input read once, each output written once (001 Sec. 2.2.1).
  if (node.kind == OpKind::Embedding) {
    // A lookup reads only the rows it gathers (and the ids).
    add_traffic(op, graph, node.inputs[0], false, graph.tensor(node.inputs[0]).elements(),
                precision);
    add_traffic(op, graph, node.inputs[1], false, out_elements, precision);
  } else if (node.kind == OpKind::Slice && node.inputs.size() == 1) {
    // A slice reads only the elements it keeps (e.g. BERT's pooler takes the first token).
    add_traffic(op, graph, node.inputs[0], false, out_elements, precision);
  } else {
    for (model::TensorId t : node.inputs)
      add_traffic(op, graph, t, false, graph.tensor(t).elements(), precision);
  }
  for (model::TensorId t : node.outputs)
    add_traffic(op, graph, t, true, graph.tensor(t).elements(), precision);
  return op;
}

}  // namespace tessera::workload
