// Scalar Unit and IFU/LSU (NeuroMeter 003 Sec. II-A). The SU follows McPAT's simplified
// "ARM Cortex-A9" (instruction fetch without branch prediction, integer RF, ALU, LSU; the rest
// of the core removed). In McPAT the IFU owns the L1 instruction cache and the LSU the L1 data
// cache, so the SU keeps both: McPAT's ARM_A9_2GHz.xml configures each as 32 KiB, 4-way
// (icache_config / dcache_config "32768,..,4,.."), with the Cortex-A9's 32-byte lines.
// Gate counts are estimates documented in docs/chip-model.md.
#include <algorithm>

#include "chip/components.h"
#include "tessera/chip/circuits.h"
#include "tessera/chip/sram.h"

namespace tessera::chip {
namespace {

// Simplified in-order scalar pipeline (fetch, decode, ALU, LSU, control): ~80 k GE.
constexpr double kScalarLogicGe = 80e3;
constexpr int64_t kScalarRegisterBits = 32 * 32;
// L1 I- and D-cache of McPAT's A9 config: 32 KiB data each; tags for 1024 lines of 32 B: a
// 32-bit address less 5 offset and 8 index bits = 19 tag bits + valid + dirty, rounded to 3 B,
// the 4 ways' tags read side by side.
constexpr int64_t kL1CacheBytes = 32 * 1024;
constexpr int64_t kL1TagBytes = 1024 * 3;
constexpr int64_t kL1TagWidthBytes = 4 * 3;
// Instruction sequencer/decoder of a VLIW core (~20 k GE) with a 16 KiB instruction buffer,
// and a load/store unit with DMA descriptors and address generators (~30 k GE).
constexpr double kIfuLogicGe = 20e3;
constexpr int64_t kInstructionBufferBytes = 16 * 1024;
constexpr double kLsuLogicGe = 30e3;

ComponentReport logic_with_memory(const CoreContext& c, const std::string& name, double ge,
                                  int64_t register_bits, int64_t memory_bytes, int64_t width) {
  const Technology& t = c.tech;
  const Block logic = random_logic(t, ge, 0.1);
  const Block regs = flip_flops(t, register_bits);
  ComponentReport r;
  r.name = name;
  double area = logic.area_um2 + regs.area_um2, e = logic.energy_pj + 0.2 * regs.energy_pj;
  double leak = logic.leakage_w + regs.leakage_w, path = logic.delay_s;
  if (memory_bytes > 0) {
    const auto m = memory_array(t, {memory_bytes, width, 1, 0, CellKind::Sram});
    area += m.area_um2;
    e += m.read_energy_pj;
    leak += m.leakage_w;
    path = std::max(path, m.cycle_time_s);
  }
  r.area_mm2 = area * 1e-6;
  r.energy_pj["cycle"] = e;
  r.dynamic_w = e * 1e-12 * c.clock_hz;
  r.leakage_w = leak;
  r.critical_path_s = path;
  return r;
}

}  // namespace

ComponentReport scalar_unit(const CoreContext& c) {
  auto r = logic_with_memory(c, "scalar_unit", kScalarLogicGe, kScalarRegisterBits, 0, 4);
  // Two L1 caches (I and D), each a data array read 8 B per access plus its tag array; at TDP
  // each is accessed once per cycle (McPAT's peak activity).
  const Technology& t = c.tech;
  const auto data = memory_array(t, {kL1CacheBytes, 8, 1, 0, CellKind::Sram});
  const auto tags = memory_array(t, {kL1TagBytes, kL1TagWidthBytes, 1, 0, CellKind::Sram});
  const double e = 2 * (data.read_energy_pj + tags.read_energy_pj);
  r.area_mm2 += 2 * (data.area_um2 + tags.area_um2) * 1e-6;
  r.energy_pj["cycle"] += e;
  r.dynamic_w += e * 1e-12 * c.clock_hz;
  r.leakage_w += 2 * (data.leakage_w + tags.leakage_w);
  r.critical_path_s = std::max({r.critical_path_s, data.cycle_time_s, tags.cycle_time_s});
  r.detail = "Cortex-A9-lite: fetch, int RF, ALU, LSU; 32 KiB 4-way L1 I- and D-caches";
  return r;
}

ComponentReport ifu_lsu(const CoreContext& c) {
  auto r =
      logic_with_memory(c, "ifu_lsu", kIfuLogicGe + kLsuLogicGe, 2048, kInstructionBufferBytes, 16);
  r.detail = "instruction buffer 16 KiB, sequencer, load/store + DMA descriptors";
  return r;
}

}  // namespace tessera::chip
