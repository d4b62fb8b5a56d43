// Constrained-optimisation mapper after CoSA (Huang et al., ISCA 2021; survey 001 Sec. 5.3
// "optimization strategies"): the tiling is a mixed-integer program over the prime factors of
// every loop bound. n[d][p][s] = how many copies of prime p of dim d go to slot s (a temporal
// level the constraints allow, or an array axis). Everything is linear in log space:
//   Σ_s n[d][p][s] = multiplicity of p in bound[d]                   (the tiling covers the dim)
//   Σ_{d,p} log p · n[d][p][axis] ≤ log(array size on that axis)     (spatial fan-out)
//   Σ_{d relevant to t} Σ_p log p · Σ_{s ≤ l} n ≤ log(share of level l's capacity for t)
//                                    (each tensor kept at l fits its share; conv windows counted
//                                     as p·r ≥ p+r-1, so the constraint is conservative)
// Objective (minimised, log domain): w_compute · log(temporal iterations) + w_dram · Σ_t log(DRAM
// refetches of t) + w_chip · Σ_t log(on-chip refetches of t), a refetch being an irrelevant loop
// above the level that keeps t. GLPK solves a small portfolio (weightings × buffer splits ×
// bypass skeletons); each solution is decoded into a Mapping and its loop orders are chosen per
// level by exact evaluation. The objective is order-free: it cannot see that a relevant loop
// below a reduction loop makes partial sums spill to (and return from) an outer level, nor that
// irrelevant loops innermost above a level leave its tile stationary (CoSA models order with
// extra binary variables per level; not here). So every distinct solution, best first, is then
// refined by the exact-cost polish (mapping_polish.h; 3000 evaluations shared), and the mapping
// with the best exact nest-analysis objective wins.
#pragma once

#include "tessera/map/mapper.h"

namespace tessera::map {

// Throws tessera::Error when the MIP is infeasible (names the level or axis) or a fixed factor
// of the constraints does not divide its loop bound (the MIP works on prime factors).
MapperResult mip_mapping(const LoopProblem& problem, const MapArch& arch,
                         const MapConstraints& constraints, const SearchOptions& options);

}  // namespace tessera::map
