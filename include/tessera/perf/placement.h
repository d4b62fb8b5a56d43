// Which unit of a piece of hardware runs an op (matrix, vector, special-function, host, DMA)
// and at which data type and peak; shared by the roofline and analytical evaluators so that
// both agree on what the hardware can run (an op nothing can run is flagged, never zeroed).
#pragma once

#include <string>

#include "tessera/hw/hardware.h"
#include "tessera/workload/analysis.h"

namespace tessera::perf {

enum class Unit : uint8_t { Matrix, Vector, Special, Host, Dma, NoWork, None };
std::string_view unit_name(Unit unit);

struct Placement {
  Unit unit = Unit::None;
  model::DType dtype = model::DType::Fp32;
  double peak_ops_per_s = 0;  // of the unit at dtype (host: its fp32 peak)
  std::string op_class;       // "matmul", "conv", "depthwise", "vector" (efficiency key)
  std::string note;           // e.g. "int8 not supported: ran as bf16"
};

// The element type a workload asks for (its precision name), int8 by default.
model::DType workload_dtype(const workload::Workload* workload);
std::string op_class(const workload::Op& op);
bool is_depthwise(const workload::Op& op);

// The rate of `rates` at `wanted`, else the fastest type at least as wide, else the fastest.
// Returns 0 (and leaves `chosen`) when the unit has no rates at all.
double rate_for(const hw::PeakRates& rates, model::DType wanted, model::DType& chosen);

Placement place_op(const workload::Op& op, const hw::Hardware& hw, model::DType wanted);

}  // namespace tessera::perf
