// Hand-computed access counts on small nests, and invariants of the nest analysis.
#include "tessera/map/nest_analysis.h"

#include <gtest/gtest.h>

#include "tessera/map/reference_hardware.h"
#include "unit/map/test_hardware.h"

namespace tessera::map {
namespace {

enum { B, M, N, K };

TEST(NestAnalysis, WeightsStayWhileIrrelevantLoopRunsAbove) {
  // M=4, N=1, K=2; buffer loops: k0 in [0:2); DRAM loops: m1 in [0:4).
  LoopProblem p = parse_loop_problem("matmul:m=4,k=2,n=1");
  MapArch a = testing::buffer_dram_arch();
  Mapping m = trivial_mapping(p, a);
  m.temporal[0][K] = 2;
  m.temporal[1][M] = 4;
  NestResult r = analyze_nest(p, a, m);
  ASSERT_TRUE(r.valid());
  EXPECT_EQ(r.macs, 8);
  // Weights: the 2-element tile stays while m1 iterates: filled once, read by every MAC.
  EXPECT_EQ(r.fills[0][kWeights], 2);
  EXPECT_EQ(r.reads[1][kWeights], 2);
  EXPECT_EQ(r.reads[0][kWeights], 8);
  // Inputs: every element once.
  EXPECT_EQ(r.reads[1][kInputs], 8);
  EXPECT_EQ(r.reads[0][kInputs], 8);
  // Outputs: 8 updates in the buffer, 4 of them read back; written to DRAM once, never read.
  EXPECT_EQ(r.writes[0][kOutputs], 8);
  EXPECT_EQ(r.reads[0][kOutputs], 4 + 4);
  EXPECT_EQ(r.writes[1][kOutputs], 4);
  EXPECT_EQ(r.reads[1][kOutputs], 0);
  EXPECT_DOUBLE_EQ(r.compute_cycles, 8);
  EXPECT_EQ(r.footprint_bytes[0], 2 + 2 + 1);
}

TEST(NestAnalysis, ReductionLoopAboveOutputsSpillsPartialSums) {
  // Everything at DRAM, order (inner→outer) m, k: partial sums go to DRAM and come back.
  LoopProblem p = parse_loop_problem("matmul:m=4,k=2,n=1");
  MapArch a = testing::buffer_dram_arch();
  Mapping m = trivial_mapping(p, a);
  m.temporal[1][M] = 4;
  m.temporal[1][K] = 2;
  m.order[1] = {M, K, B, N};
  NestResult r = analyze_nest(p, a, m);
  ASSERT_TRUE(r.valid());
  EXPECT_EQ(r.writes[1][kOutputs], 8);
  EXPECT_EQ(r.reads[1][kOutputs], 4);
  // Weights: w[k] stays while m runs inside k: fetched once each.
  EXPECT_EQ(r.reads[1][kWeights], 2);
  // Swapping the order keeps the output tile across k: no spill.
  m.order[1] = {K, M, B, N};
  r = analyze_nest(p, a, m);
  EXPECT_EQ(r.writes[1][kOutputs], 4);
  EXPECT_EQ(r.reads[1][kOutputs], 0);
  EXPECT_EQ(r.reads[1][kWeights], 8);  // weights relevant to k (inner) are refetched per m
}

TEST(NestAnalysis, PartialTilesAreCountedExactly) {
  // M=5 tiled by 2 in the buffer: tiles 2,2,1; DRAM factor ceil(5/2)=3.
  LoopProblem p = parse_loop_problem("matmul:m=5,k=3,n=1");
  MapArch a = testing::buffer_dram_arch();
  Mapping m = trivial_mapping(p, a);
  m.temporal[0][M] = 2;
  m.temporal[0][K] = 3;
  complete_outer_factors(p, a, m);
  EXPECT_EQ(m.temporal[1][M], 3);
  NestResult r = analyze_nest(p, a, m);
  ASSERT_TRUE(r.valid());
  EXPECT_DOUBLE_EQ(r.compute_cycles, 15);  // 5 * 3 MACs, no padding steps
  EXPECT_EQ(r.reads[1][kInputs], 15);      // the whole input once
  EXPECT_EQ(r.reads[1][kWeights], 3);      // weights stay across m1
  EXPECT_EQ(r.writes[1][kOutputs], 5);
}

TEST(NestAnalysis, ConvSlidingWindowKeepsTheOverlap) {
  // 1-D conv: P=4 outputs, R=3 taps, stride 1: the input has 6 elements. Tiling P by 2 holds
  // windows of 2+3-1 = 4 elements; the second tile overlaps the first by 2, so only 2 more are
  // fetched (Timeloop's delta fills): 6 input reads from DRAM, not 2 x 4 = 8.
  LoopProblem p = parse_loop_problem("conv:n=1,k=1,c=1,p=4,q=1,r=3,s=1,stride=1");
  MapArch a = testing::buffer_dram_arch();
  Mapping m = trivial_mapping(p, a);
  const int P = p.dim_index("P"), R = p.dim_index("R");
  m.temporal[0][P] = 2;
  m.temporal[0][R] = 3;
  complete_outer_factors(p, a, m);
  NestResult r = analyze_nest(p, a, m);
  ASSERT_TRUE(r.valid());
  EXPECT_EQ(p.tensor_size(kInputs), 6);
  EXPECT_EQ(r.reads[1][kInputs], 6);
  EXPECT_EQ(r.fills[0][kInputs], 6);
  // Untiled: one window of 6.
  m.temporal[0][P] = 4;
  complete_outer_factors(p, a, m);
  EXPECT_EQ(analyze_nest(p, a, m).reads[1][kInputs], 6);
}

TEST(NestAnalysis, ConvWindowRewoundIsFetchedWhole) {
  // K=2 outer, P=2 inner at DRAM over a buffer tile of P=2, R=3 (window 4): k0 fetches 4 + 2;
  // moving to k1 rewinds P from the window [2,6) to [0,4): fetched whole (as Timeloop counts
  // it, though [2,4) overlaps), then 2 more for p1: 12 in all (16 without any overlap).
  LoopProblem p = parse_loop_problem("conv:n=1,k=2,c=1,p=4,q=1,r=3,s=1,stride=1");
  MapArch a = testing::buffer_dram_arch();
  Mapping m = trivial_mapping(p, a);
  const int P = p.dim_index("P"), R = p.dim_index("R"), K = p.dim_index("K");
  m.temporal[0][P] = 2;
  m.temporal[0][R] = 3;
  m.temporal[1][P] = 2;
  m.temporal[1][K] = 2;
  int slot = 0;  // order is inner->outer: P innermost, K outside it (other loops are 1)
  m.order[1][slot++] = static_cast<uint8_t>(P);
  m.order[1][slot++] = static_cast<uint8_t>(K);
  for (int d = 0; d < p.num_dims; ++d)
    if (d != P && d != K) m.order[1][slot++] = static_cast<uint8_t>(d);
  NestResult r = analyze_nest(p, a, m);
  ASSERT_TRUE(r.valid());
  EXPECT_EQ(r.reads[1][kInputs], 12);
}

TEST(NestAnalysis, ConvPartialTilesRefetchTheirHalos) {
  // P=5 tiled by 2 leaves a partial tile; the analysis falls back to per-tile halos:
  // windows of 4, 4 and 3 = 11 reads.
  LoopProblem p = parse_loop_problem("conv:n=1,k=1,c=1,p=5,q=1,r=3,s=1,stride=1");
  MapArch a = testing::buffer_dram_arch();
  Mapping m = trivial_mapping(p, a);
  m.temporal[0][p.dim_index("P")] = 2;
  m.temporal[0][p.dim_index("R")] = 3;
  complete_outer_factors(p, a, m);
  NestResult r = analyze_nest(p, a, m);
  ASSERT_TRUE(r.valid());
  EXPECT_EQ(r.reads[1][kInputs], 11);
}

TEST(NestAnalysis, CapacityIsChecked) {
  LoopProblem p = parse_loop_problem("matmul:m=8,k=8,n=8");
  MapArch a = testing::buffer_dram_arch(100);
  Mapping m = trivial_mapping(p, a);
  m.temporal[0][M] = 8;
  m.temporal[0][K] = 8;
  complete_outer_factors(p, a, m);
  NestResult r = analyze_nest(p, a, m);  // 64 inputs + 8 weights + 8 outputs = 80 bytes
  EXPECT_TRUE(r.valid());
  m.temporal[0][N] = 2;  // 64 + 16 + 16 = 96
  complete_outer_factors(p, a, m);
  EXPECT_TRUE(analyze_nest(p, a, m).valid());
  m.temporal[0][N] = 4;  // 64 + 32 + 32 = 128 > 100
  complete_outer_factors(p, a, m);
  r = analyze_nest(p, a, m);
  EXPECT_EQ(r.validity, Validity::OverCapacity);
  EXPECT_EQ(r.failing_level, 0);
}

TEST(NestAnalysis, GemminiSingleTileOnTheArray) {
  // 16x16x16 on a 16x16 WS array: K over rows, N over columns, M streamed through.
  LoopProblem p = parse_loop_problem("matmul:m=16,k=16,n=16");
  MapArch a = make_arch(gemmini_like_hardware());
  ASSERT_EQ(a.spatial_level, 1);
  Mapping m = trivial_mapping(p, a);
  m.keep[0] = 1u << kWeights;  // weight-stationary PEs
  m.spatial_y[K] = 16;
  m.spatial_x[N] = 16;
  m.temporal[0][M] = 16;
  complete_outer_factors(p, a, m);
  NestResult r = analyze_nest(p, a, m);
  ASSERT_TRUE(r.valid()) << validity_name(r.validity);
  EXPECT_DOUBLE_EQ(r.compute_cycles, 16);   // one pass of 16 rows: the preload (16) is hidden
  EXPECT_DOUBLE_EQ(r.overhead_cycles, 32);  // the wavefront fills and drains once: rows + cols
  EXPECT_EQ(r.reads[0][kWeights], 4096);    // every MAC reads its PE's weight register
  EXPECT_EQ(r.fills[0][kWeights], 256);     // each weight preloaded once
  // Inputs are multicast along the columns (N is irrelevant to them): 16*16 scratchpad reads.
  EXPECT_EQ(r.reads[2][kInputs], 256);
  // Partial sums reduced down the rows (K spatial): 256 accumulator updates.
  EXPECT_EQ(r.writes[1][kOutputs], 256);
  EXPECT_EQ(r.reads[4][kWeights], 256);
  EXPECT_EQ(r.reads[4][kInputs], 256);
  EXPECT_EQ(r.writes[4][kOutputs], 256);
  // DRAM is the slowest level: 256 B each of weights, inputs and (quantised) outputs at
  // 16 B/cycle = 48 cycles. L2 passes the same 768 B twice (in and out) at 32 B/cycle = 48.
  EXPECT_DOUBLE_EQ(r.level_cycles[4], 48);
  EXPECT_DOUBLE_EQ(r.level_cycles[3], 48);
  EXPECT_DOUBLE_EQ(r.cycles, 48 + 32);
  EXPECT_NEAR(r.utilization, 4096.0 / (80 * 256), 1e-12);
}

TEST(NestAnalysis, InvariantsOnManyMappings) {
  LoopProblem p = parse_loop_problem("matmul:m=64,k=48,n=40");
  MapArch a = testing::buffer_dram_arch(100000);
  for (int64_t mf : {1, 3, 8, 64})
    for (int64_t kf : {1, 5, 48})
      for (int64_t nf : {1, 7, 40})
        for (int order = 0; order < 2; ++order) {
          Mapping m = trivial_mapping(p, a);
          m.temporal[0][M] = mf;
          m.temporal[0][K] = kf;
          m.temporal[0][N] = nf;
          if (order) m.order[1] = {K, N, M, B};
          complete_outer_factors(p, a, m);
          NestResult r = analyze_nest(p, a, m);
          ASSERT_TRUE(r.valid());
          EXPECT_EQ(r.macs, 64 * 48 * 40);
          EXPECT_GE(r.compute_cycles, static_cast<double>(r.macs));  // no array: 1 MAC/cycle
          for (int t = 0; t < kTensors; ++t) {
            int64_t dram = t == kOutputs ? r.writes[1][t] : r.reads[1][t];
            EXPECT_GE(dram, p.tensor_size(t)) << tensor_name(t);  // each operand at least once
          }
          EXPECT_LE(r.footprint_bytes[0], 100000);
        }
}

}  // namespace
}  // namespace tessera::map
