// Reductions: the mean over one axis (MemNet's question encoding averages word embeddings).
#include "tessera/run/kernels.h"

namespace tessera::run {

void reduce_mean_axis(const float* x, int64_t outer, int64_t axis, int64_t inner, float* y,
                      int threads) {
  const float scale = 1.0f / static_cast<float>(axis);
  // Each output element sums its column in index order: the same result on any thread count.
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int64_t o = 0; o < outer; ++o) {
    float* out = y + o * inner;
    for (int64_t i = 0; i < inner; ++i) out[i] = 0.0f;
    for (int64_t a = 0; a < axis; ++a) {
      const float* row = x + (o * axis + a) * inner;
      for (int64_t i = 0; i < inner; ++i) out[i] += row[i];
    }
    for (int64_t i = 0; i < inner; ++i) out[i] *= scale;
  }
}

}  // namespace tessera::run
