// Max and average pooling over NCHW, one (image, channel) plane per iteration (disjoint outputs,
// fixed summation order: the same result on any thread count). Average pooling divides as
// PyTorch does, so ceil_mode windows that hang over the end pad count only what they cover.
#include <algorithm>
#include <limits>

#include "run/kernels/cnn_kernels.h"

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

}  // namespace tessera::run
