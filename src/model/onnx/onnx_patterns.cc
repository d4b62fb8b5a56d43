#include "model/onnx/onnx_patterns.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

namespace tessera::model::onnx_import {
namespace {

// Elementwise and reduction ops that decomposed LayerNorm/GELU/swish/softmax are made of.
bool is_chain_op(const std::string& op) {
  static const std::set<std::string> kOps = {
      "Add",     "Sub",         "Mul",        "Div",       "Pow",       "Sqrt", "Erf",       "Tanh",
      "Sigmoid", "HardSigmoid", "ReduceMean", "ReduceMax", "ReduceSum", "Exp",  "Reciprocal"};
  return kOps.count(op) > 0;
}

class Matcher {
 public:
  Matcher(const GraphView& view, Fusions& fusions) : view_(view), f_(fusions) {}

  void fold_biases() {
    for (int i = 0; i < size(); ++i) {
      const auto& mm = node(i);
      bool gemm_without_bias =
          mm.op_type() == "Gemm" && (mm.input_size() < 3 || mm.input(2).empty());
      if ((mm.op_type() != "MatMul" && !gemm_without_bias) || mm.input_size() < 2) continue;
      if (view_.cls(mm.input(1)) != ValueClass::Weight || f_.absorbed[idx(i)]) continue;
      const std::string& out = mm.output(0);
      auto users = view_.consumers.find(out);
      if (users == view_.consumers.end() || users->second.size() != 1 ||
          view_.graph_outputs.count(out))
        continue;
      int a = users->second[0];
      const auto& add = node(a);
      if (add.op_type() != "Add" || add.input_size() != 2) continue;
      const std::string& bias = add.input(0) == out ? add.input(1) : add.input(0);
      const ValueShape* out_shape = view_.shape(out);
      if (view_.cls(bias) != ValueClass::Weight || !out_shape || out_shape->dims.empty() ||
          view_.elements(bias) != out_shape->dims.back())
        continue;
      FusedOp op;
      op.kind = OpKind::MatMul;
      op.primary = i;
      op.anchor = a;
      op.inputs = {mm.input(0), mm.input(1), bias};
      op.members = {i, a};
      record(std::move(op));
    }
  }

  void fold_chains() {
    // Graph inputs (sorted), then node outputs in topological order: deterministic.
    for (int i = -1; i < size(); ++i) {
      std::vector<std::string> values;
      if (i < 0) {
        for (const auto& [name, cls] : view_.value_class)
          if (cls == ValueClass::Activation && !view_.producer.count(name)) values.push_back(name);
        std::sort(values.begin(), values.end());
      } else {
        for (const auto& o : node(i).output())
          if (!o.empty() && view_.cls(o) == ValueClass::Activation) values.push_back(o);
      }
      for (const auto& x : values) try_chain(x);
    }
  }

 private:
  int size() const { return static_cast<int>(view_.nodes.size()); }
  static size_t idx(int i) { return static_cast<size_t>(i); }
  const onnx::NodeProto& node(int i) const { return *view_.nodes[idx(i)]; }

  void record(FusedOp op) {
    for (int m : op.members) f_.absorbed[idx(m)] = true;
    f_.fused_at[idx(op.anchor)] = static_cast<int>(f_.ops.size());
    f_.ops.push_back(std::move(op));
  }

  // Grows the set of chain ops fed only by x (and constants or weights), in topological
  // order, and keeps the largest prefix that is closed (only its last op's output escapes)
  // and spells a known op.
  void try_chain(const std::string& x) {
    auto users = view_.consumers.find(x);
    if (users == view_.consumers.end()) return;
    int start = *std::min_element(users->second.begin(), users->second.end());
    std::set<int> set;
    std::set<std::string> reach = {x};
    std::optional<FusedOp> best;
    for (int i = start; i < size() && i < start + 64 && set.size() < 12; ++i) {
      const auto& n = node(i);
      if (f_.absorbed[idx(i)] || !is_chain_op(n.op_type())) continue;
      bool uses = false, ok = n.output_size() == 1;
      for (const auto& in : n.input()) {
        if (in.empty()) continue;
        if (reach.count(in))
          uses = true;
        else if (view_.cls(in) == ValueClass::Activation)
          ok = false;
      }
      if (!ok || !uses) continue;
      set.insert(i);
      reach.insert(n.output(0));
      if (!closed(set, i)) continue;
      if (auto op = classify(set, x, i)) best = std::move(op);
    }
    if (best) record(std::move(*best));
  }

  bool closed(const std::set<int>& set, int sink) const {
    for (int m : set) {
      if (m == sink) continue;
      const std::string& out = node(m).output(0);
      if (view_.graph_outputs.count(out)) return false;
      auto users = view_.consumers.find(out);
      if (users == view_.consumers.end()) continue;
      for (int u : users->second)
        if (!set.count(u)) return false;
    }
    return true;
  }

  std::optional<FusedOp> classify(const std::set<int>& set, const std::string& x, int sink) const {
    std::map<std::string, int> count;
    for (int m : set) ++count[node(m).op_type()];
    auto only = [&](std::set<std::string> allowed) {
      for (const auto& [op, n] : count)
        if (!allowed.count(op)) return false;
      return true;
    };
    auto has = [&](const std::string& op) { return count.count(op) ? count.at(op) : 0; };
    const size_t n = set.size();
    FusedOp op;
    op.anchor = op.primary = sink;
    op.members.assign(set.begin(), set.end());
    op.inputs = {x};
    if (has("ReduceMean") == 2 && has("Sub") == 1 && has("Sqrt") == 1 && n >= 7 && n <= 9 &&
        only({"ReduceMean", "Sub", "Pow", "Mul", "Add", "Sqrt", "Div"}) && centres(set, x) &&
        over_last_axis(set, x)) {
      op.kind = OpKind::LayerNorm;
      add_weight_operand(op, set, "Mul");
      add_weight_operand(op, set, "Add");
      return op;
    }
    if (has("Erf") == 1 && n >= 4 && n <= 6 && only({"Div", "Mul", "Add", "Erf"})) {
      op.kind = OpKind::Gelu;
      return op;
    }
    if (has("Tanh") == 1 && n >= 5 && n <= 9 && only({"Mul", "Add", "Pow", "Tanh"})) {
      op.kind = OpKind::Gelu;
      return op;
    }
    if (n == 2 && has("Mul") == 1 && (has("Sigmoid") == 1 || has("HardSigmoid") == 1)) {
      const auto& mul = node(sink);
      if (mul.op_type() != "Mul" || (mul.input(0) != x && mul.input(1) != x)) return std::nullopt;
      op.kind = has("Sigmoid") ? OpKind::Swish : OpKind::HardSwish;
      return op;
    }
    if (has("Exp") == 1 && has("ReduceSum") == 1 && has("Div") == 1 && n >= 3 && n <= 5 &&
        only({"ReduceMax", "Sub", "Exp", "ReduceSum", "Div"})) {
      op.kind = OpKind::Softmax;
      return op;
    }
    return std::nullopt;
  }

  // A LayerNorm centres its own input (x - mean(x)); without this a scalar Mul in front of it
  // (x * c, then the LayerNorm) would be swallowed, and with it c's effect against epsilon.
  bool centres(const std::set<int>& set, const std::string& x) const {
    for (int m : set)
      if (node(m).op_type() == "Sub" && node(m).input(0) == x) return true;
    return false;
  }

  // The fused LayerNorm normalises the last axis; a hand-written one over the channels of NCHW
  // (ConvNeXt's channels_first LayerNorm: mean over axis 1) stays elementwise.
  bool over_last_axis(const std::set<int>& set, const std::string& x) const {
    const ValueShape* shape = view_.shape(x);
    if (!shape) return true;
    const int64_t rank = static_cast<int64_t>(shape->dims.size());
    for (int m : set) {
      const auto& n = node(m);
      if (n.op_type() != "ReduceMean") continue;
      std::vector<int64_t> axes = attr_ints(n, "axes");
      if (axes.empty() && n.input_size() > 1)
        if (auto a = view_.scalar(n.input(1))) axes = {static_cast<int64_t>(*a)};
      if (axes.size() > 1 || (axes.size() == 1 && axes[0] != -1 && axes[0] != rank - 1))
        return false;
    }
    return true;
  }

  void add_weight_operand(FusedOp& op, const std::set<int>& set, const std::string& type) const {
    for (int m : set)
      if (node(m).op_type() == type)
        for (const auto& in : node(m).input())
          if (view_.cls(in) == ValueClass::Weight) {
            op.inputs.push_back(in);
            return;
          }
  }

  const GraphView& view_;
  Fusions& f_;
};

}  // namespace

Fusions find_fusions(const GraphView& view) {
  Fusions f;
  f.fused_at.assign(view.nodes.size(), -1);
  f.absorbed.assign(view.nodes.size(), false);
  Matcher matcher(view, f);
  matcher.fold_biases();
  matcher.fold_chains();
  return f;
}

}  // namespace tessera::model::onnx_import
