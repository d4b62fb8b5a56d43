// Semantic checks of a hardware spec: what YAML types cannot say. Every message names the field
// so that `tessera hw validate FILE` points at the line to fix.
#include <cmath>
#include <set>

#include "hw/yaml_reader.h"
#include "tessera/hw/spec_parser.h"

namespace tessera::hw {
namespace {

constexpr double kMaxRate = 1e21;        // ops/s or bytes/s: zetta is beyond any chip
constexpr int64_t kMaxPeSide = 1 << 16;  // a 65536-wide array is beyond any design

void require_positive(double value, const std::string& where, const std::string& what) {
  if (!(value > 0))
    spec_error(where, what + " must be positive (got " + std::to_string(value) + ")");
  if (value > kMaxRate)
    spec_error(where, what + " is absurdly large (" + std::to_string(value) + ")");
}

void require_non_negative(double value, const std::string& where) {
  if (value < 0) spec_error(where, "must not be negative (got " + std::to_string(value) + ")");
}

// The on-chip level that feeds the PE array its operands (inputs and weights).
const MemoryLevel* operand_level(const Hardware& hw) {
  if (const MemoryLevel* s = hw.find_level("scratchpad")) return s;
  for (const auto& level : hw.memory)
    if (!level.off_chip && level.holds.inputs && level.holds.weights) return &level;
  return nullptr;
}

void validate_rates(const PeakRates& rates, const std::string& where) {
  for (const auto& [type, value] : rates.ops_per_s)
    require_positive(value, where + "." + std::string(model::dtype_name(type)), "peak rate");
}

void validate_pe_array(const Hardware& hw, const std::string& o) {
  const PeArray& pe = *hw.pe_array;
  if (pe.rows <= 0 || pe.cols <= 0)
    spec_error(o + ": pe_array", "rows and cols must be positive (got " + std::to_string(pe.rows) +
                                     "x" + std::to_string(pe.cols) + ")");
  if (pe.rows > kMaxPeSide || pe.cols > kMaxPeSide)
    spec_error(o + ": pe_array", "a " + std::to_string(pe.rows) + "x" + std::to_string(pe.cols) +
                                     " array is absurdly large");
  if (pe.fill_drain_cycles < -1) spec_error(o + ": pe_array.fill_drain_cycles", "must be >= 0");
  require_non_negative(pe.mac_energy_pj, o + ": pe_array.mac_energy_pj");
  if (pe.bias_matrix_bytes < 0 || pe.bias_matrix_bytes > 8)
    spec_error(o + ": pe_array.bias_matrix_bytes", "must be 0 (bias vector) to 8 bytes");
  require_positive(hw.clock_hz, o + ": clock_hz", "an accelerator's clock");
  const MemoryLevel* level = operand_level(hw);
  if (!level)
    spec_error(o + ": memory",
               "the PE array cannot be fed: no on-chip level holds inputs and "
               "weights (name one 'scratchpad')");
  // One weight block of the array plus one input vector per row must fit, double-buffered if
  // so declared; otherwise not even the first tile can be staged.
  int64_t bytes = (pe.rows * pe.cols + pe.rows) * model::dtype_bytes(pe.dtype);
  if (level->double_buffered) bytes *= 2;
  if (level->capacity_bytes < bytes)
    spec_error(o + ": " + level->name + ".capacity_bytes",
               "the " + std::to_string(pe.rows) + "x" + std::to_string(pe.cols) +
                   " PE array cannot be fed: one tile needs " + std::to_string(bytes) +
                   " bytes, the level holds " + std::to_string(level->capacity_bytes));
  if (const MemoryLevel* acc = hw.find_level("accumulator")) {
    int64_t acc_bytes = pe.rows * pe.cols * model::dtype_bytes(pe.accumulator_dtype);
    if (acc->capacity_bytes < acc_bytes)
      spec_error(o + ": accumulator.capacity_bytes",
                 "cannot hold one " + std::to_string(pe.rows) + "x" + std::to_string(pe.cols) +
                     " block of partial sums (" + std::to_string(acc_bytes) + " bytes)");
  }
  double array_peak = 2.0 * static_cast<double>(pe.rows * pe.cols) * hw.clock_hz;
  for (const auto& [type, value] : hw.matrix.ops_per_s)
    if (value > array_peak * 1.0001)
      spec_error(o + ": matrix." + std::string(model::dtype_name(type)),
                 "exceeds what the " + std::to_string(pe.rows) + "x" + std::to_string(pe.cols) +
                     " array delivers at clock_hz (" + std::to_string(array_peak) + " ops/s)");
}

}  // namespace

void validate_hardware(const Hardware& hw, const std::string& o) {
  require_non_negative(hw.clock_hz, o + ": clock_hz");
  validate_rates(hw.matrix, o + ": matrix");
  validate_rates(hw.vector, o + ": vector");
  if (hw.memory.empty()) spec_error(o + ": memory", "at least one memory level (DRAM) is needed");
  std::set<std::string> names;
  for (size_t i = 0; i < hw.memory.size(); ++i) {
    const MemoryLevel& level = hw.memory[i];
    std::string where = o + ": memory[" + std::to_string(i) + "] (" + level.name + ")";
    if (!names.insert(level.name).second) spec_error(where, "duplicate level name");
    require_positive(level.bandwidth_bytes_per_s, where + ".bandwidth_bytes_per_s", "bandwidth");
    bool outermost = i + 1 == hw.memory.size();
    if (level.capacity_bytes < 0 || (!outermost && level.capacity_bytes == 0))
      spec_error(where + ".capacity_bytes", "must be positive (got " +
                                                std::to_string(level.capacity_bytes) +
                                                "); only the outermost level may be unbounded (0)");
    require_non_negative(level.latency_s, where + ".latency_s");
    require_non_negative(level.read_energy_pj_per_byte, where + ".read_energy_pj_per_byte");
    require_non_negative(level.write_energy_pj_per_byte, where + ".write_energy_pj_per_byte");
    if (level.width_bytes < 0) spec_error(where + ".width_bytes", "must not be negative");
    if (level.ports < 1) spec_error(where + ".ports", "must be at least 1");
  }
  if (hw.pe_array) validate_pe_array(hw, o);
  if (hw.matrix.ops_per_s.empty() && hw.vector.ops_per_s.empty())
    spec_error(o, "no compute: give matrix or vector peak rates, or a pe_array and clock_hz");
  for (size_t i = 0; i < hw.special_units.size(); ++i) {
    const auto& unit = hw.special_units[i];
    std::string where = o + ": special_units[" + std::to_string(i) + "]";
    require_positive(unit.elements_per_cycle, where + ".elements_per_cycle", "throughput");
    for (const auto& [op, passes] : unit.passes)
      require_positive(passes, where + ".passes", "passes");
    if (hw.clock_hz <= 0) spec_error(o + ": clock_hz", "special units need a clock");
  }
  if (hw.host) {
    const HostCpu& host = *hw.host;
    require_positive(host.peak_flops_per_s, o + ": host.peak_flops_per_s", "host peak");
    require_positive(host.bandwidth_bytes_per_s, o + ": host.bandwidth_bytes_per_s", "bandwidth");
    require_non_negative(host.quantize_s_per_element, o + ": host.quantize_s_per_element");
    require_non_negative(host.dequantize_s_per_element, o + ": host.dequantize_s_per_element");
    require_non_negative(host.clock_hz, o + ": host.clock_hz");
    if (!host.cycles_per_element.empty() && host.clock_hz <= 0)
      spec_error(o + ": host.clock_hz", "cycles_per_element needs the host's clock");
    for (const auto& [op, cycles] : host.cycles_per_element)
      require_non_negative(cycles, o + ": host.cycles_per_element");
  }
  if (hw.dma) {
    require_positive(static_cast<double>(hw.dma->max_in_flight_requests),
                     o + ": dma.max_in_flight_requests", "request count");
    require_positive(static_cast<double>(hw.dma->request_bytes), o + ": dma.request_bytes",
                     "request size");
    require_positive(hw.dma->latency_s, o + ": dma.latency_s", "latency");
  }
  // The parser checks the class names of a spec file; --efficiency CLASS=E reaches here directly.
  for (const auto& [op_class, e] : hw.efficiency) {
    if (op_class != "matmul" && op_class != "conv" && op_class != "depthwise" &&
        op_class != "vector" && op_class != "default")
      spec_error(o + ": efficiency." + op_class,
                 "unknown op class (expected matmul, conv, depthwise, vector or default)");
    if (!(e > 0 && e <= 1))
      spec_error(o + ": efficiency." + op_class,
                 "must be in (0, 1] (got " + std::to_string(e) + ")");
  }
}

}  // namespace tessera::hw
