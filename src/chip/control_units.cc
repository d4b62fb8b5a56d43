// Scalar Unit and IFU/LSU (NeuroMeter 003 Sec. II-A). The SU follows McPAT's simplified
// "ARM Cortex-A9" (instruction fetch without branch prediction, integer RF, ALU, LSU; the rest
// of the core removed). Gate counts are estimates documented in docs/chip-model.md.
#include "chip/components.h"
#include "tessera/chip/circuits.h"
#include "tessera/chip/sram.h"

namespace tessera::chip {
namespace {

// Simplified in-order scalar pipeline (fetch, decode, ALU, LSU, control): ~80 k GE.
constexpr double kScalarLogicGe = 80e3;
constexpr int64_t kScalarRegisterBits = 32 * 32;
constexpr int64_t kScalarMemoryBytes = 16 * 1024;  // TPU-v2 scalar memory: 4 Ki x 32 b
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
  auto r = logic_with_memory(c, "scalar_unit", kScalarLogicGe, kScalarRegisterBits,
                             kScalarMemoryBytes, 4);
  r.detail = "Cortex-A9-lite: fetch, int RF, ALU, LSU; 16 KiB scalar memory";
  return r;
}

ComponentReport ifu_lsu(const CoreContext& c) {
  auto r = logic_with_memory(c, "ifu_lsu", kIfuLogicGe + kLsuLogicGe, 2048,
                             kInstructionBufferBytes, 16);
  r.detail = "instruction buffer 16 KiB, sequencer, load/store + DMA descriptors";
  return r;
}

}  // namespace tessera::chip
