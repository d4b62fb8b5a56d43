// A mapping of a LoopProblem onto a MapArch (001 Sec. 5.1-5.2): per storage level the temporal
// tiling factor of every dimension and their loop order, the spatial factors of the PE array's
// columns (x) and rows (y), and which tensors each level keeps (the rest bypass it). A factor
// need not divide its dimension: the outermost factor covers the remainder with partial tiles.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "tessera/map/arch.h"
#include "tessera/map/loop_problem.h"

namespace tessera::map {

struct Mapping {
  int num_levels = 0;
  std::array<std::array<int64_t, kMaxDims>, kMaxLevels> temporal{};  // [level][dim], >= 1
  std::array<int64_t, kMaxDims> spatial_x{}, spatial_y{};            // at arch.spatial_level
  std::array<std::array<uint8_t, kMaxDims>, kMaxLevels> order{};     // [level][i]: inner→outer
  std::array<uint8_t, kMaxLevels> keep{};                            // bit per Tensor

  bool keeps(int level, int tensor) const { return (keep[level] >> tensor) & 1u; }
};

// All factors 1, identity order, every level keeping what the hardware lets it hold.
Mapping trivial_mapping(const LoopProblem& problem, const MapArch& arch);
// Sets the outermost level's factors so every dimension is covered (ceil of the remainder).
void complete_outer_factors(const LoopProblem& problem, const MapArch& arch, Mapping& mapping);

// The loop nest as in 001 Figs. 16-17 ("-----DRAM-----", "for n1 in [0:4)", "(Spatial-X)").
std::string format_loop_nest(const LoopProblem& problem, const MapArch& arch, const Mapping& m);
// YAML round trip. Parsing rejects unknown keys, unknown levels or dims, bad factors.
std::string mapping_to_yaml(const LoopProblem& problem, const MapArch& arch, const Mapping& m);
Mapping mapping_from_yaml(const std::string& text, const LoopProblem& problem, const MapArch& arch);

}  // namespace tessera::map
