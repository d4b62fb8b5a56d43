// Small ops of exported CNNs and their heads: per-channel affine (inference batch norm), Pad,
// Clip with the file's bounds, hard-sigmoid with its own alpha/beta, and softmax / log-softmax
// over any axis. Each output element is written by one thread in a fixed order.
#include <algorithm>
#include <cmath>

#include "run/kernels/cnn_kernels.h"
#include "tessera/core/error.h"

namespace tessera::run {

void channel_affine(const float* x, const float* scale, const float* shift, float* y, int64_t batch,
                    int64_t channels, int64_t inner, int threads) {
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int64_t plane = 0; plane < batch * channels; ++plane) {
    const int64_t c = plane % channels;
    const float a = scale[c], b = shift[c];
    const float* xp = x + plane * inner;
    float* yp = y + plane * inner;
    for (int64_t i = 0; i < inner; ++i) yp[i] = xp[i] * a + b;
  }
}

void instance_norm(const float* x, const float* scale, const float* shift, float* y, int64_t batch,
                   int64_t channels, int64_t inner, float eps, int threads) {
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int64_t plane = 0; plane < batch * channels; ++plane) {
    const int64_t c = plane % channels;
    const float* xp = x + plane * inner;
    float* yp = y + plane * inner;
    double sum = 0.0, squares = 0.0;  // planes are long (H * W): accumulate in double
    for (int64_t i = 0; i < inner; ++i) sum += xp[i];
    const double mean = sum / static_cast<double>(inner);
    for (int64_t i = 0; i < inner; ++i) squares += (xp[i] - mean) * (xp[i] - mean);
    const float inverse_std =
        static_cast<float>(1.0 / std::sqrt(squares / static_cast<double>(inner) + eps));
    const float a = scale[c] * inverse_std, b = shift[c] - static_cast<float>(mean) * a;
    for (int64_t i = 0; i < inner; ++i) yp[i] = xp[i] * a + b;
  }
}

void plane_broadcast(const float* x, const float* v, float* y, int64_t planes, int64_t period,
                     int64_t inner, char op, bool swap, int threads) {
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int64_t plane = 0; plane < planes; ++plane) {
    const float c = v[plane % period];
    const float* xp = x + plane * inner;
    float* yp = y + plane * inner;
    switch (op) {
      case '+':
        for (int64_t i = 0; i < inner; ++i) yp[i] = xp[i] + c;
        break;
      case '*':
        for (int64_t i = 0; i < inner; ++i) yp[i] = xp[i] * c;
        break;
      case '-':
        for (int64_t i = 0; i < inner; ++i) yp[i] = swap ? c - xp[i] : xp[i] - c;
        break;
      default:
        for (int64_t i = 0; i < inner; ++i) yp[i] = swap ? c / xp[i] : xp[i] / c;
    }
  }
}

namespace {

// The source index along one axis for output coordinate `o`, or -1 for a constant pad.
int64_t pad_source(int64_t o, int64_t begin, int64_t extent, PadMode mode) {
  int64_t i = o - begin;
  if (i >= 0 && i < extent) return i;
  if (mode == PadMode::Constant) return -1;
  if (mode == PadMode::Edge) return std::clamp<int64_t>(i, 0, extent - 1);
  if (extent == 1) return 0;
  const int64_t period = 2 * (extent - 1);  // reflect without repeating the edge
  i = ((i % period) + period) % period;
  return i < extent ? i : period - i;
}

}  // namespace

void pad_nd(const float* x, const Dims& x_dims, const Dims& pads_begin, PadMode mode, float value,
            float* y, const Dims& y_dims, int threads) {
  const size_t rank = y_dims.size();
  if (rank == 0 || x_dims.size() != rank || pads_begin.size() != rank)
    throw Error("pad kernel: ranks differ");
  const int64_t inner = rank ? y_dims.back() : 1;
  int64_t rows = 1;
  for (size_t a = 0; a + 1 < rank; ++a) rows *= y_dims[a];
  Dims x_strides(rank, 1);
  for (size_t a = rank; a-- > 1;) x_strides[a - 1] = x_strides[a] * x_dims[a];
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int64_t r = 0; r < rows; ++r) {
    float* yr = y + r * inner;
    int64_t rest = r, offset = 0;
    bool constant_row = false;
    for (size_t a = rank - 1; a-- > 0;) {
      int64_t o = rest % y_dims[a];
      rest /= y_dims[a];
      int64_t i = pad_source(o, pads_begin[a], x_dims[a], mode);
      if (i < 0) constant_row = true;
      offset += i * x_strides[a];
    }
    for (int64_t o = 0; o < inner; ++o) {
      int64_t i = constant_row ? -1 : pad_source(o, pads_begin[rank - 1], x_dims[rank - 1], mode);
      yr[o] = i < 0 ? value : x[offset + i];
    }
  }
}

void clip_values(const float* x, float* y, int64_t count, float lo, float hi, int threads) {
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int64_t i = 0; i < count; ++i) y[i] = std::min(std::max(x[i], lo), hi);
}

void hard_sigmoid(const float* x, float* y, int64_t count, float alpha, float beta, bool times_x,
                  int threads) {
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int64_t i = 0; i < count; ++i) {
    float h = std::min(std::max(alpha * x[i] + beta, 0.0f), 1.0f);
    y[i] = times_x ? x[i] * h : h;
  }
}

void softmax_axis(const float* x, float* y, int64_t outer, int64_t extent, int64_t inner, bool log,
                  int threads) {
#pragma omp parallel for num_threads(threads) schedule(static) collapse(2)
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      const float* xs = x + o * extent * inner + i;
      float* ys = y + o * extent * inner + i;
      float top = xs[0];
      for (int64_t e = 1; e < extent; ++e) top = std::max(top, xs[e * inner]);
      float sum = 0.0f;
      for (int64_t e = 0; e < extent; ++e) sum += std::exp(xs[e * inner] - top);
      const float log_sum = std::log(sum);
      for (int64_t e = 0; e < extent; ++e)
        ys[e * inner] = log ? xs[e * inner] - top - log_sum : std::exp(xs[e * inner] - top) / sum;
    }
}

}  // namespace tessera::run
