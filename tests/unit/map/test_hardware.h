// Small hand-checkable architectures for the mapper's unit tests.
#pragma once

#include "tessera/map/arch.h"

namespace tessera::map::testing {

// One on-chip buffer (all tensors, `capacity` bytes) over DRAM; no PE array; 1-byte operands
// and outputs so access counts equal bytes; energies 1 pJ/B on chip, 100 pJ/B DRAM, 1 pJ/MAC.
inline MapArch buffer_dram_arch(int64_t capacity = 1000) {
  MapArch a;
  a.name = "buffer-dram";
  a.num_levels = 2;
  a.levels[0].name = "buffer";
  a.levels[0].capacity_bytes = capacity;
  a.levels[0].read_pj_per_byte = a.levels[0].write_pj_per_byte = 1;
  a.levels[1].name = "dram";
  a.levels[1].read_pj_per_byte = a.levels[1].write_pj_per_byte = 100;
  a.levels[1].bytes_per_cycle = 1;
  a.levels[1].off_chip = true;
  a.operand_bytes = 1;
  a.accumulator_bytes = 1;
  a.mac_pj = 1;
  a.clock_hz = 1e9;
  return a;
}

}  // namespace tessera::map::testing
