// Mapspace characterisation, survey 001 Sec. 5.5.1, Figs. 18-20: 100,000 random valid mappings
// per op on the Gemmini preset (16×16 WS int8), EDP relative to the best sampled mapping.
// tessera's numbers are pinned (seed 1, ±12%) with the paper's beside them.
//
// Setup: the array is used at full width (--full-array: spatial factors pinned to the largest
// divisor that fits each axis, as Gemmini issues DIM×DIM tiles and Timeloop's Gemmini spec
// constrains it); the dedicated buffers keep their tensors (accumulator: outputs, scratchpad:
// weights and inputs) and the L2 chooses what to bypass. Without pinning the array, the uniform
// sample is dominated by mappings that use a few PEs and the 10th percentile lands at ~200-400×.
//
// Gaps: the BERT matmuls land within ~15% of the paper's 10th percentiles and shares. tessera's
// ResNet-50 convolutions are *easier* than the paper's (10th percentile ~4-7 instead of
// 7.4-12.1): with 7×7 outputs P and Q only divide into {1, 7}, so tessera's divisor-chain
// tilings of conv5_x have few bad choices, while Timeloop's mapspace for these runs (whose
// constraints 001 does not give) also permutes and splits the reduction over more levels.
// What was ruled out (100,000 samples, seed 1, 3×3/512 | 1×1/2048 | Q/K/V p10): the sampling is
// Timeloop's (uniform per dim over its divisor chains, uniform over the orders of the non-unit
// loops of each level, uniform free bypass bits; uniform over a level's full k! orders projects
// onto the same distribution); a DRAM bus of 8 B/cycle as in Timeloop's Gemmini-like spec gives
// 4.07 | 4.42 | 11.26; dropping the L2 level (that spec has none) 3.67 | 2.36 | 6.53; both 3.76 |
// 2.36 | 8.90. None widens the conv distributions toward 7.44 | 12.06.
// The paper's qualitative claim, that BERT matmuls are at least as hard to map as ResNet-50
// convolutions, holds in tessera (higher 10th percentiles, smaller shares within 3×).
#include <gtest/gtest.h>

#include "tessera/map/distribution.h"
#include "tessera/map/mapper.h"
#include "tessera/map/reference_hardware.h"

namespace tessera::map {
namespace {

struct Case {
  const char* problem;
  double p10, within_3x_pct;              // tessera, pinned
  double paper_p10, paper_within_3x_pct;  // 001 Fig. 19 and text; < 0: not reported
};

EdpDistribution sample(const char* spec, int64_t n) {
  static const hw::Hardware hw = resolve_hardware("gemmini");
  static const MapArch arch = make_arch(hw);
  LoopProblem p = parse_loop_problem(spec);
  MapConstraints c = default_constraints(p, arch);
  pin_full_array(p, arch, c);
  MapSpace space(p, arch, c);
  SearchOptions o;
  o.samples = n;
  auto search = make_search("random", space, o);
  std::vector<Outcome> samples;
  run_search(space, *search, o, &samples);
  EXPECT_EQ(static_cast<int64_t>(samples.size()), n);
  return make_distribution(spec, samples);
}

void check(const Case& c) {
  EdpDistribution d = sample(c.problem, 100000);
  EXPECT_NEAR(d.p10, c.p10, 0.12 * c.p10) << c.problem << " (paper " << c.paper_p10 << ")";
  EXPECT_NEAR(100 * d.within_3x, c.within_3x_pct, 0.12 * c.within_3x_pct)
      << c.problem << " (paper " << c.paper_within_3x_pct << "%)";
  // Fig. 18: up to about four orders of magnitude between the best and worst sampled mappings.
  EXPECT_GT(d.max_relative, 1e3) << c.problem;
  EXPECT_LT(d.max_relative, 1e5) << c.problem;
}

TEST(MapDistribution, BertMatmulsFig19) {
  check({"matmul:m=512,k=768,n=768", 9.65, 1.93, 9.42, 1.70});    // MHA Q/K/V projection
  check({"matmul:m=512,k=768,n=3072", 11.26, 1.60, 9.84, 1.48});  // FFN W1
}

TEST(MapDistribution, ResNet50ConvsFig19) {
  check({"conv:n=1,k=512,c=512,p=7,q=7,r=3,s=3,stride=1", 4.01, 6.46, 7.44, 1.58});
  check({"conv:n=1,k=2048,c=512,p=7,q=7,r=1,s=1", 4.24, 6.89, 12.06, 2.62});
  check({"conv:n=1,k=512,c=2048,p=7,q=7,r=1,s=1", 6.72, 4.53, -1, -1});
  check({"conv:n=1,k=64,c=3,p=112,q=112,r=7,s=7,stride=2", 4.31, 8.61, -1, -1});  // conv1
}

TEST(MapDistribution, FixedMacVariantsFig20) {
  // 001 Fig. 20 shows these only as histograms (no percentiles); tessera's are pinned.
  check({"matmul:m=512,k=240,n=240", 3.38, 8.74, -1, -1});
  check({"matmul:m=512,k=120,n=480", 3.56, 9.31, -1, -1});
}

TEST(MapDistribution, BertIsAtLeastAsHardAsResNet) {
  // The paper's conclusion, as an inequality on tessera's own numbers.
  EdpDistribution bert = sample("matmul:m=512,k=768,n=768", 20000);
  EdpDistribution conv = sample("conv:n=1,k=512,c=512,p=7,q=7,r=3,s=3,stride=1", 20000);
  EXPECT_GT(bert.p10, conv.p10);
  EXPECT_LT(bert.within_3x, conv.within_3x);
}

}  // namespace
}  // namespace tessera::map
