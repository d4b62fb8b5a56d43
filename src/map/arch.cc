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
  model::DType operand = model::DType::Int8;
  // A PE array always has registers for its stationary operand. When the spec lists no register
  // level, the mapper adds one (Gemmini's PEs hold a weight for WS, a partial sum for OS):
  // double-buffered (the next operand preloads during a pass), with
  // the energy of an 8-bit add per byte (Horowitz ISSCC'14: 0.03 pJ) as a register access.
  std::vector<hw::MemoryLevel> memory = hw.memory;
  if (hw.pe_array && memory.front().name.rfind("reg", 0) != 0) {
    hw::MemoryLevel reg;
    reg.name = "pe_registers";
    reg.capacity_bytes = 1;  // replaced by the per-PE capacity below
    reg.read_energy_pj_per_byte = reg.write_energy_pj_per_byte = 0.03;
    reg.double_buffered = true;
    reg.holds = {true, true, true};  // the dataflow's constraints pick the stationary tensor
    memory.insert(memory.begin(), reg);
  }
  if (static_cast<int>(memory.size()) > kMaxLevels)
    throw Error(fmt::format("{}: {} memory levels, the mapper supports at most {}", hw.name,
                            memory.size(), kMaxLevels));
  arch.num_levels = static_cast<int>(memory.size());
  if (hw.pe_array) {
    const hw::PeArray& pe = *hw.pe_array;
    if (pe.rows < 1 || pe.cols < 1) throw Error(hw.name + ": pe_array rows and cols must be >= 1");
    arch.array_rows = pe.rows;
    arch.array_cols = pe.cols;
    arch.dataflow = pe.dataflow;
    arch.fill_drain_cycles = pe.fill_drain_cycles < 0 ? pe.rows + pe.cols : pe.fill_drain_cycles;
    if (pe.fold_schedule == hw::FoldSchedule::Serial) {  // as perf::best_matmul_tiling
      arch.serial_folds = true;
      const int64_t preload = pe.dataflow == hw::Dataflow::OutputStationary ? 0 : pe.rows;
      arch.fill_drain_cycles = preload + pe.rows + pe.cols - 2;
    }
    operand = pe.dtype;
    arch.operand_bytes = model::dtype_bytes(pe.dtype);
    arch.accumulator_bytes = model::dtype_bytes(pe.accumulator_dtype);
    arch.final_output_bytes = arch.operand_bytes;
    // Register files inside the PEs sit below the array's fan-out.
    while (arch.spatial_level < arch.num_levels - 1 &&
           memory[arch.spatial_level].name.rfind("reg", 0) == 0)
      ++arch.spatial_level;
    if (memory.front().name == "pe_registers") arch.spatial_level = std::max(arch.spatial_level, 1);
  }
  arch.mac_pj = energy.mac(operand);
  for (int l = 0; l < arch.num_levels; ++l) {
    const hw::MemoryLevel& m = memory[l];
    ArchLevel& a = arch.levels[l];
    a.name = m.name;
    a.capacity_bytes = m.capacity_bytes;
    if (l < arch.spatial_level && m.capacity_bytes > 0) {
      int64_t per_pe = hw.pe_array->register_bytes_per_pe;
      // One stationary value plus the one preloading, wide enough for an output (OS).
      int64_t stationary_bytes = std::max(arch.operand_bytes, arch.accumulator_bytes);
      a.capacity_bytes =
          per_pe > 0 ? per_pe
          : m.name == "pe_registers"
              ? 2 * stationary_bytes
              : std::max<int64_t>(1, m.capacity_bytes / (arch.array_rows * arch.array_cols));
    }
    // Bandwidth per port; a multi-ported SRAM moves `ports` accesses per cycle.
    a.bytes_per_cycle = m.bandwidth_bytes_per_s > 0
                            ? m.bandwidth_bytes_per_s *
                                  static_cast<double>(std::max<int64_t>(1, m.ports)) / hw.clock_hz
                            : 0;
    a.read_pj_per_byte = m.name == "pe_registers" ? m.read_energy_pj_per_byte : energy.read(m.name);
    a.write_pj_per_byte =
        m.name == "pe_registers" ? m.write_energy_pj_per_byte : energy.write(m.name);
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
