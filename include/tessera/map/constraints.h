// Mapping constraints (001 Sec. 5.2.2): the dataflow fixes which dimensions may fan out over the
// array's rows and columns and which may iterate inside the PEs (the stationary tensor's
// irrelevant dims); users add fixed factors, bypasses and spatial dims in YAML. Contradictions
// are reported with the constraint that cannot be met.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "tessera/map/arch.h"
#include "tessera/map/loop_problem.h"

namespace tessera::map {

struct MapConstraints {
  hw::Dataflow dataflow = hw::Dataflow::WeightStationary;
  uint32_t spatial_x_dims = 0, spatial_y_dims = 0;   // bit per dim
  std::array<uint32_t, kMaxLevels> temporal_dims{};  // dims that may iterate at each level
  std::array<std::array<int64_t, kMaxDims>, kMaxLevels> fixed_temporal{};  // 0 = free
  std::array<int64_t, kMaxDims> fixed_spatial_x{}, fixed_spatial_y{};      // 0 = free
  std::array<uint8_t, kMaxLevels> keep_forced{}, bypass_forced{};          // bit per Tensor
};

// The dataflow's defaults for this problem on this architecture (the arch's own dataflow).
MapConstraints default_constraints(const LoopProblem& problem, const MapArch& arch);
MapConstraints default_constraints(const LoopProblem& problem, const MapArch& arch,
                                   hw::Dataflow dataflow);
// Applies a YAML constraints document on top of `base`:
//   dataflow: ws|os|is
//   spatial_x: [N]          spatial_y: [K]
//   levels: { scratchpad: { temporal: {M: 4}, keep: [inputs], bypass: [weights] } }
// Throws tessera::Error naming the key or the contradictory constraint.
MapConstraints apply_constraints_yaml(const std::string& text, const LoopProblem& problem,
                                      const MapArch& arch, MapConstraints base);
// Gemmini-style full-array use: on each array axis, the first dimension the dataflow allows gets
// a fixed spatial factor, the largest divisor of its bound that fits the axis (Gemmini issues
// DIM×DIM tiles; Timeloop's Gemmini constraints pin the array the same way).
void pin_full_array(const LoopProblem& problem, const MapArch& arch, MapConstraints& c);
// Throws when no mapping can satisfy `c` (e.g. fixed factors exceed a bound, a forced keep the
// level cannot hold, a dimension with nowhere to go).
void validate_constraints(const LoopProblem& problem, const MapArch& arch, const MapConstraints& c);

}  // namespace tessera::map
