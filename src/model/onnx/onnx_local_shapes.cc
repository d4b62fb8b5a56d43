#include "model/onnx/onnx_local_shapes.h"

#include <algorithm>
#include <set>

#include "model/onnx/onnx_view.h"

namespace tessera::model::onnx_import {
namespace {

using MaybeShape = std::optional<Shape>;

const std::set<std::string>& same_shape_ops() {
  static const std::set<std::string> ops = {"Relu",
                                            "Tanh",
                                            "Sigmoid",
                                            "Erf",
                                            "Sqrt",
                                            "Neg",
                                            "Cast",
                                            "Identity",
                                            "Dropout",
                                            "Softmax",
                                            "LogSoftmax",
                                            "Exp",
                                            "Log",
                                            "Abs",
                                            "Not",
                                            "Gelu",
                                            "LayerNormalization",
                                            "Clip",
                                            "LeakyRelu",
                                            "HardSigmoid",
                                            "HardSwish",
                                            "Reciprocal",
                                            "Floor",
                                            "Ceil",
                                            "Elu",
                                            "Selu",
                                            "Softplus",
                                            "BatchNormalization",
                                            "InstanceNormalization"};
  return ops;
}

const std::set<std::string>& broadcast_ops() {
  static const std::set<std::string> ops = {"Add",     "Sub", "Mul", "Div", "Pow", "Equal", "Less",
                                            "Greater", "And", "Or",  "Max", "Min", "Where", "Mod"};
  return ops;
}

MaybeShape broadcast(const std::vector<const Shape*>& in) {
  size_t rank = 0;
  for (const Shape* s : in) rank = std::max(rank, s->size());
  Shape out(rank, 1);
  for (const Shape* s : in)
    for (size_t k = 0; k < s->size(); ++k) {
      int64_t d = (*s)[s->size() - 1 - k];
      int64_t& o = out[rank - 1 - k];
      if (d == o || d == 1) continue;
      if (o != 1) return std::nullopt;
      o = d;
    }
  return out;
}

std::optional<size_t> axis_of(int64_t axis, size_t rank) {
  if (axis < 0) axis += static_cast<int64_t>(rank);
  if (axis < 0 || axis >= static_cast<int64_t>(rank)) return std::nullopt;
  return static_cast<size_t>(axis);
}

// Axes from the attribute (older opsets) or the second input (newer ones).
std::optional<std::vector<int64_t>> axes_of(const onnx::NodeProto& n, const IntsLookup& ints_of) {
  if (find_attr(n, "axes")) return attr_ints(n, "axes");
  if (n.input_size() > 1 && !n.input(1).empty()) return ints_of(n.input(1));
  return std::vector<int64_t>{};
}

// a * b, or nullopt past 2^62 (dimensions come from the file: a hostile one may overflow).
std::optional<int64_t> times(int64_t a, int64_t b) {
  if (a < 0 || b < 0 || (b != 0 && a > (int64_t{1} << 62) / b)) return std::nullopt;
  return a * b;
}

MaybeShape matmul(const Shape& a, const Shape& b) {
  if (a.size() < 2 || b.size() < 2 || a.back() != b[b.size() - 2]) return std::nullopt;
  Shape ba(a.begin(), a.end() - 2), bb(b.begin(), b.end() - 2);
  MaybeShape batch = broadcast({&ba, &bb});
  if (!batch) return std::nullopt;
  batch->push_back(a[a.size() - 2]);
  batch->push_back(b.back());
  return batch;
}

MaybeShape reshape(const onnx::NodeProto& n, const Shape& x, const std::vector<int64_t>& target) {
  int64_t total = 1, known = 1;
  for (int64_t d : x) {
    auto t = times(total, d);
    if (!t) return std::nullopt;
    total = *t;
  }
  Shape out;
  int infer = -1;
  for (size_t i = 0; i < target.size(); ++i) {
    int64_t d = target[i];
    if (d == 0 && attr_int(n, "allowzero", 0) == 0) {
      if (i >= x.size()) return std::nullopt;
      d = x[i];
    }
    if (d == -1) {
      if (infer >= 0) return std::nullopt;
      infer = static_cast<int>(i);
      out.push_back(1);
      continue;
    }
    if (d <= 0) return std::nullopt;
    auto k = times(known, d);
    if (!k) return std::nullopt;
    known = *k;
    out.push_back(d);
  }
  if (infer >= 0) {
    if (total % known != 0) return std::nullopt;
    out[static_cast<size_t>(infer)] = total / known;
  } else if (known != total) {
    return std::nullopt;
  }
  return out;
}

}  // namespace

std::vector<std::optional<Shape>> local_output_shapes(const onnx::NodeProto& n,
                                                      const ShapeLookup& shape_of,
                                                      const IntsLookup& ints_of) {
  std::vector<MaybeShape> outs(static_cast<size_t>(n.output_size()));
  if (outs.empty()) return outs;
  const std::string& op = n.op_type();
  std::vector<const Shape*> in;
  for (const auto& name : n.input()) {
    const Shape* s = name.empty() ? nullptr : shape_of(name);
    in.push_back(s);
  }
  auto have = [&](size_t count) {
    if (in.size() < count) return false;
    for (size_t i = 0; i < count; ++i)
      if (!in[i]) return false;
    return true;
  };
  MaybeShape& out = outs[0];
  if (same_shape_ops().count(op) && have(1)) {
    out = *in[0];
  } else if (broadcast_ops().count(op) && have(in.size()) && !in.empty()) {
    out = broadcast(in);
  } else if (op == "MatMul" && have(2)) {
    out = matmul(*in[0], *in[1]);
  } else if (op == "Gemm" && have(2) && in[0]->size() == 2 && in[1]->size() == 2) {
    Shape a = *in[0], b = *in[1];
    if (attr_int(n, "transA", 0)) std::swap(a[0], a[1]);
    if (attr_int(n, "transB", 0)) std::swap(b[0], b[1]);
    out = matmul(a, b);
  } else if (op == "Transpose" && have(1)) {
    std::vector<int64_t> perm = attr_ints(n, "perm");
    const Shape& x = *in[0];
    if (perm.empty())
      for (size_t i = x.size(); i-- > 0;) perm.push_back(static_cast<int64_t>(i));
    if (perm.size() != x.size()) return outs;
    Shape s;
    for (int64_t p : perm) {
      auto a = axis_of(p, x.size());
      if (!a) return outs;
      s.push_back(x[*a]);
    }
    out = s;
  } else if (op == "Reshape" && have(1) && n.input_size() > 1) {
    if (auto target = ints_of(n.input(1))) out = reshape(n, *in[0], *target);
  } else if (op == "Flatten" && have(1)) {
    auto a = axis_of(attr_int(n, "axis", 1), in[0]->size() + 1);
    if (!a) return outs;
    int64_t lead = 1, rest = 1;
    for (size_t i = 0; i < in[0]->size(); ++i) {
      int64_t& part = i < *a ? lead : rest;
      auto p = times(part, (*in[0])[i]);
      if (!p) return outs;
      part = *p;
    }
    out = Shape{lead, rest};
  } else if ((op == "Unsqueeze" || op == "Squeeze") && have(1)) {
    auto axes = axes_of(n, ints_of);
    if (!axes) return outs;
    Shape x = *in[0];
    if (op == "Squeeze") {
      std::set<size_t> drop;
      for (int64_t a : *axes)
        if (auto ax = axis_of(a, x.size())) drop.insert(*ax);
      Shape s;
      for (size_t i = 0; i < x.size(); ++i)
        if (!(drop.count(i) || (axes->empty() && x[i] == 1))) s.push_back(x[i]);
      out = s;
    } else {
      size_t rank = x.size() + axes->size();
      std::set<size_t> add;
      for (int64_t a : *axes)
        if (auto ax = axis_of(a, rank)) add.insert(*ax);
      if (add.size() != axes->size()) return outs;
      Shape s;
      for (size_t i = 0, k = 0; i < rank; ++i) s.push_back(add.count(i) ? 1 : x[k++]);
      out = s;
    }
  } else if (op.rfind("Reduce", 0) == 0 && have(1)) {
    auto axes = axes_of(n, ints_of);
    if (!axes) return outs;
    const Shape& x = *in[0];
    bool keep = attr_int(n, "keepdims", 1) != 0;
    if (axes->empty() && attr_int(n, "noop_with_empty_axes", 0)) return outs;
    std::set<size_t> red;
    for (int64_t a : *axes)
      if (auto ax = axis_of(a, x.size())) red.insert(*ax);
    Shape s;
    for (size_t i = 0; i < x.size(); ++i) {
      bool r = axes->empty() || red.count(i);
      if (!r) s.push_back(x[i]);
      if (r && keep) s.push_back(1);
    }
    out = s;
  } else if (op == "Split" && have(1)) {
    auto a = axis_of(attr_int(n, "axis", 0), in[0]->size());
    if (!a) return outs;
    std::vector<int64_t> sizes = attr_ints(n, "split");
    if (sizes.empty() && n.input_size() > 1 && !n.input(1).empty()) {
      auto s = ints_of(n.input(1));
      if (!s) return outs;
      sizes = *s;
    }
    int64_t extent = (*in[0])[*a];
    if (sizes.empty() && extent % n.output_size() == 0)
      sizes.assign(static_cast<size_t>(n.output_size()), extent / n.output_size());
    if (static_cast<int>(sizes.size()) != n.output_size()) return outs;
    for (size_t i = 0; i < sizes.size(); ++i) {
      if (sizes[i] <= 0) return std::vector<MaybeShape>(outs.size());
      Shape s = *in[0];
      s[*a] = sizes[i];
      outs[i] = s;
    }
  } else if (op == "Slice" && have(1)) {
    // GPT-2's causal mask: bias[:, :, k - q:k, :k] of a [1, 1, 1024, 1024] buffer.
    auto operand = [&](int i, const char* name) -> std::optional<std::vector<int64_t>> {
      if (find_attr(n, name)) return attr_ints(n, name);
      if (n.input_size() > i && !n.input(i).empty()) return ints_of(n.input(i));
      return i >= 3 ? std::optional<std::vector<int64_t>>(std::vector<int64_t>{}) : std::nullopt;
    };
    auto starts = operand(1, "starts"), ends = operand(2, "ends");
    auto axes = operand(3, "axes"), steps = operand(4, "steps");
    if (!starts || !ends || !axes || !steps || starts->size() != ends->size()) return outs;
    Shape s = *in[0];
    for (size_t k = 0; k < starts->size(); ++k) {
      auto a = axis_of(k < axes->size() ? (*axes)[k] : static_cast<int64_t>(k), s.size());
      int64_t step = k < steps->size() ? (*steps)[k] : 1;
      if (!a || step != 1) return outs;
      int64_t d = s[*a];
      auto clamp = [d](int64_t x) { return std::clamp<int64_t>(x < 0 ? x + d : x, 0, d); };
      s[*a] = std::max<int64_t>(0, clamp((*ends)[k]) - clamp((*starts)[k]));
    }
    out = s;
  } else if (op == "Gather" && have(2)) {
    auto a = axis_of(attr_int(n, "axis", 0), in[0]->size());
    if (!a) return outs;
    Shape s(in[0]->begin(), in[0]->begin() + static_cast<int64_t>(*a));
    s.insert(s.end(), in[1]->begin(), in[1]->end());
    s.insert(s.end(), in[0]->begin() + static_cast<int64_t>(*a) + 1, in[0]->end());
    out = s;
  } else if (op == "Concat" && have(in.size()) && !in.empty()) {
    auto a = axis_of(attr_int(n, "axis", 0), in[0]->size());
    if (!a) return outs;
    Shape s = *in[0];
    s[*a] = 0;
    for (const Shape* x : in) {
      if (x->size() != s.size()) return outs;
      if ((*x)[*a] > (int64_t{1} << 62) - s[*a]) return outs;
      s[*a] += (*x)[*a];
    }
    out = s;
  }
  for (MaybeShape& s : outs)
    if (s && std::any_of(s->begin(), s->end(), [](int64_t d) { return d <= 0; })) s.reset();
  return outs;
}

}  // namespace tessera::model::onnx_import
