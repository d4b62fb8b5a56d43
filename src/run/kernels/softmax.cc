// Row softmax and the vectorisable exponential shared by the baseline softmax and the NLP-Opt
// lazy softmax (so both paths pay the same per-exponential cost).
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>

#include "tessera/run/kernels.h"

namespace tessera::run {

// Cephes expf: Cody-Waite range reduction to [-ln2/2, ln2/2] and a degree-6 polynomial; written
// branch-free so that loops over it vectorise.
float fast_exp(float x) {
  float clamped = std::min(std::max(x, -87.3f), 88.3f);
  float n = std::floor(clamped * 1.44269504088896341f + 0.5f);
  float f = clamped - n * 0.693359375f + n * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * f + 1.3981999507e-3f;
  p = p * f + 8.3334519073e-3f;
  p = p * f + 4.1665795894e-2f;
  p = p * f + 1.6666665459e-1f;
  p = p * f + 5.0000001201e-1f;
  p = p * f * f + f + 1.0f;
  float scale = std::bit_cast<float>((static_cast<int32_t>(n) + 127) << 23);
  return x < -87.3f ? 0.0f : p * scale;
}

void exp_inplace(float* x, int64_t count) {
  for (int64_t i = 0; i < count; ++i) x[i] = fast_exp(x[i]);
}

void softmax_rows(const float* x, float* y, int64_t rows, int64_t cols, int threads) {
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int64_t r = 0; r < rows; ++r) {
    const float* xr = x + r * cols;
    float* yr = y + r * cols;
    float max_value = xr[0];
    for (int64_t c = 1; c < cols; ++c) max_value = std::max(max_value, xr[c]);
    float sum = 0.0f;
    for (int64_t c = 0; c < cols; ++c) {
      yr[c] = fast_exp(xr[c] - max_value);
      sum += yr[c];
    }
    float inverse = 1.0f / sum;
    for (int64_t c = 0; c < cols; ++c) yr[c] *= inverse;
  }
}

}  // namespace tessera::run
