// Golden: FLOPs-latency nonproportionality (004 Sec. 2, Table 3) with the roofline evaluator
// (004 Eq. 1, E = 1) on the tpu-v3 and v100 presets, batch 128 as Table 3 measures. Each
// EfficientNet-X-Bi has more FLOPs than EfficientNet-Bi yet must be predicted faster; the
// predicted latency ratio Bi / X-Bi is printed beside Table 3's with rank agreement and the
// geometric-mean error of the ratios.
//
// Which graph: Table 3 was measured through XLA (TPUv3) and TensorFlow (V100), which fold
// BatchNorm into the convolutions. The ratio tests use Fusion::BnReluFolded (BN folded, ReLU
// fused; swish keeps its pass): 15% / 22% geomean ratio error on TPUv3 / V100, against 30% /
// 58% with no fusion at all. The full compiler fusion (Fusion::Compiler: swish and SE epilogues,
// residual adds) reproduces Table 3's operational intensity I of EfficientNet-B0..B7 within
// 2-21% (test below), but leaves the X models 15-42% below theirs, which would make X-B4..B7
// slower than B4..B7; tessera's X models move more bytes than the paper's, probably in the
// LACS-scaled X configurations (their I grows to 194 ops/B at X-B7, tessera's to 112).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>

#include "tessera/hw/spec_parser.h"
#include "tessera/perf/roofline.h"
#include "tessera/workload/analysis.h"

namespace tessera::perf {
namespace {

// One row of 004 Table 3: operational intensity I (ops/byte), execution efficiency E w.r.t.
// the roofline (measured on TPUv3), and latency for 128 images on TPUv3 / GPUv100.
struct Row {
  double intensity, efficiency, tpu_ms, gpu_ms;
};
struct Pair {
  int index;
  Row x, b;  // EfficientNet-X-Bi, EfficientNet-Bi
};
const Pair kTable3[] = {
    {0, {63.8, 0.573, 8.71, 22.5}, {19.7, 0.524, 13.4, 38.1}},
    {1, {65.5, 0.592, 13.6, 34.4}, {21.4, 0.513, 22.3, 60.5}},
    {2, {73.0, 0.548, 15.7, 45.5}, {24.1, 0.488, 29.8, 77.2}},
    {3, {84.0, 0.512, 31.9, 66.6}, {26.1, 0.513, 48.1, 128.8}},
    {4, {101.5, 0.477, 64.9, 149.2}, {31.29, 0.478, 102.6, 310.7}},
    {5, {126.1, 0.478, 125.9, 290.2}, {39.7, 0.468, 192.5, 640.1}},
    {6, {167.5, 0.362, 258.1, 467.2}, {43.9, 0.450, 334.2, 1040.6}},
    {7, {194.3, 0.394, 396.1, 847.7}, {48.3, 0.434, 621.4, 1471.3}},
};

struct Prediction {
  double latency_s;
  double intensity;
  int64_t flops;
};

Prediction predict(const std::string& model, const hw::Hardware& hw, const std::string& precision,
                   workload::Fusion fusion = workload::Fusion::BnReluFolded) {
  workload::AnalysisOptions options;
  options.precision = workload::parse_precision(precision);
  options.fusion = fusion;
  model::LoadOptions load;
  load.batch = 128;
  workload::Workload w = workload::analyze_model(model::resolve_model(model, load), options);
  ModelCost cost = evaluate_workload(RooflineEvaluator(), w, hw);
  return {cost.total.latency_s, w.totals.intensity(), w.totals.flops};
}

// Gaps: with BN folded only, swish, squeeze-excite and residual adds keep their own HBM round
// trips, so intensities are ~50-70% of Table 3's I and the X models' advantage is
// under-predicted at the large end (B5-B7), where Table 3's I of the X models keeps growing. E = 1
// also ignores Table 3's per-model efficiencies (36-59%), which favour neither family consistently.
// On V100, Table 3's ratios are larger still (cuDNN's depthwise kernels are less efficient than its
// dense ones) while the roofline sees the same 900 GB/s as TPUv3. The sign, i.e. the
// nonproportionality itself, is reproduced for all 16 pairs. Tolerance: the geomean ratio error is
// pinned within 5 points of tessera's value.
void check(const std::string& hw_name, const std::string& precision, bool gpu,
           double pinned_error) {
  hw::Hardware hw = hw::load_hardware(hw_name);
  int agree = 0;
  double log_error = 0;
  for (const Pair& p : kTable3) {
    std::string i = std::to_string(p.index);
    Prediction x = predict("efficientnet-x-b" + i + (gpu ? "-gpu" : ""), hw, precision);
    Prediction b = predict("efficientnet-b" + i, hw, precision);
    double predicted = b.latency_s / x.latency_s;
    double paper = gpu ? p.b.gpu_ms / p.x.gpu_ms : p.b.tpu_ms / p.x.tpu_ms;
    std::printf("%s B%s: X %.1f ms, B %.1f ms; B/X predicted %.2f, Table 3 %.2f; FLOPs X/B %.2f\n",
                hw_name.c_str(), i.c_str(), x.latency_s * 1e3, b.latency_s * 1e3, predicted, paper,
                static_cast<double>(x.flops) / static_cast<double>(b.flops));
    EXPECT_GT(x.flops, b.flops);  // more FLOPs ...
    EXPECT_GT(predicted, 1.0);    // ... yet faster
    agree += (predicted > 1.0) == (paper > 1.0);
    log_error += std::fabs(std::log(predicted / paper));
  }
  double geomean_error = std::exp(log_error / 8) - 1;
  std::printf("%s: rank agreement %d/8, geomean ratio error %.1f%%\n", hw_name.c_str(), agree,
              100 * geomean_error);
  EXPECT_EQ(agree, 8);
  EXPECT_NEAR(geomean_error, pinned_error, 0.05);
}

TEST(HwPerfEfficientNetX, FasterDespiteMoreFlopsOnTpuV3) { check("tpu-v3", "bf16", false, 0.149); }
TEST(HwPerfEfficientNetX, FasterDespiteMoreFlopsOnV100) { check("v100", "fp16", true, 0.223); }

// Absolute check on TPUv3 against the paper's own roofline, with the full compiler fusion:
// Table 3's E is measured w.r.t. the roofline, so latency x E is the latency Eq. 1 predicts with
// E = 1 under the paper's traffic count, and column I is that traffic's intensity.
// EfficientNet-B0..B7 reproduce both: intensity 0.78-1.0x of I, latency 0.85-1.25x of
// latency x E. The X models are pinned in the band tessera reaches (intensity 0.55-0.90x,
// latency 1.15-2.45x: see the header for why). Part of the X gap is not tessera's: X-B7's
// latency x E (396.1 ms x 39.4% = 156 ms) is below the compute floor of its own Table 3 row
// (93 G MACs x 2 x 128 images / 123 TFLOPS = 193 ms), so Table 3's E for the large X models
// cannot be relative to a one-chip roofline with tpu-v3's peak.
TEST(HwPerfEfficientNetX, RooflineLatencyAndIntensityAgainstTable3OnTpuV3) {
  hw::Hardware hw = hw::load_hardware("tpu-v3");
  double log_b_latency = 0, log_b_intensity = 0;
  for (const Pair& p : kTable3) {
    std::string i = std::to_string(p.index);
    for (bool is_x : {true, false}) {
      const Row& row = is_x ? p.x : p.b;
      std::string name = (is_x ? "efficientnet-x-b" : "efficientnet-b") + i;
      Prediction got = predict(name, hw, "bf16", workload::Fusion::Compiler);
      double roofline_ms = row.tpu_ms * row.efficiency;
      double latency_ratio = got.latency_s * 1e3 / roofline_ms;
      double intensity_ratio = got.intensity / row.intensity;
      std::printf("%s: roofline %.1f ms vs Table 3 latency x E %.1f ms (%.2fx); I %.1f vs %.1f\n",
                  name.c_str(), got.latency_s * 1e3, roofline_ms, latency_ratio, got.intensity,
                  row.intensity);
      if (is_x) {
        EXPECT_GE(intensity_ratio, 0.55) << name;
        EXPECT_LE(intensity_ratio, 0.90) << name;
        EXPECT_GE(latency_ratio, 1.15) << name;
        EXPECT_LE(latency_ratio, 2.45) << name;
      } else {
        EXPECT_GE(intensity_ratio, 0.78) << name;
        EXPECT_LE(intensity_ratio, 1.00) << name;
        EXPECT_GE(latency_ratio, 0.85) << name;
        EXPECT_LE(latency_ratio, 1.25) << name;
        log_b_latency += std::fabs(std::log(latency_ratio));
        log_b_intensity += std::fabs(std::log(intensity_ratio));
      }
    }
  }
  std::printf(
      "tpu-v3 EfficientNet-B0..B7: geomean roofline-latency error %.1f%%, intensity "
      "error %.1f%%\n",
      100 * (std::exp(log_b_latency / 8) - 1), 100 * (std::exp(log_b_intensity / 8) - 1));
}

}  // namespace
}  // namespace tessera::perf
