// Binary elementwise ops with numpy broadcasting (residual adds, masks, scale-by-tensor). The
// common shapes (same shape; b broadcast along leading dims, like a bias) take fast loops.
#include <cmath>

#include "tessera/core/error.h"
#include "tessera/run/kernels.h"

namespace tessera::run {
namespace {

using model::OpKind;

int64_t product(const Dims& d) {
  int64_t p = 1;
  for (int64_t v : d) p *= v;
  return p;
}

template <typename F>
void broadcast_apply(const float* a, const Dims& a_dims, const float* b, const Dims& b_dims,
                     float* out, const Dims& out_dims, int threads, F f) {
  int64_t total = product(out_dims), na = product(a_dims), nb = product(b_dims);
  if (na == total && nb == total) {
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int64_t i = 0; i < total; ++i) out[i] = f(a[i], b[i]);
    return;
  }
  if (na == total && total % nb == 0) {
    bool suffix = b_dims.size() <= out_dims.size();
    for (size_t i = 0; suffix && i < b_dims.size(); ++i)
      suffix = b_dims[b_dims.size() - 1 - i] == out_dims[out_dims.size() - 1 - i];
    if (suffix) {
#pragma omp parallel for num_threads(threads) schedule(static)
      for (int64_t i = 0; i < total; ++i) out[i] = f(a[i], b[i % nb]);
      return;
    }
  }
  // General case: unravel each output index.
  size_t rank = out_dims.size();
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int64_t i = 0; i < total; ++i) {
    int64_t rest = i, ia = 0, ib = 0, sa = 1, sb = 1;
    for (size_t d = rank; d-- > 0;) {
      int64_t coord = rest % out_dims[d];
      rest /= out_dims[d];
      size_t from_end = rank - 1 - d;
      if (from_end < a_dims.size()) {
        int64_t dim = a_dims[a_dims.size() - 1 - from_end];
        ia += (dim == 1 ? 0 : coord) * sa;
        sa *= dim;
      }
      if (from_end < b_dims.size()) {
        int64_t dim = b_dims[b_dims.size() - 1 - from_end];
        ib += (dim == 1 ? 0 : coord) * sb;
        sb *= dim;
      }
    }
    out[i] = f(a[ia], b[ib]);
  }
}

}  // namespace

bool is_binary_kind(OpKind kind) {
  return kind == OpKind::Add || kind == OpKind::Sub || kind == OpKind::Mul || kind == OpKind::Div ||
         kind == OpKind::Pow;
}

void binary(OpKind kind, const float* a, const Dims& a_dims, const float* b, const Dims& b_dims,
            float* out, const Dims& out_dims, int threads) {
  switch (kind) {
    case OpKind::Add:
      return broadcast_apply(a, a_dims, b, b_dims, out, out_dims, threads,
                             [](float x, float y) { return x + y; });
    case OpKind::Sub:
      return broadcast_apply(a, a_dims, b, b_dims, out, out_dims, threads,
                             [](float x, float y) { return x - y; });
    case OpKind::Mul:
      return broadcast_apply(a, a_dims, b, b_dims, out, out_dims, threads,
                             [](float x, float y) { return x * y; });
    case OpKind::Div:
      return broadcast_apply(a, a_dims, b, b_dims, out, out_dims, threads,
                             [](float x, float y) { return x / y; });
    case OpKind::Pow:
      return broadcast_apply(a, a_dims, b, b_dims, out, out_dims, threads,
                             [](float x, float y) { return std::pow(x, y); });
    default:
      throw Error("binary kernel: op kind " + std::string(model::op_kind_name(kind)) +
                  " is not binary");
  }
}

}  // namespace tessera::run
