// CoSA-style MIP mapper (mip_mapper.h): prime-factor allocation solved by GLPK, decoded and
// re-costed by the exact nest analysis.
#include "tessera/map/mip_mapper.h"

#include <fmt/format.h>
#include <glpk.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <mutex>
#include <optional>

#include "tessera/core/error.h"
#include "tessera/map/mapping_polish.h"

namespace tessera::map {
namespace {

constexpr int kAxisX = -1, kAxisY = -2;

struct PrimeFactor {
  int dim = 0;
  int64_t prime = 0;
  int multiplicity = 0;
};

struct Variable {
  int factor = 0;  // index into the prime factors
  int slot = 0;    // temporal level >= 0, or kAxisX / kAxisY
};

std::vector<PrimeFactor> prime_factors(const LoopProblem& p) {
  std::vector<PrimeFactor> out;
  for (int d = 0; d < p.num_dims; ++d) {
    int64_t n = p.bound[d];
    for (int64_t q = 2; q * q <= n; ++q) {
      int k = 0;
      while (n % q == 0) n /= q, ++k;
      if (k > 0) out.push_back({d, q, k});
    }
    if (n > 1) out.push_back({d, n, 1});
  }
  return out;
}

int multiplicity(int64_t n, int64_t prime) {
  int k = 0;
  while (n > 0 && n % prime == 0) n /= prime, ++k;
  return k;
}

// Objective weights of one portfolio member.
struct Weights {
  double compute, dram, chip;
};
// A safety net only: the programs have tens of integer variables and solve in milliseconds;
// a solve cut short by the limit would make the result depend on the machine's speed.
constexpr double kSolveLimitS = 10;
// The exact-cost polish of the decoded solutions (mapping_polish.h), all starts together: a
// sweep visits ~100-300 neighbours, a start takes 1-5 sweeps.
constexpr int64_t kPolishEvaluations = 3000;
constexpr Weights kPortfolio[] = {{1, 1, 0.1}, {1, 0.3, 0.05}, {1, 3, 0.3}, {0.3, 1, 0.1}};

bool same_mapping(const Mapping& a, const Mapping& b) {
  return a.temporal == b.temporal && a.spatial_x == b.spatial_x && a.spatial_y == b.spatial_y &&
         a.order == b.order && a.keep == b.keep;
}

// The MIP of one weighting; `capacity_scale[l]` shrinks level l's capacity after a decoded
// mapping overflowed it (the log-space shares are conservative except where halos or
// double-counted tensors are not). Returns the decoded tiling (temporal/spatial filled into
// `skeleton`) or nothing when GLPK finds no integer solution.
std::optional<Mapping> solve(const LoopProblem& p, const MapArch& arch, const MapConstraints& c,
                             const Mapping& skeleton, const std::vector<PrimeFactor>& factors,
                             const Weights& w, int favoured,
                             const std::array<double, kMaxLevels>& scale, double time_limit_s) {
  const int top = arch.num_levels - 1;
  if (factors.empty()) {  // every bound is 1: nothing to allocate (and GLPK rejects 0 columns)
    Mapping m = skeleton;
    for (int l = 0; l < arch.num_levels; ++l) m.temporal[l].fill(1);
    m.spatial_x.fill(1);
    m.spatial_y.fill(1);
    complete_outer_factors(p, arch, m);
    return m;
  }
  std::vector<Variable> vars;
  auto allowed = [&](int d, int slot) {
    if (slot == kAxisX) return ((c.spatial_x_dims >> d) & 1u) != 0;
    if (slot == kAxisY) return ((c.spatial_y_dims >> d) & 1u) != 0;
    return slot == top || ((c.temporal_dims[slot] >> d) & 1u) != 0;
  };
  for (int f = 0; f < static_cast<int>(factors.size()); ++f) {
    const int d = factors[f].dim;
    for (int slot = kAxisY; slot <= top; ++slot)
      if (allowed(d, slot)) vars.push_back({f, slot});
  }
  // The outermost level of each tensor on chip, and every level that keeps it.
  std::array<int, kTensors> outer_keep{};
  for (int t = 0; t < kTensors; ++t) {
    outer_keep[t] = -1;
    for (int l = 0; l < top; ++l)
      if (skeleton.keeps(l, t)) outer_keep[t] = l;
  }
  // Each tensor's refetches weigh by its share of the unrefetched traffic: log Σ_t size_t·r_t
  // linearised at r = 1 (d/d log r_t = size_t / Σ size); spilled partial sums move at the
  // accumulator width, read and written. Scaled so that the shares sum to the tensor count.
  std::array<double, kTensors> share{};
  double total = 0;
  for (int t = 0; t < kTensors; ++t) {
    share[t] = static_cast<double>(p.tensor_size(t)) *
               (t == kOutputs ? 2.0 * static_cast<double>(arch.accumulator_bytes)
                              : static_cast<double>(arch.operand_bytes));
    total += share[t];
  }
  for (double& x : share) x *= kTensors / total;
  // Objective coefficient of one copy of a prime at a slot (multiplied by log p).
  auto cost = [&](const Variable& v) {
    const int d = factors[v.factor].dim;
    double k = v.slot >= 0 ? w.compute : 0;
    if (v.slot < 0) return k;
    for (int t = 0; t < kTensors; ++t) {
      if (p.is_relevant(t, d) || outer_keep[t] < 0) continue;
      if (v.slot > outer_keep[t]) {
        k += w.dram * share[t];  // re-fetched from DRAM on every iteration of this loop
        continue;
      }
      // Re-fetched into the next inner level that keeps t.
      for (int l = v.slot - 1; l >= 0; --l)
        if (skeleton.keeps(l, t)) {
          k += w.chip * share[t];
          break;
        }
    }
    return k;
  };

  std::lock_guard<std::mutex> lock([]() -> std::mutex& {
    static std::mutex m;  // GLPK's environment is not shared safely between threads
    return m;
  }());
  glp_term_out(GLP_OFF);
  glp_prob* lp = glp_create_prob();
  glp_set_obj_dir(lp, GLP_MIN);
  glp_add_cols(lp, static_cast<int>(vars.size()));
  for (int j = 0; j < static_cast<int>(vars.size()); ++j) {
    const PrimeFactor& f = factors[vars[j].factor];
    glp_set_col_kind(lp, j + 1, GLP_IV);
    glp_set_col_bnds(lp, j + 1, GLP_DB, 0, f.multiplicity);
    // Fixed factors: exactly their copies of the prime at their slot.
    const int d = f.dim, s = vars[j].slot;
    const int64_t fixed = s == kAxisX   ? c.fixed_spatial_x[d]
                          : s == kAxisY ? c.fixed_spatial_y[d]
                          : s < top     ? c.fixed_temporal[s][d]
                                        : 0;
    if (fixed > 0) {
      const int copies = multiplicity(fixed, f.prime);
      glp_set_col_bnds(lp, j + 1, GLP_FX, copies, copies);
    }
    glp_set_obj_coef(lp, j + 1, cost(vars[j]) * std::log(static_cast<double>(f.prime)));
  }
  std::vector<int> ia{0}, ja{0};
  std::vector<double> ar{0};
  auto add_row = [&](int bound_type, double lo, double hi, auto&& coefficient) {
    const int row = glp_add_rows(lp, 1);
    glp_set_row_bnds(lp, row, bound_type, lo, hi);
    for (int j = 0; j < static_cast<int>(vars.size()); ++j) {
      const double a = coefficient(vars[j]);
      if (a == 0) continue;
      ia.push_back(row);
      ja.push_back(j + 1);
      ar.push_back(a);
    }
  };
  // Every prime copy goes somewhere.
  for (int f = 0; f < static_cast<int>(factors.size()); ++f)
    add_row(GLP_FX, factors[f].multiplicity, factors[f].multiplicity,
            [&](const Variable& v) { return v.factor == f ? 1.0 : 0.0; });
  auto log_p = [&](const Variable& v) {
    return std::log(static_cast<double>(factors[v.factor].prime));
  };
  // The array's axes.
  add_row(GLP_UP, 0, std::log(static_cast<double>(arch.array_cols)) + 1e-9,
          [&](const Variable& v) { return v.slot == kAxisX ? log_p(v) : 0.0; });
  add_row(GLP_UP, 0, std::log(static_cast<double>(arch.array_rows)) + 1e-9,
          [&](const Variable& v) { return v.slot == kAxisY ? log_p(v) : 0.0; });
  // Each tensor kept at a bounded level fits its share of it.
  for (int l = 0; l < top; ++l) {
    const ArchLevel& level = arch.levels[l];
    if (level.capacity_bytes <= 0) continue;
    // Shares: equal, or three times as much for the favoured tensor (a portfolio member).
    double parts = 0;
    for (int t = 0; t < kTensors; ++t)
      if (skeleton.keeps(l, t)) parts += t == favoured ? 3.0 : 1.0;
    for (int t = 0; t < kTensors; ++t) {
      if (!skeleton.keeps(l, t)) continue;
      const double bytes =
          static_cast<double>(t == kOutputs ? arch.accumulator_bytes : arch.operand_bytes);
      const double share = static_cast<double>(level.capacity_bytes) * scale[l] /
                           (level.double_buffered ? 2.0 : 1.0) * (t == favoured ? 3.0 : 1.0) /
                           parts / bytes;
      add_row(GLP_UP, 0, std::log(std::max(1.0, share)) + 1e-9, [&](const Variable& v) {
        const bool inside = v.slot >= 0 ? v.slot <= l : arch.spatial_level <= l;
        return inside && p.is_relevant(t, factors[v.factor].dim) ? log_p(v) : 0.0;
      });
    }
  }
  glp_load_matrix(lp, static_cast<int>(ia.size()) - 1, ia.data(), ja.data(), ar.data());
  glp_iocp parm;
  glp_init_iocp(&parm);
  parm.presolve = GLP_ON;
  parm.msg_lev = GLP_MSG_OFF;
  parm.tm_lim = static_cast<int>(time_limit_s * 1000);
  const int rc = glp_intopt(lp, &parm);
  const int status = glp_mip_status(lp);
  std::optional<Mapping> out;
  if ((rc == 0 || rc == GLP_ETMLIM) && (status == GLP_OPT || status == GLP_FEAS)) {
    Mapping m = skeleton;
    for (int l = 0; l < arch.num_levels; ++l) m.temporal[l].fill(1);
    m.spatial_x.fill(1);
    m.spatial_y.fill(1);
    for (int j = 0; j < static_cast<int>(vars.size()); ++j) {
      const int copies = static_cast<int>(std::lround(glp_mip_col_val(lp, j + 1)));
      const PrimeFactor& f = factors[vars[j].factor];
      for (int i = 0; i < copies; ++i) {
        const int s = vars[j].slot;
        (s == kAxisX   ? m.spatial_x[f.dim]
         : s == kAxisY ? m.spatial_y[f.dim]
                       : m.temporal[s][f.dim]) *= f.prime;
      }
    }
    for (int d = 0; d < p.num_dims; ++d) m.temporal[top][d] = 1;
    complete_outer_factors(p, arch, m);
    out = m;
  }
  glp_delete_prob(lp);
  return out;
}

}  // namespace

MapperResult mip_mapping(const LoopProblem& p, const MapArch& arch, const MapConstraints& c,
                         const SearchOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  const int top = arch.num_levels - 1;
  // Fixed factors must be products of the bound's primes.
  for (int d = 0; d < p.num_dims; ++d) {
    auto check = [&](int64_t fixed, const std::string& where) {
      if (fixed > 0 && p.bound[d] % fixed != 0)
        throw Error(fmt::format(
            "mip mapper: fixed factor {} of {} at {} does not divide its bound {} (the MIP "
            "allocates prime factors; use another mapper)",
            fixed, p.dim_name[d], where, p.bound[d]));
    };
    check(c.fixed_spatial_x[d], "spatial_x");
    check(c.fixed_spatial_y[d], "spatial_y");
    for (int l = 0; l < top; ++l) check(c.fixed_temporal[l][d], arch.levels[l].name);
  }
  // Bypass choices stay outside the MIP (keeps make the capacity rows bilinear): Gemmini's
  // (shared levels bypassed) and one where shared on-chip levels keep what they may hold.
  std::vector<Mapping> skeletons{heuristic_mapping(p, arch, c)};
  Mapping shared = skeletons.front();
  bool any_shared = false;
  for (int l = arch.spatial_level + 1; l < top; ++l)
    if (arch.levels[l].may_hold == 0b111) {
      shared.keep[l] = static_cast<uint8_t>((0b111 & ~c.bypass_forced[l]) | c.keep_forced[l]);
      any_shared = any_shared || shared.keep[l] != skeletons.front().keep[l];
    }
  if (any_shared) skeletons.push_back(shared);
  const std::vector<PrimeFactor> factors = prime_factors(p);
  MapperResult result;
  result.mapper = "mip";
  std::vector<std::pair<Mapping, NestResult>> starts;  // every valid decoded solution
  for (const Mapping& skeleton : skeletons)
    for (int favoured : {-1, static_cast<int>(kWeights), static_cast<int>(kInputs)})
      for (const Weights& w : kPortfolio)
        // Shares are per tensor and a conv window counts p x r inputs, so the inputs' share can
        // be far below what the level really holds for them (a 64 B register file holds P16
        // R3's 18 inputs beside the weights and outputs, but the MIP sees 48 against a share of
        // 38): for convolutions, with the inputs favoured, also solve with 4x optimistic shares
        // and let the exact check below shrink them back where they overflow.
        for (double relax : {1.0, 4.0}) {
          if (relax > 1.0 && (favoured != kInputs || p.num_windows == 0)) continue;
          std::array<double, kMaxLevels> scale;
          scale.fill(relax);
          for (int attempt = 0; attempt < 8; ++attempt) {
            std::optional<Mapping> m =
                solve(p, arch, c, skeleton, factors, w, favoured, scale, kSolveLimitS);
            if (!m) break;
            int failing = -1;
            const Validity v = check_mapping(p, arch, *m, &failing);
            ++result.evaluated;
            if (v == Validity::OverCapacity && failing >= 0) {
              scale[failing] *= 0.5;  // the log-space share was optimistic here: tighten, re-solve
              continue;
            }
            if (v != Validity::Valid) break;
            NestResult cost;
            analyze_nest(p, arch, *m, cost);
            result.evaluated +=
                1 + choose_loop_orders(p, arch, options.objective, ~0u, kMaxDims, *m, cost);
            ++result.valid;
            starts.push_back({*m, cost});
            if (!result.found || objective_value(cost, options.objective) <
                                     objective_value(result.best_cost, options.objective)) {
              result.found = true;
              result.best = *m;
              result.best_cost = cost;
            }
            break;
          }
        }
  if (!result.found)
    throw Error(fmt::format(
        "mip mapper: no feasible tiling of {} on {} (the array axes and buffer shares admit no "
        "allocation of the prime factors)",
        p.spec, arch.name));
  // Polish every distinct decoded solution, best first, within one shared budget: the members
  // land in different basins, and the best start is not always in the best one (AlexNet conv1
  // on simple_weight_stationary: the second-best distinct start polishes to 2 % below the best's).
  const auto value = [&](const NestResult& r) { return objective_value(r, options.objective); };
  std::stable_sort(starts.begin(), starts.end(),
                   [&](const auto& x, const auto& y) { return value(x.second) < value(y.second); });
  int64_t polish_left = kPolishEvaluations;
  for (size_t i = 0; i < starts.size() && polish_left > 0; ++i) {
    auto [m, cost] = starts[i];
    if (std::any_of(starts.begin(), starts.begin() + static_cast<std::ptrdiff_t>(i),
                    [&](const auto& earlier) { return same_mapping(earlier.first, m); }))
      continue;
    const PolishStats polish = polish_mapping(p, arch, c, options.objective, polish_left, m, cost);
    polish_left -= polish.evaluated;
    result.evaluated += polish.evaluated;
    result.valid += polish.valid;
    if (value(cost) < value(result.best_cost)) {
      result.best = m;
      result.best_cost = cost;
    }
  }
  result.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace tessera::map
