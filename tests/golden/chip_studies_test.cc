// NeuroMeter 003 Sec. III (brawny/wimpy, Fig. 8-10) and Sec. IV (sparsity, Fig. 11) studies.
#include <gtest/gtest.h>

#include "tessera/explore/brawny_wimpy.h"
#include "tessera/explore/sparsity.h"
#include "tessera/explore/tu_utilization.h"

namespace tessera::explore {
namespace {

TEST(ChipSparsityStudy, GainOnlyAboveHalfSparsityAndWimpyBenefitsMost) {
  const auto curves = sparsity_study();
  ASSERT_EQ(curves.size(), 4u);
  for (const auto& c : curves) {
    // Paper: sparse processing pays off only beyond ~0.5 sparsity (CSR overhead beta ~2).
    EXPECT_LT(c.points.front().gain, 1.0) << c.arch;
    EXPECT_GT(c.points.back().gain, 1.0) << c.arch;
    for (size_t i = 1; i < c.points.size(); ++i)
      EXPECT_GE(c.points[i].gain, c.points[i - 1].gain) << c.arch;
    EXPECT_GE(c.points[3].beta, 2.0) << c.arch;
    EXPECT_LE(c.points[3].beta, 2.5) << c.arch;
  }
  // Fine-grained (TU8, RT64) architectures gain more at very high sparsity than coarse ones.
  EXPECT_GT(curves[0].points.back().gain, curves[1].points.back().gain);
  EXPECT_GT(curves[2].points.back().gain, curves[3].points.back().gain);
}

TEST(ChipBrawnyWimpy, BudgetsPeakAndPaperTrends) {
  const auto results = brawny_wimpy_sweep();
  ASSERT_GE(results.size(), 15u);
  const DesignResult* best_throughput = nullptr;
  const DesignResult* best_util = nullptr;
  for (const auto& d : results) {
    EXPECT_LE(d.area_mm2, 500);
    EXPECT_LE(d.tdp_w, 300);
    EXPECT_LE(d.peak_tops, 92);
    ASSERT_EQ(d.workloads.size(), 9u);
    const auto a = d.average(1);
    if (!best_throughput || a.achieved_tops > best_throughput->average(1).achieved_tops)
      best_throughput = &d;
    if (!best_util || a.utilization > best_util->average(1).utilization) best_util = &d;
  }
  // Paper (Fig. 10): wimpy 8x8 has the highest utilisation, brawny 64x64 the best throughput.
  // tessera's model (no partial-sum merge or NoC cost) lets the smallest TUs keep the highest
  // utilisation and favours mid-size TUs on throughput; see docs/chip-model.md.
  EXPECT_LE(best_util->point.x, 8);
  EXPECT_GE(best_throughput->point.x, 8);
  EXPECT_LE(best_throughput->point.x, 64);
  // Energy efficiency peaks at a brawny-ish 32x32 design at medium batch (paper: 64 -> 32),
  // cost efficiency (TOPS/mm^4/W) at a brawny design with few cores (paper: 64x64 x4 on 2).
  const DesignResult* best_w = &results[0];
  const DesignResult* best_tco = &results[0];
  for (const auto& d : results) {
    if (d.average(1).tops_per_w > best_w->average(1).tops_per_w) best_w = &d;
    if (d.average(1).tops_per_tco > best_tco->average(1).tops_per_tco) best_tco = &d;
  }
  EXPECT_GE(best_w->point.x, 16);
  EXPECT_LE(best_w->point.x, 64);
  EXPECT_GE(best_tco->point.x, 64);
  EXPECT_LE(best_tco->point.tx * best_tco->point.ty, 4);
  // Utilisation falls as TUs grow (same N): the study's central trend.
  double previous = 2;
  for (const auto& d : results) {
    if (d.point.n != 1) continue;
    EXPECT_LE(d.average(0).utilization, previous + 1e-9) << d.point.label();
    previous = d.average(0).utilization;
  }
}

TEST(ChipBrawnyWimpy, ZooLoweringMatchesHandWrittenResNet50) {
  double zoo = 0, hand = 0;
  for (const auto& l : cnn_layers("resnet50")) zoo += double(l.pixels * l.k * l.n * l.groups);
  for (const auto& l : resnet50_layers()) hand += double(l.pixels * l.k * l.n * l.groups);
  EXPECT_NEAR(zoo / hand, 1.0, 0.01);
  // GMAC per 224x224 image: 3.86 for v1 (stride in the first 1x1 of a stage); the often quoted
  // 4.1 is v1.5 (stride in the 3x3), where that 1x1 runs at the higher resolution.
  EXPECT_NEAR(hand / 1e9, 3.86, 0.05);
}

}  // namespace
}  // namespace tessera::explore
