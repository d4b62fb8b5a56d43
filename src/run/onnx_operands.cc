#include "run/onnx_operands.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "run/blocks.h"
#include "tessera/core/error.h"
#include "tessera/model/onnx_front.h"

namespace tessera::run {

using model::Graph;
using model::Node;
using model::OpKind;
using model::TensorId;

OnnxOperands::OnnxOperands(const model::Graph& graph,
                           const std::shared_ptr<const model::OnnxFile>& onnx_file)
    : graph_(graph) {
  auto source = graph.config.find("source");
  std::error_code ec;
  if (!onnx_file || source == graph.config.end() || source->second != "onnx" ||
      !std::filesystem::equivalent(onnx_file->path, graph.name, ec))
    return;
  onnx_holder_ = read_onnx_statics(*onnx_file, graph);
  onnx_ = onnx_holder_.get();
  statics_ = onnx_->evaluate(graph, &too_large_);
}

std::string OnnxOperands::too_large_reason(const std::string& value) const {
  auto it = too_large_.find(value);
  return it == too_large_.end() ? "" : it->second;
}

bool OnnxOperands::is_tanh_gelu(const Node& n) const {
  return n.kind == OpKind::Gelu && onnx_ && onnx_->has_ancestor(n.name, "Tanh", 3);
}

// A constant's values evaluated from the ONNX file (masks built by Trilu, Gather indices).
const StaticValue* OnnxOperands::static_values(const model::Tensor& tensor) const {
  auto it = statics_.find(tensor.name);
  return it != statics_.end() && static_cast<int64_t>(it->second.data.size()) == tensor.elements()
             ? &it->second
             : nullptr;
}

const OnnxNodeInfo* OnnxOperands::onnx_node(const Node& n) const {
  if (!onnx_) return nullptr;
  const OnnxNodeInfo* info = onnx_->node(n.name);
  return info && info->op_type == n.source_op ? info : nullptr;
}

std::vector<int64_t> OnnxOperands::static_ints(const OnnxNodeInfo& info, size_t input) const {
  std::vector<int64_t> out;
  if (input >= info.inputs.size() || info.inputs[input].empty()) return out;
  auto it = statics_.find(info.inputs[input]);
  if (it == statics_.end())
    throw Error("node operand '" + info.inputs[input] +
                "' is computed at run time; the cpu backend needs it static");
  for (double x : it->second.data) out.push_back(static_cast<int64_t>(x));
  return out;
}

// ONNX Slice operands (inputs since opset 10, attributes before) as a start and a step per
// axis; false when the graph has no ONNX node to read them from.
bool OnnxOperands::slice_operands(const Node& n, const Dims& xd, Dims& starts, Dims& steps) const {
  const OnnxNodeInfo* info = onnx_node(n);
  if (!info) return false;
  size_t rank = xd.size();
  std::vector<int64_t> s, axes, st;
  if (info->inputs.size() >= 3) {
    s = static_ints(*info, 1);
    axes = static_ints(*info, 3);
    st = static_ints(*info, 4);
  } else {
    auto get = [&](const char* k) {
      auto it = info->ints.find(k);
      return it == info->ints.end() ? std::vector<int64_t>{} : it->second;
    };
    s = get("starts");
    axes = get("axes");
  }
  if (axes.empty())
    for (size_t i = 0; i < s.size(); ++i) axes.push_back(static_cast<int64_t>(i));
  starts.assign(rank, 0);
  steps.assign(rank, 1);
  for (size_t k = 0; k < axes.size() && k < s.size(); ++k) {
    int64_t a = axes[k] < 0 ? axes[k] + static_cast<int64_t>(rank) : axes[k];
    if (a < 0 || a >= static_cast<int64_t>(rank))
      throw Error("node '" + n.name + "' (slice): axis " + std::to_string(axes[k]) +
                  " is out of range");
    int64_t d = xd[static_cast<size_t>(a)], step = k < st.size() ? st[k] : 1;
    if (step == 0) throw Error("node '" + n.name + "' (slice): step 0");
    int64_t start = s[k] < 0 ? s[k] + d : s[k];
    start = step > 0 ? std::clamp<int64_t>(start, 0, d) : std::clamp<int64_t>(start, 0, d - 1);
    starts[static_cast<size_t>(a)] = start;
    steps[static_cast<size_t>(a)] = step;
  }
  return true;
}

// The split axis: the ONNX attribute when known, else the one axis where outputs differ.
size_t OnnxOperands::split_axis(const Node& n) const {
  const Graph& g = graph_;
  const Dims& xd = g.tensor(n.inputs[0]).shape;
  int64_t rank = static_cast<int64_t>(xd.size());
  if (const OnnxNodeInfo* info = onnx_node(n)) {
    auto it = info->ints.find("axis");
    int64_t a = it == info->ints.end() || it->second.empty() ? 0 : it->second[0];
    if (a < 0) a += rank;
    if (a >= 0 && a < rank) return static_cast<size_t>(a);
  }
  for (TensorId t : n.outputs) {
    const Dims& od = g.tensor(t).shape;
    for (size_t i = 0; i < xd.size() && od.size() == xd.size(); ++i)
      if (od[i] != xd[i]) return i;
  }
  return 0;
}

// The factor of a Scale node: the file's scalar (x * c or x / c) when the graph comes from an
// ONNX file, else attention's 1/sqrt(d_k) (zoo graphs fold no other constant into a Scale).
float OnnxOperands::scale_of(const Node& n) const {
  if (std::optional<double> c = file_scale(n)) return static_cast<float>(*c);
  return scale_factor(graph_, n);
}

std::optional<double> OnnxOperands::file_scale(const Node& n) const {
  const OnnxNodeInfo* info = onnx_node(n);
  if (!info || info->inputs.size() != 2) return std::nullopt;
  for (size_t side = 0; side < 2; ++side) {
    auto it = statics_.find(info->inputs[side]);
    if (it == statics_.end() || it->second.data.size() != 1) continue;
    double c = it->second.data[0];
    if (info->op_type == "Mul") return c;
    if (info->op_type == "Div" && side == 1) return 1.0 / c;
  }
  return std::nullopt;
}

// Views the importer made around an Einsum ("<einsum>/a", "/b", "/out") that must move data:
// null for plain reshapes (identity permutation or not an Einsum view).
std::optional<EinsumView> OnnxOperands::einsum_layout(const Node& n) const {
  if (!onnx_ || n.source_op != "Einsum") return std::nullopt;
  size_t slash = n.name.rfind('/');
  if (slash == std::string::npos) return std::nullopt;
  const OnnxNodeInfo* info = onnx_->node(n.name.substr(0, slash));
  if (!info || info->op_type != "Einsum" || info->inputs.size() != 2 || info->outputs.empty() ||
      !info->strings.count("equation"))
    return std::nullopt;
  const std::vector<int64_t>* a = onnx_->shape(info->inputs[0]);
  const std::vector<int64_t>* b = onnx_->shape(info->inputs[1]);
  const std::vector<int64_t>* o = onnx_->shape(info->outputs[0]);
  if (!a || !b || !o) return std::nullopt;
  std::optional<EinsumView> v =
      einsum_view(info->strings.at("equation"), n.name.substr(slash), *a, *b, *o);
  if (!v)
    throw Error("node '" + n.name + "': einsum '" + info->strings.at("equation") +
                "' has a layout the cpu backend cannot run");
  if (!v->broadcast_dims.empty()) return v;
  for (size_t i = 0; i < v->permutation.size(); ++i)
    if (v->permutation[i] != static_cast<int64_t>(i)) return v;
  return std::nullopt;
}

// ONNX Transpose's perm (default: reversed axes); empty without a file node. Inferring the
// order from shapes is ambiguous when sizes repeat (seq = head size).
std::vector<int64_t> OnnxOperands::file_permutation(const Node& n) const {
  const OnnxNodeInfo* info = onnx_node(n);
  if (!info || info->op_type != "Transpose") return {};
  auto it = info->ints.find("perm");
  if (it != info->ints.end()) return it->second;
  std::vector<int64_t> reversed;
  for (size_t i = graph_.tensor(n.inputs[0]).shape.size(); i-- > 0;)
    reversed.push_back(static_cast<int64_t>(i));
  return reversed;
}

CastTarget OnnxOperands::cast_target(const Node& n) const {
  const OnnxNodeInfo* info = onnx_node(n);
  if (!info || !info->ints.count("to") || info->ints.at("to").empty()) return CastTarget::Float;
  int64_t to = info->ints.at("to")[0];
  if (to == 9) return CastTarget::Bool;
  bool is_float = to == 1 || to == 10 || to == 11 || to == 16;
  return is_float ? CastTarget::Float : CastTarget::Integer;
}

float OnnxOperands::layernorm_epsilon(const Node& n) const {
  if (const OnnxNodeInfo* info = onnx_node(n))
    return info->floats.count("epsilon") ? static_cast<float>(info->floats.at("epsilon")) : 1e-5f;
  if (!onnx_) return 1e-5f;
  // Decomposed: ... ReduceMean(d^2) -> Add(eps) -> Sqrt -> Div -> [Mul gamma -> Add beta]. The
  // importer names the fused op after its last node; walk back to the Sqrt and read the Add.
  const auto* sqrt = onnx_->find_ancestor(n.name, "Sqrt", 4);
  if (!sqrt || sqrt->second.inputs.empty()) return 1e-5f;
  const auto* add = onnx_->find_ancestor(sqrt->first, "Add", 1);
  if (!add) return 1e-5f;
  for (size_t i = 0; i < add->second.inputs.size(); ++i)
    if (const StaticValue* v = static_input(add->second, i); v && v->data.size() == 1)
      return static_cast<float>(v->data[0]);
  throw Error("node '" + n.name + "' (layernorm): the epsilon added before its Sqrt ('" +
              add->first + "') is not a constant");
}

const OnnxNodeInfo* OnnxOperands::source_node(const Node& n) const {
  return onnx_ ? onnx_->node(n.name) : nullptr;
}

const StaticValue* OnnxOperands::static_input(const OnnxNodeInfo& info, size_t input) const {
  if (input >= info.inputs.size() || info.inputs[input].empty()) return nullptr;
  auto it = statics_.find(info.inputs[input]);
  return it == statics_.end() ? nullptr : &it->second;
}

const StaticValue* OnnxOperands::static_named(const std::string& value) const {
  auto it = statics_.find(value);
  return it == statics_.end() ? nullptr : &it->second;
}

std::optional<double> OnnxOperands::float_attr(const OnnxNodeInfo& info,
                                               const std::string& name) const {
  auto it = info.floats.find(name);
  if (it == info.floats.end()) return std::nullopt;
  return it->second;
}

}  // namespace tessera::run
