// Kernels for exported CNNs and the ops around them (issue #7: real framework exports run as
// the framework computes them). NCHW fp32, like PyTorch's default layout. Convolutions go through
// oneDNN's convolution / deconvolution primitives (the library PyTorch's CPU path uses); pools,
// batch normalisation, padding, resizing and the other elementwise ops are plain loops over
// disjoint outputs. Every output is summed in one thread in a fixed order (oneDNN keeps a
// convolution output's reduction in one thread too), so results are bit-identical on any number
// of threads (tested on 1-4).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "tessera/run/kernels.h"

namespace tessera::run {

// One 2-D convolution (or transposed convolution) as ONNX states it. Weights: Conv [K, C/g, R, S],
// ConvTranspose [C, K/g, R, S]. Pads are begin/end per axis; for a transposed convolution the end
// pads follow from the output size (ONNX output_padding makes them smaller).
struct ConvGeometry {
  int64_t batch = 1, in_channels = 1, in_h = 1, in_w = 1;
  int64_t out_channels = 1, out_h = 1, out_w = 1;
  int64_t kernel_h = 1, kernel_w = 1;
  int64_t stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  int64_t pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  int64_t groups = 1;
  bool transposed = false;
};

// Throws tessera::Error when the sizes do not describe a valid convolution.
void check_conv_geometry(const ConvGeometry& c, const std::string& where);

// A prepared convolution: the oneDNN primitive and the weights reordered into its preferred
// layout are made on the first run with a given thread count (weights are constant for the life
// of a plan).
class Conv2d {
 public:
  explicit Conv2d(const ConvGeometry& geometry);
  ~Conv2d();
  Conv2d(const Conv2d&) = delete;
  Conv2d& operator=(const Conv2d&) = delete;
  // `bias` may be null. Not re-entrant (one plan step runs at a time).
  void run(const float* x, const float* weights, const float* bias, float* y, int threads);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Direct loops (the reference the kernel tests compare oneDNN with; also the path of builds
// without oneDNN).
void conv2d_reference(const ConvGeometry& c, const float* x, const float* weights,
                      const float* bias, float* y, int threads);

// Max / average pooling over NCHW. Average follows PyTorch: the divisor counts the padded window
// clipped to input + end pad (count_include_pad) or only the input elements inside it.
struct PoolGeometry {
  int64_t batch = 1, channels = 1, in_h = 1, in_w = 1, out_h = 1, out_w = 1;
  int64_t kernel_h = 1, kernel_w = 1, stride_h = 1, stride_w = 1;
  int64_t dilation_h = 1, dilation_w = 1;
  int64_t pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  bool count_include_pad = false;
};
void max_pool2d(const float* x, const PoolGeometry& p, float* y, int threads);
void avg_pool2d(const float* x, const PoolGeometry& p, float* y, int threads);

// y = x * scale[c] + shift[c] over [batch, channels, inner] (inference batch normalisation with
// scale = gamma / sqrt(var + eps), shift = beta - mean * scale).
void channel_affine(const float* x, const float* scale, const float* shift, float* y, int64_t batch,
                    int64_t channels, int64_t inner, int threads);

// Instance normalisation: each [batch, channel] plane of `inner` elements normalised by its own
// mean and variance, then y = x_hat * scale[c] + shift[c] (ONNX InstanceNormalization; PyTorch
// exports GroupNorm as one over [N, G, C/G * H * W] with scale 1 and shift 0).
void instance_norm(const float* x, const float* scale, const float* shift, float* y, int64_t batch,
                   int64_t channels, int64_t inner, float eps, int threads);

// ONNX Resize over the last two axes of [planes, in_h, in_w]. Source coordinate per axis from
// `coordinate` (half_pixel, pytorch_half_pixel, align_corners, asymmetric) with scales
// out / in unless given; nearest rounds by `nearest` (floor, ceil, round_prefer_floor,
// round_prefer_ceil), linear interpolates between the two nearest pixels (clamped to the edge).
struct ResizeGeometry {
  int64_t planes = 1, in_h = 1, in_w = 1, out_h = 1, out_w = 1;
  double scale_h = 0, scale_w = 0;  // 0: out / in
  bool linear = false;
  std::string coordinate = "half_pixel", nearest = "round_prefer_floor";
};
// Throws tessera::Error for modes it does not know.
void resize_2d(const float* x, const ResizeGeometry& r, float* y, int threads);

// y[p] = mean of plane p's `inner` contiguous values (GlobalAveragePool, a mean over trailing
// axes): 16 running sums in a fixed lane order, so it vectorises and stays deterministic.
void plane_mean(const float* x, float* y, int64_t planes, int64_t inner, int threads);

// y = x (op) v[p % period] for each plane p of `inner` elements: a tensor broadcast over the
// trailing axes (squeeze-excite's gate [N, C, 1, 1], per-channel scales [C, 1, 1]). `op` is
// '+', '-', '*' or '/'; with `swap`, v (op) x.
void plane_broadcast(const float* x, const float* v, float* y, int64_t planes, int64_t period,
                     int64_t inner, char op, bool swap, int threads);

// ONNX Pad: begin pads per axis (negative crops); mode constant (with `value`), edge or reflect.
enum class PadMode : uint8_t { Constant, Edge, Reflect };
void pad_nd(const float* x, const Dims& x_dims, const Dims& pads_begin, PadMode mode, float value,
            float* y, const Dims& y_dims, int threads);

// min(max(x, lo), hi).
void clip_values(const float* x, float* y, int64_t count, float lo, float hi, int threads);
// y = clamp(alpha * x + beta, 0, 1), times x for hard-swish.
void hard_sigmoid(const float* x, float* y, int64_t count, float alpha, float beta, bool times_x,
                  int threads);
// Softmax (or log-softmax) over the middle axis of x viewed as [outer, extent, inner].
void softmax_axis(const float* x, float* y, int64_t outer, int64_t extent, int64_t inner, bool log,
                  int threads);

}  // namespace tessera::run
