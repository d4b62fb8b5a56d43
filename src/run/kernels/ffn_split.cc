// Feed-forward splitting (002 Sec. III-B-3, Fig. 5e): the intermediate T1/T2 never exists at
// full size; each worker keeps one rows x ffn_chunk tile in cache.
#include <algorithm>
#include <cstring>
#include <vector>

#include "run/fused.h"
#include "tessera/run/gemm.h"
#include "tessera/run/kernels.h"

namespace tessera::run {

void run_ffn_block(const FfnBlock& b, const FfnPointers& p, const OptOptions& o, int threads) {
  // Row blocks: at least --row-block rows, and no more blocks than threads need (each block
  // re-packs the W1/W2 chunks inside the GEMM, so smaller M only adds packing work).
  int64_t rb =
      std::max<int64_t>(std::max<int64_t>(1, o.row_block), (b.rows + threads - 1) / threads);
  int64_t fc = std::min(std::max<int64_t>(1, o.ffn_chunk), b.d_ff);
  int64_t blocks = (b.rows + rb - 1) / rb;
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
  for (int64_t blk = 0; blk < blocks; ++blk) {
    thread_local std::vector<float> tile;
    int64_t r0 = blk * rb, rows = std::min(rb, b.rows - r0);
    tile.resize(static_cast<size_t>(rows * fc));
    float* y = p.out + r0 * b.d_out;
    for (int64_t r = 0; r < rows; ++r) {
      if (p.b2)
        std::memcpy(y + r * b.d_out, p.b2, sizeof(float) * b.d_out);
      else
        std::memset(y + r * b.d_out, 0, sizeof(float) * b.d_out);
    }
    for (int64_t j0 = 0; j0 < b.d_ff; j0 += fc) {
      int64_t cols = std::min(fc, b.d_ff - j0);
      for (int64_t r = 0; r < rows; ++r) {
        if (p.b1)
          std::memcpy(tile.data() + r * cols, p.b1 + j0, sizeof(float) * cols);
        else
          std::memset(tile.data() + r * cols, 0, sizeof(float) * cols);
      }
      sgemm(false, false, rows, cols, b.d_in, 1.0f, p.x + r0 * b.d_in, b.d_in, p.w1 + j0, b.d_ff,
            1.0f, tile.data(), cols);
      unary(b.activation, tile.data(), tile.data(), rows * cols, 1.0f, 1);
      sgemm(false, false, rows, b.d_out, cols, 1.0f, tile.data(), cols, p.w2 + j0 * b.d_out,
            b.d_out, 1.0f, y, b.d_out);
    }
  }
}

}  // namespace tessera::run
