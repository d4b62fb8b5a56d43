#include "tessera/perf/placement.h"

namespace tessera::perf {

std::string_view unit_name(Unit unit) {
  switch (unit) {
    case Unit::Matrix:
      return "matrix";
    case Unit::Vector:
      return "vector";
    case Unit::Special:
      return "special";
    case Unit::Host:
      return "host";
    case Unit::Dma:
      return "dma";
    case Unit::NoWork:
      return "none";
    case Unit::None:
      return "none";
  }
  return "none";
}

model::DType workload_dtype(const workload::Workload* workload) {
  if (!workload) return model::DType::Int8;
  try {
    return model::parse_dtype(workload->options.precision.name);
  } catch (...) {
    return model::DType::Int8;
  }
}

bool is_depthwise(const workload::Op& op) {
  const auto& c = op.problem.conv;
  return op.problem.kind == workload::ProblemKind::Conv && c.groups > 1 && c.groups == c.c;
}

std::string op_class(const workload::Op& op) {
  switch (op.problem.kind) {
    case workload::ProblemKind::Matmul:
      return "matmul";
    case workload::ProblemKind::Conv:
      return is_depthwise(op) ? "depthwise" : "conv";
    default:
      return "vector";
  }
}

double rate_for(const hw::PeakRates& rates, model::DType wanted, model::DType& chosen) {
  double exact = rates.at(wanted);
  if (exact > 0) {
    chosen = wanted;
    return exact;
  }
  double best_wide = 0, best_any = 0;
  model::DType wide_type = wanted, any_type = wanted;
  for (const auto& [type, rate] : rates.ops_per_s) {
    if (model::dtype_bytes(type) >= model::dtype_bytes(wanted) && rate > best_wide)
      best_wide = rate, wide_type = type;
    if (rate > best_any) best_any = rate, any_type = type;
  }
  if (best_wide > 0) {
    chosen = wide_type;
    return best_wide;
  }
  if (best_any > 0) chosen = any_type;
  return best_any;
}

namespace {

Placement on_rates(Unit unit, const hw::PeakRates& rates, model::DType wanted) {
  Placement p;
  p.unit = unit;
  p.peak_ops_per_s = rate_for(rates, wanted, p.dtype);
  if (p.peak_ops_per_s > 0 && p.dtype != wanted)
    p.note = std::string(model::dtype_name(wanted)) + " not native: ran as " +
             std::string(model::dtype_name(p.dtype));
  return p;
}

Placement on_host(const hw::Hardware& hw) {
  Placement p;
  p.unit = Unit::Host;
  p.dtype = model::DType::Fp32;
  p.peak_ops_per_s = hw.host->peak_flops_per_s;
  p.note = "offloaded to host " + hw.host->name;
  return p;
}

}  // namespace

Placement place_op(const workload::Op& op, const hw::Hardware& hw, model::DType wanted) {
  Placement p;
  if (op.unsupported) {
    p.note = "op kind tessera cannot cost (imported)";
  } else if (op.flops == 0 && op.bytes() == 0) {
    p.unit = Unit::NoWork;
  } else if (op.problem.kind == workload::ProblemKind::Matmul ||
             op.problem.kind == workload::ProblemKind::Conv) {
    if (!hw.matrix.ops_per_s.empty())
      p = on_rates(Unit::Matrix, hw.matrix, wanted);
    else if (!hw.vector.ops_per_s.empty())
      p = on_rates(Unit::Vector, hw.vector, wanted);
    else if (hw.host)
      p = on_host(hw);
    else
      p.note = "no matrix or vector unit";
  } else if (op.flops == 0) {
    p.unit = Unit::Dma;  // pure data movement (transpose, concat, gather)
  } else if (hw.kind == hw::HardwareKind::Accelerator) {
    if (const hw::SpecialFunctionUnit* sfu = hw.find_special_unit(op.kind)) {
      p.unit = Unit::Special;
      p.dtype = sfu->dtype;
      p.peak_ops_per_s =
          sfu->elements_per_cycle * hw.clock_hz * op.problem.vector.flops_per_element;
    } else if (hw.host) {
      p = on_host(hw);
    } else if (!hw.vector.ops_per_s.empty()) {
      p = on_rates(Unit::Vector, hw.vector, wanted);
    } else {
      p.note = std::string(model::op_kind_name(op.kind)) +
               " has no special-function unit and there is no host to fall back to";
    }
  } else if (!hw.vector.ops_per_s.empty()) {
    p = on_rates(Unit::Vector, hw.vector, wanted);
  } else if (!hw.matrix.ops_per_s.empty()) {
    p = on_rates(Unit::Matrix, hw.matrix, wanted);
  } else {
    p.note = "no vector unit";
  }
  p.op_class = op_class(op);
  return p;
}

}  // namespace tessera::perf
