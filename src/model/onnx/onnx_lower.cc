#include "model/onnx/onnx_lower.h"

#include <algorithm>
#include <set>

#include "tessera/core/error.h"
#include "tessera/model/graph_builder.h"

namespace tessera::model::onnx_import {
namespace {

std::string shape_text(const Shape& s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? "," : "") + std::to_string(s[i]);
  return out + "]";
}

struct Simple {
  const char* onnx;
  OpKind kind;
};
// ONNX ops that map one-to-one onto a tessera kind with the data input first.
constexpr Simple kUnary[] = {
    {"Relu", OpKind::Relu},
    {"Sigmoid", OpKind::Sigmoid},
    {"HardSigmoid", OpKind::HardSigmoid},
    {"HardSwish", OpKind::HardSwish},
    {"Tanh", OpKind::Tanh},
    {"Gelu", OpKind::Gelu},
    {"FastGelu", OpKind::Gelu},
    {"Erf", OpKind::Erf},
    {"Sqrt", OpKind::Sqrt},
    {"Neg", OpKind::Scale},  // x * -1 (rotary embeddings' rotate_half)
    {"Flatten", OpKind::Reshape},
    {"Reshape", OpKind::Reshape},
    {"Squeeze", OpKind::Reshape},
    {"Unsqueeze", OpKind::Reshape},
    {"Transpose", OpKind::Transpose},
    {"Slice", OpKind::Slice},
    {"Cast", OpKind::Cast},
    {"Expand", OpKind::Expand},
    // Upsampling (interpolate): data movement into a larger tensor, like Expand.
    {"Resize", OpKind::Expand},
    {"ReduceMean", OpKind::ReduceMean},
    {"Split", OpKind::Split},
    // Padding copies the tensor into a larger one: data movement like a concat with zeros.
    {"Pad", OpKind::Concat},
};
constexpr Simple kBinary[] = {
    {"Add", OpKind::Add}, {"Sub", OpKind::Sub}, {"Mul", OpKind::Mul},
    {"Div", OpKind::Div}, {"Pow", OpKind::Pow}, {"Where", OpKind::Where},
};

// ONNX auto_pad SAME_UPPER / SAME_LOWER along one axis: the pads that turn `in` into `out`
// (an odd one goes at the end for UPPER, at the start for LOWER). Other values leave lo/hi.
void same_pads(const std::string& auto_pad, int64_t in, int64_t out, int64_t kernel, int64_t stride,
               int64_t dilation, int64_t& lo, int64_t& hi) {
  if (auto_pad != "SAME_UPPER" && auto_pad != "SAME_LOWER") return;
  int64_t total = std::max<int64_t>(0, (out - 1) * stride + (kernel - 1) * dilation + 1 - in);
  lo = auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
  hi = total - lo;
}

class Lowerer {
 public:
  Lowerer(const onnx::GraphProto& graph, const GraphView& view, const Fusions& fusions,
          std::string name)
      : graph_(graph),
        view_(view),
        fusions_(fusions),
        name_(std::move(name)),
        b_(name_, Domain::Other) {}

  Lowered run() {
    for (const auto& in : graph_.input()) {
      if (view_.cls(in.name()) != ValueClass::Activation || ids_.count(in.name())) continue;
      const ValueShape* s = view_.shape(in.name());
      if (!s) throw Error(name_ + ": input '" + in.name() + "' has no static shape after binding");
      ids_[in.name()] = b_.input(in.name(), checked_shape(s->dims, in.name()));
    }
    for (const auto& t : graph_.initializer())
      if (view_.cls(t.name()) == ValueClass::Weight && !ids_.count(t.name()))
        ids_[t.name()] = b_.weight(t.name(), Shape(t.dims().begin(), t.dims().end()));
    for (int i = 0; i < static_cast<int>(view_.nodes.size()); ++i) {
      current_ = i;
      int fused = fusions_.fused_at[static_cast<size_t>(i)];
      if (fused >= 0)
        emit_fused(fusions_.ops[static_cast<size_t>(fused)]);
      else if (!fusions_.absorbed[static_cast<size_t>(i)])
        emit(node(i));
    }
    for (const auto& out : graph_.output())
      if (ids_.count(out.name()) && view_.cls(out.name()) == ValueClass::Activation)
        b_.mark_output(ids_.at(out.name()));
    Lowered result;
    result.graph = std::move(b_).finish();
    result.unsupported = std::move(unsupported_);
    result.source_nodes = static_cast<int64_t>(view_.nodes.size());
    return result;
  }

 private:
  const onnx::NodeProto& node(int i) const { return *view_.nodes[static_cast<size_t>(i)]; }
  std::string where() const {
    return name_ + ": node '" + view_.node_name(current_) + "' (" + node(current_).op_type() + ")";
  }
  [[noreturn]] void inconsistent(const std::string& what) const {
    throw Error(where() + ": inconsistent shapes: " + what);
  }

  Shape checked_shape(const Shape& dims, const std::string& value) const {
    for (int64_t d : dims)
      if (d <= 0)
        throw Error(name_ + ": value '" + value + "' has an empty dimension in " +
                    shape_text(dims) + " (nothing to analyse)");
    return dims;
  }

  bool known(const std::string& value) const { return value.empty() || view_.shape(value); }
  const Shape& dims(const std::string& value) const { return view_.shape(value)->dims; }

  // The tessera tensor of an ONNX value; static values get a constant tensor on first use.
  TensorId value(const std::string& name) {
    auto it = ids_.find(name);
    if (it != ids_.end()) return it->second;
    const ValueShape* s = view_.shape(name);
    Shape shape = s ? s->dims : Shape{};
    for (int64_t& d : shape) d = std::max<int64_t>(d, 1);
    TensorId id =
        view_.cls(name) == ValueClass::Weight ? b_.weight(name, shape) : b_.constant(name, shape);
    ids_[name] = id;
    return id;
  }

  Node make(OpKind kind, const std::string& source_op) const {
    Node n;
    n.name = view_.node_name(current_);
    n.kind = kind;
    n.source_op = source_op;
    return n;
  }

  // Records `n` with the shapes of the ONNX outputs `outputs` and maps them.
  void add(Node n, const std::vector<std::string>& outputs) {
    std::vector<Shape> shapes;
    for (const auto& o : outputs) shapes.push_back(checked_shape(dims(o), o));
    NodeId id = b_.add_node(std::move(n), shapes);
    const Node& added = b_.graph().nodes.back();
    (void)id;
    for (size_t i = 0; i < outputs.size(); ++i) ids_[outputs[i]] = added.outputs[i];
  }

  // A synthetic costless view (Reshape) of x with a new shape, for ops tessera's lowering
  // wants in canonical form (1-D matmuls, einsum, Gemm with transA).
  TensorId view_as(TensorId x, const Shape& shape, const std::string& suffix,
                   OpKind kind = OpKind::Reshape) {
    Node n = make(kind, node(current_).op_type());
    n.name += suffix;
    n.inputs = {x};
    b_.add_node(std::move(n), {shape});
    return b_.graph().nodes.back().outputs[0];
  }

  void unsupported(const onnx::NodeProto& n, const std::string& why) {
    std::string key = n.op_type() + (why.empty() ? "" : " (" + why + ")");
    ++unsupported_[key];
    Node out = make(OpKind::Unsupported, n.op_type());
    for (const auto& in : n.input())
      if (!in.empty() && view_.cls(in) == ValueClass::Activation && ids_.count(in))
        out.inputs.push_back(ids_.at(in));
    std::vector<Shape> shapes;
    std::vector<std::string> names;
    for (const auto& o : n.output()) {
      if (o.empty()) continue;
      Shape s = known(o) ? dims(o) : Shape{};
      for (int64_t& d : s) d = std::max<int64_t>(d, 1);
      shapes.push_back(s);
      names.push_back(o);
    }
    b_.add_node(std::move(out), shapes);
    const Node& added = b_.graph().nodes.back();
    for (size_t i = 0; i < names.size(); ++i) ids_[names[i]] = added.outputs[i];
  }

  bool all_known(const onnx::NodeProto& n) const {
    for (const auto& in : n.input())
      if (view_.cls(in) == ValueClass::Activation && !known(in)) return false;
    for (const auto& o : n.output())
      if (!known(o)) return false;
    return true;
  }

  void emit(const onnx::NodeProto& n) {
    const std::string& op = n.op_type();
    if (n.output_size() == 0) return;
    ValueClass out_class = view_.cls(n.output(0));
    if (out_class == ValueClass::Static) return;  // shape computation: folded, costs nothing
    if (out_class == ValueClass::Weight) {
      // Weight relabelling (transposed/reshaped weights) is folded offline; Identity copies
      // are exporters de-duplicating equal initializers, which remain separate parameters.
      const std::string& in = n.input(0);
      if (op == "Identity" || op == "Dropout")
        ids_[n.output(0)] = b_.weight(n.output(0), known(in) ? dims(in) : Shape{1});
      else
        ids_[n.output(0)] = value(in);
      return;
    }
    if (op == "Identity" || op == "Dropout") {
      ids_[n.output(0)] = value(n.input(0));
      return;
    }
    if (!is_supported(op)) return unsupported(n, "");
    if (!all_known(n)) return unsupported(n, "unknown shape");
    if (op == "MatMul" || op == "Gemm") return emit_matmul(n, "", n.output(0));
    if (op == "Einsum") return emit_einsum(n);
    if (op == "Conv" || op == "ConvTranspose") return emit_conv(n);
    if (op == "MaxPool" || op == "AveragePool") return emit_pool(n);
    if (op == "GlobalAveragePool") {
      const Shape& x = dims(n.input(0));
      bool one_d = is_1d(x);
      if (!one_d && x.size() != 4) return unsupported(n, "not 1-D or 2-D");
      Node g = make(OpKind::GlobalAvgPool, op);
      g.inputs = {spatial_input(n.input(0), one_d)};
      g.pool.kernel_h = one_d ? 1 : x[2];
      g.pool.kernel_w = x.back();
      return add_spatial(std::move(g), n.output(0), one_d);
    }
    if (op == "BatchNormalization") {
      Node g = make(OpKind::BatchNorm, op);
      g.axis = 1;
      g.inputs = {value(n.input(0))};
      for (int i = 1; i < 3 && i < n.input_size(); ++i) g.inputs.push_back(value(n.input(i)));
      return add(std::move(g), {n.output(0)});
    }
    if (op == "LayerNormalization") {
      Node g = make(OpKind::LayerNorm, op);
      g.axis = attr_int(n, "axis", -1);
      for (const auto& in : n.input())
        if (!in.empty()) g.inputs.push_back(value(in));
      return add(std::move(g), {n.output(0)});
    }
    if (op == "InstanceNormalization") {  // GroupNorm's export: statistics per (image, channel)
      Node g = make(OpKind::LayerNorm, op);
      g.axis = 2;
      for (const auto& in : n.input())
        if (!in.empty()) g.inputs.push_back(value(in));
      return add(std::move(g), {n.output(0)});
    }
    if (op == "Softmax" || op == "LogSoftmax") {
      Node g = make(OpKind::Softmax, op);
      g.axis = attr_int(n, "axis", -1);
      g.inputs = {value(n.input(0))};
      return add(std::move(g), {n.output(0)});
    }
    if (op == "Clip") {
      auto lo = n.input_size() > 1 ? view_.scalar(n.input(1)) : std::nullopt;
      auto hi = n.input_size() > 2 ? view_.scalar(n.input(2)) : std::nullopt;
      bool relu6 = lo && hi && *lo == 0.0 && *hi == 6.0;
      Node g = make(relu6 ? OpKind::Relu6 : OpKind::Clip, op);
      g.inputs = {value(n.input(0))};
      return add(std::move(g), {n.output(0)});
    }
    if (op == "Gather") {
      bool lookup = view_.cls(n.input(0)) == ValueClass::Weight;
      Node g = make(lookup ? OpKind::Embedding : OpKind::Gather, op);
      g.axis = attr_int(n, "axis", 0);
      // Embedding lookups list the ids first and the table second (GraphBuilder::embedding).
      g.inputs = lookup ? std::vector<TensorId>{value(n.input(1)), value(n.input(0))}
                        : std::vector<TensorId>{value(n.input(0)), value(n.input(1))};
      return add(std::move(g), {n.output(0)});
    }
    if (op == "Concat") {
      Node g = make(OpKind::Concat, op);
      g.axis = attr_int(n, "axis", 0);
      for (const auto& in : n.input())
        if (!in.empty()) g.inputs.push_back(value(in));
      return add(std::move(g), {n.output(0)});
    }
    for (const auto& s : kUnary)
      if (op == s.onnx) {
        Node g = make(s.kind, op);
        g.inputs = {value(n.input(0))};
        if (s.kind == OpKind::ReduceMean) {
          auto axes = attr_ints(n, "axes");
          g.axis = axes.size() == 1 ? axes[0] : -1;
        }
        std::vector<std::string> outs;
        for (const auto& o : n.output())
          if (!o.empty()) outs.push_back(o);
        return add(std::move(g), outs);
      }
    for (const auto& s : kBinary)
      if (op == s.onnx) return emit_binary(n, s.kind);
    unsupported(n, "");
  }

  static bool is_supported(const std::string& op) {
    static const std::set<std::string> kOther = {"MatMul",
                                                 "Gemm",
                                                 "Einsum",
                                                 "Conv",
                                                 "ConvTranspose",
                                                 "MaxPool",
                                                 "AveragePool",
                                                 "GlobalAveragePool",
                                                 "BatchNormalization",
                                                 "LayerNormalization",
                                                 "InstanceNormalization",
                                                 "Softmax",
                                                 "LogSoftmax",
                                                 "Clip",
                                                 "Gather",
                                                 "Concat"};
    if (kOther.count(op)) return true;
    for (const auto& s : kUnary)
      if (op == s.onnx) return true;
    for (const auto& s : kBinary)
      if (op == s.onnx) return true;
    return false;
  }

  void emit_binary(const onnx::NodeProto& n, OpKind kind) {
    Node g = make(kind, n.op_type());
    // Multiplying or dividing by a scalar constant is a Scale (attention's 1/sqrt(d)).
    if ((kind == OpKind::Mul || kind == OpKind::Div) && n.input_size() == 2) {
      int scalar_side =
          view_.cls(n.input(1)) == ValueClass::Static && view_.elements(n.input(1)) == 1 ? 1
          : kind == OpKind::Mul && view_.cls(n.input(0)) == ValueClass::Static &&
                  view_.elements(n.input(0)) == 1
              ? 0
              : -1;
      if (scalar_side >= 0) {
        g.kind = OpKind::Scale;
        g.inputs = {value(n.input(1 - scalar_side))};
        return add(std::move(g), {n.output(0)});
      }
    }
    for (const auto& in : n.input())
      if (!in.empty()) g.inputs.push_back(value(in));
    add(std::move(g), {n.output(0)});
  }

  // The 2-D weight W when `value` is Transpose(W) (perm [1, 0] or default), else "".
  std::string transposed_weight(const std::string& value) const {
    auto p = view_.producer.find(value);
    if (view_.cls(value) != ValueClass::Weight || p == view_.producer.end()) return "";
    const onnx::NodeProto& t = node(p->second);
    if (t.op_type() != "Transpose" || t.input_size() != 1 || !known(t.input(0)) ||
        dims(t.input(0)).size() != 2)
      return "";
    std::vector<int64_t> perm = attr_ints(t, "perm");
    return perm.empty() || perm == std::vector<int64_t>{1, 0} ? t.input(0) : "";
  }

  // MatMul and Gemm ([.., M, K] x [.., K, N]); `bias` is a folded bias Add, `out` the value
  // the result is known by (the Add's output when folded).
  void emit_matmul(const onnx::NodeProto& n, const std::string& bias, const std::string& out) {
    if (!known(out) || !known(n.input(0)) || !known(n.input(1)))
      return unsupported(n, "unknown shape");
    bool gemm = n.op_type() == "Gemm";
    bool trans_a = gemm && attr_int(n, "transA", 0) != 0;
    bool trans_b = gemm && attr_int(n, "transB", 0) != 0;
    Shape sa = dims(n.input(0)), sb = dims(n.input(1)), so = dims(out);
    TensorId a = value(n.input(0)), b = value(n.input(1));
    // emit() aliases a transposed weight to the weight itself (exports without constant
    // folding write nn.Linear as MatMul(x, Transpose(W))), so the product reads W as [N, K].
    if (std::string w = transposed_weight(n.input(1)); !w.empty()) {
      trans_b = !trans_b;
      sb = dims(w);
    }
    if (gemm && (sa.size() != 2 || sb.size() != 2)) inconsistent("Gemm operands must be 2-D");
    if (trans_a) {
      std::swap(sa[0], sa[1]);
      a = view_as(a, sa, "/transA", OpKind::Transpose);
    }
    const bool a_vector = sa.size() == 1, b_vector = sb.size() == 1;
    if (a_vector) a = view_as(a, sa = {1, sa[0]}, "/a2d");
    if (b_vector) b = view_as(b, sb = {sb[0], 1}, "/b2d");
    int64_t k_a = sa.back(), k_b = trans_b ? sb.back() : sb[sb.size() - 2];
    if (k_a != k_b)
      inconsistent(shape_text(dims(n.input(0))) + " x " + shape_text(dims(n.input(1))) +
                   (trans_b ? "^T" : "") + ": inner dimensions differ");
    Node g = make(OpKind::MatMul, n.op_type());
    g.matmul.transpose_b = trans_b;
    g.inputs = {a, b};
    std::string c = gemm && n.input_size() > 2 ? n.input(2) : bias;
    if (!c.empty()) g.inputs.push_back(value(c));
    if (!a_vector && !b_vector) return add(std::move(g), {out});
    // 1-D operands: compute the 2-D product, then view it as ONNX's output.
    Shape mm = so;
    if (a_vector) mm.insert(mm.end() - (b_vector ? 0 : 1), 1);
    if (b_vector) mm.push_back(1);
    b_.add_node(std::move(g), {checked_shape(mm, out)});
    ids_[out] = view_as(b_.graph().nodes.back().outputs[0], checked_shape(so, out), "/out");
  }

  // Two-operand einsum that is a (batched) matmul: letters in both inputs and the output are
  // batch, in one input and the output are M or N, in both inputs only are contracted (K).
  void emit_einsum(const onnx::NodeProto& n) {
    std::string eq;
    for (char ch : attr_string(n, "equation"))
      if (ch != ' ') eq += ch;
    size_t arrow = eq.find("->"), comma = eq.find(',');
    if (n.input_size() != 2 || arrow == std::string::npos || comma == std::string::npos ||
        comma > arrow || eq.find('.') != std::string::npos)
      return unsupported(n, "not matmul-like");
    std::string la = eq.substr(0, comma), lb = eq.substr(comma + 1, arrow - comma - 1),
                lo = eq.substr(arrow + 2);
    const Shape &sa = dims(n.input(0)), &sb = dims(n.input(1));
    if (la.size() != sa.size() || lb.size() != sb.size()) inconsistent("einsum '" + eq + "' ranks");
    int64_t batch = 1, m = 1, k = 1, nn = 1;
    auto size_of = [&](char ch, const std::string& labels, const Shape& s) {
      return s[labels.find(ch)];
    };
    for (char ch : la) {
      bool in_b = lb.find(ch) != std::string::npos, in_o = lo.find(ch) != std::string::npos;
      int64_t d = size_of(ch, la, sa);
      if (in_b && size_of(ch, lb, sb) != d && size_of(ch, lb, sb) != 1 && d != 1)
        inconsistent("einsum '" + eq + "' label " + std::string(1, ch));
      if (in_b && in_o)
        batch *= std::max(d, size_of(ch, lb, sb));
      else if (in_o)
        m *= d;
      else if (in_b)
        k *= d;
      else
        return unsupported(n, "not matmul-like");
    }
    for (char ch : lb) {
      bool in_a = la.find(ch) != std::string::npos, in_o = lo.find(ch) != std::string::npos;
      if (in_a) continue;
      if (!in_o) return unsupported(n, "not matmul-like");
      nn *= size_of(ch, lb, sb);
    }
    TensorId a = value(n.input(0)), b = value(n.input(1));
    if (sa != Shape{batch, m, k}) a = view_as(a, {batch, m, k}, "/a");
    if (view_.cls(n.input(1)) != ValueClass::Weight && sb != Shape{batch, k, nn})
      b = view_as(b, {batch, k, nn}, "/b");
    Node g = make(OpKind::MatMul, n.op_type());
    g.inputs = {a, b};
    const Shape& so = dims(n.output(0));
    if (so == Shape{batch, m, nn}) return add(std::move(g), {n.output(0)});
    b_.add_node(std::move(g), {{batch, m, nn}});
    ids_[n.output(0)] = view_as(b_.graph().nodes.back().outputs[0], so, "/out");
  }

  // 1-D convolutions and pools (Conv1d front ends of audio and sequence models) are 2-D ones
  // with H = 1: tessera lowers them through the same loop nest instead of leaving them
  // uncosted. Activations get costless views [N, C, L] <-> [N, C, 1, L]; a 1-D weight
  // [K, C/g, R] is re-shaped in place to [K, C/g, 1, R] (same parameters).
  static bool is_1d(const Shape& s) { return s.size() == 3; }
  static Shape lift_1d(const Shape& s) { return Shape{s[0], s[1], 1, s[2]}; }

  TensorId spatial_input(const std::string& name, bool one_d) {
    TensorId id = value(name);
    if (!one_d) return id;
    if (view_.cls(name) == ValueClass::Weight) {
      Shape& shape = b_.mutable_graph().tensors.at(static_cast<size_t>(id)).shape;
      if (shape.size() == 3) shape = lift_1d(shape);
      return id;
    }
    return view_as(id, lift_1d(dims(name)), "/as2d");
  }

  void add_spatial(Node g, const std::string& out, bool one_d) {
    if (!one_d) return add(std::move(g), {out});
    const Shape& y = dims(out);
    b_.add_node(std::move(g), {lift_1d(checked_shape(y, out))});
    ids_[out] = view_as(b_.graph().nodes.back().outputs[0], y, "/as1d");
  }

  void emit_conv(const onnx::NodeProto& n) {
    const Shape &x = dims(n.input(0)), &w = dims(n.input(1)), &y = dims(n.output(0));
    bool one_d = is_1d(x) && is_1d(w) && is_1d(y);
    if (!one_d && (x.size() != 4 || w.size() != 4 || y.size() != 4))
      return unsupported(n, "not 1-D or 2-D");
    bool transposed = n.op_type() == "ConvTranspose";
    Node g = make(transposed ? OpKind::ConvTranspose2d : OpKind::Conv2d, n.op_type());
    ConvAttrs& c = g.conv;
    c.groups = attr_int(n, "group", 1);
    if (c.groups <= 0) inconsistent("group " + std::to_string(c.groups));
    auto strides = attr_ints(n, "strides"), dil = attr_ints(n, "dilations"),
         pads = attr_ints(n, "pads");
    if (one_d) {
      if (strides.size() == 1) c.stride_w = strides[0];
      if (dil.size() == 1) c.dilation_w = dil[0];
      if (pads.size() == 2) c.pad_left = pads[0], c.pad_right = pads[1];
    } else {
      if (strides.size() == 2) c.stride_h = strides[0], c.stride_w = strides[1];
      if (dil.size() == 2) c.dilation_h = dil[0], c.dilation_w = dil[1];
      if (pads.size() == 4)
        c.pad_top = pads[0], c.pad_left = pads[1], c.pad_bottom = pads[2], c.pad_right = pads[3];
    }
    int64_t in_per_group = transposed ? w[0] / c.groups : w[1];
    if (transposed ? w[0] != x[1] : x[1] != in_per_group * c.groups)
      inconsistent("input " + shape_text(x) + " has " + std::to_string(x[1]) +
                   " channels but weight " + shape_text(w) + " with group " +
                   std::to_string(c.groups) + " expects " +
                   std::to_string(transposed ? w[0] : in_per_group * c.groups));
    if (!transposed) {
      const std::string auto_pad = attr_string(n, "auto_pad");
      size_t last = x.size() - 1;
      if (!one_d)
        same_pads(auto_pad, x[2], y[2], w[2], c.stride_h, c.dilation_h, c.pad_top, c.pad_bottom);
      same_pads(auto_pad, x[last], y[last], w[last], c.stride_w, c.dilation_w, c.pad_left,
                c.pad_right);
    }
    for (int i = 0; i < n.input_size(); ++i) {
      const std::string& in = n.input(i);
      if (in.empty()) continue;
      g.inputs.push_back(i < 2 ? spatial_input(in, one_d) : value(in));  // bias stays [K]
    }
    add_spatial(std::move(g), n.output(0), one_d);
  }

  void emit_pool(const onnx::NodeProto& n) {
    const Shape& x = dims(n.input(0));
    auto kernel = attr_ints(n, "kernel_shape"), strides = attr_ints(n, "strides"),
         pads = attr_ints(n, "pads"), dil = attr_ints(n, "dilations");
    bool one_d = is_1d(x) && kernel.size() == 1;
    if (!one_d && (x.size() != 4 || kernel.size() != 2)) return unsupported(n, "not 1-D or 2-D");
    Node g = make(n.op_type() == "MaxPool" ? OpKind::MaxPool : OpKind::AvgPool, n.op_type());
    PoolAttrs& p = g.pool;
    if (one_d) {
      p.kernel_h = 1, p.kernel_w = kernel[0];
      if (strides.size() == 1) p.stride_w = strides[0];
      if (pads.size() == 2) p.pad_left = pads[0], p.pad_right = pads[1];
    } else {
      p.kernel_h = kernel[0], p.kernel_w = kernel[1];
      if (strides.size() == 2) p.stride_h = strides[0], p.stride_w = strides[1];
      if (pads.size() == 4)
        p.pad_top = pads[0], p.pad_left = pads[1], p.pad_bottom = pads[2], p.pad_right = pads[3];
    }
    if (known(n.output(0))) {  // auto_pad resolved here, so every consumer sees the pads
      const std::string auto_pad = attr_string(n, "auto_pad");
      const Shape& y = dims(n.output(0));
      size_t last = x.size() - 1;
      if (!one_d)
        same_pads(auto_pad, x[2], y[2], p.kernel_h, p.stride_h, dil.size() == 2 ? dil[0] : 1,
                  p.pad_top, p.pad_bottom);
      same_pads(auto_pad, x[last], y[last], p.kernel_w, p.stride_w, dil.empty() ? 1 : dil.back(),
                p.pad_left, p.pad_right);
    }
    g.inputs = {spatial_input(n.input(0), one_d)};
    add_spatial(std::move(g), n.output(0), one_d);
  }

  void emit_fused(const FusedOp& f) {
    const onnx::NodeProto& anchor = node(f.anchor);
    const std::string& out = anchor.output(0);
    if (f.kind == OpKind::MatMul) {
      current_ = f.primary;
      emit_matmul(node(f.primary), f.inputs[2], out);
      return;
    }
    if (!known(out) || !known(f.inputs[0])) return unsupported(anchor, "unknown shape");
    Node g = make(f.kind, "fused:" + anchor.op_type());
    g.name = view_.node_name(f.anchor);
    g.axis = -1;
    for (const auto& in : f.inputs) g.inputs.push_back(value(in));
    add(std::move(g), {out});
  }

  const onnx::GraphProto& graph_;
  const GraphView& view_;
  const Fusions& fusions_;
  std::string name_;
  GraphBuilder b_;
  std::unordered_map<std::string, TensorId> ids_;
  std::map<std::string, int64_t> unsupported_;
  int current_ = 0;
};

}  // namespace

Lowered lower_graph(const onnx::GraphProto& graph, const GraphView& view, const Fusions& fusions,
                    const std::string& name) {
  return Lowerer(graph, view, fusions, name).run();
}

}  // namespace tessera::model::onnx_import
