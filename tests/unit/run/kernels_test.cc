// CPU kernels against naive references (STYLE.md example 10: per-op kernel tests).
#include "tessera/run/kernels.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "tessera/core/rng.h"

namespace tessera::run {
namespace {

std::vector<float> random_values(size_t n, uint64_t stream) {
  RandomStream rng(7, stream);
  std::vector<float> v(n);
  for (float& x : v) x = static_cast<float>(rng.uniform() * 2 - 1);
  return v;
}

TEST(RunKernels, BatchedMatmulWithTransposeAndBiasMatchesReference) {
  const int64_t batch = 3, m = 5, k = 7, n = 4;
  auto a = random_values(batch * m * k, 1);
  auto b = random_values(batch * n * k, 2);
  auto bias = random_values(n, 3);
  std::vector<float> out(batch * m * n);
  matmul(a.data(), {batch, m, k}, b.data(), {batch, n, k}, true, bias.data(), out.data(),
         {batch, m, n}, 2);
  for (int64_t i = 0; i < batch; ++i)
    for (int64_t r = 0; r < m; ++r)
      for (int64_t c = 0; c < n; ++c) {
        double ref = bias[c];
        for (int64_t x = 0; x < k; ++x) ref += a[(i * m + r) * k + x] * b[(i * n + c) * k + x];
        EXPECT_NEAR(out[(i * m + r) * n + c], ref, 1e-5);
      }
}

TEST(RunKernels, WeightMatmulFoldsBatchIntoRows) {
  auto a = random_values(2 * 3 * 4, 4);
  auto w = random_values(4 * 6, 5);
  std::vector<float> out(2 * 3 * 6);
  matmul(a.data(), {2, 3, 4}, w.data(), {4, 6}, false, nullptr, out.data(), {2, 3, 6}, 1);
  for (int64_t r = 0; r < 6; ++r)
    for (int64_t c = 0; c < 6; ++c) {
      double ref = 0;
      for (int64_t x = 0; x < 4; ++x) ref += a[r * 4 + x] * w[x * 6 + c];
      EXPECT_NEAR(out[r * 6 + c], ref, 1e-5);
    }
}

TEST(RunKernels, SoftmaxRowsSumToOneAndMatchExp) {
  auto x = random_values(4 * 9, 6);
  for (float& v : x) v *= 20.0f;
  std::vector<float> y(x.size());
  softmax_rows(x.data(), y.data(), 4, 9, 2);
  for (int r = 0; r < 4; ++r) {
    double mx = -1e30, sum = 0, total = 0;
    for (int c = 0; c < 9; ++c) mx = std::max(mx, static_cast<double>(x[r * 9 + c]));
    for (int c = 0; c < 9; ++c) sum += std::exp(x[r * 9 + c] - mx);
    for (int c = 0; c < 9; ++c) {
      EXPECT_NEAR(y[r * 9 + c], std::exp(x[r * 9 + c] - mx) / sum, 1e-6);
      total += y[r * 9 + c];
    }
    EXPECT_NEAR(total, 1.0, 1e-5);
  }
}

// The position-masked softmax equals adding the 0 / -1e9 causal mask and a plain softmax; the
// 37-column rows cover the vector loop and its scalar tail.
TEST(RunKernels, CausalSoftmaxEqualsAddingTheMask) {
  const int64_t matrices = 2, rows = 37, cols = 37;
  auto x = random_values(matrices * rows * cols, 8);
  std::vector<float> masked = x, ref(x.size()), out(x.size());
  for (int64_t i = 0; i < matrices * rows; ++i)
    for (int64_t j = 0; j < cols; ++j)
      if (j > i % rows) masked[i * cols + j] += -1e9f;
  softmax_rows(masked.data(), ref.data(), matrices * rows, cols, 1);
  softmax_rows_causal(x.data(), out.data(), matrices * rows, cols, rows, 2);
  for (size_t i = 0; i < x.size(); ++i) EXPECT_NEAR(out[i], ref[i], 1e-6) << i;
}

TEST(RunKernels, FastExpIsAccurateAndUnderflowsToZero) {
  for (float x = -80.0f; x < 80.0f; x += 0.37f)
    EXPECT_NEAR(fast_exp(x) / std::exp(x), 1.0, 3e-7) << x;
  EXPECT_EQ(fast_exp(-200.0f), 0.0f);
}

TEST(RunKernels, LayerNormAndGelu) {
  auto x = random_values(2 * 8, 7);
  std::vector<float> gamma(8, 2.0f), beta(8, 0.5f), y(16);
  layernorm_rows(x.data(), gamma.data(), beta.data(), y.data(), 2, 8, 1e-5f, 1);
  for (int r = 0; r < 2; ++r) {
    double mean = 0, var = 0;
    for (int c = 0; c < 8; ++c) mean += x[r * 8 + c] / 8.0;
    for (int c = 0; c < 8; ++c) var += (x[r * 8 + c] - mean) * (x[r * 8 + c] - mean) / 8.0;
    for (int c = 0; c < 8; ++c)
      EXPECT_NEAR(y[r * 8 + c], (x[r * 8 + c] - mean) / std::sqrt(var + 1e-5) * 2 + 0.5, 1e-5);
  }
  std::vector<float> g(x.size());
  unary(model::OpKind::Gelu, x.data(), g.data(), 16, 1.0f, 2);
  for (int i = 0; i < 16; ++i)
    EXPECT_NEAR(g[i], 0.5 * x[i] * (1 + std::erf(x[i] / std::sqrt(2.0))), 1e-6);
}

TEST(RunKernels, TransposeSwapsHeadAxes) {
  auto x = random_values(2 * 3 * 4 * 5, 8);
  std::vector<float> y(x.size());
  transpose(x.data(), {2, 3, 4, 5}, {0, 2, 1, 3}, y.data(), 2);
  for (int a = 0; a < 2; ++a)
    for (int b = 0; b < 3; ++b)
      for (int c = 0; c < 4; ++c)
        for (int d = 0; d < 5; ++d)
          EXPECT_EQ(y[((a * 4 + c) * 3 + b) * 5 + d], x[((a * 3 + b) * 4 + c) * 5 + d]);
}

TEST(RunKernels, BinaryBroadcastsLikeNumpy) {
  auto a = random_values(2 * 3, 9);
  std::vector<float> b = {10, 20, 30}, col = {1, 2}, out(6);
  binary(model::OpKind::Add, a.data(), {2, 3}, b.data(), {3}, out.data(), {2, 3}, 1);
  for (int i = 0; i < 6; ++i) EXPECT_FLOAT_EQ(out[i], a[i] + b[i % 3]);
  binary(model::OpKind::Mul, a.data(), {2, 3}, col.data(), {2, 1}, out.data(), {2, 3}, 2);
  for (int i = 0; i < 6; ++i) EXPECT_FLOAT_EQ(out[i], a[i] * col[i / 3]);
}

}  // namespace
}  // namespace tessera::run
