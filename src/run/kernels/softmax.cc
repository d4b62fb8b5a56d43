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

// Query i of each [rows_per_matrix, cols] matrix sees keys j <= i + cols - rows_per_matrix;
// the rest are exact zeros (what adding -1e9 before the softmax gives after rounding).
void softmax_rows_causal(const float* x, float* y, int64_t rows, int64_t cols,
                         int64_t rows_per_matrix, int threads) {
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int64_t r = 0; r < rows; ++r) {
    const float* xr = x + r * cols;
    float* yr = y + r * cols;
    int64_t visible =
        std::clamp<int64_t>(r % rows_per_matrix + cols - rows_per_matrix + 1, 0, cols);
    if (visible == 0) {  // nothing visible: the additive mask would give a uniform row
      std::fill(yr, yr + cols, 1.0f / static_cast<float>(cols));
      continue;
    }
    float sum = exp_shift_sum(xr, max_of(xr, visible), yr, visible);
    scale_in_place(yr, 1.0f / sum, visible);
    std::fill(yr + visible, yr + cols, 0.0f);
  }
}

}  // namespace tessera::run
