// Energies from the chip model (DESIGN.md "Chip": "changing the chip changes the mapping's
// energy"; survey 001 Sec. 5.3 energy = Σ accesses × energy per access, NeuroMeter 003 Sec. II
// for the per-action energies). The chip names its memories its own way ("unified_buffer",
// "accumulators"), the hardware spec the mapper walks names its levels another ("scratchpad",
// "l2"), so levels are bound to chip components by ROLE, derived from structure on both sides:
//
//   mapper level (from the spec)                 chip component
//   registers: below the array's fan-out          tensor unit: its per-MAC energy already
//                                                 includes the cell's pipeline/weight registers,
//                                                 so the level costs 0 (no double count)
//   accumulator: on-chip, holds outputs only      the memory one int32 per array column wide
//                                                 (width = cols × accumulator bytes)
//   scratchpad: on-chip, holds no outputs         the one other on-chip memory
//   shared buffer (L2): on-chip, holds all         none (the chip model has no shared L2)
//   dram: off-chip                                the memory controller's PHY energy per bit × 8
//
// A level whose role finds no (or no unique) chip component is an error naming the level; the
// user binds it explicitly with `LEVEL=MEMORY` (a chip memory or `dram`) or `LEVEL=spec` (keep
// the hardware spec's energy for that level).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "tessera/chip/chip_model.h"
#include "tessera/map/arch.h"

namespace tessera::map {

enum class LevelRole { Registers, Accumulator, Scratchpad, SharedBuffer, Dram };
std::string_view level_role_name(LevelRole role);
// The role of mapper level `level` from the spec's structure (never from its name).
LevelRole level_role(const MapArch& arch, int level);

struct LevelEnergyBinding {
  std::string level;  // the mapper's level name
  LevelRole role = LevelRole::Scratchpad;
  std::string source;  // "memory:NAME", "tensor_unit (in mac)", "memory_controller", "spec"
  double read_pj_per_byte = 0, write_pj_per_byte = 0;
};

struct ChipEnergyBinding {
  std::string chip;
  double mac_pj = 0;
  std::vector<LevelEnergyBinding> levels;  // innermost → DRAM, as the arch
};

// Binds every level of `arch` (built from the spec) to the chip's energies. `explicit_bindings`
// are `LEVEL=MEMORY|dram|spec` strings. Throws tessera::Error naming the level (and the chip's
// memories) when a level has no energy, an explicit binding names an unknown level or memory,
// or the chip has no MAC energy for the array's operand type.
ChipEnergyBinding bind_chip_energy(const MapArch& arch, const chip::ChipReport& chip,
                                   const std::vector<std::string>& explicit_bindings = {});
// `arch` with the binding's energies in place of the spec's.
MapArch apply_chip_energy(MapArch arch, const ChipEnergyBinding& binding);
// Loads the chip (preset name or YAML file), evaluates it and binds: the one call the CLI and
// the mapped evaluator make.
ChipEnergyBinding chip_energy_for(const MapArch& arch, const std::string& chip_name_or_path,
                                  const std::vector<std::string>& explicit_bindings = {});
std::string chip_energy_table_text(const ChipEnergyBinding& binding);

}  // namespace tessera::map
