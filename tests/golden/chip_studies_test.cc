// NeuroMeter 003 Sec. III (brawny/wimpy, Fig. 8-10) and Sec. IV (sparsity, Fig. 11) studies.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

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

// Performance from tessera's analytical evaluator (explore/cnn_performance.h) over ResNet-50,
// Inception-v3 and NasNet-A-Large; numbers from `tessera chip sweep` (docs/chip-model.md).
// Fig. 11's "clear transition point at 0.9 in TU8 and RT64": with uniformly random zeros a
// 64-element block (8x8 TU tile, 64-input RT vector) is all-zero with probability s^64, which
// is 0.1 % at s = 0.9, 3.8 % at 0.95 and 53 % at 0.99; so on the paper's grid (0.1 steps to
// 0.9, then 0.99; beta in [2, 2.5] implies it stops at 0.99) the curve bends right after
// 0.9. tessera reproduces that bend between 0.9 and 0.99 (not a jump AT 0.9, which the
// Sec. IV equations cannot give with random zeros); the 1024-element blocks never skip.
TEST(ChipSparsityStudy, FineGrainedKneeAfterPointNine) {
  const auto curves = sparsity_study();
  auto gain_at = [](const SparsityCurve& c, double s) {
    for (const auto& p : c.points)
      if (std::abs(p.sparsity - s) < 1e-9) return p.gain;
    ADD_FAILURE() << "no point at " << s;
    return 0.0;
  };
  for (const auto& c : curves) {
    const double slope_low = (gain_at(c, 0.9) - gain_at(c, 0.8)) / 0.1;
    const double slope_high = (gain_at(c, 0.99) - gain_at(c, 0.9)) / 0.09;
    if (c.arch == "TU8" || c.arch == "RT64") {
      EXPECT_GT(slope_high, 10 * slope_low) << c.arch;  // the knee
      EXPECT_NEAR(gain_at(c, 0.99), 2.7, 0.3) << c.arch;
    } else {
      EXPECT_LT(slope_high, 2 * slope_low) << c.arch;  // CSR traffic only: slow growth
      EXPECT_NEAR(gain_at(c, 0.99), 1.65, 0.15) << c.arch;
    }
    for (const auto& p : c.points) {
      const double block = (c.arch == "TU8" || c.arch == "RT64") ? 64 : 1024;
      EXPECT_NEAR(p.skip_factor_y, 1 - std::pow(p.sparsity, block), 1e-12) << c.arch;
    }
  }
}

// Sec. III-A-1: "with eight 4x4 TUs per core, the VReg area and power overhead is 12.7 % and
// 24.9 % of the core" (2R+1W ports per functional unit). The core count is not given; the
// paper's 4x4 designs reach < 1/12 of the 92 TOPS peak, i.e. <= ~43 such cores, so 64 cores
// (512 KiB of the 32 MiB each) is the closest power of two. tessera: 9.8 % and 16.9 %
// (pinned +-2 pp). The area is within 3 pp of the paper; the power share is 8.0 pp below it (7.6
// before the WS weight shift register, 2026-11). Both fell (from 10.6 / 18.0 %) when the scalar
// unit gained McPAT's A9 L1 I- and D-caches (control_units.cc): the core the VReg is a share of
// grew. The rest of the power gap dates from TDP following McPAT's random-data convention
// (chip_model.h): leakage, which the VReg has little of, is a larger share of the core's TDP.
TEST(ChipBrawnyWimpy, VregOverheadOfEightSmallTusPerCore) {
  const auto chip = chip::evaluate_chip(datacenter_spec({4, 8, 8, 8}));
  double core_area = 0, core_tdp = 0;
  for (const auto& c : chip.components)
    if (c.instances % 64 == 0 && c.name != "noc") core_area += c.area_mm2, core_tdp += c.tdp_w;
  const auto* vreg = chip.find("vector_registers");
  ASSERT_NE(vreg, nullptr);
  std::printf("VReg share of a (4,8,8,8) core: area %.3f, TDP %.3f\n", vreg->area_mm2 / core_area,
              vreg->tdp_w / core_tdp);
  EXPECT_NEAR(vreg->area_mm2 / core_area, 0.098, 0.02);
  EXPECT_NEAR(vreg->tdp_w / core_tdp, 0.169, 0.02);
  EXPECT_NEAR(vreg->area_mm2 / core_area, 0.127, 0.035);  // the paper
  EXPECT_LT(vreg->tdp_w / core_tdp, 0.249);
  EXPECT_GT(vreg->tdp_w / core_tdp, 0.249 - 0.09);
}

// Fig. 8: at the full 92 TOPS peak, the wimpier the design the larger its die and TDP;
// (128,4,1,1) has the best peak TOPS/W and TOPS/TCO.
TEST(ChipBrawnyWimpy, Fig8AreaTdpAndPeakEfficiency) {
  const auto results = brawny_wimpy_sweep();
  std::map<int64_t, std::pair<double, double>> sum;  // X -> (area, TDP) over full-peak points
  std::map<int64_t, int> n;
  const DesignResult* best_tco = &results[0];
  const DesignResult* best_w = &results[0];
  auto tco = [](const DesignResult& d) {
    return d.peak_tops / (d.area_mm2 * d.area_mm2 * d.tdp_w);
  };
  for (const auto& d : results) {
    if (tco(d) > tco(*best_tco)) best_tco = &d;
    if (d.peak_tops / d.tdp_w > best_w->peak_tops / best_w->tdp_w) best_w = &d;
    if (d.peak_tops < 91) continue;
    sum[d.point.x].first += d.area_mm2;
    sum[d.point.x].second += d.tdp_w;
    ++n[d.point.x];
  }
  ASSERT_GE(sum.size(), 5u);
  double area = 1e9, tdp = 1e9;
  for (const auto& [x, v] : sum) {
    EXPECT_LT(v.first / n[x], area) << x;
    EXPECT_LT(v.second / n[x], tdp) << x;
    area = v.first / n[x], tdp = v.second / n[x];
  }
  EXPECT_EQ(best_tco->point.label(), "(128,4,1,1)");
  EXPECT_EQ(best_w->point.label(), "(128,4,1,1)");
}

// Sec. IV-B-1: "the wimpy accelerators with 4x4 TUs have comparable or larger die areas than
// brawny designs with TUs sized of 64x64 to 256x256, but only less than 1/12 of peak TOPS".
// Each wimpy core carries its own scalar unit (McPAT's Cortex-A9-lite with 32 KiB L1 I- and
// D-caches, 0.25 mm^2 at 28 nm), IFU/LSU, router, VReg and VU. tessera: the 4x4 designs fit
// 512 cores and reach 1/8, 1/4 and 1/2 of the brawny peak (N = 1, 2, 4) at 430..480 mm^2, more
// than twice the brawny dies (189..256 mm^2): the area trend is the paper's, the peak gap is
// smaller. Before the L1 caches (16 KiB scalar memory only) (4,1) fit 1024 cores (1/4).
TEST(ChipBrawnyWimpy, WimpyFourByFourPeakWithinBudget) {
  const auto results = brawny_wimpy_sweep();
  double brawny_peak = 0, brawny_area = 0;
  for (const auto& d : results)
    if (d.point.x >= 64)
      brawny_peak = std::max(brawny_peak, d.peak_tops),
      brawny_area = std::max(brawny_area, d.area_mm2);
  const std::map<int64_t, double> fraction = {{1, 1.0 / 8}, {2, 1.0 / 4}, {4, 1.0 / 2}};
  int seen = 0;
  for (const auto& d : results) {
    if (d.point.x != 4) continue;
    ++seen;
    EXPECT_EQ(d.point.tx * d.point.ty, 512) << d.point.label();
    EXPECT_NEAR(d.peak_tops / brawny_peak, fraction.at(d.point.n), 0.01) << d.point.label();
    EXPECT_GT(d.area_mm2, 1.5 * brawny_area) << d.point.label();
  }
  EXPECT_EQ(seen, 3);
  const auto chip = chip::evaluate_chip(datacenter_spec({4, 1, 16, 32}));
  const auto* su = chip.find("scalar_unit");
  ASSERT_NE(su, nullptr);
  EXPECT_NEAR(su->area_mm2 / 512, 0.254, 0.02);
}

TEST(ChipBrawnyWimpy, BudgetsPeakAndPaperTrends) {
  const auto results = brawny_wimpy_sweep();
  ASSERT_GE(results.size(), 15u);
  for (const auto& d : results) {
    EXPECT_LE(d.area_mm2, 500);
    EXPECT_LE(d.tdp_w, 300);
    EXPECT_LE(d.peak_tops, 92);
    ASSERT_EQ(d.workloads.size(), 9u);
    for (int s = 0; s < 3; ++s) EXPECT_LE(d.average(s).utilization, 1.0) << d.point.label();
    // Fig. 9: throughput grows with the batch.
    EXPECT_GE(d.average(2).achieved_tops, d.average(1).achieved_tops * 0.999);
    EXPECT_GE(d.average(1).achieved_tops, d.average(0).achieved_tops * 0.999);
  }
  for (int s = 0; s < 3; ++s) {
    const auto w = study_winners(results, s);
    // Paper: wimpy 8x8 has the highest utilisation in every scenario (tessera: (4,1,16,32) at
    // bs 1 and 256, (8,1,16,16) latency-bounded; see docs/chip-model.md).
    EXPECT_LE(results[w.utilization].point.x, 8) << s;
    // Paper: brawny 64x64 (64,2,2,4) has the best throughput. tessera: mid-size 8..16 TUs win
    // (bs 1: (16,1,16,16) 27.2 TOPS; bounded and bs 256: (8,4,16,16) 49.9 / 61.3 TOPS),
    // because its 8x8 and 16x16 chips still reach the full 92 TOPS peak under 500 mm^2;
    // (64,2,2,4) reaches 90 % of that at bs 1 (24.4 TOPS, asserted below).
    EXPECT_GE(results[w.throughput].point.x, 8) << s;
    EXPECT_LE(results[w.throughput].point.x, 32) << s;
    // Paper: energy efficiency best at 64x64 (bs 1) / 32x32 (larger batches); tessera: 16..32.
    EXPECT_GE(results[w.tops_per_w].point.x, 16) << s;
    EXPECT_LE(results[w.tops_per_w].point.x, 64) << s;
    // Paper: cost efficiency best at a brawny few-core design (64,4,1,2); tessera:
    // (64,4,2,2) (four 64x64 TUs per core on 4 cores instead of 2).
    EXPECT_GE(results[w.tops_per_tco].point.x, 64) << s;
    EXPECT_LE(results[w.tops_per_tco].point.tx * results[w.tops_per_tco].point.ty, 4) << s;
  }
  const auto w0 = study_winners(results, 0);
  // Paper (Fig. 10(a)): giving up < 16 % of the top throughput buys > 2x TOPS/TCO with
  // four 64x64 TUs per core on few cores, (64,4,1,2). tessera at batch 1: (32,4,4,4), 11.2 %
  // less throughput for 2.20x TOPS/TCO (four 32x32 TUs per core on 16 cores; tessera's
  // smaller cores fit more under the budgets).
  const auto& near = results[w0.tops_per_tco_within_16pct];
  const auto top = results[w0.throughput].average(0);
  EXPECT_GE(near.point.x, 32);
  EXPECT_EQ(near.point.n, 4);
  EXPECT_GE(near.average(0).achieved_tops, 0.84 * top.achieved_tops);
  EXPECT_GT(near.average(0).tops_per_tco, 2.0 * top.tops_per_tco);
  for (const auto& d : results)
    if (d.point.x == 64 && d.point.n == 2) {  // the paper's throughput optimum
      EXPECT_GT(d.average(0).achieved_tops, 0.75 * results[w0.throughput].average(0).achieved_tops);
    }
  // Utilisation falls as TUs grow (same N): the study's central trend.
  double previous = 2;
  for (const auto& d : results) {
    if (d.point.n != 1) continue;
    EXPECT_LE(d.average(0).utilization, previous + 1e-9) << d.point.label();
    previous = d.average(0).utilization;
  }
}

// Fig. 9 on (64,2,2,4): "significant throughput improvements when the batch size switches
// from 1 to 64" for every model, latency growing with the batch. tessera, bs 64 vs bs 1:
// 1.82x (ResNet), 2.07x (Inception), 1.41x (NasNet, whose separable convs leave 64x64 arrays
// underused at any batch). Throughput dips by up to 13 % where the batch's activations stop
// fitting in the 32 MiB beside the weights (ResNet 2 -> 4, NasNet 4 -> 8) and go to HBM.
// (Pinned after the analytical evaluator's tiles became multiples of the array side with
// double-buffered outputs, which raised small-batch throughput more than large-batch.)
TEST(ChipBrawnyWimpy, Fig9ThroughputGrowsWithBatch) {
  const std::map<std::string, double> gain_64 = {
      {"resnet50", 1.82}, {"inception-v3", 2.07}, {"nasnet-a-large", 1.41}};
  for (const auto& name : SweepOptions{}.models) {
    const auto series = batch_series({64, 2, 2, 4}, load_cnn(name));
    ASSERT_EQ(series.size(), 9u);
    EXPECT_NEAR(series[6].achieved_tops / series[0].achieved_tops, gain_64.at(name), 0.1)
        << name;  // bs 64 vs 1
    EXPECT_GT(series[8].achieved_tops, 1.3 * series[0].achieved_tops) << name;
    for (size_t i = 1; i < series.size(); ++i) {
      EXPECT_GT(series[i].latency_s, series[i - 1].latency_s) << name;
      EXPECT_GE(series[i].achieved_tops, 0.85 * series[i - 1].achieved_tops) << name;
    }
  }
}

TEST(ChipBrawnyWimpy, PaperNamedPointsTradeThroughputForCostEfficiency) {
  std::vector<CnnModel> models;
  for (const auto& name : SweepOptions{}.models) models.push_back(load_cnn(name));
  const auto fast = evaluate_design({64, 2, 2, 4}, models).average(0);
  const auto cheap = evaluate_design({64, 4, 1, 2}, models).average(0);
  // Paper (Fig. 10(a)): (64,2,2,4) -> (64,4,1,2) loses < 16 % throughput for 2.1x TOPS/TCO
  // and 1.3x TOPS/W. tessera: 40.7 % for 2.08x and 1.03x. The cost-efficiency gain is
  // reproduced; the throughput loss is 2.5x the paper's because in tessera's mapping the
  // 8-core design is compute-bound (NoC at 256 GB/s overlapped with compute, ResNet and
  // Inception weights resident on chip), so halving the TUs nearly halves the throughput;
  // TF-Sim's NoC and scheduling costs, which make the paper's 8-core design lose less, are
  // not published.
  const double loss = 1 - cheap.achieved_tops / fast.achieved_tops;
  const double tco_gain = cheap.tops_per_tco / fast.tops_per_tco;
  EXPECT_NEAR(loss, 0.407, 0.05);
  EXPECT_NEAR(tco_gain, 2.08, 0.2);
  EXPECT_NEAR(tco_gain, 2.1, 0.25);  // the paper
  // Fig. 9: latency-bounded batches of (64,2,2,4) are 16 / 32 / 4 (ResNet / Inception /
  // NasNet) in the paper; tessera: 64 / 32 / 2.
  const auto d = evaluate_design({64, 2, 2, 4}, models);
  EXPECT_EQ(d.workloads[4].batch, 32);  // Inception, latency-bounded
  EXPECT_GE(d.workloads[1].batch, 16);  // ResNet
  EXPECT_LE(d.workloads[7].batch, 4);   // NasNet
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
