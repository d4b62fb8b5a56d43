// CNN performance through the analytical evaluator (explore/cnn_performance.h).
#include "tessera/explore/cnn_performance.h"

#include <gtest/gtest.h>

#include "tessera/core/error.h"
#include "tessera/explore/brawny_wimpy.h"

namespace tessera::explore {
namespace {

chip::ChipReport chip_for(const DesignPoint& p) { return chip::evaluate_chip(datacenter_spec(p)); }

TEST(CnnPerformance, DeduplicatesShapesAndKeepsTheMacs) {
  const auto m = load_cnn("resnet50");
  int64_t ops = 0;
  for (const auto& s : m.shapes) ops += s.count;
  EXPECT_LT(m.shapes.size(), static_cast<size_t>(ops));  // repeated bottleneck blocks
  // 3.86-4.1 GMAC per image (v1 vs v1.5 stride placement) and 25.5 M int8 weights.
  EXPECT_GT(m.macs_per_image / 1e9, 3.8);
  EXPECT_LT(m.macs_per_image / 1e9, 4.2);
  EXPECT_NEAR(m.weight_bytes / 1e6, 25.5, 1.5);
}

TEST(CnnPerformance, UtilisationBoundedAndBatchHelps) {
  const auto m = load_cnn("resnet50");
  const auto chip = chip_for({32, 2, 4, 8});
  const auto b1 = run_cnn(chip, m, 1), b64 = run_cnn(chip, m, 64);
  EXPECT_GT(b1.utilization, 0.0);
  EXPECT_LE(b64.utilization, 1.0);
  EXPECT_GT(b64.utilization, b1.utilization);  // Fig. 9: throughput grows with batch
  EXPECT_DOUBLE_EQ(b64.macs, 64 * b1.macs);
  // ResNet-50's 25.5 MB of weights and one image's activations stay in the 32 MiB; at batch
  // 64 the activations no longer fit beside the weights and go through the HBM.
  EXPECT_EQ(b1.hbm_bytes, 0.0);
  EXPECT_GT(b64.hbm_bytes, 64 * m.peak_activation_bytes);
  EXPECT_GT(b1.noc_bytes, 0.0);  // 32 cores share the work
}

TEST(CnnPerformance, SingleCoreHasNoNocTrafficAndMoreTusAreFaster) {
  const auto m = load_cnn("inception-v3");
  const auto one = run_cnn(chip_for({64, 1, 1, 1}), m, 1);
  EXPECT_EQ(one.noc_bytes, 0.0);
  const auto four = run_cnn(chip_for({64, 4, 1, 1}), m, 1);
  EXPECT_LT(four.latency_s, one.latency_s);
  EXPECT_GT(four.latency_s, one.latency_s / 4 * 0.99);  // no superlinear speed-up
}

TEST(CnnPerformance, SmallTusAreBetterUtilised) {
  const auto m = load_cnn("resnet50");
  const auto small = run_cnn(chip_for({8, 4, 4, 8}), m, 8);
  const auto big = run_cnn(chip_for({128, 1, 1, 1}), m, 8);
  EXPECT_GT(small.utilization, big.utilization);
}

TEST(CnnPerformance, WeightsThatDoNotFitStreamFromHbm) {
  const auto m = load_cnn("nasnet-a-large");  // 85 MB of int8 weights > 32 MiB
  EXPECT_GT(m.weight_bytes, 32.0 * (1 << 20));
  const auto run = run_cnn(chip_for({32, 4, 4, 4}), m, 1);
  EXPECT_GT(run.hbm_bytes, 0.99 * m.weight_bytes);
  // Activations of one image stay on chip; a few weight tiles are re-read (tiling).
  EXPECT_LT(run.hbm_bytes, 1.05 * m.weight_bytes);
}

TEST(CnnPerformance, RejectsBadInput) {
  const auto m = load_cnn("resnet50");
  EXPECT_THROW(run_cnn(chip_for({8, 1, 1, 1}), m, 0), Error);
  auto rt = chip::evaluate_chip(datacenter_spec({8, 1, 1, 1}, 64));
  EXPECT_THROW(run_cnn(rt, m, 1), Error);
  EXPECT_THROW(load_cnn("no-such-cnn"), Error);
}

}  // namespace
}  // namespace tessera::explore
