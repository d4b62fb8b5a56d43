// Evaluates the static part of an ONNX graph (see onnx_statics.h). Values are small (shape
// vectors, masks of [seq, seq]); doubles hold every integer an exporter writes exactly. Large
// integer buffers (a [1, 1, 4096, 4096] tril mask) stay packed and are read through views: the
// Slice that cuts them to the sequence reads only the elements it keeps.
#include "run/onnx_statics.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <optional>

namespace tessera::run {
namespace {

constexpr int64_t kMaxElements = kMaxStaticElements;

int64_t count_of(const std::vector<int64_t>& dims) {
  int64_t n = 1;
  for (int64_t d : dims) n *= d;
  return n;
}

std::vector<int64_t> broadcast_dims(std::vector<int64_t> a, std::vector<int64_t> b) {
  if (a.size() < b.size()) a.insert(a.begin(), b.size() - a.size(), 1);
  if (b.size() < a.size()) b.insert(b.begin(), a.size() - b.size(), 1);
  for (size_t i = 0; i < a.size(); ++i) a[i] = a[i] == 1 ? b[i] : a[i];
  return a;
}

// Offset into a tensor of `in` dims broadcast to `out` dims for the flat output index `i`.
int64_t broadcast_offset(int64_t i, const std::vector<int64_t>& out,
                         const std::vector<int64_t>& in) {
  int64_t offset = 0, stride = 1;
  for (size_t k = 0; k < out.size(); ++k) {
    size_t o = out.size() - 1 - k;
    int64_t coord = i % out[o];
    i /= out[o];
    if (k < in.size()) {
      int64_t d = in[in.size() - 1 - k];
      offset += (d == 1 ? 0 : coord) * stride;
      stride *= d;
    }
  }
  return offset;
}

std::vector<int64_t> as_ints(const StaticValue& v) {
  std::vector<int64_t> out;
  for (double x : v.data) out.push_back(static_cast<int64_t>(x));
  return out;
}

int64_t attr(const OnnxNodeInfo& n, const std::string& name, int64_t fallback) {
  auto it = n.ints.find(name);
  return it == n.ints.end() || it->second.empty() ? fallback : it->second[0];
}

bool integer_type(int64_t onnx_type) {
  return onnx_type != 1 && onnx_type != 10 && onnx_type != 11 && onnx_type != 16;
}

// Values of a packed constant as doubles (an op other than a view reads every element).
StaticValue unpacked(const StaticValue& v) {
  StaticValue out;
  out.dims = v.dims;
  out.integer = v.integer;
  out.data.resize(static_cast<size_t>(v.elements()));
  for (int64_t i = 0; i < v.elements(); ++i) out.data[static_cast<size_t>(i)] = v.at(i);
  return out;
}

std::string too_large_line(const std::string& value, const std::string& what, int64_t count) {
  return "'" + value + "' (" + what + ", " + std::to_string(count) +
         " elements) is over the limit of " + std::to_string(kMaxElements) +
         " elements for values computed at load time";
}

class Evaluator {
 public:
  Evaluator(std::map<std::string, StaticValue>& values, const model::Graph& graph,
            const std::map<std::string, std::vector<int64_t>>& shapes,
            std::map<std::string, std::string>& too_large)
      : values_(values), shapes_(shapes), too_large_(too_large) {
    for (const model::Tensor& t : graph.tensors) shapes_.emplace(t.name, t.shape);
  }

  std::optional<StaticValue> eval(const OnnxNodeInfo& n) {
    std::optional<StaticValue> v = eval_op(n);
    if (v && !v->packed && v->elements() > kMaxElements && !n.outputs.empty()) {
      too_large_[n.outputs[0]] = too_large_line(n.outputs[0], n.op_type, v->elements());
      return std::nullopt;
    }
    return v;
  }

 private:
  // Refuses (and says why) an op whose result would exceed the limit.
  std::optional<StaticValue> refuse(const OnnxNodeInfo& n, int64_t count) {
    if (!n.outputs.empty())
      too_large_[n.outputs[0]] = too_large_line(n.outputs[0], n.op_type, count);
    return std::nullopt;
  }

  std::optional<StaticValue> eval_op(const OnnxNodeInfo& n) {
    const std::string& op = n.op_type;
    if (op == "Constant") {
      if (!n.tensors.empty()) return n.tensors.begin()->second;
      auto it = n.ints.find("value_ints");
      if (it != n.ints.end())
        return ints_value(it->second, {static_cast<int64_t>(it->second.size())});
      it = n.ints.find("value_int");
      if (it != n.ints.end()) return ints_value(it->second, {});
      return std::nullopt;
    }
    if (op == "Shape") {
      auto it = shapes_.find(input(n, 0));
      if (it == shapes_.end()) return std::nullopt;
      std::vector<int64_t> s = it->second;
      int64_t rank = static_cast<int64_t>(s.size());
      int64_t start = clamp_axis(attr(n, "start", 0), rank),
              end = clamp_axis(attr(n, "end", rank), rank);
      std::vector<int64_t> part(s.begin() + start, s.begin() + std::max(start, end));
      return ints_value(part, {static_cast<int64_t>(part.size())});
    }
    std::vector<const StaticValue*> in;
    for (const std::string& name : n.inputs) {
      if (name.empty()) {
        in.push_back(nullptr);
        continue;
      }
      auto it = values_.find(name);
      if (it == values_.end()) return std::nullopt;
      in.push_back(&it->second);
    }
    if (in.empty() || !in[0]) return std::nullopt;
    // Views read a packed constant in place; every other op gets its values as doubles, which
    // is refused above the limit (the op's result would be as large).
    const bool view = op == "Identity" || op == "Unsqueeze" || op == "Squeeze" || op == "Reshape" ||
                      op == "Flatten" || op == "Slice" || op == "Gather";
    std::vector<StaticValue> unpacked_inputs;
    unpacked_inputs.reserve(in.size());
    for (size_t i = 0; i < in.size(); ++i) {
      if (!in[i] || !in[i]->packed || (view && i == 0)) continue;
      if (in[i]->elements() > kMaxElements) return refuse(n, in[i]->elements());
      unpacked_inputs.push_back(unpacked(*in[i]));
      in[i] = &unpacked_inputs.back();
    }
    const StaticValue& a = *in[0];
    if (op == "Identity") return a;
    if (op == "Cast") {
      StaticValue v = a;
      v.integer = integer_type(attr(n, "to", 1));
      if (v.integer)
        for (double& x : v.data) x = attr(n, "to", 1) == 9 ? (x != 0) : std::trunc(x);
      return v;
    }
    if (op == "Sqrt" || op == "Neg" || op == "Not") {
      StaticValue v = a;
      for (double& x : v.data) x = op == "Sqrt" ? std::sqrt(x) : op == "Neg" ? -x : !x;
      return v;
    }
    if (op == "Unsqueeze" || op == "Squeeze" || op == "Reshape" || op == "Flatten") {
      return reshaped(n, in, a);
    }
    if (in.size() >= 2 && in[1] && is_binary(op)) return binary(n, a, *in[1]);
    if (op == "Where" && in.size() == 3 && in[1] && in[2]) return where(n, a, *in[1], *in[2]);
    // Hugging Face BertModel expands its token_type_ids buffer to the input's batch before the
    // token-type embedding lookup: the lookup's indices are this Expand's output.
    if (op == "Expand" && in.size() == 2 && in[1]) {
      StaticValue v;
      v.integer = a.integer;
      v.dims = broadcast_dims(a.dims, as_ints(*in[1]));
      if (count_of(v.dims) > kMaxElements) return refuse(n, count_of(v.dims));
      for (int64_t i = 0; i < count_of(v.dims); ++i)
        v.data.push_back(a.data.at(static_cast<size_t>(broadcast_offset(i, v.dims, a.dims))));
      return v;
    }
    if (op == "Trilu") return trilu(n, a, in.size() > 1 && in[1] ? in[1]->data.at(0) : 0.0);
    if (op == "ConstantOfShape") {
      StaticValue v;
      v.dims = as_ints(a);
      double fill = 0.0;
      v.integer = true;
      if (!n.tensors.empty() && !n.tensors.begin()->second.data.empty()) {
        fill = n.tensors.begin()->second.data[0];
        v.integer = n.tensors.begin()->second.integer;
      }
      if (count_of(v.dims) > kMaxElements) return refuse(n, count_of(v.dims));
      v.data.assign(static_cast<size_t>(count_of(v.dims)), fill);
      return v;
    }
    if (op == "Range" && in.size() == 3 && in[1] && in[2]) {
      StaticValue v;
      v.integer = a.integer;
      double start = a.data.at(0), limit = in[1]->data.at(0), delta = in[2]->data.at(0);
      if (delta == 0) return std::nullopt;
      for (double x = start; delta > 0 ? x < limit : x > limit; x += delta) {
        v.data.push_back(x);
        if (static_cast<int64_t>(v.data.size()) > kMaxElements) return refuse(n, kMaxElements + 1);
      }
      v.dims = {static_cast<int64_t>(v.data.size())};
      return v;
    }
    if (op == "Gather" && in.size() == 2 && in[1] && a.dims.size() == 1) {
      StaticValue v;
      v.integer = a.integer;
      v.dims = in[1]->dims;
      for (double idx : in[1]->data) {
        int64_t i = static_cast<int64_t>(idx);
        if (i < 0) i += a.dims[0];
        if (i < 0 || i >= a.dims[0]) return std::nullopt;
        v.data.push_back(a.at(i));
      }
      return v;
    }
    if (op == "Slice" && in.size() >= 3 && in[1] && in[2]) return slice(n, a, in);
    if (a.packed) return std::nullopt;  // a view this evaluator does not take packed
    if (op == "Transpose") return transposed(n, a);
    if (op == "Concat" && a.dims.size() <= 1) {
      StaticValue v;
      v.integer = a.integer;
      for (const StaticValue* x : in)
        if (x) v.data.insert(v.data.end(), x->data.begin(), x->data.end());
      v.dims = {static_cast<int64_t>(v.data.size())};
      return v;
    }
    return std::nullopt;
  }

  // Opset-10+ Slice over any rank (a tril buffer cut to the bound sequence length): reads only
  // the elements it keeps, so a packed 16 Mi-element buffer costs [seq, seq] doubles.
  std::optional<StaticValue> slice(const OnnxNodeInfo& n, const StaticValue& a,
                                   const std::vector<const StaticValue*>& in) {
    const size_t rank = a.dims.size();
    std::vector<int64_t> start(rank, 0), step(rank, 1), ext = a.dims;
    const StaticValue* axes = in.size() > 3 ? in[3] : nullptr;
    const StaticValue* steps = in.size() > 4 ? in[4] : nullptr;
    for (size_t k = 0; k < in[1]->data.size() && k < in[2]->data.size(); ++k) {
      int64_t axis = axes && k < axes->data.size() ? static_cast<int64_t>(axes->data[k])
                                                   : static_cast<int64_t>(k);
      if (axis < 0) axis += static_cast<int64_t>(rank);
      if (axis < 0 || axis >= static_cast<int64_t>(rank)) return std::nullopt;
      size_t ax = static_cast<size_t>(axis);
      int64_t d = a.dims[ax];
      int64_t st = steps && k < steps->data.size() ? static_cast<int64_t>(steps->data[k]) : 1;
      if (st == 0) return std::nullopt;
      auto bound = [&](double value) {
        int64_t x = static_cast<int64_t>(std::clamp<double>(value, -d - 1.0, d + 0.0));
        if (x < 0) x += d;
        return st > 0 ? std::clamp<int64_t>(x, 0, d) : std::clamp<int64_t>(x, -1, d - 1);
      };
      int64_t s0 = bound(in[1]->data[k]), e0 = bound(in[2]->data[k]);
      ext[ax] = st > 0 ? std::max<int64_t>(0, (e0 - s0 + st - 1) / st)
                       : std::max<int64_t>(0, (s0 - e0 - st - 1) / -st);
      start[ax] = s0, step[ax] = st;
    }
    StaticValue v;
    v.integer = a.integer;
    v.dims = ext;
    if (count_of(ext) > kMaxElements) return refuse(n, count_of(ext));
    v.data.reserve(static_cast<size_t>(count_of(ext)));
    for (int64_t i = 0; i < count_of(ext); ++i) {
      int64_t rest = i, offset = 0, stride = 1;
      for (size_t ax = rank; ax-- > 0;) {
        offset += (start[ax] + (rest % ext[ax]) * step[ax]) * stride;
        rest /= ext[ax];
        stride *= a.dims[ax];
      }
      v.data.push_back(a.at(offset));
    }
    return v;
  }

  static std::optional<StaticValue> transposed(const OnnxNodeInfo& n, const StaticValue& a) {
    const size_t rank = a.dims.size();
    auto it = n.ints.find("perm");
    std::vector<int64_t> perm;
    if (it != n.ints.end()) perm = it->second;
    if (perm.empty())
      for (size_t i = rank; i-- > 0;) perm.push_back(static_cast<int64_t>(i));
    if (perm.size() != rank) return std::nullopt;
    std::vector<int64_t> strides(rank, 1);
    for (size_t ax = rank; ax-- > 1;) strides[ax - 1] = strides[ax] * a.dims[ax];
    StaticValue v;
    v.integer = a.integer;
    for (int64_t p : perm) {
      if (p < 0 || p >= static_cast<int64_t>(rank)) return std::nullopt;
      v.dims.push_back(a.dims[static_cast<size_t>(p)]);
    }
    for (int64_t i = 0; i < count_of(v.dims); ++i) {
      int64_t rest = i, offset = 0;
      for (size_t ax = rank; ax-- > 0;) {
        offset += (rest % v.dims[ax]) * strides[static_cast<size_t>(perm[ax])];
        rest /= v.dims[ax];
      }
      v.data.push_back(a.data.at(static_cast<size_t>(offset)));
    }
    return v;
  }

  static std::string input(const OnnxNodeInfo& n, size_t i) {
    return i < n.inputs.size() ? n.inputs[i] : "";
  }
  static int64_t clamp_axis(int64_t axis, int64_t rank) {
    if (axis < 0) axis += rank;
    return std::clamp<int64_t>(axis, 0, rank);
  }
  static StaticValue ints_value(const std::vector<int64_t>& xs, std::vector<int64_t> dims) {
    StaticValue v;
    v.integer = true;
    v.dims = std::move(dims);
    for (int64_t x : xs) v.data.push_back(static_cast<double>(x));
    return v;
  }
  static bool is_binary(const std::string& op) {
    static const char* kOps[] = {"Add", "Sub", "Mul", "Div", "Equal", "Less", "Greater",
                                 "And", "Or",  "Max", "Min", "Pow",   "Mod"};
    for (const char* k : kOps)
      if (op == k) return true;
    return false;
  }
  std::optional<StaticValue> binary(const OnnxNodeInfo& n, const StaticValue& a,
                                    const StaticValue& b) {
    const std::string& op = n.op_type;
    StaticValue v;
    v.dims = broadcast_dims(a.dims, b.dims);
    bool compare = op == "Equal" || op == "Less" || op == "Greater" || op == "And" || op == "Or";
    v.integer = compare || (a.integer && b.integer);
    int64_t count = count_of(v.dims);
    if (count > kMaxElements) return refuse(n, count);
    for (int64_t i = 0; i < count; ++i) {
      double x = a.data.at(static_cast<size_t>(broadcast_offset(i, v.dims, a.dims)));
      double y = b.data.at(static_cast<size_t>(broadcast_offset(i, v.dims, b.dims)));
      double r = op == "Add"       ? x + y
                 : op == "Sub"     ? x - y
                 : op == "Mul"     ? x * y
                 : op == "Div"     ? (y == 0      ? 0
                                      : v.integer ? std::trunc(x / y)
                                                  : x / y)
                 : op == "Equal"   ? x == y
                 : op == "Less"    ? x < y
                 : op == "Greater" ? x > y
                 : op == "And"     ? (x != 0 && y != 0)
                 : op == "Or"      ? (x != 0 || y != 0)
                 : op == "Max"     ? std::max(x, y)
                 : op == "Min"     ? std::min(x, y)
                 : op == "Pow"     ? std::pow(x, y)
                                   : (y == 0 ? 0 : std::fmod(x, y));
      v.data.push_back(r);
    }
    return v;
  }
  std::optional<StaticValue> where(const OnnxNodeInfo& n, const StaticValue& c,
                                   const StaticValue& x, const StaticValue& y) {
    StaticValue v;
    v.dims = broadcast_dims(broadcast_dims(c.dims, x.dims), y.dims);
    v.integer = x.integer && y.integer;
    int64_t count = count_of(v.dims);
    if (count > kMaxElements) return refuse(n, count);
    for (int64_t i = 0; i < count; ++i)
      v.data.push_back(c.data.at(static_cast<size_t>(broadcast_offset(i, v.dims, c.dims))) != 0
                           ? x.data.at(static_cast<size_t>(broadcast_offset(i, v.dims, x.dims)))
                           : y.data.at(static_cast<size_t>(broadcast_offset(i, v.dims, y.dims))));
    return v;
  }
  static std::optional<StaticValue> trilu(const OnnxNodeInfo& n, StaticValue v, double k) {
    if (v.dims.size() < 2) return std::nullopt;
    bool upper = attr(n, "upper", 1) != 0;
    int64_t rows = v.dims[v.dims.size() - 2], cols = v.dims.back();
    for (size_t i = 0; i < v.data.size(); ++i) {
      int64_t r = (static_cast<int64_t>(i) / cols) % rows, c = static_cast<int64_t>(i) % cols;
      bool keep = upper ? c - r >= static_cast<int64_t>(k) : c - r <= static_cast<int64_t>(k);
      if (!keep) v.data[i] = 0;
    }
    return v;
  }
  // Reshape-like ops keep the data; the output's dims come from the graph when it has the value,
  // else from the op's own rule where it is simple.
  std::optional<StaticValue> reshaped(const OnnxNodeInfo& n,
                                      const std::vector<const StaticValue*>& in, StaticValue v) {
    if (n.op_type == "Unsqueeze") {
      std::vector<int64_t> axes = n.ints.count("axes")     ? n.ints.at("axes")
                                  : in.size() > 1 && in[1] ? as_ints(*in[1])
                                                           : std::vector<int64_t>{};
      int64_t rank = static_cast<int64_t>(v.dims.size() + axes.size());
      for (int64_t& x : axes) x = x < 0 ? x + rank : x;
      std::sort(axes.begin(), axes.end());
      for (int64_t x : axes)
        v.dims.insert(v.dims.begin() + std::min<int64_t>(x, static_cast<int64_t>(v.dims.size())),
                      1);
      return v;
    }
    if (n.op_type == "Squeeze") {
      std::vector<int64_t> dims;
      for (int64_t d : v.dims)
        if (d != 1) dims.push_back(d);
      v.dims = dims;
      return v;
    }
    if (n.op_type == "Reshape" && in.size() > 1 && in[1]) {
      std::vector<int64_t> target = as_ints(*in[1]);
      int64_t known = 1, infer = -1;
      for (size_t i = 0; i < target.size(); ++i) {
        if (target[i] == 0 && i < v.dims.size()) target[i] = v.dims[i];
        if (target[i] == -1)
          infer = static_cast<int64_t>(i);
        else
          known *= target[i];
      }
      if (infer >= 0 && known > 0) target[static_cast<size_t>(infer)] = count_of(v.dims) / known;
      v.dims = target;
      return v;
    }
    return std::nullopt;
  }

  std::map<std::string, StaticValue>& values_;
  std::map<std::string, std::vector<int64_t>> shapes_;
  std::map<std::string, std::string>& too_large_;
};

}  // namespace

OnnxStatics::OnnxStatics(std::vector<std::pair<std::string, OnnxNodeInfo>> nodes,
                         std::map<std::string, StaticValue> constants,
                         std::map<std::string, std::vector<int64_t>> shapes,
                         std::map<std::string, std::string> too_large)
    : nodes_(std::move(nodes)),
      constants_(std::move(constants)),
      shapes_(std::move(shapes)),
      too_large_(std::move(too_large)) {
  for (size_t i = 0; i < nodes_.size(); ++i) {
    index_[nodes_[i].first] = i;
    for (const std::string& out : nodes_[i].second.outputs) producer_[out] = i;
  }
}

std::map<std::string, StaticValue> OnnxStatics::evaluate(
    const model::Graph& graph, std::map<std::string, std::string>* too_large) const {
  std::map<std::string, StaticValue> values = constants_;
  std::map<std::string, std::string> refused = too_large_;
  Evaluator evaluator(values, graph, shapes_, refused);
  for (const auto& entry : nodes_) {
    const OnnxNodeInfo& node = entry.second;
    if (node.inputs.empty() && node.op_type != "Constant") continue;
    std::optional<StaticValue> v = evaluator.eval(node);
    if (!v) {
      // What depends on a refused value is refused for the same reason.
      for (const std::string& in : node.inputs)
        if (auto it = refused.find(in); it != refused.end() && !values.count(in)) {
          for (const std::string& out : node.outputs) refused.emplace(out, it->second);
          break;
        }
      continue;
    }
    if (!node.outputs.empty()) values[node.outputs[0]] = std::move(*v);
  }
  // Packed values are the large constants themselves (and reshapes of them): no consumer reads
  // them whole, and every consumer reads `data`.
  for (auto it = values.begin(); it != values.end();)
    it = it->second.packed ? values.erase(it) : std::next(it);
  if (too_large) *too_large = std::move(refused);
  return values;
}

double PackedInts::at(int64_t i) const {
  const char* p = bytes.data() + i * element_bytes;
  switch (element_bytes) {
    case 1:
      return is_unsigned ? static_cast<double>(static_cast<uint8_t>(*p))
                         : static_cast<double>(static_cast<int8_t>(*p));
    case 2: {
      int16_t x;
      std::memcpy(&x, p, 2);
      return x;
    }
    case 4: {
      int32_t x;
      std::memcpy(&x, p, 4);
      return x;
    }
    default: {
      int64_t x;
      std::memcpy(&x, p, 8);
      return static_cast<double>(x);
    }
  }
}

int64_t StaticValue::elements() const {
  return packed ? static_cast<int64_t>(packed->bytes.size()) / packed->element_bytes
                : static_cast<int64_t>(data.size());
}

const OnnxNodeInfo* OnnxStatics::node(const std::string& name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : &nodes_[it->second].second;
}

}  // namespace tessera::run

namespace tessera::run {
const std::vector<int64_t>* OnnxStatics::shape(const std::string& value) const {
  auto it = shapes_.find(value);
  return it == shapes_.end() ? nullptr : &it->second;
}
}  // namespace tessera::run

namespace tessera::run {
bool OnnxStatics::has_ancestor(const std::string& node, const std::string& op_type,
                               int depth) const {
  auto it = index_.find(node);
  if (it == index_.end() || depth <= 0) return false;
  for (const std::string& in : nodes_[it->second].second.inputs) {
    auto p = producer_.find(in);
    if (p == producer_.end()) continue;
    const auto& [name, info] = nodes_[p->second];
    if (info.op_type == op_type || has_ancestor(name, op_type, depth - 1)) return true;
  }
  return false;
}
}  // namespace tessera::run

namespace tessera::run {
const std::pair<std::string, OnnxNodeInfo>* OnnxStatics::find_ancestor(const std::string& node,
                                                                       const std::string& op_type,
                                                                       int depth) const {
  auto it = index_.find(node);
  if (it == index_.end()) return nullptr;
  std::vector<size_t> level = {it->second};
  for (int d = 0; d < depth && !level.empty(); ++d) {
    std::vector<size_t> next;
    for (size_t i : level)
      for (const std::string& in : nodes_[i].second.inputs) {
        auto p = producer_.find(in);
        if (p == producer_.end()) continue;
        if (nodes_[p->second].second.op_type == op_type) return &nodes_[p->second];
        next.push_back(p->second);
      }
    level = std::move(next);
  }
  return nullptr;
}
}  // namespace tessera::run
