// Golden: the survey's analytical model (001 Sec. 3.3, Table 5; App. A.5, Figs. 30-32) with
// tessera's analytical evaluator on data/hw/survey-analytical.yaml. Each check prints the
// paper's number beside tessera's; tolerances are explicit and every gap is explained.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>

#include "tessera/hw/spec_parser.h"
#include "tessera/perf/analytical.h"
#include "tessera/workload/analysis.h"

namespace tessera::perf {
namespace {

struct Evaluated {
  workload::Workload w;
  ModelCost cost;
};

Evaluated run(const std::string& model, workload::Fusion fusion = workload::Fusion::None,
              AnalyticalOptions analytical = {}, const std::string& hw_name = "survey-analytical") {
  workload::AnalysisOptions options;
  options.fusion = fusion;
  Evaluated r{workload::analyze_model(model::resolve_model(model), options), {}};
  r.cost = evaluate_workload(AnalyticalEvaluator(analytical), r.w, hw::load_hardware(hw_name));
  return r;
}

double dram_bytes(const Cost& c) {
  double b = 0;
  for (const auto& t : c.traffic) b += static_cast<double>(t.read_bytes + t.write_bytes);
  return b;
}

// Non-ideal intensity of one layer-0 op and of the whole model.
double op_intensity(const Evaluated& r, const std::string& name) {
  for (const auto& oc : r.cost.ops)
    if (r.w.ops[oc.op_index].name == name)
      return static_cast<double>(r.w.ops[oc.op_index].flops) / dram_bytes(oc.cost);
  ADD_FAILURE() << "no op " << name;
  return 0;
}
double total_intensity(const Evaluated& r) {
  return static_cast<double>(r.w.totals.flops) / dram_bytes(r.cost.total);
}
double group_latency(const Evaluated& r, const std::string& group) {
  for (const auto& [name, c] : r.cost.groups)
    if (name == group) return c.latency_s;
  return 0;
}

// 001 Table 5. Every projection is reproduced exactly at every length (square 1024 x 1024
// output tiles from the 4 MiB accumulator, A re-read once per column tile, B once per row tile,
// and the bias entering the accumulator as an M x N 8-bit matrix, Gemmini's D; see the preset).
//  - Q x K and score x V: tessera counts 2*M*K*N FLOPs; the paper counts M*N*(2K-1) for these
//    bias-free products (25.4 = 25.6 x 127/128 exactly), so tessera is 1/(2K) higher.
//  - Totals: pinned at tessera's values (98.65 / 103.76 / 46.41, 2%), 7% / 7% / 1.4% below the
//    paper. Solving the paper's totals for the non-matmul bytes gives 36 bytes per l x d element
//    plus 5 per Softmax element (h x l^2) in every length; tessera's non-matmul ops move 48 and 5:
//    Softmax (4 B in, 1 B out), LayerNorm x 2 (5 B each), GELU on 4 l x d (5 B each) agree, and
//    the 12-byte difference is the two residual adds, which read W_out's / W_2's 32-bit output
//    (4 + 1 B in, 4 B out) in tessera, while the paper's totals are consistent with 8-bit adds
//    (3 B), although the same paper gives W_out a 32-bit output because a nonlinear op follows.
TEST(HwPerfSurveyTable5, NonIdealIntensityOfBertBase) {
  struct Row {
    int64_t seq;
    double wq, qk, sv, wout, w1, w2, total, tessera_total;
  };
  const Row paper[] = {{128, 170.670, 25.400, 63.750, 128.000, 130.723, 186.182, 106.110, 98.65},
                       {512, 341.333, 29.882, 102.300, 204.800, 211.862, 409.6, 111.122, 103.76},
                       {4096, 409.6, 30.788, 118.710, 227.556, 236.308, 512.000, 47.067, 46.41}};
  for (const Row& p : paper) {
    SCOPED_TRACE(p.seq);
    Evaluated r = run("bert-base:seq=" + std::to_string(p.seq));
    double wq = op_intensity(r, "layer0.attn.q"), qk = op_intensity(r, "layer0.attn.qk"),
           sv = op_intensity(r, "layer0.attn.sv"), wout = op_intensity(r, "layer0.attn.out"),
           w1 = op_intensity(r, "layer0.ffn.fc1"), w2 = op_intensity(r, "layer0.ffn.fc2"),
           total = total_intensity(r);
    std::printf(
        "l=%-5lld  W_Q %7.2f (paper %7.2f)  QK %6.2f (%6.2f)  SV %6.2f (%6.2f)  "
        "W_out %6.2f (%6.2f)  W1 %6.2f (%6.2f)  W2 %6.2f (%6.2f)  total %6.2f (%6.2f)\n",
        static_cast<long long>(p.seq), wq, p.wq, qk, p.qk, sv, p.sv, wout, p.wout, w1, p.w1, w2,
        p.w2, total, p.total);
    EXPECT_NEAR(total, p.tessera_total, 0.02 * p.tessera_total);
    EXPECT_LT(total, p.total);
    EXPECT_NEAR(qk, p.qk, 0.02 * p.qk);
    EXPECT_NEAR(sv, p.sv, 0.01 * p.sv);
    for (auto [mine, theirs] : {std::pair{wq, p.wq}, {wout, p.wout}, {w1, p.w1}, {w2, p.w2}})
      EXPECT_NEAR(mine, theirs, 0.002 * theirs);
    EXPECT_LT(wout, wq);
    EXPECT_LT(qk, std::min({wq, sv, wout, w1, w2}));
    // Non-ideal below ideal (Table 3 / Fig. 6) for the model as a whole.
    EXPECT_LT(total, r.w.totals.intensity());
  }
  // "up to 2.5x reduction for sequence length 4096": ideal 117.96 -> non-ideal 47.07.
  Evaluated r = run("bert-base:seq=4096");
  double reduction = r.w.totals.intensity() / total_intensity(r);
  std::printf("l=4096 ideal/non-ideal = %.2f (paper 2.5)\n", reduction);
  EXPECT_NEAR(reduction, 2.5, 0.1);
}

// 001 Sec. 3.3: ResNet-50's non-ideal intensity (121.312) stays near its ideal (122.172), and
// every BERT-Base length ends below it. The convolutions' BatchNorm and ReLU are fused (as in
// Table 4's fused total, which the survey's ideal figure matches); tessera's ideal fused total
// is the zoo's (Table 4 golden). Tolerance 3% on the ratio.
TEST(HwPerfSurveyTable5, ResNet50StaysNearItsIdealIntensity) {
  Evaluated resnet = run("resnet50", workload::Fusion::BnReluFolded);
  double ideal = resnet.w.totals.intensity(), non_ideal = total_intensity(resnet);
  std::printf("ResNet-50 ideal %.2f non-ideal %.2f (paper 122.172 / 121.312)\n", ideal, non_ideal);
  EXPECT_NEAR(non_ideal / ideal, 121.312 / 122.172, 0.03);
  for (int64_t seq : {128, 512, 4096})
    EXPECT_LT(total_intensity(run("bert-base:seq=" + std::to_string(seq))), non_ideal);
}

// 001 App. A.5, Figs. 30-32 (trends; the figures' values are not in the text).
// Fig. 30: projections dominate at short lengths; act-to-act matmuls grow with l and take over
// at 4096. Fig. 32: latency grows faster than linearly with l; BERT-Large is slower than
// BERT-Base at every length.
TEST(HwPerfSurveyAppendixA5, LatencyBreakdownTrends) {
  double previous_act_share = -1, base128 = 0;
  for (int64_t seq : {128, 256, 512, 1024, 2048, 4096}) {
    Evaluated r = run("bert-base:seq=" + std::to_string(seq));
    double total = r.cost.total.latency_s;
    double act = group_latency(r, "act_to_act") / total;
    double proj =
        (group_latency(r, "mha_projections") + group_latency(r, "ffn_projections")) / total;
    double other = group_latency(r, "other") / total;
    std::printf("BERT-Base l=%-5lld latency %.4f s: proj %.1f%% act-to-act %.1f%% other %.1f%%\n",
                static_cast<long long>(seq), total, 100 * proj, 100 * act, 100 * other);
    EXPECT_GT(act, previous_act_share);
    previous_act_share = act;
    if (seq == 128) {
      base128 = total;
      EXPECT_GT(proj, 0.75);
    }
    if (seq == 4096) {
      EXPECT_GT(act, 0.30);                    // from 2.8% at l = 128
      EXPECT_GT(total / base128, 32.0 * 1.5);  // superlinear in l
    }
    double large = run("bert-large:seq=" + std::to_string(seq)).cost.total.latency_s;
    EXPECT_GT(large, 2.5 * total);  // 2x layers, 1.33x width
  }
}

// 001 App. A.5: without fusion ResNet-50 runs 1.28x faster than BERT-Base(128); nonlinear ops
// take 32.4% of ResNet-50's runtime; fusing BatchNorm+ReLU into the convolutions gives 1.32x.
// The text states no array size or bandwidth for these runs (Fig. 11's values are in the
// figure); survey-analytical keeps Gemmini's 16x16 at 1 GHz and 16 GB/s (ridge 32 ops/byte),
// where convolutions and projections are compute-bound: tessera 2.54x, 17.9%, 1.14x (pinned 5%).
// Gap, by claim:
//  - 1.28x is exactly the *ideal* MOPs ratio of Tables 3-4 (0.14 / 0.11 GB). With the paper's
//    own non-ideal BERT traffic (Table 5 total: 22.42 GFLOPs / 106.11 = 211 MB, 1.9x ResNet's
//    ideal 0.11 GB) no bandwidth and no array size gives 1.28x; tessera's ratio stays above
//    1.8x across 16 -> 1 GB/s (checked below), so this number is not reproducible from the
//    paper's model as described.
//  - share and fusion speedup depend on the unstated bandwidth: they rise as DRAM slows and
//    bracket the paper's 32.4% / 1.32x between 16 and 4 GB/s (checked below; ~6 GB/s would
//    match, but no published parameter says so, so the preset keeps 16 GB/s).
TEST(HwPerfSurveyAppendixA5, ResNet50AgainstBertBase) {
  auto figures = [](const std::vector<std::string>& overrides) {
    auto go = [&](const std::string& model, workload::Fusion fusion) {
      workload::AnalysisOptions options;
      options.fusion = fusion;
      Evaluated r{workload::analyze_model(model::resolve_model(model), options), {}};
      r.cost = evaluate_workload(AnalyticalEvaluator(), r.w,
                                 hw::load_hardware("survey-analytical", overrides));
      return r;
    };
    Evaluated bert = go("bert-base:seq=128", workload::Fusion::None);
    Evaluated unfused = go("resnet50", workload::Fusion::None);
    Evaluated fused = go("resnet50", workload::Fusion::BnReluFolded);
    double nonlinear = 0;
    for (const auto& oc : unfused.cost.ops)
      if (unfused.w.ops[oc.op_index].problem.kind == workload::ProblemKind::Vector)
        nonlinear += oc.cost.latency_s;
    return std::array<double, 3>{bert.cost.total.latency_s / unfused.cost.total.latency_s,
                                 nonlinear / unfused.cost.total.latency_s,
                                 unfused.cost.total.latency_s / fused.cost.total.latency_s};
  };
  auto [ratio, share, speedup] = figures({});
  std::printf(
      "BERT-Base(128)/ResNet-50 %.2fx (paper 1.28x), ResNet nonlinear share %.1f%% "
      "(paper 32.4%%), fusion speedup %.2fx (paper 1.32x)\n",
      ratio, 100 * share, speedup);
  EXPECT_NEAR(ratio, 2.54, 0.05 * 2.54);
  EXPECT_NEAR(share, 0.179, 0.05 * 0.179);
  EXPECT_NEAR(speedup, 1.14, 0.05 * 1.14);
  EXPECT_GT(ratio, 1.0);  // ResNet-50 is faster despite being a CNN with 3x fewer FLOPs
  auto [wide_ratio, wide_share, wide_speedup] =
      figures({"pe_array.rows=64", "pe_array.cols=64", "pe_array.fill_drain_cycles=64"});
  std::printf("64x64 array: %.2fx, %.1f%%, %.2fx\n", wide_ratio, 100 * wide_share, wide_speedup);
  EXPECT_LT(wide_ratio, ratio);
  EXPECT_GT(wide_share, share);
  EXPECT_GT(wide_speedup, speedup);
  for (const char* bw : {"8e9", "4e9", "2e9", "1e9"}) {
    auto [r, sh, sp] = figures({std::string("dram.bandwidth_bytes_per_s=") + bw});
    std::printf("%s B/s: %.2fx, %.1f%%, %.2fx\n", bw, r, 100 * sh, sp);
    EXPECT_GT(r, 1.8) << bw;
    if (std::string(bw) == "4e9") {
      EXPECT_GT(sh, 0.324);
      EXPECT_GT(sp, 1.32);
    }
  }
}

// Figs. 31-32: the GPT-2 decoder generating l tokens (KV cache, closed forms) is slower than
// BERT-Base encoding l tokens with about the same FLOPs (low intensity: matrix-vector
// products re-read every weight per token), and its act-to-act share grows with l.
TEST(HwPerfSurveyAppendixA5, DecoderSlowerThanEncoder) {
  double previous_share = -1;
  for (int64_t seq : {128, 512, 2048}) {
    workload::AnalysisOptions options;
    options.mode = workload::Mode::Decoder;
    workload::Workload w =
        workload::analyze_model(model::resolve_model("gpt2:seq=" + std::to_string(seq)), options);
    ModelCost gpt =
        evaluate_workload(AnalyticalEvaluator(), w, hw::load_hardware("survey-analytical"));
    double bert = run("bert-base:seq=" + std::to_string(seq)).cost.total.latency_s;
    double act = 0;
    for (const auto& [name, c] : gpt.groups)
      if (name == "act_to_act") act = c.latency_s / gpt.total.latency_s;
    std::printf("GPT-2 l=%-5lld %.4f s vs BERT-Base %.4f s (%.1fx), act-to-act %.1f%%\n",
                static_cast<long long>(seq), gpt.total.latency_s, bert, gpt.total.latency_s / bert,
                100 * act);
    EXPECT_GT(gpt.total.latency_s, 2 * bert);
    EXPECT_GT(act, previous_share);
    previous_share = act;
  }
}

}  // namespace
}  // namespace tessera::perf
