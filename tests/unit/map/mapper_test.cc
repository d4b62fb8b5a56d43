// Mapspace, searches, determinism, YAML round trip, constraints, whole-model mapping.
#include "tessera/map/mapper.h"

#include <gtest/gtest.h>
#include <omp.h>

#include "tessera/core/error.h"
#include "tessera/map/model_mapping.h"
#include "tessera/map/reference_hardware.h"
#include "unit/map/test_hardware.h"

namespace tessera::map {
namespace {

TEST(MapSpace, PermutationsAreDistinct) {
  for (uint64_t i = 0; i < 24; ++i) {
    uint8_t items[4] = {0, 1, 2, 3};
    nth_permutation(i, items, 4);
    for (uint64_t j = 0; j < i; ++j) {
      uint8_t other[4] = {0, 1, 2, 3};
      nth_permutation(j, other, 4);
      EXPECT_FALSE(std::equal(items, items + 4, other)) << i << " vs " << j;
    }
  }
}

TEST(MapSpace, EveryConstructedTilingCoversTheProblem) {
  LoopProblem p = parse_loop_problem("matmul:m=48,k=40,n=36");
  MapArch a = make_arch(gemmini_like_hardware());
  MapSpace space(p, a, default_constraints(p, a));
  EXPECT_GT(space.size(), 1e6);
  for (uint64_t i = 0; i < 2000; ++i) {
    RandomStream rng(7, i);
    Mapping m = space.construct(space.random_id(rng));
    for (int d = 0; d < p.num_dims; ++d) {
      int64_t product = m.spatial_x[d] * m.spatial_y[d];
      for (int l = 0; l < a.num_levels; ++l) product *= m.temporal[l][d];
      EXPECT_EQ(product, p.bound[d]);  // divisor chains: exact
    }
    EXPECT_LE(m.spatial_x[p.dim_index("N")], 16);
    EXPECT_EQ(m.spatial_x[p.dim_index("M")], 1);  // WS: M never fans out
    EXPECT_EQ(m.keep[0], 1u << kWeights);         // PE registers keep the weights only
  }
  auto parts = space.split(3);
  ASSERT_EQ(parts.size(), 3u);
  double total = 0;
  for (const auto& part : parts) total += part.size();
  EXPECT_NEAR(total, space.size(), space.size() * 1e-9);
}

TEST(Mappers, ExhaustiveFindsTheOptimumOfASmallSpace) {
  LoopProblem p = parse_loop_problem("matmul:m=8,k=4,n=6");
  MapArch a = testing::buffer_dram_arch(40);
  MapConstraints c = default_constraints(p, a);
  SearchOptions o;
  MapperResult ex = map_problem(p, a, c, "exhaustive", o);
  MapSpace space(p, a, c);
  // Brute force over the same space without pruning: nothing beats the exhaustive answer.
  double best = 1e300;
  for (uint64_t i = 0; i < 20000; ++i) {
    RandomStream rng(3, i);
    NestResult r = analyze_nest(p, a, space.construct(space.random_id(rng)));
    if (r.valid()) best = std::min(best, r.edp());
  }
  EXPECT_LE(ex.best_cost.edp(), best * (1 + 1e-12));
  EXPECT_GT(ex.valid, 0);
  EXPECT_LT(ex.valid, ex.evaluated + 1);
}

TEST(Mappers, SameSeedSameResultOnAnyThreadCount) {
  LoopProblem p = parse_loop_problem("matmul:m=512,k=768,n=3072");
  MapArch a = make_arch(gemmini_like_hardware());
  MapConstraints c = default_constraints(p, a);
  SearchOptions o;
  o.samples = 3000;
  o.batch = 512;
  for (const char* mapper : {"random", "genetic"}) {
    omp_set_num_threads(1);
    MapperResult one = map_problem(p, a, c, mapper, o);
    omp_set_num_threads(2);
    MapperResult two = map_problem(p, a, c, mapper, o);
    EXPECT_EQ(one.evaluated, two.evaluated) << mapper;
    EXPECT_EQ(one.valid, two.valid) << mapper;
    EXPECT_EQ(one.best_cost.edp(), two.best_cost.edp()) << mapper;
    EXPECT_EQ(mapping_to_yaml(p, a, one.best), mapping_to_yaml(p, a, two.best)) << mapper;
  }
}

TEST(Mappers, SearchesBeatGemminisHeuristicOnBertFfn) {
  LoopProblem p = parse_loop_problem("matmul:m=512,k=768,n=3072");
  MapArch a = make_arch(gemmini_like_hardware());
  MapConstraints c = default_constraints(p, a);
  SearchOptions o;
  o.samples = 20000;
  MapperResult heuristic = map_problem(p, a, c, "heuristic", o);
  MapperResult random = map_problem(p, a, c, "random", o);
  MapperResult genetic = map_problem(p, a, c, "genetic", o);
  ASSERT_TRUE(heuristic.found);
  EXPECT_GT(heuristic.best_cost.utilization, 0.9);  // it fills the array
  EXPECT_LE(random.best_cost.edp(), heuristic.best_cost.edp());
  EXPECT_LE(genetic.best_cost.edp(), heuristic.best_cost.edp());
}

TEST(Mapping, YamlRoundTrip) {
  LoopProblem p = parse_loop_problem("conv:n=1,k=64,c=32,p=14,q=14,r=3,s=3,stride=1");
  MapArch a = make_arch(gemmini_like_hardware());
  MapSpace space(p, a, default_constraints(p, a));
  for (uint64_t i = 0; i < 50; ++i) {
    RandomStream rng(11, i);
    Mapping m = space.construct(space.random_id(rng));
    std::string yaml = mapping_to_yaml(p, a, m);
    Mapping back = mapping_from_yaml(yaml, p, a);
    EXPECT_EQ(mapping_to_yaml(p, a, back), yaml);
    NestResult r1 = analyze_nest(p, a, m), r2 = analyze_nest(p, a, back);
    EXPECT_EQ(r1.cycles, r2.cycles);
    EXPECT_EQ(r1.energy_pj, r2.energy_pj);
  }
  EXPECT_THROW(mapping_from_yaml("levels: [{level: nowhere}]", p, a), Error);
  EXPECT_THROW(mapping_from_yaml("levels: [{level: dram, temporal: {Z: 2}}]", p, a), Error);
  EXPECT_THROW(mapping_from_yaml("levls: []", p, a), Error);
  // Factors that do not cover the problem.
  EXPECT_THROW(mapping_from_yaml("levels: [{level: dram, temporal: {K: 2}}]", p, a), Error);
}

TEST(Mapping, LoopNestPrintsLikeFig17) {
  LoopProblem p = parse_loop_problem("matmul:m=64,k=64,n=16");
  MapArch a = testing::buffer_dram_arch(100000);
  Mapping m = trivial_mapping(p, a);
  m.temporal[0][1] = 16;  // m0
  m.temporal[0][3] = 64;  // k0
  complete_outer_factors(p, a, m);
  std::string nest = format_loop_nest(p, a, m);
  EXPECT_NE(nest.find("for m1 in [0:4)"), std::string::npos) << nest;
  EXPECT_NE(nest.find("for k0 in [0:64)"), std::string::npos) << nest;
  EXPECT_NE(nest.find("-----dram-----"), std::string::npos) << nest;
}

TEST(Constraints, ContradictionsNameTheConstraint) {
  LoopProblem p = parse_loop_problem("matmul:m=64,k=64,n=16");
  MapArch a = make_arch(gemmini_like_hardware());
  MapConstraints base = default_constraints(p, a);
  auto message = [&](const std::string& yaml) {
    try {
      apply_constraints_yaml(yaml, p, a, base);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message("levels: {scratchpad: {temporal: {N: 32}}}").find("fixed factors multiply"),
            std::string::npos);
  EXPECT_NE(message("spatial_x_factors: {M: 4}").find("spatial_x.M"), std::string::npos);
  EXPECT_NE(message("levels: {accumulator: {keep: [weights]}}").find("cannot hold weights"),
            std::string::npos);
  EXPECT_NE(
      message("levels: {l2: {keep: [inputs], bypass: [inputs]}}").find("both kept and bypassed"),
      std::string::npos);
  EXPECT_NE(message("spatial_x_factors: {N: 16}\nspatial_y_factors: {K: 32}").find("array rows"),
            std::string::npos);
  EXPECT_NE(message("dataflow: xs").find("dataflow"), std::string::npos);
  EXPECT_NE(message("colour: red").find("unknown key"), std::string::npos);
}

TEST(Constraints, BuffersTooSmallForAnyTile) {
  LoopProblem p = parse_loop_problem("matmul:m=64,k=64,n=16");
  MapArch a = testing::buffer_dram_arch(2);  // one weight, one input, one output = 3 bytes
  try {
    check_feasible(p, a, default_constraints(p, a));
    // Everything may bypass the buffer, so the smallest tile is empty: feasible.
  } catch (const Error&) {
    FAIL() << "bypassing everything must be allowed";
  }
  MapConstraints c = default_constraints(p, a);
  c.keep_forced[0] = 0b111;
  EXPECT_THROW(check_feasible(p, a, c), Error);
}

TEST(WholeModel, CachesPerDistinctProblemAndRollsUp) {
  workload::Workload w;
  w.model = "toy";
  for (int i = 0; i < 4; ++i) {
    workload::Op op;
    op.name = "proj" + std::to_string(i);
    op.kind = model::OpKind::MatMul;
    op.problem.kind = workload::ProblemKind::Matmul;
    op.problem.matmul = {1, 128, 256, i < 3 ? 256 : 512, true};
    op.macs = 128 * 256 * op.problem.matmul.n;
    w.ops.push_back(op);
  }
  workload::Op softmax;
  softmax.name = "softmax";
  softmax.kind = model::OpKind::Softmax;
  softmax.problem.kind = workload::ProblemKind::Vector;
  softmax.problem.vector = {128 * 128, 5};
  softmax.flops = 5 * 128 * 128;
  softmax.bytes_read = softmax.bytes_written = 128 * 128;
  w.ops.push_back(softmax);
  SearchOptions o;
  o.generations = 10;
  ModelMapping mm = map_workload(w, gemmini_like_hardware(), "genetic", o);
  EXPECT_EQ(mm.distinct_problems, 2u);
  ASSERT_EQ(mm.ops.size(), 5u);
  EXPECT_FALSE(mm.ops[0].cached);
  EXPECT_TRUE(mm.ops[1].cached);
  EXPECT_TRUE(mm.ops[2].cached);
  EXPECT_FALSE(mm.ops[3].cached);
  EXPECT_EQ(mm.ops[0].cost.latency_s, mm.ops[2].cost.latency_s);
  EXPECT_GT(mm.ops[4].cost.latency_s, 0);
  double sum = 0;
  for (const auto& op : mm.ops) sum += op.cost.latency_s;
  EXPECT_DOUBLE_EQ(mm.latency_s, sum);
  // The same through the perf::Evaluator interface.
  MappedEvaluator evaluator("genetic", o);
  perf::ModelCost mc = perf::evaluate_workload(evaluator, w, gemmini_like_hardware());
  EXPECT_EQ(mc.evaluator, "mapped");
  EXPECT_NEAR(mc.total.latency_s, mm.latency_s, mm.latency_s * 1e-9);
}

}  // namespace
}  // namespace tessera::map

namespace tessera::map {
namespace {

TEST(Dataflows, EachDataflowKeepsItsStationaryTensorInThePes) {
  LoopProblem p = parse_loop_problem("matmul:m=256,k=256,n=256");
  MapArch a = make_arch(gemmini_like_hardware());
  const int M = p.dim_index("M"), N = p.dim_index("N"), K = p.dim_index("K");
  struct Expect {
    hw::Dataflow flow;
    int stationary, rows, cols;
  };
  for (Expect e : {Expect{hw::Dataflow::WeightStationary, kWeights, K, N},
                   Expect{hw::Dataflow::OutputStationary, kOutputs, M, N},
                   Expect{hw::Dataflow::InputStationary, kInputs, K, M}}) {
    MapConstraints c = default_constraints(p, a, e.flow);
    EXPECT_EQ(c.spatial_y_dims, 1u << e.rows);
    EXPECT_EQ(c.spatial_x_dims, 1u << e.cols);
    // Inside the PEs only dims the stationary tensor does not depend on may iterate.
    for (int d = 0; d < p.num_dims; ++d)
      EXPECT_EQ((c.temporal_dims[0] >> d) & 1u, p.is_relevant(e.stationary, d) ? 0u : 1u);
    SearchOptions o;
    o.generations = 30;
    MapperResult r = map_problem(p, a, c, "genetic", o);
    ASSERT_TRUE(r.found);
    EXPECT_GT(r.best_cost.utilization, 0.5) << hw::dataflow_name(e.flow);
  }
  EXPECT_EQ(parse_objective("latency"), Objective::Latency);
  EXPECT_THROW(parse_objective("speed"), Error);
}

}  // namespace
}  // namespace tessera::map
