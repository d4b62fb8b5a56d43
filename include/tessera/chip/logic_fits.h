// Curve fits of arithmetic-unit energy and area against operand width (NeuroMeter 003
// Sec. II-B fits MAC logic from synthesis; tessera fits the published Horowitz ISSCC'14 45 nm
// per-op numbers, listed with their sources in data/chip/logic_fits.yaml): integer adders
// linear in width (a + b w), multipliers quadratic (c1 w + c2 w^2), floating point on the
// mantissa width including the hidden bit. The TPUv4i 7 nm bf16/fp16 ratios check the fits.
#pragma once

#include <vector>

#include "tessera/model/dtype.h"

namespace tessera::chip {

enum class LogicKind { Adder, Multiplier };

struct LogicFitPoint {
  bool floating;
  LogicKind kind;
  double width_bits;  // integer width or mantissa width with hidden bit
  double energy_pj;   // 45 nm, 0.9 V
  double area_um2;    // 45 nm
  const char* source;
};

// The fit data (same as data/chip/logic_fits.yaml).
const std::vector<LogicFitPoint>& logic_fit_points();

struct LogicFit {
  double width_bits = 0;
  bool floating = false;
  double energy_pj_45 = 0;
  double area_um2_45 = 0;
};
// The fitted unit of `kind` for `type` at 45 nm / 0.9 V.
LogicFit logic_fit_for(model::DType type, LogicKind kind);

}  // namespace tessera::chip
