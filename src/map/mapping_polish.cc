// Exact-cost local refinement of a mapping (mapping_polish.h).
#include "tessera/map/mapping_polish.h"

#include <algorithm>
#include <vector>

#include "tessera/core/checked_math.h"

namespace tessera::map {

int64_t choose_loop_orders(const LoopProblem& p, const MapArch& arch, Objective objective,
                           uint32_t level_mask, int max_loops, Mapping& m, NestResult& best) {
  int64_t evaluated = 0;
  NestResult r;
  for (int l = arch.num_levels - 1; l >= 0; --l) {
    if (!((level_mask >> l) & 1u)) continue;
    uint8_t units[kMaxDims], loops[kMaxDims];
    int nu = 0, k = 0;
    for (int d = 0; d < p.num_dims; ++d)
      (m.temporal[l][d] > 1 ? loops[k++] : units[nu++]) = static_cast<uint8_t>(d);
    if (k < 2 || k > max_loops) continue;
    uint64_t permutations = 1;
    for (int i = 2; i <= k; ++i) permutations *= static_cast<uint64_t>(i);
    Mapping trial = m;
    for (int i = 0; i < nu; ++i) trial.order[l][i] = units[i];
    for (uint64_t index = 0; index < permutations; ++index) {
      uint8_t perm[kMaxDims];
      std::copy(loops, loops + k, perm);
      nth_permutation(index, perm, k);
      for (int i = 0; i < k; ++i) trial.order[l][nu + i] = perm[i];
      analyze_nest(p, arch, trial, r);
      ++evaluated;
      if (r.valid() &&
          (!best.valid() || objective_value(r, objective) < objective_value(best, objective))) {
        best = r;
        m = trial;
      }
    }
  }
  return evaluated;
}

namespace {

// After a move, the orders of the levels it touched are re-chosen when they have at most this
// many loops (5! = 120 evaluations a level).
constexpr int kReorderMaxLoops = 5;

// Slots: temporal levels 0..num_levels-1, then the array's x axis, then its y axis.
class Polisher {
 public:
  Polisher(const LoopProblem& p, const MapArch& a, const MapConstraints& c, Objective o,
           int64_t max_evaluations)
      : p_(p), a_(a), c_(c), objective_(o), max_evaluations_(max_evaluations) {
    for (int d = 0; d < p.num_dims; ++d) {
      int64_t n = p.bound[d];
      for (int64_t q = 2; q * q <= n; ++q)
        if (n % q == 0) {
          primes_[d].push_back(q);
          while (n % q == 0) n /= q;
        }
      if (n > 1) primes_[d].push_back(n);
    }
  }

  PolishStats run(Mapping& m, NestResult& cost) {
    while (stats_.evaluated < max_evaluations_) {
      current_ = m;
      current_value_ = objective_value(cost, objective_);
      found_ = false;
      sweep();
      if (!found_) break;
      m = best_;
      cost = best_cost_;
      ++stats_.improvements;
      stats_.evaluated +=
          choose_loop_orders(p_, a_, objective_, best_touched_, kReorderMaxLoops, m, cost);
    }
    return stats_;
  }

 private:
  int slots() const { return a_.num_levels + 2; }
  int64_t& factor(Mapping& m, int slot, int d) const {
    return slot < a_.num_levels    ? m.temporal[slot][d]
           : slot == a_.num_levels ? m.spatial_x[d]
                                   : m.spatial_y[d];
  }
  bool allowed(int d, int slot) const {
    if (slot == a_.num_levels) return (c_.spatial_x_dims >> d) & 1u;
    if (slot == a_.num_levels + 1) return (c_.spatial_y_dims >> d) & 1u;
    return slot == a_.num_levels - 1 || ((c_.temporal_dims[slot] >> d) & 1u);
  }
  bool frozen(int d, int slot) const {
    if (slot == a_.num_levels) return c_.fixed_spatial_x[d] > 0;
    if (slot == a_.num_levels + 1) return c_.fixed_spatial_y[d] > 0;
    return c_.fixed_temporal[slot][d] > 0;
  }
  // The outermost level covers what the others leave (partial tiles when they do not divide).
  void cover(Mapping& m, int d) const {
    int64_t inner = m.spatial_x[d] * m.spatial_y[d];
    for (int l = 0; l + 1 < a_.num_levels; ++l) inner *= m.temporal[l][d];
    m.temporal[a_.num_levels - 1][d] = ceil_div(p_.bound[d], inner);
  }
  uint32_t level_bit(int slot) const { return slot < a_.num_levels ? 1u << slot : 0u; }

  // Evaluates candidate_; remembers it when it beats the current mapping and the sweep so far.
  void consider(uint32_t touched) {
    if (stats_.evaluated >= max_evaluations_) return;
    analyze_nest(p_, a_, candidate_, result_);
    ++stats_.evaluated;
    if (!result_.valid()) return;
    ++stats_.valid;
    const double value = objective_value(result_, objective_);
    if (value < current_value_ && (!found_ || value < best_value_)) {
      found_ = true;
      best_value_ = value;
      best_ = candidate_;
      best_cost_ = result_;
      best_touched_ = touched;
    }
  }

  // candidate_ has its factors moved to `dest`; loops new at a temporal level are tried
  // innermost and outermost there (the rest keep their relative order).
  void consider_orders(int dest, uint32_t moved_dims, uint32_t touched) {
    uint32_t fresh = 0;
    int loops = 0;
    if (dest < a_.num_levels)
      for (int d = 0; d < p_.num_dims; ++d) {
        if (candidate_.temporal[dest][d] > 1) ++loops;
        if (((moved_dims >> d) & 1u) && current_.temporal[dest][d] == 1) fresh |= 1u << d;
      }
    if (fresh == 0 || loops < 2) return consider(touched);
    for (bool innermost : {true, false}) {
      auto& order = candidate_.order[dest];
      const auto is_fresh = [&](uint8_t d) { return ((fresh >> d) & 1u) != 0; };
      std::stable_partition(order.begin(), order.begin() + p_.num_dims,
                            [&](uint8_t d) { return is_fresh(d) == innermost; });
      consider(touched);
    }
  }

  void sweep() {
    // One prime factor of one dim, from slot a to slot b.
    for (int d = 0; d < p_.num_dims; ++d)
      for (int64_t q : primes_[d])
        for (int a = 0; a < slots(); ++a) {
          if (frozen(d, a) || factor(current_, a, d) % q != 0) continue;
          for (int b = 0; b < slots(); ++b) {
            if (b == a || !allowed(d, b) || frozen(d, b)) continue;
            candidate_ = current_;
            factor(candidate_, a, d) /= q;
            factor(candidate_, b, d) *= q;
            cover(candidate_, d);
            consider_orders(b, 1u << d, level_bit(a) | level_bit(b));
          }
        }
    // Every movable loop of temporal level a to temporal level b.
    for (int a = 0; a < a_.num_levels; ++a)
      for (int b = 0; b < a_.num_levels; ++b) {
        if (b == a) continue;
        candidate_ = current_;
        uint32_t moved = 0;
        for (int d = 0; d < p_.num_dims; ++d) {
          if (candidate_.temporal[a][d] == 1 || frozen(d, a) || !allowed(d, b) || frozen(d, b))
            continue;
          candidate_.temporal[b][d] *= candidate_.temporal[a][d];
          candidate_.temporal[a][d] = 1;
          cover(candidate_, d);
          moved |= 1u << d;
        }
        if (moved != 0) consider_orders(b, moved, level_bit(a) | level_bit(b));
      }
    // One free keep/bypass choice flipped.
    for (int l = 0; l + 1 < a_.num_levels; ++l)
      for (int t = 0; t < kTensors; ++t) {
        const uint8_t bit = static_cast<uint8_t>(1u << t);
        if (!(a_.levels[l].may_hold & bit) || ((c_.keep_forced[l] | c_.bypass_forced[l]) & bit))
          continue;
        candidate_ = current_;
        candidate_.keep[l] ^= bit;
        consider(0);
      }
  }

  const LoopProblem& p_;
  const MapArch& a_;
  const MapConstraints& c_;
  Objective objective_;
  int64_t max_evaluations_;
  std::array<std::vector<int64_t>, kMaxDims> primes_;  // distinct primes of each bound
  PolishStats stats_;
  Mapping current_, candidate_, best_;
  NestResult result_, best_cost_;
  double current_value_ = 0, best_value_ = 0;
  uint32_t best_touched_ = 0;
  bool found_ = false;
};

}  // namespace

PolishStats polish_mapping(const LoopProblem& problem, const MapArch& arch,
                           const MapConstraints& constraints, Objective objective,
                           int64_t max_evaluations, Mapping& mapping, NestResult& cost) {
  return Polisher(problem, arch, constraints, objective, max_evaluations).run(mapping, cost);
}

}  // namespace tessera::map
