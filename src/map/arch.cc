#include "tessera/map/arch.h"

#include <fmt/format.h>

#include "tessera/core/error.h"

namespace tessera::map {

MapArch make_arch(const hw::Hardware& hw, const hw::EnergyTable& energy) {
  if (hw.memory.empty()) throw Error(hw.name + ": hardware has no memory levels to map onto");
  if (static_cast<int>(hw.memory.size()) > kMaxLevels)
    throw Error(fmt::format("{}: {} memory levels, the mapper supports at most {}", hw.name,
                            hw.memory.size(), kMaxLevels));
  if (hw.clock_hz <= 0) throw Error(hw.name + ": hardware needs a clock (clock_hz) to be mapped");
  MapArch arch;
  arch.name = hw.name;
  arch.clock_hz = hw.clock_hz;
  arch.num_levels = static_cast<int>(hw.memory.size());
  model::DType operand = model::DType::Int8;
  if (hw.pe_array) {
    const hw::PeArray& pe = *hw.pe_array;
    if (pe.rows < 1 || pe.cols < 1) throw Error(hw.name + ": pe_array rows and cols must be >= 1");
    arch.array_rows = pe.rows;
    arch.array_cols = pe.cols;
    arch.dataflow = pe.dataflow;
    arch.fill_drain_cycles = pe.fill_drain_cycles < 0 ? pe.rows + pe.cols : pe.fill_drain_cycles;
    operand = pe.dtype;
    arch.operand_bytes = model::dtype_bytes(pe.dtype);
    arch.accumulator_bytes = model::dtype_bytes(pe.accumulator_dtype);
    arch.final_output_bytes = arch.operand_bytes;
    // Register files inside the PEs sit below the array's fan-out.
    while (arch.spatial_level < arch.num_levels - 1 &&
           hw.memory[arch.spatial_level].name.rfind("reg", 0) == 0)
      ++arch.spatial_level;
  }
  arch.mac_pj = energy.mac(operand);
  for (int l = 0; l < arch.num_levels; ++l) {
    const hw::MemoryLevel& m = hw.memory[l];
    ArchLevel& a = arch.levels[l];
    a.name = m.name;
    a.capacity_bytes = m.capacity_bytes;
    if (l < arch.spatial_level && m.capacity_bytes > 0) {
      int64_t per_pe = hw.pe_array->register_bytes_per_pe;
      a.capacity_bytes =
          per_pe > 0 ? per_pe
                     : std::max<int64_t>(1, m.capacity_bytes / (arch.array_rows * arch.array_cols));
    }
    a.bytes_per_cycle = m.bandwidth_bytes_per_s > 0 ? m.bandwidth_bytes_per_s / hw.clock_hz : 0;
    a.read_pj_per_byte = energy.read(m.name);
    a.write_pj_per_byte = energy.write(m.name);
    a.double_buffered = m.double_buffered;
    a.off_chip = m.off_chip || l == arch.num_levels - 1;
    a.may_hold = static_cast<uint8_t>((m.holds.weights ? 1 : 0) | (m.holds.inputs ? 2 : 0) |
                                      (m.holds.outputs ? 4 : 0));
    if (l == arch.num_levels - 1) a.may_hold = 0b111;  // DRAM backs every tensor
  }
  for (const hw::SpecialFunctionUnit& unit : hw.special_units)
    arch.vector_elements_per_cycle =
        std::max(arch.vector_elements_per_cycle, unit.elements_per_cycle);
  return arch;
}

}  // namespace tessera::map
