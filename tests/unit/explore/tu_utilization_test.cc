// The TU-utilisation model of the brawny/wimpy study (explore/tu_utilization.h).
#include "tessera/explore/tu_utilization.h"

#include <gtest/gtest.h>

#include "tessera/explore/sparsity.h"

namespace tessera::explore {
namespace {

TEST(TuUtilization, ExactTileIsFullExceptFillAndDrain) {
  // One 64x64 weight tile streaming 1000 rows on one 64x64 TU: 1000 / (1000 + 128) busy.
  const auto run = run_on_tus({{"l", 1000, 64, 64, 1}}, 1, 64, 1, 0);
  EXPECT_DOUBLE_EQ(run.cycles, 1000 + 128);
  EXPECT_NEAR(run.utilization, 1000.0 / 1128, 1e-12);
}

TEST(TuUtilization, CeilTilingWastesPartialTiles) {
  // K = 65 on a 64-wide array needs two K tiles, the second almost empty.
  const auto run = run_on_tus({{"l", 1000, 65, 64, 1}}, 1, 64, 1, 0);
  EXPECT_DOUBLE_EQ(run.cycles, 2 * 1128);
  EXPECT_LT(run.utilization, 0.6);
}

TEST(TuUtilization, SplittingTheReductionCostsMerges) {
  // 4 TUs, one output tile, one pixel: only K can be split, and its partial sums cross the NoC.
  const std::vector<GemmLayer> fc = {{"fc", 1, 256, 64, 1}};
  const auto free_merge = run_on_tus(fc, 1, 64, 4, 0);
  const auto paid_merge = run_on_tus(fc, 1, 64, 4, 4);  // 4 B/cycle
  EXPECT_DOUBLE_EQ(free_merge.cycles, 1 + 128);
  EXPECT_DOUBLE_EQ(paid_merge.cycles, 1 + 128 + 3.0 * 64 * 4 / 4);
}

TEST(Sparsity, CsrOverheadBetaBetweenTwoAndTwoAndAHalf) {
  const auto curves = sparsity_study();
  for (const auto& c : curves)
    for (const auto& p : c.points)
      if (p.sparsity > 0.05 && p.sparsity < 0.96) {
        EXPECT_GE(p.beta, 2.0) << c.arch << " " << p.sparsity;
        EXPECT_LE(p.beta, 2.6) << c.arch << " " << p.sparsity;
      }
}

}  // namespace
}  // namespace tessera::explore
