// Unary elementwise ops: activations (GELU for BERT, ReLU for the Transformer, 002 Sec. II-A)
// and the small unary ops of attention (scale). Branch-free formulas over fast_exp so loops
// vectorise; GELU is the exact erf form with the Abramowitz-Stegun 7.1.26 erf (|error| 1.5e-7).
#include <algorithm>
#include <cmath>

#include "run/kernels/vector_math.h"
#include "tessera/core/error.h"
#include "tessera/run/kernels.h"

namespace tessera::run {
namespace {

using model::OpKind;

inline float erf_approx(float x) {
  float ax = std::fabs(x);
  float t = 1.0f / (1.0f + 0.3275911f * ax);
  float poly =
      t * (0.254829592f +
           t * (-0.284496736f + t * (1.421413741f + t * (-1.453152027f + t * 1.061405429f))));
  float value = 1.0f - poly * exp_approx(-ax * ax);
  return std::copysign(value, x);
}
inline float sigmoid(float x) { return 1.0f / (1.0f + exp_approx(-x)); }

template <typename F>
void apply(const float* x, float* y, int64_t count, int threads, F f) {
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int64_t i = 0; i < count; ++i) y[i] = f(x[i]);
}

}  // namespace

bool is_unary_kind(OpKind kind) {
  switch (kind) {
    case OpKind::Gelu:
    case OpKind::Relu:
    case OpKind::Relu6:
    case OpKind::Sigmoid:
    case OpKind::Swish:
    case OpKind::Tanh:
    case OpKind::HardSigmoid:
    case OpKind::HardSwish:
    case OpKind::Erf:
    case OpKind::Sqrt:
    case OpKind::Identity:
    case OpKind::Scale:
    case OpKind::Cast:
      return true;
    default:
      return false;
  }
}

void gelu_tanh(const float* x, float* y, int64_t count, int threads) {
  apply(x, y, count, threads, [](float v) {
    return 0.5f * v * (1.0f + std::tanh(0.7978845608f * (v + 0.044715f * v * v * v)));
  });
}

void unary(OpKind kind, const float* x, float* y, int64_t count, float scale, int threads) {
  switch (kind) {
    case OpKind::Gelu:
      return apply(x, y, count, threads,
                   [](float v) { return 0.5f * v * (1.0f + erf_approx(v * 0.70710678f)); });
    case OpKind::Relu:
      return apply(x, y, count, threads, [](float v) { return std::max(v, 0.0f); });
    case OpKind::Relu6:
      return apply(x, y, count, threads, [](float v) { return std::min(std::max(v, 0.0f), 6.0f); });
    case OpKind::Sigmoid:
      return apply(x, y, count, threads, [](float v) { return sigmoid(v); });
    case OpKind::Swish:
      return apply(x, y, count, threads, [](float v) { return v * sigmoid(v); });
    case OpKind::Tanh:
      return apply(x, y, count, threads, [](float v) { return 2.0f * sigmoid(2.0f * v) - 1.0f; });
    case OpKind::HardSigmoid:
      return apply(x, y, count, threads,
                   [](float v) { return std::min(std::max(v / 6.0f + 0.5f, 0.0f), 1.0f); });
    case OpKind::HardSwish:
      return apply(x, y, count, threads,
                   [](float v) { return v * std::min(std::max(v / 6.0f + 0.5f, 0.0f), 1.0f); });
    case OpKind::Erf:
      return apply(x, y, count, threads, [](float v) { return erf_approx(v); });
    case OpKind::Sqrt:
      return apply(x, y, count, threads, [](float v) { return std::sqrt(v); });
    case OpKind::Scale:
      return apply(x, y, count, threads, [scale](float v) { return v * scale; });
    case OpKind::Identity:
    case OpKind::Cast:
      return apply(x, y, count, threads, [](float v) { return v; });
    default:
      throw Error("unary kernel: op kind " + std::string(model::op_kind_name(kind)) +
                  " is not unary");
  }
}

}  // namespace tessera::run
