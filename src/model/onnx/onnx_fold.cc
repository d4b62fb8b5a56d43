#include "model/onnx/onnx_fold.h"

#include <cmath>
#include <cstring>
#include <functional>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "model/onnx/onnx_local_shapes.h"
#include "model/onnx/onnx_view.h"

namespace tessera::model::onnx_import {
namespace {

constexpr int64_t kMaxFoldedElements = 4096;
// Each inference round resolves the shape computations of (at least) one more block of a deep
// network (its Reshape targets depend on the previous block's inferred shapes).
constexpr int kMaxRounds = 256;

struct Value {
  Shape dims;
  std::vector<double> data;
  bool is_int = true;
  int32_t type = 0;  // onnx::TensorProto::DataType; 0 = INT64 or FLOAT after is_int
  int32_t onnx_type() const {
    return type ? type : is_int ? onnx::TensorProto::INT64 : onnx::TensorProto::FLOAT;
  }
};
using Values = std::unordered_map<std::string, Value>;

bool is_int_type(int32_t t) {
  return t == onnx::TensorProto::INT64 || t == onnx::TensorProto::INT32 ||
         t == onnx::TensorProto::INT8 || t == onnx::TensorProto::UINT8 ||
         t == onnx::TensorProto::INT16 || t == onnx::TensorProto::BOOL;
}

int64_t count(const Shape& dims) {
  int64_t n = 1;
  for (int64_t d : dims) n = (d < 0 || n > kMaxFoldedElements) ? kMaxFoldedElements + 1 : n * d;
  return n;
}

std::optional<Value> from_tensor(const onnx::TensorProto& t) {
  Value v;
  v.dims.assign(t.dims().begin(), t.dims().end());
  int64_t n = count(v.dims);
  if (n > kMaxFoldedElements) return std::nullopt;
  v.is_int = is_int_type(t.data_type());
  v.type = t.data_type();
  const std::string& raw = t.raw_data();
  auto take = [&](auto sample) -> bool {
    using T = decltype(sample);
    if (raw.size() != static_cast<size_t>(n) * sizeof(T)) return false;
    for (int64_t i = 0; i < n; ++i) {
      T x;
      std::memcpy(&x, raw.data() + i * static_cast<int64_t>(sizeof(T)), sizeof(T));
      v.data.push_back(static_cast<double>(x));
    }
    return true;
  };
  bool ok = false;
  if (!raw.empty()) {
    switch (t.data_type()) {
      case onnx::TensorProto::INT64:
        ok = take(int64_t{});
        break;
      case onnx::TensorProto::INT32:
        ok = take(int32_t{});
        break;
      case onnx::TensorProto::FLOAT:
        ok = take(float{});
        break;
      case onnx::TensorProto::DOUBLE:
        ok = take(double{});
        break;
      case onnx::TensorProto::BOOL:
      case onnx::TensorProto::UINT8:
        ok = take(uint8_t{});
        break;
      case onnx::TensorProto::INT8:
        ok = take(int8_t{});
        break;
      default:
        ok = false;
    }
  } else {
    for (auto x : t.int64_data()) v.data.push_back(static_cast<double>(x));
    for (auto x : t.int32_data()) v.data.push_back(x);
    for (auto x : t.float_data()) v.data.push_back(x);
    for (auto x : t.double_data()) v.data.push_back(x);
    ok = static_cast<int64_t>(v.data.size()) == n;
  }
  if (!ok) return std::nullopt;
  return v;
}

// Elementwise with numpy broadcasting of a scalar/size-1 operand (the shapes of shape math).
std::optional<Value> broadcast(const Value& a, const Value& b,
                               const std::function<double(double, double)>& f) {
  Value out;
  out.is_int = a.is_int && b.is_int;
  out.type = a.onnx_type() == b.onnx_type() ? a.onnx_type() : 0;
  size_t n = std::max(a.data.size(), b.data.size());
  if (a.data.size() != n && a.data.size() != 1) return std::nullopt;
  if (b.data.size() != n && b.data.size() != 1) return std::nullopt;
  out.dims = a.data.size() >= b.data.size() ? a.dims : b.dims;
  if (a.dims.size() > out.dims.size() && a.data.size() == n) out.dims = a.dims;
  for (size_t i = 0; i < n; ++i) {
    double r = f(a.data[a.data.size() == 1 ? 0 : i], b.data[b.data.size() == 1 ? 0 : i]);
    out.data.push_back(out.is_int ? std::trunc(r) : r);
  }
  return out;
}

// Doubles from a hostile file may not fit: clamp before converting (keeps overflow defined).
int64_t to_i64(double x) {
  if (!(x == x)) return 0;  // NaN
  return static_cast<int64_t>(std::clamp(x, -4.0e18, 4.0e18));
}

int64_t norm_axis(int64_t axis, size_t rank) {
  return axis < 0 ? axis + static_cast<int64_t>(rank) : axis;
}

bool writable(int32_t type) {
  return type == onnx::TensorProto::INT64 || type == onnx::TensorProto::INT32 ||
         type == onnx::TensorProto::BOOL || type == onnx::TensorProto::INT8 ||
         type == onnx::TensorProto::UINT8 || type == onnx::TensorProto::INT16 ||
         type == onnx::TensorProto::FLOAT || type == onnx::TensorProto::DOUBLE;
}

class Folder {
 public:
  Folder(onnx::ModelProto& model, const ShapeMap& shapes) : model_(model), shapes_(shapes) {}

  // Evaluates what it can; rewrites inputs of non-folded nodes to folded initializers.
  // Returns whether anything new was written.
  bool run() {
    onnx::GraphProto& g = *model_.mutable_graph();
    for (const auto& t : g.initializer())
      if (auto v = from_tensor(t)) values_[t.name()] = std::move(*v);
    bool wrote = false;
    for (int i = 0; i < g.node_size(); ++i) {
      onnx::NodeProto& n = *g.mutable_node(i);
      if (n.output_size() > 0 && values_.count(n.output(0))) continue;
      std::optional<Value> v = evaluate(n);
      if (v && count(v->dims) <= kMaxFoldedElements &&
          static_cast<int64_t>(v->data.size()) == count(v->dims)) {
        values_[n.output(0)] = std::move(*v);
        continue;
      }
      infer_locally(n);
      for (int k = 0; k < n.input_size(); ++k) {
        const std::string& in = n.input(k);
        if (in.empty() || !values_.count(in) || is_initializer(in)) continue;
        // Only shape math is written back: float tensors (weights and their copies) stay.
        const Value& v = values_.at(in);
        if (!v.is_int && v.data.size() > 1) continue;
        if (!writable(v.onnx_type())) continue;
        n.set_input(k, write_initializer(in));
        wrote = true;
      }
    }
    return wrote;
  }

 private:
  bool is_initializer(const std::string& name) {
    if (initializer_names_.empty())
      for (const auto& t : model_.graph().initializer()) initializer_names_.insert(t.name());
    return initializer_names_.count(name) > 0;
  }

  std::string write_initializer(const std::string& name) {
    std::string folded = "tessera_folded::" + name;
    if (initializer_names_.count(folded)) return folded;
    const Value& v = values_.at(name);
    onnx::TensorProto* t = model_.mutable_graph()->add_initializer();
    t->set_name(folded);
    for (int64_t d : v.dims) t->add_dims(d);
    t->set_data_type(v.onnx_type());
    for (double x : v.data) {
      switch (v.onnx_type()) {
        case onnx::TensorProto::INT64:
          t->add_int64_data(to_i64(x));
          break;
        case onnx::TensorProto::DOUBLE:
          t->add_double_data(x);
          break;
        case onnx::TensorProto::FLOAT:
          t->add_float_data(static_cast<float>(x));
          break;
        default:
          t->add_int32_data(
              static_cast<int32_t>(std::clamp<int64_t>(to_i64(x), INT32_MIN, INT32_MAX)));
      }
    }
    initializer_names_.insert(folded);
    return folded;
  }

  // The shape of a value: inferred by libonnx, folded, or computed in this round.
  const Shape* shape_of(const std::string& name) const {
    auto it = shapes_.find(name);
    if (it != shapes_.end() && it->second.known) return &it->second.dims;
    auto local = local_shapes_.find(name);
    if (local != local_shapes_.end()) return &local->second;
    auto v = values_.find(name);
    return v != values_.end() ? &v->second.dims : nullptr;
  }

  // Output shapes libonnx has not inferred yet (see onnx_local_shapes.h), so that a Shape node
  // later in this round can be folded.
  void infer_locally(const onnx::NodeProto& n) {
    bool missing = false;
    for (const auto& o : n.output()) missing = missing || (!o.empty() && !shape_of(o));
    if (!missing) return;
    auto shapes = local_output_shapes(
        n, [this](const std::string& name) { return shape_of(name); },
        [this](const std::string& name) -> std::optional<std::vector<int64_t>> {
          auto it = values_.find(name);
          if (it == values_.end() || !it->second.is_int) return std::nullopt;
          std::vector<int64_t> out;
          for (double x : it->second.data) out.push_back(to_i64(x));
          return out;
        });
    for (int i = 0; i < n.output_size(); ++i)
      if (shapes[static_cast<size_t>(i)] && !n.output(i).empty() && !shape_of(n.output(i)))
        local_shapes_[n.output(i)] = std::move(*shapes[static_cast<size_t>(i)]);
  }

  const Value* in(const onnx::NodeProto& n, int i) const {
    if (i >= n.input_size() || n.input(i).empty()) return nullptr;
    auto it = values_.find(n.input(i));
    return it == values_.end() ? nullptr : &it->second;
  }

  std::optional<Value> evaluate(const onnx::NodeProto& n) const {
    const std::string& op = n.op_type();
    if (op == "Constant") {
      const auto* a = find_attr(n, "value");
      if (a && a->has_t()) return from_tensor(a->t());
      if ((a = find_attr(n, "value_int")))
        return Value{{}, {static_cast<double>(a->i())}, true, onnx::TensorProto::INT64};
      if ((a = find_attr(n, "value_ints")))
        return Value{
            {a->ints_size()}, {a->ints().begin(), a->ints().end()}, true, onnx::TensorProto::INT64};
      if ((a = find_attr(n, "value_float")))
        return Value{{}, {a->f()}, false, onnx::TensorProto::FLOAT};
      return std::nullopt;
    }
    if (op == "Shape" || op == "Size") {
      const Shape* known = n.input_size() ? shape_of(n.input(0)) : nullptr;
      if (!known) return std::nullopt;
      const Shape& s = *known;
      if (op == "Size") return Value{{}, {static_cast<double>(count(s))}, true};
      int64_t r = static_cast<int64_t>(s.size());
      int64_t start = norm_axis(attr_int(n, "start", 0), s.size());
      int64_t end = attr_int(n, "end", r);
      end = std::min(r, norm_axis(end, s.size()));
      start = std::clamp<int64_t>(start, 0, r);
      Value v{{std::max<int64_t>(0, end - start)}, {}, true};
      for (int64_t i = start; i < end; ++i)
        v.data.push_back(static_cast<double>(s[static_cast<size_t>(i)]));
      return v;
    }
    for (int i = 0; i < n.input_size(); ++i)
      if (!n.input(i).empty() && !in(n, i)) return std::nullopt;
    const Value* a = in(n, 0);
    const Value* b = in(n, 1);
    if (!a) {
      if (op == "ConstantOfShape") return std::nullopt;
      return std::nullopt;
    }
    if (op == "Identity") return *a;
    if (op == "Cast") {
      Value v = *a;
      v.type = static_cast<int32_t>(attr_int(n, "to", 1));
      v.is_int = is_int_type(v.type);
      if (v.is_int)
        for (double& x : v.data) x = std::trunc(x);
      return v;
    }
    if (op == "Neg" || op == "Sqrt" || op == "Floor" || op == "Ceil" || op == "Abs" ||
        op == "Reciprocal" || op == "Not") {
      Value v = *a;
      for (double& x : v.data)
        x = op == "Neg"     ? -x
            : op == "Sqrt"  ? std::sqrt(x)
            : op == "Floor" ? std::floor(x)
            : op == "Ceil"  ? std::ceil(x)
            : op == "Abs"   ? std::fabs(x)
            : op == "Not"   ? !x
                            : 1 / x;
      return v;
    }
    if (b && (op == "Add" || op == "Sub" || op == "Mul" || op == "Div" || op == "Max" ||
              op == "Min" || op == "Equal" || op == "Less" || op == "Greater" || op == "Mod" ||
              op == "Pow" || op == "And" || op == "Or")) {
      bool ints = a->is_int && b->is_int;
      auto r = broadcast(*a, *b, [&](double x, double y) -> double {
        if (op == "Add") return x + y;
        if (op == "Sub") return x - y;
        if (op == "Mul") return x * y;
        if (op == "Div") return y == 0 ? 0 : ints ? std::trunc(x / y) : x / y;
        if (op == "Max") return std::max(x, y);
        if (op == "Min") return std::min(x, y);
        if (op == "Mod") return y == 0 ? 0 : std::fmod(x, y);
        if (op == "Pow") return std::pow(x, y);
        if (op == "Less") return x < y;
        if (op == "Greater") return x > y;
        if (op == "And") return x && y;
        if (op == "Or") return x || y;
        return x == y;
      });
      if (r && (op == "Equal" || op == "Less" || op == "Greater" || op == "And" || op == "Or")) {
        r->is_int = true;
        r->type = onnx::TensorProto::BOOL;
      }
      return r;
    }
    if (op == "Where" && b && in(n, 2)) {
      const Value& c = *in(n, 2);
      size_t size = std::max({a->data.size(), b->data.size(), c.data.size()});
      Value v{a->data.size() == size   ? a->dims
              : b->data.size() == size ? b->dims
                                       : c.dims,
              {},
              b->is_int && c.is_int,
              b->type};
      for (size_t i = 0; i < size; ++i) {
        auto at = [&](const Value& x) {
          return x.data[x.data.size() == 1 ? 0 : i % x.data.size()];
        };
        v.data.push_back(at(*a) != 0 ? at(*b) : at(c));
      }
      return v;
    }
    if (op == "Unsqueeze" || op == "Squeeze") {
      std::vector<int64_t> axes = attr_ints(n, "axes");
      if (b) {
        axes.clear();
        for (double x : b->data) axes.push_back(to_i64(x));
      }
      Value v = *a;
      if (op == "Unsqueeze") {
        size_t rank = a->dims.size() + axes.size();
        std::vector<bool> inserted(rank, false);
        for (int64_t ax : axes) {
          int64_t k = norm_axis(ax, rank);
          if (k < 0 || k >= static_cast<int64_t>(rank)) return std::nullopt;
          inserted[static_cast<size_t>(k)] = true;
        }
        v.dims.clear();
        size_t src = 0;
        for (size_t i = 0; i < rank; ++i) v.dims.push_back(inserted[i] ? 1 : a->dims.at(src++));
      } else {
        v.dims.clear();
        for (size_t i = 0; i < a->dims.size(); ++i) {
          bool drop = axes.empty() ? a->dims[i] == 1 : false;
          for (int64_t ax : axes)
            drop = drop || norm_axis(ax, a->dims.size()) == static_cast<int64_t>(i);
          if (!drop) v.dims.push_back(a->dims[i]);
        }
      }
      return v;
    }
    if (op == "Concat") {
      Value v{{0}, {}, true};
      for (int i = 0; i < n.input_size(); ++i) {
        const Value* x = in(n, i);
        if (!x || x->dims.size() > 1) return std::nullopt;
        v.data.insert(v.data.end(), x->data.begin(), x->data.end());
        v.is_int = v.is_int && x->is_int;
        v.type = x->onnx_type();
      }
      v.dims = {static_cast<int64_t>(v.data.size())};
      return v;
    }
    if (op == "Gather" && b && a->dims.size() == 1) {
      Value v{b->dims, {}, a->is_int, a->type};
      int64_t size = static_cast<int64_t>(a->data.size());
      for (double idx : b->data) {
        int64_t k = to_i64(idx) < 0 ? to_i64(idx) + size : to_i64(idx);
        if (k < 0 || k >= size) return std::nullopt;
        v.data.push_back(a->data[static_cast<size_t>(k)]);
      }
      return v;
    }
    if (op == "Slice" && a->dims.size() == 1) {
      const Value *starts = b, *ends = in(n, 2), *steps = in(n, 4);
      std::vector<int64_t> st = attr_ints(n, "starts"), en = attr_ints(n, "ends");
      if (starts)
        for (double x : starts->data) st.push_back(to_i64(x));
      if (ends)
        for (double x : ends->data) en.push_back(to_i64(x));
      int64_t step = steps && steps->data.size() == 1 ? to_i64(steps->data[0]) : 1;
      if (st.size() != 1 || en.size() != 1 || step == 0) return std::nullopt;
      int64_t size = static_cast<int64_t>(a->data.size());
      auto clampi = [&](int64_t x, int64_t lo, int64_t hi) {
        if (x < 0) x += size;
        return std::clamp(x, lo, hi);
      };
      int64_t s = clampi(st[0], step > 0 ? 0 : -1, step > 0 ? size : size - 1);
      int64_t e = clampi(std::clamp<int64_t>(en[0], -size - 1, size), step > 0 ? 0 : -1,
                         step > 0 ? size : size - 1);
      Value v{{0}, {}, a->is_int, a->type};
      for (int64_t i = s; step > 0 ? i < e : i > e; i += step)
        v.data.push_back(a->data[static_cast<size_t>(i)]);
      v.dims = {static_cast<int64_t>(v.data.size())};
      return v;
    }
    // Small N-D integer tensors: Slice along given axes and Transpose (PyTorch's F.pad builds its
    // pads as Reshape([-1, 2]) -> Slice(step -1 on axis 0) -> Transpose -> Reshape).
    if (op == "Slice" && a->is_int && a->dims.size() > 1 && b && in(n, 2)) {
      const size_t rank = a->dims.size();
      std::vector<int64_t> start(rank, 0), step(rank, 1), ext(a->dims.begin(), a->dims.end());
      const Value *ends = in(n, 2), *axes = in(n, 3), *steps = in(n, 4);
      for (size_t k = 0; k < b->data.size(); ++k) {
        int64_t axis = axes && k < axes->data.size() ? to_i64(axes->data[k]) : int64_t(k);
        axis = norm_axis(axis, rank);
        if (axis < 0 || axis >= int64_t(rank) || k >= ends->data.size()) return std::nullopt;
        int64_t d = a->dims[size_t(axis)],
                st = steps && k < steps->data.size() ? to_i64(steps->data[k]) : 1;
        if (st == 0) return std::nullopt;
        auto clampi = [&](int64_t x) {
          x = std::clamp<int64_t>(x, -d - 1, d);
          if (x < 0) x += d;
          return st > 0 ? std::clamp<int64_t>(x, 0, d) : std::clamp<int64_t>(x, -1, d - 1);
        };
        int64_t s0 = clampi(to_i64(b->data[k])), e0 = clampi(to_i64(ends->data[k]));
        int64_t len = st > 0 ? std::max<int64_t>(0, (e0 - s0 + st - 1) / st)
                             : std::max<int64_t>(0, (s0 - e0 - st - 1) / -st);
        start[size_t(axis)] = s0, step[size_t(axis)] = st, ext[size_t(axis)] = len;
      }
      Value v{ext, {}, a->is_int, a->type};
      for (int64_t i = 0; i < count(ext); ++i) {
        int64_t rest = i, offset = 0, stride = 1;
        for (size_t ax = rank; ax-- > 0;) {
          int64_t c = rest % ext[ax];
          rest /= ext[ax];
          offset += (start[ax] + c * step[ax]) * stride;
          stride *= a->dims[ax];
        }
        v.data.push_back(a->data[size_t(offset)]);
      }
      return v;
    }
    if (op == "Transpose" && a->is_int) {
      const size_t rank = a->dims.size();
      std::vector<int64_t> perm = attr_ints(n, "perm");
      if (perm.empty())
        for (size_t i = rank; i-- > 0;) perm.push_back(int64_t(i));
      if (perm.size() != rank) return std::nullopt;
      Value v{{}, {}, a->is_int, a->type};
      std::vector<int64_t> strides(rank, 1);
      for (size_t ax = rank; ax-- > 1;) strides[ax - 1] = strides[ax] * a->dims[ax];
      for (int64_t p : perm) {
        if (p < 0 || p >= int64_t(rank)) return std::nullopt;
        v.dims.push_back(a->dims[size_t(p)]);
      }
      for (int64_t i = 0; i < count(v.dims); ++i) {
        int64_t rest = i, offset = 0;
        for (size_t ax = rank; ax-- > 0;) {
          offset += (rest % v.dims[ax]) * strides[size_t(perm[ax])];
          rest /= v.dims[ax];
        }
        v.data.push_back(a->data[size_t(offset)]);
      }
      return v;
    }
    if (op == "Range" && b && in(n, 2)) {
      double start = a->data.at(0), limit = b->data.at(0), delta = in(n, 2)->data.at(0);
      if (delta == 0) return std::nullopt;
      Value v{{0}, {}, a->is_int, a->type};
      for (double x = start; delta > 0 ? x < limit : x > limit; x += delta) {
        if (static_cast<int64_t>(v.data.size()) >= kMaxFoldedElements) return std::nullopt;
        v.data.push_back(x);
      }
      v.dims = {static_cast<int64_t>(v.data.size())};
      return v;
    }
    if (op == "ConstantOfShape") {
      Value v{{}, {}, false, onnx::TensorProto::FLOAT};  // ONNX's default fill: float 0
      for (double d : a->data) v.dims.push_back(to_i64(d));
      if (count(v.dims) > kMaxFoldedElements) return std::nullopt;
      double fill = 0;
      if (const auto* attr = find_attr(n, "value"); attr && attr->has_t())
        if (auto f = from_tensor(attr->t()); f && f->data.size() == 1) {
          fill = f->data[0];
          v.is_int = f->is_int;
          v.type = f->type;
        }
      v.data.assign(static_cast<size_t>(count(v.dims)), fill);
      return v;
    }
    if (op == "Reshape" && b) {
      Value v = *a;
      v.dims.clear();
      int64_t known = 1, infer = -1;
      for (size_t i = 0; i < b->data.size(); ++i) {
        int64_t d = to_i64(b->data[i]);
        if (d < -1 || d > kMaxFoldedElements) return std::nullopt;
        if (d == 0 && i < a->dims.size()) d = a->dims[i];
        if (d == -1)
          infer = static_cast<int64_t>(i);
        else
          known *= d;
        v.dims.push_back(d);
      }
      if (infer >= 0 && known > 0)
        v.dims[static_cast<size_t>(infer)] = static_cast<int64_t>(a->data.size()) / known;
      return v;
    }
    return std::nullopt;
  }

  onnx::ModelProto& model_;
  const ShapeMap& shapes_;
  Values values_;
  std::unordered_map<std::string, Shape> local_shapes_;  // computed in this round
  std::unordered_set<std::string> initializer_names_;
};

// ONNX 1.12 infers only the rank of an Einsum's output; its dimensions follow from the equation.
// Writes them into value_info. Returns whether anything was written.
bool patch_einsum_shapes(onnx::ModelProto& model, const ShapeMap& shapes) {
  bool wrote = false;
  onnx::GraphProto& g = *model.mutable_graph();
  for (const auto& n : g.node()) {
    if (n.op_type() != "Einsum" || n.output_size() != 1) continue;
    auto out = shapes.find(n.output(0));
    if (out != shapes.end() && out->second.known) continue;
    std::string eq;
    for (char ch : attr_string(n, "equation"))
      if (ch != ' ') eq += ch;
    size_t arrow = eq.find("->");
    if (arrow == std::string::npos || eq.find('.') != std::string::npos) continue;
    std::unordered_map<char, int64_t> size;
    std::string lhs = eq.substr(0, arrow) + ",";
    int operand = 0;
    bool ok = true;
    for (size_t start = 0, comma; (comma = lhs.find(',', start)) != std::string::npos;
         start = comma + 1, ++operand) {
      std::string labels = lhs.substr(start, comma - start);
      auto in = operand < n.input_size() ? shapes.find(n.input(operand)) : shapes.end();
      if (in == shapes.end() || !in->second.known || in->second.dims.size() != labels.size()) {
        ok = false;
        break;
      }
      for (size_t i = 0; i < labels.size(); ++i)
        size[labels[i]] = std::max(size[labels[i]], in->second.dims[i]);
    }
    if (!ok || operand != n.input_size()) continue;
    onnx::ValueInfoProto* info = nullptr;
    for (auto& v : *g.mutable_value_info())
      if (v.name() == n.output(0)) info = &v;
    if (!info) {
      info = g.add_value_info();
      info->set_name(n.output(0));
    }
    auto* type = info->mutable_type()->mutable_tensor_type();
    if (type->elem_type() == 0) type->set_elem_type(shapes.at(n.input(0)).elem_type);
    type->mutable_shape()->clear_dim();
    for (char ch : eq.substr(arrow + 2)) {
      if (!size.count(ch)) return wrote;
      type->mutable_shape()->add_dim()->set_dim_value(size[ch]);
    }
    wrote = true;
  }
  return wrote;
}

}  // namespace

ShapeMap fold_and_infer(onnx::ModelProto& model, const std::string& name) {
  ShapeMap shapes = infer_shapes(model, name);
  for (int round = 0; round < kMaxRounds; ++round) {
    Folder folder(model, shapes);
    bool folded = folder.run();
    bool patched = patch_einsum_shapes(model, shapes);
    if (!folded && !patched) break;
    shapes = infer_shapes(model, name);
  }
  return shapes;
}

}  // namespace tessera::model::onnx_import
