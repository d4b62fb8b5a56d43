// Side by side with Timeloop (issue #5): tessera's nest analysis on exactly the problem,
// hierarchy and mapping of Timeloop's tutorial exercises, against Timeloop's reference outputs
// (timeloop-model.stats.txt) stored in Accelergy-Project/timeloop-accelergy-exercises:
//   00  exercises/timeloop/00-model-conv1d-1level          (workspace/exercises/2020.ispass/..,
//                                                           1be0685)
//   01  exercises/timeloop/01-model-conv1d-2level/ref-output/{ws,os}          (27850fc)
//   03  exercises/timeloop/03-model-conv1d+oc-3level/ref-output/no-bypass     (3e6dc03)
//       exercises/timeloop/03-model-conv1d+oc-3level/ref-output/bypass        (a89d5cd)
//   04  exercises/timeloop/04-model-conv1d+oc-3levelspatial/ref-output/kp     (27850fc)
//       exercises/timeloop/04-model-conv1d+oc-3levelspatial/ref-output/cp     (0d5bb48)
// The numbers below are Timeloop's, per instance as it prints them (scaled by the instances
// here). Problems: conv1d P=16, R=3 (input width 18); +oc adds K=32; +ic adds C=32. All words
// are 8 bits, so tessera's bytes are Timeloop's words.
//
// Conventions (docs/mapper.md, "Timeloop side by side"):
//  * Counts agree exactly for weights and inputs (reads, fills) and for the outputs' updates,
//    MACs, cycles and utilisation, sliding-window input reuse included (tessera adopted
//    Timeloop's delta fills for convolution windows).
//  * Outputs at a level below the top: Timeloop counts a fill for every tile that arrives (also
//    the first, whose partial sums start at zero and need no data) and no read for sending a
//    tile up; tessera counts the drain read of every tile it sends up and a write only for a
//    refill of a spilled partial sum. So Timeloop reads = tessera reads - fills, Timeloop
//    updates = tessera `updates`. Energy: tessera charges (refill writes) = writes - updates
//    more, at the level's write energy.
//  * Timeloop charges an access to a wide memory per block (ceil(words / block) x the vector
//    energy); tessera per byte. The test adds Timeloop's rounding padding before comparing.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "tessera/map/mapper.h"
#include "tessera/map/nest_analysis.h"

namespace tessera::map {
namespace {

struct LevelSpec {
  const char* name;
  int64_t capacity_bytes;  // per instance
  double pj_per_word;      // Timeloop's vector access energy / block size
  int64_t block_words;     // Timeloop's block size (energy rounding)
};

// tensor order: weights, inputs, outputs (tessera's Tensor enum)
struct TimeloopTensor {
  int64_t reads = 0, fills = 0, updates = 0;
};

struct TimeloopLevel {
  int64_t instances;
  std::array<TimeloopTensor, kTensors> tensors;
};

struct Case {
  const char* name;
  const char* problem;
  std::vector<LevelSpec> levels;  // innermost -> outermost
  int spatial_level;              // the fan-out sits at the bottom of this level
  int64_t array_cols;
  double mac_pj;
  const char* mapping_yaml;
  std::vector<TimeloopLevel> timeloop;  // per level, as `levels`
  double timeloop_cycles, timeloop_utilization, timeloop_energy_pj;
};

MapArch make_case_arch(const Case& c, int64_t array_rows = 1) {
  MapArch a;
  a.name = c.name;
  a.num_levels = static_cast<int>(c.levels.size());
  for (int l = 0; l < a.num_levels; ++l) {
    ArchLevel& level = a.levels[l];
    level.name = c.levels[l].name;
    level.capacity_bytes = l + 1 == a.num_levels ? 0 : c.levels[l].capacity_bytes;
    level.read_pj_per_byte = level.write_pj_per_byte = c.levels[l].pj_per_word;
    level.off_chip = l + 1 == a.num_levels;
  }
  a.spatial_level = c.spatial_level;
  a.array_rows = array_rows;
  a.array_cols = c.array_cols;
  a.fill_drain_cycles = 0;  // Timeloop's model has no systolic wavefront
  a.mac_pj = c.mac_pj;
  a.operand_bytes = a.accumulator_bytes = a.final_output_bytes = 1;
  a.clock_hz = 1e9;
  return a;
}

// Timeloop charges ceil(accesses / block) vector accesses per tensor and action.
double block_padding_pj(const Case& c) {
  double pad = 0;
  for (size_t l = 0; l < c.levels.size(); ++l) {
    const int64_t b = c.levels[l].block_words;
    for (const TimeloopTensor& t : c.timeloop[l].tensors)
      for (int64_t n : {t.reads, t.fills, t.updates})
        pad += static_cast<double>((n + b - 1) / b * b - n) * c.levels[l].pj_per_word;
  }
  return pad;
}

void check(const Case& c, int64_t array_rows = 1) {
  SCOPED_TRACE(c.name);
  LoopProblem p = parse_loop_problem(c.problem);
  MapArch a = make_case_arch(c, array_rows);
  Mapping m = mapping_from_yaml(c.mapping_yaml, p, a);
  NestResult r = analyze_nest(p, a, m);
  ASSERT_TRUE(r.valid()) << validity_name(r.validity) << " at level " << r.failing_level;
  EXPECT_EQ(r.macs, p.macs);
  double refill_pj = 0;
  for (int l = 0; l < a.num_levels; ++l) {
    const TimeloopLevel& tl = c.timeloop[l];
    const std::string where = a.levels[l].name;
    for (int t = 0; t < kTensors; ++t) {
      const TimeloopTensor& want = tl.tensors[t];
      const int64_t k = tl.instances;
      if (t != kOutputs) {
        EXPECT_EQ(r.reads[l][t], want.reads * k) << where << " " << tensor_name(t) << " reads";
        EXPECT_EQ(r.fills[l][t], want.fills * k) << where << " " << tensor_name(t) << " fills";
      } else {
        EXPECT_EQ(r.updates[l], want.updates * k) << where << " output updates";
        EXPECT_EQ(r.fills[l][t], want.fills * k) << where << " output fills";
        // tessera also reads each tile it sends up (drain); Timeloop does not count that read.
        EXPECT_EQ(r.reads[l][t] - r.fills[l][t], want.reads * k) << where << " output reads";
        refill_pj +=
            static_cast<double>(r.writes[l][t] - r.updates[l]) * a.levels[l].write_pj_per_byte;
      }
    }
  }
  EXPECT_DOUBLE_EQ(r.cycles, c.timeloop_cycles);
  EXPECT_NEAR(r.utilization, c.timeloop_utilization, 0.005);
  const double converted = r.energy_pj - refill_pj + block_padding_pj(c);
  EXPECT_NEAR(converted, c.timeloop_energy_pj, 5e-4 * c.timeloop_energy_pj);
  std::printf(
      "%-22s cycles %6.0f (Timeloop %6.0f)  energy %9.2f pJ, Timeloop conventions %9.2f "
      "(Timeloop %9.2f)\n",
      c.name, r.cycles, c.timeloop_cycles, r.energy_pj, converted, c.timeloop_energy_pj);
}

// Per-word energies from the exercises' ERTs as the stats print them: the 64 B register file
// / buffer 0.42 pJ; the 2-level MainMemory 39.88 pJ per 8-word block; the 256 KiB
// GlobalBuffer 102.86 pJ per 32-word block; DRAM 2048 pJ per 32-word block. MAC: Timeloop's
// "Energy (total)" / MACCs (0.561 pJ in 00-04 kp, 0.603 pJ in the later 03 bypass and 04 cp).
constexpr double kMac00 = 26.93 / 48, kMacLater = 926.21 / 1536;
const LevelSpec kRf{"RegisterFile", 64, 0.42, 1};
const LevelSpec kGb{"GlobalBuffer", 262144, 102.86 / 32, 32};
const LevelSpec kDram{"MainMemory", 0, 2048.0 / 32, 32};

TEST(MapTimeloop, Conv1d1Level) {
  check({"00 conv1d 1-level",
         "conv:n=1,k=1,c=1,p=16,q=1,r=3,s=1",
         {{"Buffer", 64, 0.42, 1}},
         0,
         1,
         kMac00,
         "levels:\n  - {level: Buffer, temporal: {P: 16, R: 3}, order: [P, R]}\n",
         {{1, {{{48, 0, 0}, {48, 0, 0}, {32, 0, 48}}}}},
         48,
         1.0,
         100.85});
}

const LevelSpec kBuffer2{"Buffer", 64, 0.42, 1};
const LevelSpec kMain2{"MainMemory", 262144, 39.88 / 8, 8};

TEST(MapTimeloop, Conv1d2LevelWeightAndOutputStationary) {
  // Weight stationary: R at MainMemory, P inside the Buffer: the 16-input window slides by one
  // per r (16 + 1 + 1 = 18 fills; tessera counted 48 before adopting delta fills).
  check(
      {"01 conv1d 2-level ws",
       "conv:n=1,k=1,c=1,p=16,q=1,r=3,s=1",
       {kBuffer2, kMain2},
       0,
       1,
       kMac00,
       "levels:\n  - {level: Buffer, temporal: {P: 16}, keep: [weights, inputs, outputs]}\n"
       "  - {level: MainMemory, temporal: {R: 3}}\n",
       {{1, {{{48, 3, 0}, {48, 18, 0}, {32, 16, 48}}}}, {1, {{{3, 0, 0}, {18, 0, 0}, {0, 0, 16}}}}},
       48,
       1.0,
       355.66});
  // Output stationary: P at MainMemory, R inside: the 3-input window slides by one per p.
  check(
      {"01 conv1d 2-level os",
       "conv:n=1,k=1,c=1,p=16,q=1,r=3,s=1",
       {kBuffer2, kMain2},
       0,
       1,
       kMac00,
       "levels:\n  - {level: Buffer, temporal: {R: 3}, keep: [weights, inputs, outputs]}\n"
       "  - {level: MainMemory, temporal: {P: 16}}\n",
       {{1, {{{48, 3, 0}, {48, 18, 0}, {32, 16, 48}}}}, {1, {{{3, 0, 0}, {18, 0, 0}, {0, 0, 16}}}}},
       48,
       1.0,
       355.66});
}

TEST(MapTimeloop, Conv1dOc2LevelTiled) {
  // exercises/timeloop/02-model-conv1d+oc-2level/ref-output/tiled (27850fc): K2 R3 in the 64 B
  // buffer, K16 P16 at MainMemory.
  check({"02 conv1d+oc 2-level tiled",
         "conv:n=1,k=32,c=1,p=16,q=1,r=3,s=1",
         {kBuffer2, kMain2},
         0,
         1,
         kMac00,
         "levels:\n  - {level: Buffer, temporal: {K: 2, R: 3}, order: [K, R], "
         "keep: [weights, inputs, outputs]}\n"
         "  - {level: MainMemory, temporal: {K: 16, P: 16}, order: [K, P]}\n",
         {{1, {{{1536, 96, 0}, {1536, 288, 0}, {1024, 512, 1536}}}},
          {1, {{{96, 0, 0}, {288, 0, 0}, {0, 0, 512}}}}},
         1536,
         1.0,
         8069.79});
}

TEST(MapTimeloop, Conv1dOc3Level) {
  const char* nest =
      "  - {level: GlobalBuffer, temporal: {K: 16, P: 16}, order: [K, P], keep: %s}\n"
      "  - {level: MainMemory}\n";
  auto mapping = [&](const char* rf_keep, const char* gb_keep) {
    char buf[512];
    std::snprintf(buf, sizeof buf, nest, gb_keep);
    return std::string(
               "levels:\n  - {level: RegisterFile, temporal: {K: 2, R: 3}, order: [K, R], "
               "keep: ") +
           rf_keep + "}\n" + buf;
  };
  // K2 R3 in the register file, K16 P16 in the global buffer: the 3-input window slides along
  // p (3 + 15 per k) and is refetched whole when k rewinds p: 16 x 18 = 288 fills.
  std::string no_bypass = mapping("[weights, inputs, outputs]", "[weights, inputs, outputs]");
  check({"03 conv1d+oc no-bypass",
         "conv:n=1,k=32,c=1,p=16,q=1,r=3,s=1",
         {kRf, kGb, kDram},
         0,
         1,
         kMac00,
         no_bypass.c_str(),
         {{1, {{{1536, 96, 0}, {1536, 288, 0}, {1024, 512, 1536}}}},
          {1, {{{96, 96, 0}, {288, 18, 0}, {0, 512, 512}}}},
          {1, {{{96, 0, 0}, {18, 0, 0}, {0, 0, 512}}}}},
         1536,
         1.0,
         49500.98});
  // The register file keeps only outputs, the global buffer only weights and inputs.
  std::string bypass = mapping("[outputs]", "[weights, inputs]");
  check({"03 conv1d+oc bypass",
         "conv:n=1,k=32,c=1,p=16,q=1,r=3,s=1",
         {kRf, kGb, kDram},
         0,
         1,
         kMacLater,
         bypass.c_str(),
         {{1, {{{0, 0, 0}, {0, 0, 0}, {1024, 512, 1536}}}},
          {1, {{{1536, 96, 0}, {1536, 18, 0}, {0, 0, 0}}}},
          {1, {{{96, 0, 0}, {18, 0, 0}, {0, 0, 512}}}}},
         1536,
         1.0,
         926.21 + 1290.24 + 5246.11 + 5040.38 + 6144 + 2048 + 32768});
}

TEST(MapTimeloop, Conv1dOcIc3LevelSpatial) {
  // 16 PEs in a row, each a register file; the global buffer fans out over K (kp: outputs
  // partitioned, inputs multicast) or over C (cp: outputs reduced across the PEs).
  check({"04 conv1d+oc+ic kp",
         "conv:n=1,k=32,c=32,p=16,q=1,r=3,s=1",
         {kRf, kGb, kDram},
         1,
         16,
         kMac00,
         "levels:\n  - {level: RegisterFile, temporal: {P: 16}, keep: [weights, inputs, outputs]}\n"
         "  - {level: GlobalBuffer, temporal: {C: 32, K: 2, R: 3}, order: [C, K, R], "
         "spatial_x: {K: 16}, keep: [weights, inputs, outputs]}\n  - {level: MainMemory}\n",
         {{16, {{{3072, 192, 0}, {3072, 1152, 0}, {3040, 1024, 3072}}}},
          {1, {{{3072, 3072, 0}, {1152, 576, 0}, {15872, 512, 16384}}}},
          {1, {{{3072, 0, 0}, {576, 0, 0}, {0, 0, 512}}}}},
         3072,
         1.0,
         522726.10});
  check({"04 conv1d+oc+ic cp",
         "conv:n=1,k=32,c=32,p=16,q=1,r=3,s=1",
         {kRf, kGb, kDram},
         1,
         16,
         kMacLater,
         "levels:\n  - {level: RegisterFile, temporal: {P: 16}, keep: [weights, inputs, outputs]}\n"
         "  - {level: GlobalBuffer, temporal: {C: 2, K: 32, R: 3}, order: [C, K, R], "
         "spatial_x: {C: 16}, keep: [weights, inputs, outputs]}\n  - {level: MainMemory}\n",
         {{16, {{{3072, 192, 0}, {3072, 1152, 0}, {2560, 1024, 3072}}}},
          {1, {{{3072, 3072, 0}, {18432, 576, 0}, {512, 512, 1024}}}},
          {1, {{{3072, 0, 0}, {576, 0, 0}, {0, 0, 512}}}}},
         3072,
         1.0,
         29638.66 + 21934.08 + 28385.28 + 44728.32 + 19750.08 + 61101.81 + 6583.36 + 196608 +
             36864 + 32768});
}

// workspace/baseline_designs/example_designs/simple_weight_stationary/
// example_AlexNet_layer1_outputs/timeloop-mapper.stats.txt (1be0685): the best mapping
// Timeloop's mapper found for AlexNet conv1 (C3, M96, P=Q=55, R=S=11, stride 4) on a 16x16
// weight-stationary array of 16-bit words (tessera bytes = Timeloop words here). Per PE: a
// one-word register per tensor and a 192-word weight scratchpad; a 64 Ki-word global buffer
// (inputs only, 75.215 pJ per 4-word block); DRAM 512 pJ per 4-word block. Its mapping:
// pe_spad S11 R11; shared_glb M6 Q11 P55 with M16 down the rows and C3 across; DRAM Q5.
// 48 of 256 PEs busy. The global buffer's input fills are the whole input exactly once,
// because the 51-column window slides 44 columns per DRAM step (sliding-window reuse);
// outputs go from each PE's register straight to DRAM, reduced over C across the PEs.
Case alexnet_conv1_simple_ws() {
  const LevelSpec reg{"", 1, 0.009, 1};
  return {"AlexNet conv1 simple-ws",
          "conv:n=1,k=96,c=3,p=55,q=55,r=11,s=11,stride=4",
          {{"output_activation_reg", 1, reg.pj_per_word, 1},
           {"input_activation_reg", 1, reg.pj_per_word, 1},
           {"weight_reg", 1, reg.pj_per_word, 1},
           {"pe_spad", 192, 1.586, 1},
           {"shared_glb", 65536, 75.215 / 4, 4},
           {"DRAM", 0, 512.0 / 4, 4}},
          4,
          16,
          2.2,
          "levels:\n"
          "  - {level: output_activation_reg, keep: [outputs]}\n"
          "  - {level: input_activation_reg, keep: [inputs]}\n"
          "  - {level: weight_reg, keep: [weights]}\n"
          "  - {level: pe_spad, temporal: {S: 11, R: 11}, order: [S, R], keep: [weights]}\n"
          "  - {level: shared_glb, temporal: {K: 6, Q: 11, P: 55}, order: [K, Q, P], "
          "spatial_y: {K: 16}, spatial_x: {C: 3}, keep: [inputs]}\n"
          "  - {level: DRAM, temporal: {Q: 5}}\n",
          {{48, {{{0, 0, 0}, {0, 0, 0}, {2178000, 18150, 2196150}}}},
           {48, {{{0, 0, 0}, {2196150, 2196150, 0}, {0, 0, 0}}}},
           {48, {{{2196150, 2196150, 0}, {0, 0, 0}, {0, 0, 0}}}},
           {48, {{{2196150, 3630, 0}, {0, 0, 0}, {0, 0, 0}}}},
           {1, {{{0, 0, 0}, {6588450, 154587, 0}, {0, 0, 0}}}},
           {1, {{{174240, 0, 0}, {154587, 0, 0}, {0, 0, 290400}}}}},
          2196150,
          48.0 / 256,
          611126335.04};
}

TEST(MapTimeloop, AlexNetConv1OnSimpleWeightStationary) { check(alexnet_conv1_simple_ws(), 16); }

// Timeloop's energy for a tessera result: its counts in Timeloop's conventions (above), each
// action rounded up to whole blocks (exact where only unreplicated levels have wide blocks).
double timeloop_energy_pj(const NestResult& r, const MapArch& a,
                          const std::vector<LevelSpec>& levels) {
  double e = static_cast<double>(r.macs) * a.mac_pj;
  for (int l = 0; l < a.num_levels; ++l) {
    const int64_t b = levels[l].block_words;
    auto blocks = [b](int64_t n) { return static_cast<double>((n + b - 1) / b * b); };
    double words = 0;
    for (int t = 0; t < kOutputs; ++t) words += blocks(r.reads[l][t]) + blocks(r.fills[l][t]);
    words += blocks(r.reads[l][kOutputs] - r.fills[l][kOutputs]) + blocks(r.updates[l]) +
             blocks(r.fills[l][kOutputs]);
    e += words * levels[l].pj_per_word;
  }
  return e;
}

TEST(MapTimeloop, MapperFindsAMappingAtLeastAsGood) {
  // exercises/timeloop/05-mapper-conv1d+oc-3level/ref-output/null (27850fc): Timeloop's mapper
  // (linear-pruned, victory-condition 0, timeout 0: the whole space, metric [delay, energy]) on
  // conv1d+oc with no constraints finds P16 R3 in the register file, K32 at the global buffer
  // (bypassed by all tensors), 1536 cycles, 44450.06 pJ (the sum of its per-level energies).
  const double timeloop_best_pj = 861.70 + 685.44 + 652.68 + 1290.24 + 6144 + 2048 + 32768;
  const Case c{
      "05", "conv:n=1,k=32,c=1,p=16,q=1,r=3,s=1", {kRf, kGb, kDram}, 0, 1, kMac00, "", {}, 0, 0, 0};
  LoopProblem p = parse_loop_problem(c.problem);
  MapArch a = make_case_arch(c);
  // Timeloop's best mapping, evaluated by tessera, gives Timeloop's energy back.
  Mapping theirs = mapping_from_yaml(
      "levels:\n  - {level: RegisterFile, temporal: {P: 16, R: 3}, order: [P, R], "
      "keep: [weights, inputs, outputs]}\n  - {level: GlobalBuffer, temporal: {K: 32}}\n"
      "  - {level: MainMemory}\n",
      p, a);
  NestResult their_cost = analyze_nest(p, a, theirs);
  ASSERT_TRUE(their_cost.valid());
  EXPECT_NEAR(timeloop_energy_pj(their_cost, a, c.levels), timeloop_best_pj, 0.1);
  // tessera's mappers on the same problem and architecture, minimising energy (every mapping
  // of the one-MAC machine takes 1536 cycles, so [delay, energy] is energy).
  MapConstraints constraints = default_constraints(p, a);
  SearchOptions o;
  o.objective = Objective::Energy;
  // Exhaustive (every tiling, order and bypass: ~445,000 evaluations, ~1 s) , genetic (10,000)
  // and MIP (930 evaluations with its polish) all find Timeloop's optimum (tessera's exhaustive
  // picks the same tiles and bypasses with r outside p, which costs the same). The MIP found it
  // only after it learnt to retry with optimistic buffer shares: it counts a window as p x r inputs
  // (48 for P16 R3 instead of 18), which overflowed the 64 B register file's inputs share.
  for (const char* mapper : {"exhaustive", "genetic", "mip"}) {
    MapperResult best = map_problem(p, a, constraints, mapper, o);
    ASSERT_TRUE(best.found) << mapper;
    const double ours_in_timeloop_pj = timeloop_energy_pj(best.best_cost, a, c.levels);
    std::printf(
        "05 mapper %-10s %7lld evaluations %6.3f s: %.2f pJ (Timeloop's best in tessera %.2f); "
        "in Timeloop's conventions %.2f pJ (Timeloop %.2f), %.0f cycles\n",
        mapper, static_cast<long long>(best.evaluated), best.wall_s, best.best_cost.energy_pj,
        their_cost.energy_pj, ours_in_timeloop_pj, timeloop_best_pj, best.best_cost.cycles);
    std::printf("%s", format_loop_nest(p, a, best.best).c_str());
    EXPECT_DOUBLE_EQ(best.best_cost.cycles, 1536);
    EXPECT_LE(best.best_cost.energy_pj, their_cost.energy_pj * (1 + 1e-9)) << mapper;
    EXPECT_LE(ours_in_timeloop_pj, timeloop_best_pj + 0.1) << mapper;
  }
}

TEST(MapTimeloop, MapperOnAlexNetConv1) {
  // The design's mapspace as its architecture_constraints give it (simple_weight_stationary
  // ref_outputs/default_problem/inputs/input.yaml, ccaba0c): the registers keep one tensor each
  // and may iterate only dims that tensor does not depend on, the scratchpad keeps weights, the
  // global buffer chooses its bypasses, and the array fans out over M (rows) and C (columns), as
  // in the mapping Timeloop's mapper returned. With C = 3 at most 48 PEs work, so 2,196,150
  // cycles is the floor and the contest is energy. Timeloop's best: 611.126 uJ.
  const Case c = alexnet_conv1_simple_ws();
  LoopProblem p = parse_loop_problem(c.problem);
  MapArch a = make_case_arch(c, 16);
  MapConstraints k = default_constraints(p, a);
  auto dims = [&](std::initializer_list<const char*> names) {
    uint32_t mask = 0;
    for (const char* n : names) mask |= 1u << p.dim_index(n);
    return mask;
  };
  const uint32_t all = (1u << p.num_dims) - 1;
  k.spatial_x_dims = dims({"C"});
  k.spatial_y_dims = dims({"K"});
  const std::array<int, 3> reg_tensor{kOutputs, kInputs, kWeights};
  for (int l = 0; l < 3; ++l) {
    const int t = reg_tensor[l];
    k.keep_forced[l] = static_cast<uint8_t>(1u << t);
    k.bypass_forced[l] = static_cast<uint8_t>(0b111 & ~(1u << t));
    k.temporal_dims[l] = all & ~p.relevant[t];
  }
  k.keep_forced[3] = 1u << kWeights;
  k.bypass_forced[3] = (1u << kInputs) | (1u << kOutputs);
  k.temporal_dims[3] = all;
  k.keep_forced[4] = k.bypass_forced[4] = 0;
  k.temporal_dims[4] = all;
  validate_constraints(p, a, k);
  Mapping theirs = mapping_from_yaml(c.mapping_yaml, p, a);
  NestResult their_cost = analyze_nest(p, a, theirs);
  ASSERT_TRUE(their_cost.valid());
  SearchOptions o;
  o.objective = Objective::Edp;
  o.population = 200;
  o.generations = 200;
  for (const char* mapper : {"genetic", "mip"}) {
    MapperResult best = map_problem(p, a, k, mapper, o);
    ASSERT_TRUE(best.found) << mapper;
    const double ours_tl_pj = timeloop_energy_pj(best.best_cost, a, c.levels);
    std::printf(
        "AlexNet conv1 mapper %-8s %7lld evaluations %6.3f s: %.0f cycles, %.2f pJ (Timeloop's "
        "best in tessera %.2f pJ); in Timeloop's conventions %.2f pJ (Timeloop %.2f pJ)\n",
        mapper, static_cast<long long>(best.evaluated), best.wall_s, best.best_cost.cycles,
        best.best_cost.energy_pj, their_cost.energy_pj, ours_tl_pj, c.timeloop_energy_pj);
    std::printf("%s", format_loop_nest(p, a, best.best).c_str());
    EXPECT_DOUBLE_EQ(best.best_cost.cycles, c.timeloop_cycles) << mapper;
    if (std::string(mapper) == "mip") {
      // The MIP's program alone returned 2.94x Timeloop's energy (1.796 mJ, 172 evaluations):
      // P11 Q11 in the weight register under R11 S11 in the scratchpad, so every output's partial
      // sum left the PE and came back from the global buffer once per (r, s): 35.1 M reads and
      // as many writes there (121 x the 290,400 outputs), 1.47 mJ of the 1.80. Its objective
      // is order-free: it charges the R, S loops the same output refetch (w_chip, "into the
      // next inner level that keeps outputs") whether or not a relevant loop sits below them
      // and whichever level the partial sums come back from, and it charges Timeloop's P, Q
      // loops at the weight-bypassing global buffer as DRAM refetches of weights, which never
      // happen (they are the innermost loops above the scratchpad's weight tile). The exact-cost
      // polish (mapping_polish.h) fixes that start in three moves: P, Q above R, S into the
      // scratchpad together (a single loop move cannot help: with either still below R, S the
      // partial sums keep spilling), K2 from DRAM to the global buffer, outputs bypassing it:
      // 1.005x. Another member's start polishes further, below Timeloop's mapper's best (and
      // genetic's): the global buffer also keeps all 34,848 weights beside a 27-row input
      // window (P5 Q55 R11 S11 in the scratchpad, K6 in the buffer, P11 at DRAM), so DRAM sends
      // each weight once instead of 5 times: 601.479 uJ, 0.984x, 2,059 evaluations in all.
      // Pinned; a mapping Timeloop did not report, costed by the nest analysis that matches its
      // counts on every reference mapping above.
      EXPECT_NEAR(best.best_cost.energy_pj / their_cost.energy_pj, 0.984, 0.002);
      EXPECT_LE(ours_tl_pj, c.timeloop_energy_pj);
      continue;
    }
    // Genetic (40,000 evaluations, ~0.05 s) matches Timeloop's best energy with another
    // mapping (P split 11 x 5 between the scratchpad and the global buffer).
    EXPECT_LE(best.best_cost.energy_pj, their_cost.energy_pj * (1 + 1e-9));
    EXPECT_LE(ours_tl_pj, c.timeloop_energy_pj * (1 + 1e-6));
  }
}

}  // namespace
}  // namespace tessera::map
