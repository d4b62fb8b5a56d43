#include "tessera/hw/energy_table.h"

namespace tessera::hw {

double EnergyTable::mac(model::DType type) const {
  auto it = mac_pj.find(type);
  return it == mac_pj.end() ? 0.0 : it->second;
}
double EnergyTable::read(const std::string& level) const {
  auto it = read_pj_per_byte.find(level);
  return it == read_pj_per_byte.end() ? 0.0 : it->second;
}
double EnergyTable::write(const std::string& level) const {
  auto it = write_pj_per_byte.find(level);
  return it == write_pj_per_byte.end() ? 0.0 : it->second;
}

EnergyTable energy_table_from_spec(const Hardware& hw) {
  EnergyTable table;
  table.source = "spec:" + hw.name;
  if (hw.pe_array) table.mac_pj[hw.pe_array->dtype] = hw.pe_array->mac_energy_pj;
  for (const auto& level : hw.memory) {
    table.read_pj_per_byte[level.name] = level.read_energy_pj_per_byte;
    table.write_pj_per_byte[level.name] = level.write_energy_pj_per_byte;
  }
  return table;
}

}  // namespace tessera::hw
