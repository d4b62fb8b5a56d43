#include "tessera/map/reference_hardware.h"

#if __has_include("tessera/hw/spec_parser.h")
#include "tessera/hw/spec_parser.h"
#define TESSERA_MAP_HAS_SPEC_PARSER 1
#endif

#include "tessera/core/error.h"

namespace tessera::map {

hw::Hardware gemmini_like_hardware(int64_t accumulator_bytes, int64_t scratchpad_bytes) {
  hw::Hardware h;
  h.name = "gemmini-like";
  h.description = "Gemmini default config: 16x16 WS int8 systolic array (Genc et al., DAC 2021)";
  h.kind = hw::HardwareKind::Accelerator;
  h.clock_hz = 1e9;  // assumption: 1 GHz, the clock Gemmini papers report for their SoCs
  hw::PeArray pe;
  pe.rows = 16;
  pe.cols = 16;
  pe.dataflow = hw::Dataflow::WeightStationary;
  pe.dtype = model::DType::Int8;
  pe.accumulator_dtype = model::DType::Int32;
  pe.mac_energy_pj = 0.3;        // int8 mult 0.2 + int32 add 0.1 pJ (Horowitz ISSCC'14, 45 nm)
  pe.register_bytes_per_pe = 8;  // one int32 partial sum (OS) or int8 weight, plus a preload
  h.pe_array = pe;
  h.matrix.ops_per_s[model::DType::Int8] = 2.0 * 16 * 16 * h.clock_hz;
  // Energies per byte: Horowitz 45 nm SRAM reads (8 KB 10 pJ, 32 KB 20 pJ, 1 MB 100 pJ per 64 b)
  // interpolated by capacity; DRAM 1300 pJ per 64 b (data/energy_reference.md, section 1).
  auto level = [](const char* name, int64_t cap, double bw_bytes_per_cycle, double pj_per_byte,
                  bool w, bool i, bool o) {
    hw::MemoryLevel m;
    m.name = name;
    m.capacity_bytes = cap;
    m.bandwidth_bytes_per_s = bw_bytes_per_cycle * 1e9;
    m.read_energy_pj_per_byte = pj_per_byte;
    m.write_energy_pj_per_byte = pj_per_byte;
    m.holds = {w, i, o};
    m.source = "gemmini defaults (DIM=16), energies from data/energy_reference.md";
    return m;
  };
  // PE registers: the dataflow's constraints decide which tensor stays there.
  h.memory.push_back(level("registers", 8 * 16 * 16, 0, 0.03, true, true, true));
  h.memory.back().double_buffered = true;
  // Accumulator: DIM int32 lanes read-modify-written per cycle (a read and a write port);
  // scratchpad: DIM bytes of inputs + DIM bytes of weights per cycle.
  h.memory.push_back(level("accumulator", accumulator_bytes, 128, 3.0, false, false, true));
  h.memory.push_back(level("scratchpad", scratchpad_bytes, 32, 6.0, true, true, false));
  h.memory.push_back(level("l2", 512 * 1024, 32, 9.0, true, true, true));
  // DRAM behind a 128-bit system bus: 16 B per cycle.
  h.memory.push_back(level("dram", 0, 16, 160.0, true, true, true));
  h.memory.back().off_chip = true;
  // I-BERT integer units (001 Sec. 3.4.4): one DIM-wide vector of elements per cycle.
  hw::SpecialFunctionUnit unit;
  unit.name = "ibert";
  unit.ops = {model::OpKind::Softmax, model::OpKind::LayerNorm, model::OpKind::Gelu};
  unit.elements_per_cycle = 16;
  h.special_units.push_back(unit);
  h.sources["clock_hz"] = "assumption (1 GHz)";
  return h;
}

hw::Hardware resolve_hardware(const std::string& name_or_path) {
  if (name_or_path == "gemmini-like" || name_or_path == "gemmini-builtin")
    return gemmini_like_hardware();
#ifdef TESSERA_MAP_HAS_SPEC_PARSER
  return hw::load_hardware(name_or_path);
#else
  if (name_or_path == "gemmini") return gemmini_like_hardware();
  throw Error("unknown hardware '" + name_or_path + "' (available: gemmini, gemmini-like)");
#endif
}

}  // namespace tessera::map
