// Binding of the mapper's levels to the chip model's energies by role (chip_energy.h).
#include "tessera/map/chip_energy.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "tessera/chip/energy_export.h"
#include "tessera/chip/spec_parser.h"
#include "tessera/core/error.h"

namespace tessera::map {
namespace {

constexpr uint8_t kOutputsBit = 1u << kOutputs;

struct ChipMemory {
  std::string name;
  double read_pj = 0, write_pj = 0;
  int64_t width_bytes = 0;
  bool accumulator = false;
};

std::vector<ChipMemory> chip_memories(const chip::ChipReport& chip) {
  const hw::EnergyTable table = chip::chip_energy_table(chip);
  std::vector<ChipMemory> out;
  const auto& tu = chip.spec.tensor_unit;
  const int64_t accumulator_row = tu.rows > 0 ? tu.cols * model::dtype_bytes(tu.accumulator) : -1;
  for (const auto& m : chip.spec.memories) {
    const chip::ComponentReport* c = chip.find("memory:" + m.name);
    if (c == nullptr) continue;
    ChipMemory cm;
    cm.name = m.name;
    cm.read_pj = table.read(m.name);
    cm.write_pj = table.write(m.name);
    // The width the chip model built (the spec's, or derived from the array).
    cm.width_bytes = static_cast<int64_t>(c->energy_pj.at("read_access") / cm.read_pj + 0.5);
    cm.accumulator = cm.width_bytes == accumulator_row;
    out.push_back(cm);
  }
  return out;
}

std::string names_of(const std::vector<ChipMemory>& memories) {
  std::string s;
  for (const auto& m : memories) s += (s.empty() ? "" : ", ") + m.name;
  return s.empty() ? "none" : s;
}

}  // namespace

std::string_view level_role_name(LevelRole role) {
  switch (role) {
    case LevelRole::Registers:
      return "registers";
    case LevelRole::Accumulator:
      return "accumulator";
    case LevelRole::Scratchpad:
      return "scratchpad";
    case LevelRole::SharedBuffer:
      return "shared buffer";
    case LevelRole::Dram:
      return "dram";
  }
  return "?";
}

LevelRole level_role(const MapArch& arch, int level) {
  const ArchLevel& l = arch.levels[level];
  if (l.off_chip) return LevelRole::Dram;
  if (level < arch.spatial_level) return LevelRole::Registers;
  if (l.may_hold == kOutputsBit) return LevelRole::Accumulator;
  if ((l.may_hold & kOutputsBit) == 0) return LevelRole::Scratchpad;
  return LevelRole::SharedBuffer;
}

ChipEnergyBinding bind_chip_energy(const MapArch& arch, const chip::ChipReport& chip,
                                   const std::vector<std::string>& explicit_bindings) {
  ChipEnergyBinding b;
  b.chip = chip.spec.name;
  const hw::EnergyTable table = chip::chip_energy_table(chip);
  const std::vector<ChipMemory> memories = chip_memories(chip);
  const bool has_dram = table.read_pj_per_byte.count("dram") > 0;

  // Explicit LEVEL=TARGET bindings first.
  std::map<std::string, std::string> chosen;
  for (const std::string& e : explicit_bindings) {
    const size_t eq = e.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == e.size())
      throw Error(fmt::format("chip level binding '{}': expected LEVEL=MEMORY|dram|spec", e));
    const std::string level = e.substr(0, eq), target = e.substr(eq + 1);
    bool known = false;
    for (int l = 0; l < arch.num_levels; ++l) known = known || arch.levels[l].name == level;
    if (!known) {
      std::string levels;
      for (int l = 0; l < arch.num_levels; ++l) levels += (l ? ", " : "") + arch.levels[l].name;
      throw Error(fmt::format("chip level binding '{}': {} has no level '{}' (levels: {})", e,
                              arch.name, level, levels));
    }
    const bool memory = std::any_of(memories.begin(), memories.end(),
                                    [&](const ChipMemory& m) { return m.name == target; });
    if (!memory && target != "spec" && !(target == "dram" && has_dram))
      throw Error(fmt::format(
          "chip level binding '{}': chip {} has no memory '{}' (memories: {}{}; or spec)", e,
          b.chip, target, names_of(memories), has_dram ? ", dram" : ""));
    chosen[level] = target;
  }

  // Chip-side roles: the accumulator memory (one int32 per column), the operand buffers.
  std::vector<ChipMemory> accumulators, operand_buffers;
  for (const auto& m : memories) (m.accumulator ? accumulators : operand_buffers).push_back(m);

  for (int l = 0; l < arch.num_levels; ++l) {
    const ArchLevel& level = arch.levels[l];
    LevelEnergyBinding lb;
    lb.level = level.name;
    lb.role = level_role(arch, l);
    auto take = [&](const ChipMemory& m) {
      lb.source = "memory:" + m.name;
      lb.read_pj_per_byte = m.read_pj;
      lb.write_pj_per_byte = m.write_pj;
    };
    auto it = chosen.find(level.name);
    if (it != chosen.end()) {
      const std::string& target = it->second;
      if (target == "spec") {
        lb.source = "spec";
        lb.read_pj_per_byte = level.read_pj_per_byte;
        lb.write_pj_per_byte = level.write_pj_per_byte;
      } else if (target == "dram" && has_dram) {
        lb.source = "memory_controller";
        lb.read_pj_per_byte = table.read("dram");
        lb.write_pj_per_byte = table.write("dram");
      } else {
        for (const auto& m : memories)
          if (m.name == target) take(m);
      }
      b.levels.push_back(lb);
      continue;
    }
    const std::vector<ChipMemory>* candidates = nullptr;
    switch (lb.role) {
      case LevelRole::Registers:
        lb.source = "tensor_unit (in mac)";
        b.levels.push_back(lb);
        continue;
      case LevelRole::Dram:
        if (!has_dram)
          throw Error(fmt::format(
              "chip {} has no DRAM interface (offchip.dram), so level '{}' (role dram) has no "
              "energy; bind it with --chip-level {}=spec",
              b.chip, level.name, level.name));
        lb.source = "memory_controller";
        lb.read_pj_per_byte = table.read("dram");
        lb.write_pj_per_byte = table.write("dram");
        b.levels.push_back(lb);
        continue;
      case LevelRole::Accumulator:
        candidates = &accumulators;
        break;
      case LevelRole::Scratchpad:
        candidates = &operand_buffers;
        break;
      case LevelRole::SharedBuffer:
        break;
    }
    if (candidates == nullptr || candidates->size() != 1)
      throw Error(fmt::format(
          "chip {}: level '{}' (role {}) matches {} of the chip's memories ({}); bind it with "
          "--chip-level {}=MEMORY or {}=spec",
          b.chip, level.name, level_role_name(lb.role),
          candidates == nullptr || candidates->empty() ? "none"
                                                       : std::to_string(candidates->size()),
          names_of(memories), level.name, level.name));
    take(candidates->front());
    b.levels.push_back(lb);
  }

  const auto& tu = chip.spec.tensor_unit;
  const model::DType type = tu.rows > 0 ? tu.dtype : chip.spec.reduction_tree.dtype;
  if (model::dtype_bytes(type) != arch.operand_bytes)
    throw Error(fmt::format("chip {} computes in {}-byte operands, {}'s array in {}-byte ones",
                            b.chip, model::dtype_bytes(type), arch.name, arch.operand_bytes));
  b.mac_pj = table.mac(type);
  if (b.mac_pj <= 0) throw Error(fmt::format("chip {} has no MAC energy", b.chip));
  return b;
}

MapArch apply_chip_energy(MapArch arch, const ChipEnergyBinding& binding) {
  arch.mac_pj = binding.mac_pj;
  for (int l = 0; l < arch.num_levels; ++l) {
    arch.levels[l].read_pj_per_byte = binding.levels[l].read_pj_per_byte;
    arch.levels[l].write_pj_per_byte = binding.levels[l].write_pj_per_byte;
  }
  arch.name += "+chip:" + binding.chip;
  return arch;
}

ChipEnergyBinding chip_energy_for(const MapArch& arch, const std::string& chip_name_or_path,
                                  const std::vector<std::string>& explicit_bindings) {
  const chip::ChipReport report = chip::evaluate_chip(chip::load_chip_spec(chip_name_or_path));
  return bind_chip_energy(arch, report, explicit_bindings);
}

std::string chip_energy_table_text(const ChipEnergyBinding& b) {
  std::string out = fmt::format("energies from chip {}: mac {:.4g} pJ\n", b.chip, b.mac_pj);
  for (const auto& l : b.levels)
    out += fmt::format("  {:<14} {:<14} {:<24} read {:.4g} pJ/B, write {:.4g} pJ/B\n", l.level,
                       level_role_name(l.role), l.source, l.read_pj_per_byte, l.write_pj_per_byte);
  return out;
}

}  // namespace tessera::map
