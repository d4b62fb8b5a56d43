// The chip's energy-per-action table (DESIGN.md "Chip"): what one MAC, one byte read or
// written at each on-chip memory, one vector-lane op and one DRAM byte cost on THIS chip, so
// that the mapper and the evaluators use the chip model's energies (NeuroMeter 003 Sec. II).
#pragma once

#include "tessera/chip/chip_model.h"
#include "tessera/hw/energy_table.h"

namespace tessera::chip {

// Memory levels are named after the spec's memories ("unified_buffer", ...) plus "dram" when
// the chip has a memory controller (chip-side PHY energy only, not the DRAM device).
hw::EnergyTable chip_energy_table(const ChipReport& report);

}  // namespace tessera::chip
