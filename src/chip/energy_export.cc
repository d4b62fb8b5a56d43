// Energy-per-action export of a chip (energy_export.h).
#include "tessera/chip/energy_export.h"

#include <algorithm>

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

hw::Hardware chip_hardware(const ChipReport& r) {
  const ChipSpec& s = r.spec;
  const auto table = chip_energy_table(r);
  hw::Hardware h;
  h.name = s.name;
  h.description = "from the chip model: " + s.description;
  h.kind = hw::HardwareKind::Accelerator;
  h.clock_hz = r.clock_hz;
  const double macs = static_cast<double>(s.macs_per_cycle());
  const model::DType matrix_type =
      s.tensor_unit.rows > 0 ? s.tensor_unit.dtype : s.reduction_tree.dtype;
  h.matrix.ops_per_s[matrix_type] = 2 * macs * r.clock_hz;
  if (const auto* vu = r.find("vector_unit")) {
    const double lanes =
        static_cast<double>(vu->instances) *
        static_cast<double>(std::max<int64_t>(1, s.vector_unit.sublanes)) *
        static_cast<double>(s.vector_unit.lanes > 0 ? s.vector_unit.lanes : s.tensor_unit.cols);
    h.vector.ops_per_s[s.vector_unit.dtype] = 2 * lanes * r.clock_hz;
  }
  for (const auto& m : s.memories) {
    const auto* c = r.find("memory:" + m.name);
    if (c == nullptr) continue;
    hw::MemoryLevel level;
    level.name = m.name;
    level.capacity_bytes = m.capacity_bytes;
    const double width = c->energy_pj.at("read_access") / c->energy_pj.at("read_byte");
    const double bytes_per_cycle = m.read_bytes_per_cycle > 0 ? m.read_bytes_per_cycle : width;
    level.bandwidth_bytes_per_s = bytes_per_cycle * r.clock_hz * static_cast<double>(c->instances);
    level.latency_s = static_cast<double>(c->pipeline_stages) / r.clock_hz;
    level.read_energy_pj_per_byte = table.read(m.name);
    level.write_energy_pj_per_byte = table.write(m.name);
    level.width_bytes = static_cast<int64_t>(width);
    level.source = "chip model: " + c->detail;
    h.memory.push_back(level);
  }
  hw::MemoryLevel dram;
  dram.name = "dram";
  dram.off_chip = true;
  dram.bandwidth_bytes_per_s = s.offchip.dram_gbps * 1e9;
  dram.read_energy_pj_per_byte = table.read("dram");
  dram.write_energy_pj_per_byte = table.write("dram");
  dram.source = "chip model: chip-side PHY energy only";
  h.memory.push_back(dram);
  if (s.tensor_unit.rows > 0) {
    hw::PeArray pe;
    pe.rows = s.tensor_unit.rows;
    pe.cols = s.tensor_unit.cols;
    pe.dataflow = s.tensor_unit.dataflow == TuDataflow::WeightStationary
                      ? hw::Dataflow::WeightStationary
                      : hw::Dataflow::OutputStationary;
    pe.dtype = s.tensor_unit.dtype;
    pe.accumulator_dtype = s.tensor_unit.accumulator;
    pe.mac_energy_pj = table.mac(s.tensor_unit.dtype);
    h.pe_array = pe;
  }
  h.sources["energy"] = "tessera chip model (NeuroMeter 003 Sec. II)";
  return h;
}

}  // namespace tessera::chip
