// CNN kernels (issue #7): oneDNN convolutions against the direct loops on the configurations
// exporters write (asymmetric pads, strides, dilation, groups, depthwise, transposed with
// output_padding, partial channel chunks), thread-count independence, and pools / Pad / softmax
// on hand-computed values (PyTorch's ceil_mode and count_include_pad rules).
#include "run/kernels/cnn_kernels.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <utility>
#include <vector>

#include "tessera/core/error.h"

namespace tessera::run {
namespace {

std::vector<float> random_values(int64_t count, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<float> v(static_cast<size_t>(count));
  for (float& x : v) x = u(rng);
  return v;
}

// Output size of a convolution (or the transposed one) along one axis.
int64_t conv_out(const ConvGeometry& c, int64_t in, int64_t k, int64_t s, int64_t d, int64_t lo,
                 int64_t hi, int64_t output_padding) {
  if (c.transposed) return (in - 1) * s - lo - hi + (k - 1) * d + 1 + output_padding;
  return (in + lo + hi - (k - 1) * d - 1) / s + 1;
}

struct Case {
  const char* what;
  ConvGeometry c;
  int64_t output_padding = 0;
};

TEST(CnnKernels, OneDnnConvolutionMatchesDirectLoops) {
  std::vector<Case> cases;
  auto base = [] {
    ConvGeometry c;
    c.batch = 2, c.in_channels = 6, c.in_h = 9, c.in_w = 11, c.out_channels = 40;
    c.kernel_h = 3, c.kernel_w = 3;
    return c;
  };
  ConvGeometry c = base();  // 40 channels: chunks of 16, 16 and 8
  c.pad_top = 0, c.pad_left = 1, c.pad_bottom = 1, c.pad_right = 0, c.stride_h = 2;
  cases.push_back({"asymmetric pads, stride 2", c});
  c = base();
  c.dilation_h = c.dilation_w = 2, c.pad_top = c.pad_left = c.pad_bottom = c.pad_right = 2;
  c.in_channels = 8, c.out_channels = 12, c.groups = 4;
  cases.push_back({"grouped, dilated", c});
  c = base();
  c.in_channels = c.out_channels = c.groups = 24, c.stride_h = c.stride_w = 2;
  c.pad_top = c.pad_left = c.pad_bottom = c.pad_right = 1;
  cases.push_back({"depthwise, stride 2", c});
  c = base();
  c.kernel_h = 1, c.kernel_w = 5, c.pad_left = c.pad_right = 2;  // a Conv1d as H = 1
  c.in_h = 1;
  cases.push_back({"1-D as 2-D", c});
  c = base();
  c.transposed = true, c.out_channels = 10, c.stride_h = c.stride_w = 2;
  c.pad_top = c.pad_left = c.pad_bottom = c.pad_right = 1;
  cases.push_back({"transposed, output_padding 1", c, 1});
  c = base();
  c.transposed = true, c.in_channels = 8, c.out_channels = 6, c.groups = 2, c.dilation_h = 2;
  cases.push_back({"transposed, grouped, dilated", c});
  for (Case& k : cases) {
    ConvGeometry& g = k.c;
    g.out_h = conv_out(g, g.in_h, g.kernel_h, g.stride_h, g.dilation_h, g.pad_top, g.pad_bottom,
                       k.output_padding);
    g.out_w = conv_out(g, g.in_w, g.kernel_w, g.stride_w, g.dilation_w, g.pad_left, g.pad_right,
                       k.output_padding);
    if (g.transposed)  // the backend derives the end pads from the output size
      g.pad_bottom -= k.output_padding, g.pad_right -= k.output_padding;
    check_conv_geometry(g, k.what);
    int64_t weights = g.out_channels * (g.in_channels / g.groups) * g.kernel_h * g.kernel_w;
    auto x = random_values(g.batch * g.in_channels * g.in_h * g.in_w, 1);
    auto w = random_values(weights, 2), b = random_values(g.out_channels, 3);
    size_t out = static_cast<size_t>(g.batch * g.out_channels * g.out_h * g.out_w);
    std::vector<float> expect(out), one(out), other(out);
    conv2d_reference(g, x.data(), w.data(), b.data(), expect.data(), 1);
    Conv2d kernel(g);
    kernel.run(x.data(), w.data(), b.data(), one.data(), 1);
    for (int threads : {2, 3, 4}) {
      kernel.run(x.data(), w.data(), b.data(), other.data(), threads);
      EXPECT_EQ(one, other) << k.what << ": " << threads << " threads changed the result";
    }
    double worst = 0.0, scale = 0.0;
    for (size_t i = 0; i < out; ++i) {
      worst = std::max(worst, static_cast<double>(std::fabs(one[i] - expect[i])));
      scale = std::max(scale, static_cast<double>(std::fabs(expect[i])));
    }
    EXPECT_LT(worst / scale, 1e-5) << k.what;
  }
}

// ResNet / MobileNet-sized layers, where oneDNN picks its blocked JIT kernels and splits the
// work differently per thread count: the outputs must still be bit-identical.
TEST(CnnKernels, LargeConvolutionsDoNotDependOnTheThreadCount) {
  struct Layer {
    int64_t c, k, hw, r, stride, groups;
  };
  for (Layer l :
       {Layer{3, 64, 112, 7, 2, 1}, Layer{64, 64, 56, 3, 1, 1}, Layer{64, 256, 28, 1, 1, 1},
        Layer{256, 64, 28, 1, 1, 1}, Layer{96, 96, 28, 3, 2, 96}, Layer{128, 256, 14, 3, 2, 1}}) {
    ConvGeometry g;
    g.in_channels = l.c, g.out_channels = l.k, g.in_h = g.in_w = l.hw, g.groups = l.groups;
    g.kernel_h = g.kernel_w = l.r, g.stride_h = g.stride_w = l.stride;
    g.pad_top = g.pad_left = g.pad_bottom = g.pad_right = l.r / 2;
    g.out_h = g.out_w = (l.hw + 2 * (l.r / 2) - l.r) / l.stride + 1;
    auto x = random_values(l.c * l.hw * l.hw, 7);
    auto w = random_values(l.k * (l.c / l.groups) * l.r * l.r, 8), b = random_values(l.k, 9);
    size_t out = static_cast<size_t>(l.k * g.out_h * g.out_w);
    std::vector<float> one(out), other(out);
    Conv2d kernel(g);
    kernel.run(x.data(), w.data(), b.data(), one.data(), 1);
    for (int threads : {2, 4}) {
      kernel.run(x.data(), w.data(), b.data(), other.data(), threads);
      EXPECT_EQ(one, other) << l.c << "->" << l.k << " at " << l.hw << ", " << threads
                            << " threads";
    }
  }
}

TEST(CnnKernels, ConvolutionWithoutBiasAddsNothing) {
  ConvGeometry g;
  g.in_channels = 2, g.in_h = g.in_w = 4, g.out_channels = 3, g.out_h = g.out_w = 4;
  g.pad_top = g.pad_left = g.pad_bottom = g.pad_right = 1, g.kernel_h = g.kernel_w = 3;
  auto x = random_values(32, 4), w = random_values(54, 5);
  std::vector<float> expect(48), got(48);
  conv2d_reference(g, x.data(), w.data(), nullptr, expect.data(), 1);
  Conv2d(g).run(x.data(), w.data(), nullptr, got.data(), 2);
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], expect[i], 1e-5);
}

TEST(CnnKernels, BadGeometryIsAnError) {
  ConvGeometry g;
  g.in_channels = 6, g.out_channels = 4, g.groups = 4;
  EXPECT_THROW(check_conv_geometry(g, "node 'c'"), Error);
  g.groups = 2, g.stride_h = 0;
  EXPECT_THROW(check_conv_geometry(g, "node 'c'"), Error);
}

// x = 1..9 in a 3x3 plane.
std::vector<float> one_to_nine() { return {1, 2, 3, 4, 5, 6, 7, 8, 9}; }

TEST(CnnKernels, AveragePoolDividesAsPyTorch) {
  PoolGeometry p;
  p.in_h = p.in_w = 3, p.kernel_h = p.kernel_w = 2, p.stride_h = p.stride_w = 2;
  p.out_h = p.out_w = 2;  // ceil_mode: the last window hangs over the edge
  auto x = one_to_nine();
  std::vector<float> y(4);
  for (bool include : {false, true}) {  // no pads: the overhang never counts
    p.count_include_pad = include;
    avg_pool2d(x.data(), p, y.data(), 2);
    EXPECT_EQ(y, (std::vector<float>{3.0f, 4.5f, 7.5f, 9.0f}));
  }
  p.kernel_h = p.kernel_w = 3, p.stride_h = p.stride_w = 1, p.out_h = p.out_w = 3;
  p.pad_top = p.pad_left = p.pad_bottom = p.pad_right = 1;
  std::vector<float> z(9);
  p.count_include_pad = true;
  avg_pool2d(x.data(), p, z.data(), 1);
  EXPECT_FLOAT_EQ(z[0], 12.0f / 9.0f);  // corner: 1+2+4+5 over the padded 3x3 window
  p.count_include_pad = false;
  avg_pool2d(x.data(), p, z.data(), 1);
  EXPECT_FLOAT_EQ(z[0], 3.0f);
  EXPECT_FLOAT_EQ(z[4], 5.0f);
}

TEST(CnnKernels, MaxPoolWithDilationAndPads) {
  PoolGeometry p;
  p.in_h = p.in_w = 3, p.kernel_h = p.kernel_w = 2, p.dilation_h = p.dilation_w = 2;
  p.pad_top = p.pad_left = 1, p.out_h = p.out_w = 2;
  auto x = one_to_nine();
  std::vector<float> y(4);
  max_pool2d(x.data(), p, y.data(), 2);
  // Output (0,0) sees rows {-1, 1} x cols {-1, 1}: only x[1][1] = 5.
  EXPECT_EQ(y, (std::vector<float>{5.0f, 6.0f, 8.0f, 9.0f}));
}

TEST(CnnKernels, PadModes) {
  std::vector<float> x = {1, 2, 3}, y(7);
  pad_nd(x.data(), {3}, {2}, PadMode::Reflect, 0.0f, y.data(), {7}, 1);
  EXPECT_EQ(y, (std::vector<float>{3, 2, 1, 2, 3, 2, 1}));
  pad_nd(x.data(), {3}, {2}, PadMode::Edge, 0.0f, y.data(), {7}, 1);
  EXPECT_EQ(y, (std::vector<float>{1, 1, 1, 2, 3, 3, 3}));
  std::vector<float> m = {1, 2, 3, 4}, z(6);  // [2, 2] -> [3, 2]: a row of 7 on top
  pad_nd(m.data(), {2, 2}, {1, 0}, PadMode::Constant, 7.0f, z.data(), {3, 2}, 2);
  EXPECT_EQ(z, (std::vector<float>{7, 7, 1, 2, 3, 4}));
  std::vector<float> crop(1);  // negative pads crop
  pad_nd(m.data(), {2, 2}, {-1, -1}, PadMode::Constant, 0.0f, crop.data(), {1, 1}, 1);
  EXPECT_EQ(crop[0], 4.0f);
}

TEST(CnnKernels, PlaneMeanAndPlaneBroadcast) {
  const int64_t planes = 6, inner = 37;  // 2 full 16-lane blocks and a tail
  auto x = random_values(planes * inner, 10), v = random_values(3, 11);
  std::vector<float> mean(planes), one(x.size()), two(x.size());
  plane_mean(x.data(), mean.data(), planes, inner, 2);
  for (int64_t p = 0; p < planes; ++p) {
    double sum = 0.0;
    for (int64_t i = 0; i < inner; ++i) sum += x[static_cast<size_t>(p * inner + i)];
    EXPECT_NEAR(mean[static_cast<size_t>(p)], sum / inner, 1e-6);
  }
  for (char op : {'+', '-', '*', '/'})
    for (bool swap : {false, true}) {
      plane_broadcast(x.data(), v.data(), one.data(), planes, 3, inner, op, swap, 1);
      plane_broadcast(x.data(), v.data(), two.data(), planes, 3, inner, op, swap, 3);
      EXPECT_EQ(one, two);
      for (int64_t p = 0; p < planes; ++p) {
        float a = x[static_cast<size_t>(p * inner + 5)], c = v[static_cast<size_t>(p % 3)];
        if (swap) std::swap(a, c);
        float expect = op == '+' ? a + c : op == '-' ? a - c : op == '*' ? a * c : a / c;
        EXPECT_FLOAT_EQ(one[static_cast<size_t>(p * inner + 5)], expect) << op << swap;
      }
    }
}

TEST(CnnKernels, SoftmaxOverAMiddleAxisAndLogSoftmax) {
  auto x = random_values(2 * 5 * 3, 6);
  std::vector<float> p(x.size()), logp(x.size());
  softmax_axis(x.data(), p.data(), 2, 5, 3, false, 2);
  softmax_axis(x.data(), logp.data(), 2, 5, 3, true, 1);
  for (int64_t o = 0; o < 2; ++o)
    for (int64_t i = 0; i < 3; ++i) {
      float sum = 0.0f;
      for (int64_t e = 0; e < 5; ++e) {
        size_t k = static_cast<size_t>((o * 5 + e) * 3 + i);
        sum += p[k];
        EXPECT_NEAR(std::log(p[k]), logp[k], 1e-5);
      }
      EXPECT_NEAR(sum, 1.0f, 1e-6);
    }
}

}  // namespace
}  // namespace tessera::run
