// Row softmax and the vectorisable exponential shared by the baseline softmax and the NLP-Opt
// lazy softmax (so both paths pay the same per-exponential cost).
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>

#include "run/kernels/vector_math.h"
#include "tessera/run/kernels.h"

namespace tessera::run {

float fast_exp(float x) { return exp_approx(x); }

void exp_inplace(float* x, int64_t count) {
#pragma omp simd
  for (int64_t i = 0; i < count; ++i) x[i] = exp_approx(x[i]);
}

void softmax_rows(const float* x, float* y, int64_t rows, int64_t cols, int threads) {
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int64_t r = 0; r < rows; ++r) {
    const float* xr = x + r * cols;
    float* yr = y + r * cols;
    float sum = exp_shift_sum(xr, max_of(xr, cols), yr, cols);
    scale_in_place(yr, 1.0f / sum, cols);
  }
}

}  // namespace tessera::run
