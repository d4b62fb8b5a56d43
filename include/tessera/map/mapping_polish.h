// Exact-cost local refinement of a mapping (the MIP mapper's "polish", mip_mapper.h; survey 001
// Sec. 5.3): a CoSA-style program prices traffic in log space without loop order, so what it
// cannot see (a relevant loop below a reduction loop spills partial sums; irrelevant loops
// innermost above a level keep its tile stationary) only the nest analysis can. From a valid
// mapping, steepest descent over deterministic neighbours, each re-costed by analyze_nest:
//   * one prime factor of one dim moved between two slots (temporal levels, array axes) the
//     constraints allow, fixed factors untouched; a loop that appears at a level is tried
//     innermost and outermost there;
//   * every movable loop of one level moved to another (escapes plateaus a single move cannot:
//     two relevant loops under a reduction both have to leave before the partial sums stop
//     spilling);
//   * one free keep/bypass bit flipped.
// Only strict improvements of the objective are taken; after each, the loop orders of the levels
// it touched are re-chosen exactly. Stops at a local optimum or after `max_evaluations`.
// Serial and order-fixed, so the result never depends on the thread count.
#pragma once

#include <cstdint>

#include "tessera/map/constraints.h"
#include "tessera/map/search.h"

namespace tessera::map {

struct PolishStats {
  int64_t evaluated = 0, valid = 0;
  int improvements = 0;
};

// `mapping` must be valid with `cost` its exact analysis; both are replaced by the refined ones
// (never worse under `objective`).
PolishStats polish_mapping(const LoopProblem& problem, const MapArch& arch,
                           const MapConstraints& constraints, Objective objective,
                           int64_t max_evaluations, Mapping& mapping, NestResult& cost);

// Best loop order of every level in `level_mask` (bit per level) by exact evaluation, top level
// first, then inward; a level with more than `max_loops` non-unit loops keeps its order.
// `best` must be `mapping`'s analysis on entry. Returns the evaluations spent.
int64_t choose_loop_orders(const LoopProblem& problem, const MapArch& arch, Objective objective,
                           uint32_t level_mask, int max_loops, Mapping& mapping, NestResult& best);

}  // namespace tessera::map
