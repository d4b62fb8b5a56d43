// FLOPs per element of nonlinear and elementwise ops. Each count is the arithmetic of the
// textbook formula written out below: one FLOP per add, subtract, multiply, divide, compare,
// and per elementary transcendental (exp, erf, tanh, sqrt: one library call or one
// special-function-unit operation each). Per-row work (a softmax's one reciprocal, a
// LayerNorm's one rsqrt) is amortised over the row and not counted.
//
// The survey (001 Sec. 2.2.1) does not publish its per-op constants. Its tables imply 4 FLOPs
// per softmax element (Tables 3 and 10 differ only in h: (11.85 - 5.41) GFLOPs over
// 12 layers x 8 heads x 4096^2 scores = 4.0) and about 58 FLOPs per token per model dimension
// for GELU + 2 LayerNorms + 2 residual adds; these rules give 5 and 54
// (4 x 9 + 2 x 8 + 2 x 1). tests/golden/transformer_tables_test.cc pins the resulting gap in
// the "Other" rows; the MOPs, which do not depend on these rules, match the tables.
#include "workload/flop_rules.h"

namespace tessera::workload {

double flops_per_element(model::OpKind kind) {
  using model::OpKind;
  switch (kind) {
    case OpKind::Relu:
      return 1;  // max(x, 0)
    case OpKind::Relu6:
      return 2;  // min(max(x, 0), 6)
    case OpKind::BatchNorm:
      return 2;  // folded scale and shift: x * a + b (Table 4: I = 1.00)
    case OpKind::Add:
    case OpKind::Sub:
    case OpKind::Mul:
    case OpKind::Div:
    case OpKind::Scale:
      return 1;
    case OpKind::Pow:
      return 1;
    case OpKind::Sqrt:
      return 1;
    case OpKind::Erf:
      return 1;
    case OpKind::Clip:
      return 2;  // min(max(x, lo), hi)
    case OpKind::Where:
      return 1;  // one select
    case OpKind::Sigmoid:
      return 4;  // 1 / (1 + exp(-x)): negate, exp, add, divide
    case OpKind::HardSigmoid:
      return 3;  // clip(x / 6 + 0.5, 0, 1): mul, add, clip (as 1)
    case OpKind::HardSwish:
      return 4;  // x * hard_sigmoid(x)
    case OpKind::Swish:
      return 5;  // x * sigmoid(x)
    case OpKind::Tanh:
      return 1;  // one transcendental
    // GELU as in the BERT and GPT-2 reference code (tanh approximation):
    // 0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x^3))): x^3 (2 mul), * 0.044715, + x,
    // * sqrt(2/pi), tanh, + 1, * x, * 0.5 = 9.
    case OpKind::Gelu:
      return 9;
    // Numerically stable softmax, the three passes of 001 Sec. 2.1.1 / Fig. 2a: max (compare),
    // then exp(x - max) and the running sum (subtract, exp, add), then the divide = 5.
    case OpKind::Softmax:
      return 5;
    // LayerNorm, the three passes of 001 Fig. 2b: mean (add); standard deviation (subtract,
    // square, add); normalisation (subtract, divide); then the affine gamma * x + beta
    // (mul, add) = 8.
    case OpKind::LayerNorm:
      return 8;
    case OpKind::ReduceMean:
      return 1;
    case OpKind::MaxPool:
    case OpKind::AvgPool:
      return 1;  // per window element (see lowering)
    case OpKind::GlobalAvgPool:
      return 1;  // per input element
    default:
      return 0;
  }
}

}  // namespace tessera::workload
