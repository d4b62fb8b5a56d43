// The mapper's flattened view of a hardware spec (hw::Hardware + hw::EnergyTable): the storage
// levels innermost→DRAM with capacities, bandwidths and energies, the PE array that fans out
// below `spatial_level`, and the operand widths. Built once per (hardware, energy table) so the
// nest analysis never touches strings or maps in its hot loop.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "tessera/hw/energy_table.h"
#include "tessera/hw/hardware.h"
#include "tessera/map/loop_problem.h"

namespace tessera::map {

constexpr int kMaxLevels = 8;

struct ArchLevel {
  std::string name;
  int64_t capacity_bytes = 0;  // per instance; 0 = unbounded
  double bytes_per_cycle = 0;  // 0 = unbounded
  double read_pj_per_byte = 0, write_pj_per_byte = 0;
  bool double_buffered = false;
  bool off_chip = false;
  uint8_t may_hold = 0b111;  // bit per Tensor
};

struct MapArch {
  std::string name;
  int num_levels = 0;
  std::array<ArchLevel, kMaxLevels> levels;
  // Levels below spatial_level are replicated per PE; the array's fan-out loops sit at the
  // bottom of spatial_level's loop block (001 Fig. 16: "Spatial-X" under the buffer feeding it).
  int spatial_level = 0;
  int64_t array_rows = 1, array_cols = 1;  // spatial_y fans over rows, spatial_x over cols
  hw::Dataflow dataflow = hw::Dataflow::WeightStationary;
  int64_t fill_drain_cycles = 0;  // per pass of the array's innermost block (systolic wavefront)
  // hw::FoldSchedule::Serial: every pass drains before the next and pays fill_drain_cycles
  // (then the stationary preload plus the rows + cols - 2 skew), double-buffered PE registers or
  // not (SCALE-Sim's model).
  bool serial_folds = false;
  double clock_hz = 1e9;
  double mac_pj = 0;
  int64_t operand_bytes = 1, accumulator_bytes = 4;
  // Width of finished outputs leaving the accumulating level: the operand width when they are
  // requantised on the way out, the accumulator width when a separate op still needs them wide
  // (a Softmax or LayerNorm that is not fused with its matmul, 001 Sec. 5.5.2).
  int64_t final_output_bytes = 1;
  double vector_elements_per_cycle = 0;  // special-function units (fusion study)
};

// Throws tessera::Error when the hardware has no memory levels or no clock.
MapArch make_arch(const hw::Hardware& hw, const hw::EnergyTable& energy);
inline MapArch make_arch(const hw::Hardware& hw) {
  return make_arch(hw, hw::energy_table_from_spec(hw));
}

}  // namespace tessera::map
