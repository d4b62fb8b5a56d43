// Gemmini's default tiling heuristic (tiled_matmul_auto in gemmini.h, as the survey describes it
// in Sec. 5.5.2: "greedily maximizes loop tile factors at the local SRAM level for each of the
// three matmul dimensions"), generalised to any problem and dataflow.
#include <algorithm>

#include "tessera/core/checked_math.h"
#include "tessera/map/mapper.h"

namespace tessera::map {

namespace {

// Which level a dim's local tile factor grows at: streamed dims (irrelevant to the stationary
// tensor) inside the PEs, everything else in the array's own buffer level.
int growth_level(const MapConstraints& c, const MapArch& arch, int d) {
  for (int l = 0; l < arch.spatial_level; ++l)
    if ((c.temporal_dims[l] >> d) & 1u) return l;
  return arch.spatial_level;
}

}  // namespace

Mapping heuristic_mapping(const LoopProblem& p, const MapArch& arch, const MapConstraints& c,
                          uint32_t pinned_dims) {
  Mapping m = trivial_mapping(p, arch);
  const int top = arch.num_levels - 1;
  // Keep what the constraints force; the array's buffers keep what they may hold; the shared
  // levels between them and DRAM are bypassed (Gemmini moves tiles DRAM <-> scratchpad by DMA).
  for (int l = 0; l < top; ++l) {
    uint8_t keep = l <= arch.spatial_level + 1 ? arch.levels[l].may_hold : 0;
    if (arch.levels[l].may_hold == 0b111 && l > arch.spatial_level) keep = 0;
    m.keep[l] = static_cast<uint8_t>(((keep & ~c.bypass_forced[l]) | c.keep_forced[l]) &
                                     arch.levels[l].may_hold);
  }
  m.keep[top] = 0b111;
  // Spatial: fill the array's axes with the allowed dims (largest first), fixed factors first.
  int64_t sx = 1, sy = 1;
  for (int d = 0; d < p.num_dims; ++d) {
    if (c.fixed_spatial_x[d] > 0) sx *= (m.spatial_x[d] = c.fixed_spatial_x[d]);
    if (c.fixed_spatial_y[d] > 0) sy *= (m.spatial_y[d] = c.fixed_spatial_y[d]);
  }
  for (int d = 0; d < p.num_dims; ++d) {
    if (((c.spatial_x_dims >> d) & 1u) && c.fixed_spatial_x[d] == 0 && sx < arch.array_cols) {
      m.spatial_x[d] = std::min(p.bound[d], arch.array_cols / sx);
      sx *= m.spatial_x[d];
    }
    if (((c.spatial_y_dims >> d) & 1u) && c.fixed_spatial_y[d] == 0 && sy < arch.array_rows) {
      m.spatial_y[d] = std::min(p.bound[d], arch.array_rows / sy);
      sy *= m.spatial_y[d];
    }
  }
  for (int l = 0; l < top; ++l)
    for (int d = 0; d < p.num_dims; ++d)
      if (c.fixed_temporal[l][d] > 0) m.temporal[l][d] = c.fixed_temporal[l][d];
  auto covered = [&](int d) {
    int64_t x = m.spatial_x[d] * m.spatial_y[d];
    for (int l = 0; l < top; ++l) x *= m.temporal[l][d];
    return x;
  };
  auto fits = [&]() {
    complete_outer_factors(p, arch, m);
    return check_mapping(p, arch, m) == Validity::Valid;
  };
  // Pinned dims (whole rows for a fused normalisation) go to their full bound first.
  for (int d = 0; d < p.num_dims; ++d) {
    if (!((pinned_dims >> d) & 1u)) continue;
    int l = growth_level(c, arch, d);
    m.temporal[l][d] = ceil_div(p.bound[d], covered(d) / m.temporal[l][d]);
  }
  fits();
  // Round robin: grow each free dim's local factor by one while everything still fits.
  bool grew = true;
  while (grew) {
    grew = false;
    for (int d = p.num_dims - 1; d >= 0; --d) {
      int l = growth_level(c, arch, d);
      if (((pinned_dims >> d) & 1u) || c.fixed_temporal[l][d] > 0 || covered(d) >= p.bound[d])
        continue;
      if (!((c.temporal_dims[l] >> d) & 1u)) continue;
      ++m.temporal[l][d];
      if (fits()) {
        grew = true;
      } else {
        --m.temporal[l][d];
      }
    }
  }
  // Loop orders: reduction dims innermost (outputs stay in the accumulator across them), then
  // the output dims; in DRAM the Gemmini i-j-k order (k innermost).
  for (int l = 0; l <= top; ++l) {
    int i = 0;
    for (int d = p.num_dims - 1; d >= 0; --d)
      if (!p.is_relevant(kOutputs, d)) m.order[l][i++] = static_cast<uint8_t>(d);
    for (int d = p.num_dims - 1; d >= 0; --d)
      if (p.is_relevant(kOutputs, d)) m.order[l][i++] = static_cast<uint8_t>(d);
  }
  complete_outer_factors(p, arch, m);
  return m;
}

}  // namespace tessera::map
