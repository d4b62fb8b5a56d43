// The exact-cost polish: never worse, stays inside the constraints, deterministic, stops at a
// local optimum and within its budget.
#include "tessera/map/mapping_polish.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "tessera/map/mapper.h"
#include "tessera/map/reference_hardware.h"

namespace tessera::map {
namespace {

struct Start {
  LoopProblem p = parse_loop_problem("matmul:m=512,k=768,n=3072");
  MapArch a = make_arch(gemmini_like_hardware());
  MapConstraints c;
  Mapping m;
  NestResult cost;
  Start() {
    c = apply_constraints_yaml("levels: {scratchpad: {temporal: {M: 2}}}", p, a,
                               default_constraints(p, a));
    pin_full_array(p, a, c);
    m = map_problem(p, a, c, "heuristic", SearchOptions{}).best;
    cost = analyze_nest(p, a, m);
  }
};

TEST(MappingPolish, NeverWorseAndInsideTheConstraints) {
  Start s;
  Mapping m = s.m;
  NestResult cost = s.cost;
  const PolishStats stats = polish_mapping(s.p, s.a, s.c, Objective::Edp, 3000, m, cost);
  std::printf("polish: %lld evaluations, %d improvements, EDP %.4g -> %.4g J*s\n",
              static_cast<long long>(stats.evaluated), stats.improvements, s.cost.edp(),
              cost.edp());
  EXPECT_GT(stats.evaluated, 0);
  EXPECT_LE(stats.evaluated, 3000 + 2 * 120);  // the last re-ordering may finish past the budget
  ASSERT_TRUE(cost.valid());
  EXPECT_GE(stats.improvements, 1);  // Gemmini's heuristic is not a local optimum here
  EXPECT_LT(cost.edp(), s.cost.edp());
  // The reported cost is the mapping's.
  EXPECT_EQ(analyze_nest(s.p, s.a, m).edp(), cost.edp());
  EXPECT_EQ(cost.macs, s.p.macs);
  for (int d = 0; d < s.p.num_dims; ++d) {
    int64_t product = m.spatial_x[d] * m.spatial_y[d];
    for (int l = 0; l < s.a.num_levels; ++l) {
      product *= m.temporal[l][d];
      const bool may_iterate = l + 1 == s.a.num_levels || ((s.c.temporal_dims[l] >> d) & 1u);
      EXPECT_TRUE(m.temporal[l][d] == 1 || may_iterate) << s.p.dim_name[d] << " at " << l;
      const int64_t fixed = s.c.fixed_temporal[l][d];
      EXPECT_TRUE(fixed == 0 || m.temporal[l][d] == fixed) << s.p.dim_name[d] << " at " << l;
    }
    // Covered, the outermost level taking only what the others leave (Gemmini's heuristic
    // starts from partial tiles: M 36 x 15 = 540 >= 512).
    const int64_t outer = m.temporal[s.a.num_levels - 1][d], inner = product / outer;
    EXPECT_EQ(outer, (s.p.bound[d] + inner - 1) / inner) << s.p.dim_name[d];
    EXPECT_TRUE(s.c.fixed_spatial_x[d] == 0 || m.spatial_x[d] == s.c.fixed_spatial_x[d]);
    EXPECT_TRUE(s.c.fixed_spatial_y[d] == 0 || m.spatial_y[d] == s.c.fixed_spatial_y[d]);
    EXPECT_TRUE(m.spatial_x[d] == 1 || ((s.c.spatial_x_dims >> d) & 1u));
    EXPECT_TRUE(m.spatial_y[d] == 1 || ((s.c.spatial_y_dims >> d) & 1u));
  }
  for (int l = 0; l + 1 < s.a.num_levels; ++l) {
    EXPECT_EQ(m.keep[l] & s.c.keep_forced[l], s.c.keep_forced[l]);
    EXPECT_EQ(m.keep[l] & s.c.bypass_forced[l], 0);
  }
}

TEST(MappingPolish, DeterministicAndALocalOptimumIsAFixedPoint) {
  Start s;
  Mapping m1 = s.m, m2 = s.m;
  NestResult c1 = s.cost, c2 = s.cost;
  polish_mapping(s.p, s.a, s.c, Objective::Energy, 3000, m1, c1);
  polish_mapping(s.p, s.a, s.c, Objective::Energy, 3000, m2, c2);
  EXPECT_EQ(mapping_to_yaml(s.p, s.a, m1), mapping_to_yaml(s.p, s.a, m2));
  Mapping again = m1;
  NestResult again_cost = c1;
  const PolishStats stats =
      polish_mapping(s.p, s.a, s.c, Objective::Energy, 3000, again, again_cost);
  EXPECT_EQ(stats.improvements, 0);
  EXPECT_EQ(mapping_to_yaml(s.p, s.a, again), mapping_to_yaml(s.p, s.a, m1));
}

TEST(MappingPolish, ZeroBudgetChangesNothing) {
  Start s;
  Mapping m = s.m;
  NestResult cost = s.cost;
  const PolishStats stats = polish_mapping(s.p, s.a, s.c, Objective::Edp, 0, m, cost);
  EXPECT_EQ(stats.evaluated, 0);
  EXPECT_EQ(mapping_to_yaml(s.p, s.a, m), mapping_to_yaml(s.p, s.a, s.m));
}

}  // namespace
}  // namespace tessera::map
