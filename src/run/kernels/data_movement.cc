// Data movement: transpose (the head split/merge of attention), concat, embedding gather.
// Reshape needs no kernel: the plan aliases its output to its input buffer.
#include <cmath>
#include <cstring>

#include "tessera/core/error.h"
#include "tessera/run/kernels.h"

namespace tessera::run {

void transpose(const float* x, const Dims& x_dims, const std::vector<int64_t>& permutation,
               float* y, int threads) {
  size_t rank = x_dims.size();
  if (permutation.size() != rank) throw Error("transpose kernel: permutation rank mismatch");
  Dims y_dims(rank), x_strides(rank, 1);
  for (size_t i = rank - 1; i-- > 0;) x_strides[i] = x_strides[i + 1] * x_dims[i + 1];
  for (size_t i = 0; i < rank; ++i) y_dims[i] = x_dims[static_cast<size_t>(permutation[i])];
  // Copy contiguous runs when the last axis stays last (the attention head split/merge).
  int64_t inner = permutation.back() == static_cast<int64_t>(rank) - 1 ? y_dims.back() : 1;
  size_t outer_rank = inner > 1 ? rank - 1 : rank;
  int64_t outer = 1;
  for (size_t i = 0; i < outer_rank; ++i) outer *= y_dims[i];
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int64_t o = 0; o < outer; ++o) {
    int64_t rest = o, offset = 0;
    for (size_t d = outer_rank; d-- > 0;) {
      int64_t coord = rest % y_dims[d];
      rest /= y_dims[d];
      offset += coord * x_strides[static_cast<size_t>(permutation[d])];
    }
    if (inner > 1)
      std::memcpy(y + o * inner, x + offset, sizeof(float) * inner);
    else
      y[o] = x[offset];
  }
}

void concat(const std::vector<const float*>& xs, const std::vector<Dims>& x_dims, int64_t axis,
            float* y) {
  if (xs.empty()) return;
  const Dims& first = x_dims[0];
  size_t a = static_cast<size_t>(axis < 0 ? axis + static_cast<int64_t>(first.size()) : axis);
  int64_t outer = 1;
  for (size_t i = 0; i < a; ++i) outer *= first[i];
  std::vector<int64_t> inner(xs.size());
  int64_t row = 0;
  for (size_t k = 0; k < xs.size(); ++k) {
    inner[k] = 1;
    for (size_t i = a; i < x_dims[k].size(); ++i) inner[k] *= x_dims[k][i];
    row += inner[k];
  }
  for (int64_t o = 0; o < outer; ++o) {
    float* dst = y + o * row;
    for (size_t k = 0; k < xs.size(); ++k) {
      std::memcpy(dst, xs[k] + o * inner[k], sizeof(float) * inner[k]);
      dst += inner[k];
    }
  }
}

void slice_leading(const float* x, int64_t outer, int64_t in_per_outer, int64_t out_per_outer,
                   float* y) {
  for (int64_t o = 0; o < outer; ++o)
    std::memcpy(y + o * out_per_outer, x + o * in_per_outer, sizeof(float) * out_per_outer);
}

int64_t embedding(const float* ids, int64_t count, const float* table, int64_t vocab, int64_t dim,
                  float* y, int threads) {
  int64_t outside = 0;
#pragma omp parallel for num_threads(threads) schedule(static) reduction(+ : outside)
  for (int64_t i = 0; i < count; ++i) {
    // Compared as floats first: a non-finite or huge id would make the conversion undefined.
    const float v = ids[i];
    if (!(v >= -static_cast<float>(vocab) && v < static_cast<float>(vocab))) {
      std::memset(y + i * dim, 0, sizeof(float) * dim);
      ++outside;
      continue;
    }
    int64_t id = static_cast<int64_t>(v);
    if (id < 0) id += vocab;
    std::memcpy(y + i * dim, table + id * dim, sizeof(float) * dim);
  }
  return outside;
}

}  // namespace tessera::run
