// Indexing and selection kernels for exported graphs (issue #7): Gather along an axis (the CLS
// token x[:, 0], packed-QKV chunks), strided Slice over every axis, Split (slices of one
// input), Expand and Where with numpy broadcasting, and Cast within fp32 storage.
#include <cmath>
#include <cstring>
#include <string>

#include "tessera/core/error.h"
#include "tessera/run/kernels.h"

namespace tessera::run {
namespace {

int64_t product(const Dims& d, size_t from, size_t to) {
  int64_t n = 1;
  for (size_t i = from; i < to; ++i) n *= d[i];
  return n;
}

// Strides of `in` (right-aligned against an output of rank `rank`) with 0 on broadcast axes.
Dims broadcast_strides(const Dims& in, size_t rank) {
  Dims strides(rank, 0);
  int64_t stride = 1;
  for (size_t k = 0; k < in.size(); ++k) {
    size_t i = in.size() - 1 - k;
    strides[rank - 1 - k] = in[i] == 1 ? 0 : stride;
    stride *= in[i];
  }
  return strides;
}

int64_t offset_of(int64_t flat, const Dims& out_dims, const Dims& strides) {
  int64_t offset = 0;
  for (size_t d = out_dims.size(); d-- > 0;) {
    offset += (flat % out_dims[d]) * strides[d];
    flat /= out_dims[d];
  }
  return offset;
}

}  // namespace

void gather_axis(const float* x, const Dims& x_dims, int64_t axis, const float* indices,
                 int64_t index_count, float* y, int threads) {
  size_t a = static_cast<size_t>(axis < 0 ? axis + static_cast<int64_t>(x_dims.size()) : axis);
  if (a >= x_dims.size()) throw Error("gather kernel: axis out of range");
  int64_t outer = product(x_dims, 0, a), extent = x_dims[a],
          inner = product(x_dims, a + 1, x_dims.size());
  std::vector<int64_t> rows(static_cast<size_t>(index_count));
  for (int64_t j = 0; j < index_count; ++j) {
    // NaN, inf or a huge index would make the conversion undefined behaviour.
    if (!(std::fabs(indices[j]) < 9.0e18f))
      throw Error("gather: index " + std::to_string(indices[j]) + " is not a usable integer");
    int64_t i = static_cast<int64_t>(indices[j]);
    if (i < 0) i += extent;
    if (i < 0 || i >= extent)
      throw Error("gather: index " + std::to_string(static_cast<int64_t>(indices[j])) +
                  " is out of range for an axis of " + std::to_string(extent));
    rows[static_cast<size_t>(j)] = i;
  }
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t j = 0; j < index_count; ++j)
      std::memcpy(y + (o * index_count + j) * inner,
                  x + (o * extent + rows[static_cast<size_t>(j)]) * inner,
                  sizeof(float) * static_cast<size_t>(inner));
}

void slice_strided(const float* x, const Dims& x_dims, const Dims& starts, const Dims& steps,
                   float* y, const Dims& y_dims, int threads) {
  size_t rank = x_dims.size();
  Dims x_strides(rank, 1);
  for (size_t i = rank; i-- > 1;) x_strides[i - 1] = x_strides[i] * x_dims[i];
  int64_t base = 0;
  for (size_t i = 0; i < rank; ++i) base += starts[i] * x_strides[i];
  Dims strides(rank);
  for (size_t i = 0; i < rank; ++i) strides[i] = steps[i] * x_strides[i];
  // Contiguous innermost runs (step 1 on the last axis) are copied whole.
  int64_t inner = rank && steps[rank - 1] == 1 ? y_dims[rank - 1] : 1;
  Dims outer_dims = y_dims, outer_strides = strides;
  if (inner > 1) {
    outer_dims.back() = 1;
    outer_strides.back() = 0;
  }
  int64_t outer = product(outer_dims, 0, rank);
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int64_t o = 0; o < outer; ++o) {
    int64_t offset = base + offset_of(o, outer_dims, outer_strides);
    if (inner > 1)
      std::memcpy(y + o * inner, x + offset, sizeof(float) * static_cast<size_t>(inner));
    else
      y[o] = x[offset];
  }
}

void broadcast_to(const float* x, const Dims& x_dims, float* y, const Dims& y_dims, int threads) {
  Dims strides = broadcast_strides(x_dims, y_dims.size());
  int64_t count = product(y_dims, 0, y_dims.size());
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int64_t i = 0; i < count; ++i) y[i] = x[offset_of(i, y_dims, strides)];
}

void where_select(const float* condition, const Dims& c_dims, const float* a, const Dims& a_dims,
                  const float* b, const Dims& b_dims, float* y, const Dims& y_dims, int threads) {
  size_t rank = y_dims.size();
  Dims cs = broadcast_strides(c_dims, rank), as = broadcast_strides(a_dims, rank),
       bs = broadcast_strides(b_dims, rank);
  int64_t count = product(y_dims, 0, rank);
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int64_t i = 0; i < count; ++i)
    y[i] = condition[offset_of(i, y_dims, cs)] != 0.0f ? a[offset_of(i, y_dims, as)]
                                                       : b[offset_of(i, y_dims, bs)];
}

void cast_values(const float* x, float* y, int64_t count, CastTarget target, int threads) {
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int64_t i = 0; i < count; ++i)
    y[i] = target == CastTarget::Integer ? std::trunc(x[i])
           : target == CastTarget::Bool  ? (x[i] != 0.0f ? 1.0f : 0.0f)
                                         : x[i];
}

}  // namespace tessera::run
