// Golden: FLOPs-latency nonproportionality (004 Sec. 2, Table 3) with the roofline evaluator
// (004 Eq. 1, E = 1) on the tpu-v3 and v100 presets, batch 128 as Table 3 measures. Each
// EfficientNet-X-Bi has more FLOPs than EfficientNet-Bi yet must be predicted faster; the
// predicted latency ratio Bi / X-Bi is printed beside Table 3's with rank agreement and the
// geometric-mean error of the ratios.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>

#include "tessera/hw/spec_parser.h"
#include "tessera/perf/roofline.h"
#include "tessera/workload/analysis.h"

namespace tessera::perf {
namespace {

struct Pair {
  int index;
  double x_tpu_ms, x_gpu_ms, b_tpu_ms, b_gpu_ms;  // Table 3, TPUv3 / GPUv100
};
const Pair kTable3[] = {{0, 8.71, 22.5, 13.4, 38.1},      {1, 13.6, 34.4, 22.3, 60.5},
                        {2, 15.7, 45.5, 29.8, 77.2},      {3, 31.9, 66.6, 48.1, 128.8},
                        {4, 64.9, 149.2, 102.6, 310.7},   {5, 125.9, 290.2, 192.5, 640.1},
                        {6, 258.1, 467.2, 334.2, 1040.6}, {7, 396.1, 847.7, 621.4, 1471.3}};

struct Prediction {
  double latency_s;
  int64_t flops;
};

Prediction predict(const std::string& model, const hw::Hardware& hw, const std::string& precision) {
  workload::AnalysisOptions options;
  options.precision = workload::parse_precision(precision);
  model::LoadOptions load;
  load.batch = 128;
  workload::Workload w = workload::analyze_model(model::resolve_model(model, load), options);
  ModelCost cost = evaluate_workload(RooflineEvaluator(), w, hw);
  return {cost.total.latency_s, w.totals.flops};
}

// Gaps: both families are mostly memory-bound at 900 GB/s under the per-op ideal traffic
// (every op, including BN and activations, reads and writes HBM: no XLA/cuDNN fusion), so
// tessera's TPUv3 latencies of EfficientNet-B0..B7 land within 10% of Table 3, but the
// X models (whose fused MBConvs and space-to-depth raise the intensity that fusion would
// raise further) come out slower than measured, and E = 1 ignores the per-model efficiencies
// of Table 3 (36-59%). The ratio Bi / X-Bi is therefore under-predicted (1.1-1.3x vs 1.3-1.9x
// on TPUv3, 1.7-2.2x on V100, whose measured E is lower still). The sign, i.e. the
// nonproportionality itself, is reproduced for all 16 pairs. Tolerance: the geomean ratio
// error is pinned within 5 points of tessera's value.
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
    double paper = gpu ? p.b_gpu_ms / p.x_gpu_ms : p.b_tpu_ms / p.x_tpu_ms;
    std::printf("%s B%s: X %.1f ms, B %.1f ms; B/X predicted %.2f, Table 3 %.2f; FLOPs X/B %.2f\n",
                hw_name.c_str(), i.c_str(), x.latency_s * 1e3, b.latency_s * 1e3, predicted, paper,
                static_cast<double>(x.flops) / static_cast<double>(b.flops));
    EXPECT_GT(x.flops, b.flops);  // more FLOPs ...
    EXPECT_GT(predicted, 1.0);    // ... yet faster
    agree += (predicted > 1.0) == (paper > 1.0);
    if (!gpu) {
      EXPECT_NEAR(b.latency_s * 1e3, p.b_tpu_ms, 0.10 * p.b_tpu_ms);
    }
    log_error += std::fabs(std::log(predicted / paper));
  }
  double geomean_error = std::exp(log_error / 8) - 1;
  std::printf("%s: rank agreement %d/8, geomean ratio error %.1f%%\n", hw_name.c_str(), agree,
              100 * geomean_error);
  EXPECT_EQ(agree, 8);
  EXPECT_NEAR(geomean_error, pinned_error, 0.05);
}

TEST(HwPerfEfficientNetX, FasterDespiteMoreFlopsOnTpuV3) { check("tpu-v3", "bf16", false, 0.302); }
TEST(HwPerfEfficientNetX, FasterDespiteMoreFlopsOnV100) { check("v100", "fp16", true, 0.585); }

}  // namespace
}  // namespace tessera::perf
