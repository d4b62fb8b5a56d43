// Indexing kernels (src/run/kernels/indexing.cc) and the einsum view layouts, on hand-worked
// examples.
#include <gtest/gtest.h>

#include <numeric>

#include "run/einsum_views.h"
#include "tessera/core/error.h"
#include "tessera/run/kernels.h"

namespace tessera::run {
namespace {

std::vector<float> iota(int64_t n) {
  std::vector<float> v(static_cast<size_t>(n));
  std::iota(v.begin(), v.end(), 0.0f);
  return v;
}

TEST(IndexingKernels, GatherAlongAnAxisWithNegativeIndices) {
  auto x = iota(2 * 3 * 2);  // [2, 3, 2]
  std::vector<float> idx = {2, -3}, y(8);
  gather_axis(x.data(), {2, 3, 2}, 1, idx.data(), 2, y.data(), 2);
  EXPECT_EQ(y, (std::vector<float>{4, 5, 0, 1, 10, 11, 6, 7}));
  std::vector<float> bad = {3};
  EXPECT_THROW(gather_axis(x.data(), {2, 3, 2}, 1, bad.data(), 1, y.data(), 1), Error);
}

TEST(IndexingKernels, StridedSliceIncludingNegativeSteps) {
  auto x = iota(3 * 4);  // [3, 4]
  std::vector<float> y(4);
  // x[1:3, 0:4:2]
  slice_strided(x.data(), {3, 4}, {1, 0}, {1, 2}, y.data(), {2, 2}, 2);
  EXPECT_EQ(y, (std::vector<float>{4, 6, 8, 10}));
  // x[2, ::-1] (rows kept as an axis of 1)
  std::vector<float> r(4);
  slice_strided(x.data(), {3, 4}, {2, 3}, {1, -1}, r.data(), {1, 4}, 1);
  EXPECT_EQ(r, (std::vector<float>{11, 10, 9, 8}));
}

TEST(IndexingKernels, ExpandWhereAndCastBroadcast) {
  std::vector<float> x = {1, 2, 3}, y(6);
  broadcast_to(x.data(), {1, 3}, y.data(), {2, 3}, 2);
  EXPECT_EQ(y, (std::vector<float>{1, 2, 3, 1, 2, 3}));
  std::vector<float> cond = {1, 0}, a = iota(4), b = {-1}, out(4);
  where_select(cond.data(), {2, 1}, a.data(), {2, 2}, b.data(), {1}, out.data(), {2, 2}, 1);
  EXPECT_EQ(out, (std::vector<float>{0, 1, -1, -1}));
  std::vector<float> v = {-1.5f, 2.7f, 0.0f}, c(3);
  cast_values(v.data(), c.data(), 3, CastTarget::Integer, 1);
  EXPECT_EQ(c, (std::vector<float>{-1, 2, 0}));
  cast_values(v.data(), c.data(), 3, CastTarget::Bool, 1);
  EXPECT_EQ(c, (std::vector<float>{1, 1, 0}));
}

TEST(EinsumViews, GptAttentionMovesTheHeadAxis) {
  // q [b=1, q=8, h=2, d=16], k [1, 8, 2, 16] -> [1, 2, 8, 8]: batch (b, h), M q, K d, N k.
  auto a = einsum_view("bqhd,bkhd->bhqk", "/a", {1, 8, 2, 16}, {1, 8, 2, 16}, {1, 2, 8, 8});
  ASSERT_TRUE(a);
  EXPECT_EQ(a->permutation, (std::vector<int64_t>{0, 2, 1, 3}));
  auto b = einsum_view("bqhd,bkhd->bhqk", "/b", {1, 8, 2, 16}, {1, 8, 2, 16}, {1, 2, 8, 8});
  ASSERT_TRUE(b);
  EXPECT_EQ(b->permutation, (std::vector<int64_t>{0, 2, 3, 1}));  // [b, h, d, k]
  // "bhqk,bkhd->bqhd": the product is [b, h, q, d] and goes back to [b, q, h, d].
  auto out = einsum_view("bhqk,bkhd->bqhd", "/out", {1, 2, 8, 8}, {1, 8, 2, 16}, {1, 8, 2, 16});
  ASSERT_TRUE(out);
  EXPECT_EQ(out->in_dims, (std::vector<int64_t>{1, 2, 8, 16}));
  EXPECT_EQ(out->permutation, (std::vector<int64_t>{0, 2, 1, 3}));
  EXPECT_FALSE(einsum_view("bii->b", "/a", {1, 2, 2}, {}, {1}));
}

}  // namespace
}  // namespace tessera::run
