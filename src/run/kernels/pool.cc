// Max and average pooling over NCHW, one (image, channel) plane per iteration (disjoint outputs,
// fixed summation order: the same result on any thread count). Average pooling divides as
// PyTorch does, so ceil_mode windows that hang over the end pad count only what they cover.
// Resize (upsampling) is here too: the same plane-by-plane gather.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "run/kernels/cnn_kernels.h"
#include "tessera/core/error.h"

namespace tessera::run {

void max_pool2d(const float* x, const PoolGeometry& p, float* y, int threads) {
  const int64_t planes = p.batch * p.channels;
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int64_t plane = 0; plane < planes; ++plane) {
    const float* xp = x + plane * p.in_h * p.in_w;
    float* yp = y + plane * p.out_h * p.out_w;
    for (int64_t oh = 0; oh < p.out_h; ++oh)
      for (int64_t ow = 0; ow < p.out_w; ++ow) {
        float best = -std::numeric_limits<float>::infinity();
        for (int64_t kh = 0; kh < p.kernel_h; ++kh) {
          int64_t ih = oh * p.stride_h - p.pad_top + kh * p.dilation_h;
          if (ih < 0 || ih >= p.in_h) continue;
          for (int64_t kw = 0; kw < p.kernel_w; ++kw) {
            int64_t iw = ow * p.stride_w - p.pad_left + kw * p.dilation_w;
            if (iw >= 0 && iw < p.in_w) best = std::max(best, xp[ih * p.in_w + iw]);
          }
        }
        yp[oh * p.out_w + ow] = best;
      }
  }
}

void avg_pool2d(const float* x, const PoolGeometry& p, float* y, int threads) {
  const int64_t planes = p.batch * p.channels;
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int64_t plane = 0; plane < planes; ++plane) {
    const float* xp = x + plane * p.in_h * p.in_w;
    float* yp = y + plane * p.out_h * p.out_w;
    for (int64_t oh = 0; oh < p.out_h; ++oh)
      for (int64_t ow = 0; ow < p.out_w; ++ow) {
        int64_t h0 = oh * p.stride_h - p.pad_top, w0 = ow * p.stride_w - p.pad_left;
        int64_t h1 = std::min(h0 + p.kernel_h, p.in_h + p.pad_bottom);
        int64_t w1 = std::min(w0 + p.kernel_w, p.in_w + p.pad_right);
        int64_t padded = (h1 - h0) * (w1 - w0);
        h0 = std::max<int64_t>(h0, 0), w0 = std::max<int64_t>(w0, 0);
        h1 = std::min(h1, p.in_h), w1 = std::min(w1, p.in_w);
        float sum = 0.0f;
        for (int64_t ih = h0; ih < h1; ++ih)
          for (int64_t iw = w0; iw < w1; ++iw) sum += xp[ih * p.in_w + iw];
        int64_t inside = std::max<int64_t>((h1 - h0) * (w1 - w0), 0);
        int64_t divisor = p.count_include_pad ? padded : inside;
        yp[oh * p.out_w + ow] = divisor > 0 ? sum / static_cast<float>(divisor) : 0.0f;
      }
  }
}

void plane_mean(const float* x, float* y, int64_t planes, int64_t inner, int threads) {
  constexpr int64_t kLanes = 16;
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int64_t plane = 0; plane < planes; ++plane) {
    const float* xp = x + plane * inner;
    float lanes[kLanes] = {};
    int64_t i = 0;
    for (; i + kLanes <= inner; i += kLanes)
      for (int64_t l = 0; l < kLanes; ++l) lanes[l] += xp[i + l];
    float sum = 0.0f;
    for (; i < inner; ++i) sum += xp[i];
    for (int64_t l = 0; l < kLanes; ++l) sum += lanes[l];
    y[plane] = sum / static_cast<float>(inner);
  }
}

namespace {

// Where output index `o` reads along one axis: a nearest index (weight 0) or the pair (i0, i0 + 1)
// with the weight of i0 + 1.
struct Tap {
  int64_t i0, i1;
  float w1;
};

std::vector<Tap> taps(int64_t in, int64_t out, double scale, const ResizeGeometry& r) {
  if (scale <= 0) scale = static_cast<double>(out) / static_cast<double>(in);
  std::vector<Tap> t(static_cast<size_t>(out));
  for (int64_t o = 0; o < out; ++o) {
    double x;
    if (r.coordinate == "half_pixel")
      x = (o + 0.5) / scale - 0.5;
    else if (r.coordinate == "pytorch_half_pixel")
      x = out > 1 ? (o + 0.5) / scale - 0.5 : 0.0;
    else if (r.coordinate == "align_corners")
      x = out == 1 ? 0.0 : o * static_cast<double>(in - 1) / static_cast<double>(out - 1);
    else if (r.coordinate == "asymmetric")
      x = o / scale;
    else
      throw Error("resize: coordinate_transformation_mode '" + r.coordinate + "'");
    Tap& tap = t[static_cast<size_t>(o)];
    if (r.linear) {
      x = std::clamp(x, 0.0, static_cast<double>(in - 1));
      tap.i0 = static_cast<int64_t>(std::floor(x));
      tap.i1 = std::min(tap.i0 + 1, in - 1);
      tap.w1 = static_cast<float>(x - static_cast<double>(tap.i0));
      continue;
    }
    double n;
    if (r.nearest == "floor")
      n = std::floor(x);
    else if (r.nearest == "ceil")
      n = std::ceil(x);
    else if (r.nearest == "round_prefer_ceil")
      n = std::floor(x + 0.5);
    else if (r.nearest == "round_prefer_floor")
      n = x - std::floor(x) == 0.5 ? std::floor(x) : std::round(x);
    else
      throw Error("resize: nearest_mode '" + r.nearest + "'");
    tap.i0 = tap.i1 = std::clamp(static_cast<int64_t>(n), int64_t{0}, in - 1);
    tap.w1 = 0.0f;
  }
  return t;
}

}  // namespace

void resize_2d(const float* x, const ResizeGeometry& r, float* y, int threads) {
  const std::vector<Tap> rows = taps(r.in_h, r.out_h, r.scale_h, r);
  const std::vector<Tap> cols = taps(r.in_w, r.out_w, r.scale_w, r);
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int64_t plane = 0; plane < r.planes; ++plane) {
    const float* xp = x + plane * r.in_h * r.in_w;
    float* yp = y + plane * r.out_h * r.out_w;
    for (int64_t oh = 0; oh < r.out_h; ++oh) {
      const Tap& a = rows[static_cast<size_t>(oh)];
      const float* r0 = xp + a.i0 * r.in_w;
      const float* r1 = xp + a.i1 * r.in_w;
      for (int64_t ow = 0; ow < r.out_w; ++ow) {
        const Tap& b = cols[static_cast<size_t>(ow)];
        float top = r0[b.i0] + b.w1 * (r0[b.i1] - r0[b.i0]);
        float bottom = r1[b.i0] + b.w1 * (r1[b.i1] - r1[b.i0]);
        yp[oh * r.out_w + ow] = top + a.w1 * (bottom - top);
      }
    }
  }
}

}  // namespace tessera::run
