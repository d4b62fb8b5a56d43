// Golden: the Gemmini case study (001 Sec. 3.4, Figs. 13-14) with the analytical evaluator on
// the gemmini and gemmini-transformer presets, BERT-Base at l = 512 (Fig. 14's length).
// Each figure prints tessera's prediction beside the paper's; gaps are explained where pinned.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "tessera/hw/spec_parser.h"
#include "tessera/perf/analytical.h"
#include "tessera/workload/analysis.h"

namespace tessera::perf {
namespace {

struct CaseStudy {
  double total_s = 0, matmul_s = 0, matmul_flops = 0, host_s = 0, quantize_s = 0;
  double act_to_act_s = 0, act_to_act_flops = 0;  // matmuls whose B is an activation
};

CaseStudy evaluate(const std::string& hw_name, const std::vector<std::string>& overrides = {}) {
  workload::Workload w = workload::analyze_model(model::resolve_model("bert-base:seq=512"),
                                                 workload::AnalysisOptions{});
  hw::Hardware hw = hw::load_hardware(hw_name, overrides);
  ModelCost cost = evaluate_workload(AnalyticalEvaluator(), w, hw);
  CaseStudy s;
  s.total_s = cost.total.latency_s;
  for (const auto& oc : cost.ops) {
    if (oc.cost.unit == "matrix") {
      s.matmul_s += oc.cost.latency_s;
      s.matmul_flops += static_cast<double>(w.ops[oc.op_index].flops);
      const workload::Op& op = w.ops[oc.op_index];
      if (op.problem.kind == workload::ProblemKind::Matmul && !op.problem.matmul.b_is_weight) {
        s.act_to_act_s += oc.cost.latency_s;
        s.act_to_act_flops += static_cast<double>(op.flops);
      }
    }
    if (oc.cost.unit == "host") {
      s.host_s += oc.cost.latency_s;
      auto q = oc.cost.breakdown_s.find("quantize");
      if (q != oc.cost.breakdown_s.end()) s.quantize_s += q->second;
    }
    EXPECT_TRUE(oc.cost.supported()) << w.ops[oc.op_index].name;
  }
  return s;
}

// Sec. 3.4.2 / Fig. 14 (left): on the baseline, ~96% of BERT time is outside the matmuls (CPU
// LayerNorm/Softmax/GELU plus dequantise/quantise). tessera: 97.6% (2-point tolerance); the
// host costs come from instruction counts of scalar fp32 code on the Rocket core and its
// blocking data cache (preset), not from this figure.
// "Individual matmuls achieve 74% utilization": tessera predicts 96.5% (pinned at 2 points).
// What the model takes from Gemmini's source (ucb-bar/gemmini src/main/scala/gemmini):
// LoopMatmul.scala runs a tile k, j, i with i innermost, one preload + compute per 16-column
// weight block and up to dma_maxbytes / 16 = 4 row blocks (64 rows) per compute, the weights
// loaded only at i = 0 (COMPUTE_AND_FLIP, then COMPUTE_AND_STAY), and stores a tile's outputs
// only after its last k block, with two loops in flight (the double buffering the model
// charges); Scratchpad.scala gives the DMA reader and writer 16 outstanding 64 B requests each
// (10.2 GB/s per direction at ~100 ns, both on the 16 GB/s bus); StoreController/DMA.scala
// write 32-bit outputs one 64 B row per request. With those, the projections are compute-bound
// and QK^T (512 x 512 int32 outputs per head) is bound by the writer's window at ~64%.
// Missing (no published parameter): cycles lost per command in the ExecuteController and
// reservation station (8 load / 4 store / 16 execute entries), FrontendTLB misses (4 entries
// per direction, page walks through the shared L2), and L2/DRAM contention with the host.
TEST(HwPerfGemmini, BaselineTimeOutsideMatmulsAndUtilisation) {
  CaseStudy s = evaluate("gemmini");
  double outside = 1 - s.matmul_s / s.total_s;
  double utilisation = s.matmul_flops / s.matmul_s / 512e9;
  std::printf(
      "baseline: total %.3f s, outside matmuls %.1f%% (paper ~96%%), host %.3f s of which "
      "(de)quantise %.3f s, matmul utilisation %.1f%% (paper 74%%)\n",
      s.total_s, 100 * outside, s.host_s, s.quantize_s, 100 * utilisation);
  EXPECT_NEAR(outside, 0.96, 0.02);
  EXPECT_GT(s.quantize_s, 0.0);
  EXPECT_NEAR(utilisation, 0.965, 0.02);
  EXPECT_LT(utilisation, 0.98);  // the DMA limit bites on the act-to-act matmuls
}

// Sec. 3.4.3 / Fig. 13: 256 -> 64 KiB scratchpad with 64 -> 256 KiB accumulator cuts matmul
// latency by 36%. The mechanism is in the model: the output tile is limited by (half) the
// accumulator, 80 x 80 before and 176 x 176 after, so A is re-read 5 instead of 10 times for
// a 768-wide output and the weights 3 instead of 7 times at l = 512: DRAM traffic halves.
// But tessera's matmuls are compute-bound (projections) or bound by the writer (QK^T's outputs
// are written once whatever the tile), so the cut is -0.1% (the smaller scratchpad's shorter K
// tiles add fill/drain; pinned at 1 point). With DRAM as the bottleneck (4 GB/s) the same change
// cuts 40%, the paper's order.
// The paper's two figures together say where its time went: if matmuls averaged 74% before, a
// 36% cut would need 0.74 / 0.64 = 116% after, so the 74% must describe the big projections and
// the act-to-act matmuls must have run far slower on the baseline. With tessera's MAC split, the
// projections at 74% before and after, and the act-to-act matmuls at 100% after, 36% needs them
// at 11.9% before (printed below), against tessera's 77.5%: the baseline's
// act-to-act matmuls lost time to something the published configuration does not show (per
// head calls, TLB walks on 1 MiB strided outputs, host-side tiling are candidates).
TEST(HwPerfGemmini, ScratchpadAccumulatorRebalance) {
  const std::vector<std::string> rebalance = {"scratchpad.capacity_bytes=65536",
                                              "accumulator.capacity_bytes=262144"};
  CaseStudy before = evaluate("gemmini"), after = evaluate("gemmini", rebalance);
  double cut = 1 - after.matmul_s / before.matmul_s;
  std::printf("rebalance at 16 GB/s: matmul latency %.4f -> %.4f s (%.1f%% cut; paper 36%%)\n",
              before.matmul_s, after.matmul_s, 100 * cut);
  EXPECT_NEAR(cut, -0.001, 0.01);
  const double weight_flops = before.matmul_flops - before.act_to_act_flops;
  const double projections_s = weight_flops / 0.74, act_after_s = before.act_to_act_flops;
  const double implied_act_s = (projections_s + act_after_s) / (1 - 0.36) - projections_s;
  const double implied_act_util = before.act_to_act_flops / implied_act_s;
  const double tessera_act_util = before.act_to_act_flops / before.act_to_act_s / 512e9;
  std::printf(
      "act-to-act matmuls: %.1f%% of matmul MACs; baseline utilisation implied by 74%% + "
      "36%%: %.1f%%, tessera %.1f%%\n",
      100 * before.act_to_act_flops / before.matmul_flops, 100 * implied_act_util,
      100 * tessera_act_util);
  EXPECT_GT(implied_act_util, 0.0);
  EXPECT_LT(implied_act_util, 0.5 * tessera_act_util);  // the gap sits in the act-to-act matmuls
  std::vector<std::string> slow = {"dram.bandwidth_bytes_per_s=4e9"};
  CaseStudy slow_before = evaluate("gemmini", slow);
  slow.insert(slow.end(), rebalance.begin(), rebalance.end());
  CaseStudy slow_after = evaluate("gemmini", slow);
  double slow_cut = 1 - slow_after.matmul_s / slow_before.matmul_s;
  std::printf("rebalance at 4 GB/s: %.1f%% cut\n", 100 * slow_cut);
  EXPECT_NEAR(slow_cut, 0.36, 0.06);
}

// Sec. 3.4.4: I-BERT units plus the rebalanced memories give 39.6x end to end. tessera: 36.0x
// (pinned at 5%; 9% below the paper). The baseline's host time is instruction counts (Rocket,
// scalar libm) plus the stalls of its blocking data cache streaming int32 -> fp32 -> int8
// through separate dequantise / op / quantise passes; the I-BERT units' accumulator reads and
// DRAM writes overlap (the DMA's reader and writer are separate). tessera's matmuls run at ~96%
// rather than 74% on both designs, which leaves the I-BERT design's matmuls relatively slower.
TEST(HwPerfGemmini, IBertUnitsEndToEnd) {
  CaseStudy baseline = evaluate("gemmini"), ibert = evaluate("gemmini-transformer");
  double speedup = baseline.total_s / ibert.total_s;
  double matmul_share = ibert.matmul_s / ibert.total_s;
  std::printf("I-BERT units: %.3f s -> %.4f s, %.1fx (paper 39.6x); matmul share after %.1f%%\n",
              baseline.total_s, ibert.total_s, speedup, 100 * matmul_share);
  EXPECT_NEAR(speedup, 36.0, 0.05 * 36.0);
  EXPECT_GT(matmul_share, 0.5);  // Fig. 14 (middle): matmuls dominate again
}

}  // namespace
}  // namespace tessera::perf
