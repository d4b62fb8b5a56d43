#include "tessera/map/loop_problem.h"

#include <fmt/format.h>

#include <map>

#include "tessera/core/checked_math.h"
#include "tessera/core/error.h"

namespace tessera::map {

std::string_view tensor_name(int tensor) {
  static constexpr std::string_view kNames[kTensors] = {"weights", "inputs", "outputs"};
  return tensor >= 0 && tensor < kTensors ? kNames[tensor] : "?";
}

int LoopProblem::dim_index(std::string_view name) const {
  for (int d = 0; d < num_dims; ++d)
    if (name == dim_name[d]) return d;
  return -1;
}

int64_t LoopProblem::footprint(int tensor, const std::array<int64_t, kMaxDims>& extent) const {
  int64_t elements = 1;
  uint32_t window_dims = 0;
  if (tensor == kInputs) {
    for (int w = 0; w < num_windows; ++w) {
      const Window& win = windows[w];
      int64_t out = std::min(extent[win.out_dim], bound[win.out_dim]);
      int64_t ker = std::min(extent[win.kernel_dim], bound[win.kernel_dim]);
      elements *= (out - 1) * win.stride + (ker - 1) * win.dilation + 1;
      window_dims |= (1u << win.out_dim) | (1u << win.kernel_dim);
    }
  }
  for (int d = 0; d < num_dims; ++d) {
    if (!is_relevant(tensor, d) || ((window_dims >> d) & 1u)) continue;
    elements *= std::min(extent[d], bound[d]);
  }
  return elements;
}

namespace {

void set_dims(LoopProblem& p, std::initializer_list<std::pair<const char*, int64_t>> dims) {
  p.num_dims = 0;
  for (const auto& [name, bound] : dims) {
    if (bound < 1) throw Error(fmt::format("problem dimension {} = {} must be >= 1", name, bound));
    p.dim_name[p.num_dims] = name;
    p.bound[p.num_dims] = bound;
    ++p.num_dims;
  }
  for (int d = p.num_dims; d < kMaxDims; ++d) {
    p.dim_name[d] = "";
    p.bound[d] = 1;
  }
  p.macs = 1;
  for (int d = 0; d < p.num_dims; ++d) p.macs = checked_mul(p.macs, p.bound[d], "problem MACs");
}

uint32_t bits(std::initializer_list<int> dims) {
  uint32_t mask = 0;
  for (int d : dims) mask |= 1u << d;
  return mask;
}

}  // namespace

LoopProblem matmul_problem(const workload::MatmulProblem& mm) {
  LoopProblem p;
  p.kind = workload::ProblemKind::Matmul;
  set_dims(p, {{"B", mm.batch}, {"M", mm.m}, {"N", mm.n}, {"K", mm.k}});
  enum { B, M, N, K };
  p.relevant[kWeights] = bits({B, K, N});
  p.relevant[kInputs] = bits({B, M, K});
  p.relevant[kOutputs] = bits({B, M, N});
  p.spec = mm.batch == 1 ? fmt::format("matmul:m={},k={},n={}", mm.m, mm.k, mm.n)
                         : fmt::format("matmul:b={},m={},k={},n={}", mm.batch, mm.m, mm.k, mm.n);
  return p;
}

LoopProblem conv_problem(const workload::ConvProblem& c) {
  if (c.groups < 1 || c.k % c.groups != 0 || c.c % c.groups != 0)
    throw Error(fmt::format("conv groups = {} must divide k = {} and c = {}", c.groups, c.k, c.c));
  if (c.stride_h < 1 || c.stride_w < 1 || c.dilation_h < 1 || c.dilation_w < 1)
    throw Error("conv stride and dilation must be >= 1");
  LoopProblem p;
  p.kind = workload::ProblemKind::Conv;
  set_dims(p, {{"G", c.groups},
               {"N", c.n},
               {"K", c.k / c.groups},
               {"C", c.c / c.groups},
               {"P", c.p},
               {"Q", c.q},
               {"R", c.r},
               {"S", c.s}});
  enum { G, N, K, C, P, Q, R, S };
  p.relevant[kWeights] = bits({G, K, C, R, S});
  p.relevant[kInputs] = bits({G, N, C, P, Q, R, S});
  p.relevant[kOutputs] = bits({G, N, K, P, Q});
  p.windows[0] = {P, R, c.stride_h, c.dilation_h};
  p.windows[1] = {Q, S, c.stride_w, c.dilation_w};
  p.num_windows = 2;
  std::string extra;
  if (c.stride_h == c.stride_w)
    extra += fmt::format(",stride={}", c.stride_h);
  else
    extra += fmt::format(",stride_h={},stride_w={}", c.stride_h, c.stride_w);
  if (c.dilation_h != 1 || c.dilation_w != 1)
    extra += c.dilation_h == c.dilation_w
                 ? fmt::format(",dilation={}", c.dilation_h)
                 : fmt::format(",dilation_h={},dilation_w={}", c.dilation_h, c.dilation_w);
  if (c.groups != 1) extra += fmt::format(",groups={}", c.groups);
  p.spec = fmt::format("conv:n={},k={},c={},p={},q={},r={},s={}{}", c.n, c.k, c.c, c.p, c.q, c.r,
                       c.s, extra);
  return p;
}

LoopProblem loop_problem_from_op(const workload::Op& op) {
  switch (op.problem.kind) {
    case workload::ProblemKind::Matmul:
      return matmul_problem(op.problem.matmul);
    case workload::ProblemKind::Conv:
      return conv_problem(op.problem.conv);
    default:
      throw Error(fmt::format("op '{}' is a {} pass, not a matmul or conv: nothing to map", op.name,
                              workload::problem_kind_name(op.problem.kind)));
  }
}

namespace {

std::map<std::string, int64_t> parse_fields(const std::string& spec, size_t start,
                                            std::initializer_list<const char*> allowed) {
  std::map<std::string, int64_t> fields;
  size_t pos = start;
  while (pos < spec.size()) {
    size_t comma = spec.find(',', pos);
    if (comma == std::string::npos) comma = spec.size();
    std::string item = spec.substr(pos, comma - pos);
    size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0)
      throw Error(fmt::format("problem '{}': '{}' is not NAME=VALUE", spec, item));
    std::string key = item.substr(0, eq), value = item.substr(eq + 1);
    bool known = false;
    for (const char* a : allowed) known = known || key == a;
    if (!known) {
      std::string list;
      for (const char* a : allowed) list += std::string(list.empty() ? "" : ", ") + a;
      throw Error(fmt::format("problem '{}': unknown field '{}' (expected {})", spec, key, list));
    }
    size_t used = 0;
    int64_t v = 0;
    try {
      v = std::stoll(value, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != value.size() || value.empty())
      throw Error(fmt::format("problem '{}': {} = '{}' is not an integer", spec, key, value));
    if (v < 1 || v > (int64_t{1} << 31))
      throw Error(fmt::format("problem '{}': {} = {} must be in [1, 2^31]", spec, key, v));
    if (fields.count(key)) throw Error(fmt::format("problem '{}': {} given twice", spec, key));
    fields[key] = v;
    pos = comma + 1;
  }
  return fields;
}

int64_t field(const std::map<std::string, int64_t>& f, const std::string& spec, const char* key,
              int64_t fallback) {
  auto it = f.find(key);
  if (it != f.end()) return it->second;
  if (fallback > 0) return fallback;
  throw Error(fmt::format("problem '{}': missing field {}", spec, key));
}

}  // namespace

LoopProblem parse_loop_problem(const std::string& spec) {
  if (spec.rfind("matmul:", 0) == 0) {
    auto f = parse_fields(spec, 7, {"b", "m", "k", "n"});
    workload::MatmulProblem mm;
    mm.batch = field(f, spec, "b", 1);
    mm.m = field(f, spec, "m", 0);
    mm.k = field(f, spec, "k", 0);
    mm.n = field(f, spec, "n", 0);
    return matmul_problem(mm);
  }
  if (spec.rfind("conv:", 0) == 0) {
    auto f = parse_fields(spec, 5,
                          {"n", "k", "c", "p", "q", "r", "s", "stride", "stride_h", "stride_w",
                           "dilation", "dilation_h", "dilation_w", "groups"});
    workload::ConvProblem c;
    c.n = field(f, spec, "n", 1);
    c.k = field(f, spec, "k", 0);
    c.c = field(f, spec, "c", 0);
    c.p = field(f, spec, "p", 0);
    c.q = field(f, spec, "q", c.p);
    c.r = field(f, spec, "r", 0);
    c.s = field(f, spec, "s", c.r);
    int64_t stride = field(f, spec, "stride", 1), dilation = field(f, spec, "dilation", 1);
    c.stride_h = field(f, spec, "stride_h", stride);
    c.stride_w = field(f, spec, "stride_w", stride);
    c.dilation_h = field(f, spec, "dilation_h", dilation);
    c.dilation_w = field(f, spec, "dilation_w", dilation);
    c.groups = field(f, spec, "groups", 1);
    c.h = (c.p - 1) * c.stride_h + (c.r - 1) * c.dilation_h + 1;
    c.w = (c.q - 1) * c.stride_w + (c.s - 1) * c.dilation_w + 1;
    LoopProblem p = conv_problem(c);
    return p;
  }
  throw Error(fmt::format(
      "problem '{}' is not matmul:m=..,k=..,n=.. or conv:n=..,k=..,c=..,p=..,q=..,r=..,s=.. "
      "(or MODEL#OP)",
      spec));
}

}  // namespace tessera::map
