// Hardware specs (issue #4; DESIGN.md "Hardware"): one schema for processors (CPU/GPU/TPU:
// peak ops/s per dtype on matrix and vector units, memory levels) and accelerators (PE array,
// dataflow, scratchpad, accumulator, special-function units, host CPU for unsupported ops).
// Parsed from YAML by hw/spec_parser.h; presets in data/hw/*.yaml.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tessera/model/dtype.h"
#include "tessera/model/op_kind.h"

namespace tessera::hw {

enum class HardwareKind : uint8_t { Processor, Accelerator };
enum class Dataflow : uint8_t { WeightStationary, OutputStationary, InputStationary };
std::string_view dataflow_name(Dataflow d);  // "ws", "os", "is"
// How successive folds of the array (one rows x cols block of the stationary operand, or of the
// outputs for OS) follow each other.
// Pipelined: back to back; the next block's stationary operand is preloaded behind the current
//   stream (double-buffered PE registers, as in Gemmini and the TPU), and the wavefront fills and
//   drains once per tile (`fill_drain_cycles`).
// Serial: each fold starts once the previous one has drained, paying the stationary preload
//   (rows cycles, WS and IS) and the full skew (rows + cols - 2) every time: SCALE-Sim's model
//   (Samajdar et al., ISPASS 2020: 2R + C + T - 2 cycles per fold; scale-sim-v2
//   scalesim/compute/systolic_compute_{ws,is,os}.py, whose OS folds have no preload).
enum class FoldSchedule : uint8_t { Pipelined, Serial };
std::string_view fold_schedule_name(FoldSchedule s);  // "pipelined", "serial"

// Peak rates in operations per second (1 MAC = 2 ops), by data type.
struct PeakRates {
  std::map<model::DType, double> ops_per_s;
  // The rate for `type`, or 0 when the unit cannot compute in that type.
  double at(model::DType type) const;
};

// Which tensors a memory level may keep (mapper and analytical model constraints).
struct TensorSet {
  bool weights = true, inputs = true, outputs = true;
};

struct MemoryLevel {
  std::string name;                  // "registers", "accumulator", "scratchpad", "l2", "dram"
  int64_t capacity_bytes = 0;        // 0 = unbounded (off-chip DRAM)
  double bandwidth_bytes_per_s = 0;  // to the next-inner level / compute
  double latency_s = 0;
  double read_energy_pj_per_byte = 0;
  double write_energy_pj_per_byte = 0;
  int64_t width_bytes = 0;  // access width (0 = unspecified)
  int64_t ports = 1;
  bool double_buffered = false;
  bool off_chip = false;
  TensorSet holds;
  std::string source;  // citation for the numbers
};

struct PeArray {
  int64_t rows = 0, cols = 0;
  Dataflow dataflow = Dataflow::WeightStationary;
  model::DType dtype = model::DType::Int8;  // operand type
  model::DType accumulator_dtype = model::DType::Int32;
  int64_t fill_drain_cycles = -1;  // -1 = rows + cols (systolic wavefront)
  FoldSchedule fold_schedule = FoldSchedule::Pipelined;
  double mac_energy_pj = 0;
  int64_t register_bytes_per_pe = 0;
  // Bytes per element of a bias that enters the accumulator as a full M x N matrix (Gemmini's
  // C = A * B + D); 0 = the bias is a vector read once.
  double bias_matrix_bytes = 0;
};

// The accelerator's DMA engine: at most `max_in_flight_requests` requests of `request_bytes`
// outstanding, each taking `latency_s` round trip, so it moves at most
// in-flight bytes / latency (Little's law) whatever the bus and DRAM could carry.
struct Dma {
  int64_t max_in_flight_requests = 0;
  int64_t request_bytes = 0;
  double latency_s = 0;
  // The bandwidth bound above; 0 when not stated.
  double bandwidth_bytes_per_s() const;
};

// Special-function unit on the accelerator (e.g. I-BERT LayerNorm/Softmax/GELU units).
struct SpecialFunctionUnit {
  std::string name;
  std::vector<model::OpKind> ops;
  double elements_per_cycle = 1;  // vector width processed per cycle
  model::DType dtype = model::DType::Int32;
  // Passes over the data per element (e.g. I-BERT LayerNorm reads the accumulator for the sum,
  // the sum of squares and the final normalisation: 3). Keyed by op; absent = 1.
  std::map<model::OpKind, double> passes;
};

// Host CPU that runs ops the accelerator cannot (e.g. Gemmini's CPU-offloaded LayerNorm).
struct HostCpu {
  std::string name;
  double peak_flops_per_s = 0;  // fp32 vector peak actually attainable on these ops
  double bandwidth_bytes_per_s = 0;
  double quantize_s_per_element = 0;  // int8 <-> fp32 conversion cost around offloaded ops
  double dequantize_s_per_element = 0;
  double clock_hz = 0;  // for cycles_per_element (0 = not given)
  // An in-order core with a blocking data cache stalls for every miss, so memory time adds to
  // compute time instead of overlapping it (e.g. Rocket, DCacheParams nMSHRs = 0).
  bool blocking_cache = false;
  // Scalar cost of one element of an op on this core (e.g. softmax: exp + divide), when the
  // flop-rate roof is not what limits it; keyed by op kind. Used as max(flops roof, cycles).
  std::map<model::OpKind, double> cycles_per_element;
};

struct Hardware {
  std::string name;
  std::string description;
  HardwareKind kind = HardwareKind::Processor;
  double clock_hz = 0;
  PeakRates matrix;                 // matrix units: tensor cores, MXU, PE array
  PeakRates vector;                 // vector/SIMD units
  std::vector<MemoryLevel> memory;  // innermost first; the last is the outermost (DRAM)
  std::optional<PeArray> pe_array;
  std::vector<SpecialFunctionUnit> special_units;
  std::optional<HostCpu> host;
  std::optional<Dma> dma;
  std::map<std::string, std::string> sources;  // field -> citation
  // Execution efficiency E of EfficientNet-X Eq. 1 by op class ("matmul", "conv",
  // "depthwise", "vector", "default"); absent = 1.
  std::map<std::string, double> efficiency;

  const MemoryLevel* find_level(const std::string& name) const;  // null if absent
  const MemoryLevel& dram() const;                               // the outermost level
  // Whether a special-function unit on the accelerator runs `kind`.
  bool has_special_unit(model::OpKind kind) const;
  const SpecialFunctionUnit* find_special_unit(model::OpKind kind) const;  // null if none
  // E for an op class (see `efficiency`), falling back to "default" and then 1.
  double efficiency_for(const std::string& op_class) const;
};

}  // namespace tessera::hw
