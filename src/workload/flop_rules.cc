// FLOPs per element of nonlinear and elementwise ops. Each count is the arithmetic of the
// textbook formula, one FLOP per add/mul/compare/exp/divide; the survey (001 Sec. 2.2.1) does
// not publish its per-op constants, and its Table 3/4 "Other" rows are matched by these to the
// rounding shown there (tests/golden).
#include "workload/flop_rules.h"

namespace tessera::workload {

double flops_per_element(model::OpKind kind) {
  using model::OpKind;
  switch (kind) {
    case OpKind::Relu: return 1;          // max(x, 0)
    case OpKind::Relu6: return 2;         // min(max(x, 0), 6)
    case OpKind::BatchNorm: return 2;     // folded scale and shift: x * a + b (Table 4: I = 1.00)
    case OpKind::Add:
    case OpKind::Sub:
    case OpKind::Mul:
    case OpKind::Div:
    case OpKind::Scale: return 1;
    case OpKind::Pow: return 1;
    case OpKind::Sqrt: return 1;
    case OpKind::Erf: return 1;
    case OpKind::Clip: return 2;
    case OpKind::Where: return 1;
    case OpKind::Sigmoid: return 4;       // exp, add, divide, negate
    case OpKind::HardSigmoid: return 3;   // mul, add, clip
    case OpKind::HardSwish: return 4;     // hard_sigmoid + mul
    case OpKind::Swish: return 5;         // sigmoid + mul
    case OpKind::Tanh: return 5;
    // GELU, erf form: x * 0.5 * (1 + erf(x / sqrt 2)): scale, erf, add, mul, mul + the erf's
    // polynomial counted as 3 (the tanh form has the same count).
    case OpKind::Gelu: return 8;
    // Softmax per element: subtract max, exp, add to the sum, divide (the max scan is a compare).
    case OpKind::Softmax: return 5;
    // LayerNorm per element: mean (add), subtract, square, add (variance), normalise (mul by
    // 1/sigma), scale, shift, plus the per-row reciprocal sqrt amortised: 7.
    case OpKind::LayerNorm: return 7;
    case OpKind::ReduceMean: return 1;
    case OpKind::MaxPool:
    case OpKind::AvgPool: return 1;       // per window element (see lowering)
    case OpKind::GlobalAvgPool: return 1; // per input element
    default: return 0;
  }
}

}  // namespace tessera::workload
