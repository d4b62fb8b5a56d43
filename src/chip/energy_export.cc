// Energy-per-action export of a chip (energy_export.h).
#include "tessera/chip/energy_export.h"

namespace tessera::chip {

hw::EnergyTable chip_energy_table(const ChipReport& r) {
  hw::EnergyTable table;
  table.source = "chip:" + r.spec.name;
  for (const auto& c : r.components) {
    if (c.name == "tensor_unit") {
      table.mac_pj[r.spec.tensor_unit.dtype] = c.energy_pj.at("mac");
    } else if (c.name == "reduction_tree" && !table.mac_pj.count(r.spec.reduction_tree.dtype)) {
      table.mac_pj[r.spec.reduction_tree.dtype] = c.energy_pj.at("mac");
    } else if (c.name.rfind("memory:", 0) == 0) {
      const std::string level = c.name.substr(7);
      table.read_pj_per_byte[level] = c.energy_pj.at("read_byte");
      table.write_pj_per_byte[level] = c.energy_pj.at("write_byte");
    } else if (c.name == "vector_unit") {
      table.vector_op_pj = c.energy_pj.at("lane_op");
    } else if (c.name == "memory_controller") {
      table.read_pj_per_byte["dram"] = 8 * c.energy_pj.at("bit");
      table.write_pj_per_byte["dram"] = 8 * c.energy_pj.at("bit");
    }
  }
  table.static_power_w = r.leakage_w;
  return table;
}

}  // namespace tessera::chip
