// Batched matmul over the GEMM interface. A weight operand (rank-2 B) folds the batch into M so
// a projection is one large GEMM; act-to-act products (attention scores, context) loop over the
// batch with one single-threaded GEMM per batch entry, spread over the threads, as framework
// batch-matmul kernels do.
#include <omp.h>

#include <cstring>

#include "tessera/core/error.h"
#include "tessera/run/gemm.h"
#include "tessera/run/kernels.h"

namespace tessera::run {
namespace {

int64_t product(const Dims& d, size_t begin, size_t end) {
  int64_t p = 1;
  for (size_t i = begin; i < end; ++i) p *= d[i];
  return p;
}

// Offset (in matrices) of batch entry `index` of an operand whose batch dims broadcast to
// `out_batch`.
int64_t broadcast_offset(int64_t index, const Dims& out_batch, const Dims& dims) {
  size_t rank = dims.size() - 2;
  int64_t offset = 0, stride = 1;
  for (size_t i = out_batch.size(); i-- > 0;) {
    int64_t coord = index % out_batch[i];
    index /= out_batch[i];
    size_t from_end = out_batch.size() - 1 - i;
    if (from_end < rank) {
      int64_t dim = dims[rank - 1 - from_end];
      offset += (dim == 1 ? 0 : coord) * stride;
      stride *= dim;
    }
  }
  return offset;
}

void init_with_bias(float* out, int64_t rows, int64_t n, const float* bias) {
  for (int64_t r = 0; r < rows; ++r) std::memcpy(out + r * n, bias, sizeof(float) * n);
}

}  // namespace

void matmul(const float* a, const Dims& a_dims, const float* b, const Dims& b_dims,
            bool transpose_b, const float* bias, float* out, const Dims& out_dims, int threads) {
  if (a_dims.size() < 2 || b_dims.size() < 2 || out_dims.size() < 2)
    throw Error("matmul kernel: operands need rank >= 2");
  int64_t m = a_dims[a_dims.size() - 2], k = a_dims.back();
  int64_t n = out_dims.back();
  float beta = bias ? 1.0f : 0.0f;
  Dims out_batch(out_dims.begin(), out_dims.end() - 2);
  int64_t batch = product(out_dims, 0, out_dims.size() - 2);
  int64_t a_batch = product(a_dims, 0, a_dims.size() - 2);
  if (b_dims.size() == 2 && a_batch == batch) {
    // Activation x weight: one GEMM over all rows.
    if (bias) init_with_bias(out, batch * m, n, bias);
    omp_set_num_threads(threads);
    sgemm(false, transpose_b, batch * m, n, k, 1.0f, a, k, b, transpose_b ? k : n, beta, out, n);
    return;
  }
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int64_t i = 0; i < batch; ++i) {
    const float* ai = a + broadcast_offset(i, out_batch, a_dims) * m * k;
    const float* bi = b + broadcast_offset(i, out_batch, b_dims) * k * n;
    float* oi = out + i * m * n;
    if (bias) init_with_bias(oi, m, n, bias);
    sgemm(false, transpose_b, m, n, k, 1.0f, ai, k, bi, transpose_b ? k : n, beta, oi, n);
  }
}

}  // namespace tessera::run
