#include <gtest/gtest.h>

#include "tessera/core/error.h"
#include "tessera/model/graph_builder.h"
#include "tessera/workload/analysis.h"

namespace tessera::workload {

using model::Domain;
using model::GraphBuilder;
using model::Role;

TEST(Lowering, MatmulCountsFollowTheSurvey) {
  // One 128x768 by 768x768 projection at 8 bits: FLOPs = 2*M*K*N, bytes = in + weight + out.
  GraphBuilder b("p", Domain::Transformer);
  auto x = b.input("x", {1, 128, 768});
  b.linear("wq", Role::QueryProjection, x, 768, /*bias=*/false);
  Workload w = analyze_graph(b.graph(), {});
  ASSERT_EQ(w.ops.size(), 1u);
  const Op& op = w.ops[0];
  EXPECT_EQ(op.flops, 2LL * 128 * 768 * 768);
  EXPECT_EQ(op.macs, 128LL * 768 * 768);
  EXPECT_EQ(op.bytes(), 128 * 768 + 768 * 768 + 128 * 768);
  EXPECT_EQ(op.problem.kind, ProblemKind::Matmul);
  EXPECT_TRUE(op.problem.matmul.b_is_weight);
  EXPECT_EQ(op.group, "mha_projections");
}

TEST(Lowering, ConvMacsAndBnReluFusion) {
  GraphBuilder b("c", Domain::Cnn);
  auto x = b.input("x", {1, 64, 56, 56});
  auto y = b.conv2d_same("conv", Role::Conv, x, 64, 3, 1);
  auto z = b.batchnorm("bn", y);
  b.unary("relu", model::OpKind::Relu, Role::Activation, z);
  AnalysisOptions unfused;
  Workload w = analyze_graph(b.graph(), unfused);
  ASSERT_EQ(w.ops.size(), 3u);
  EXPECT_EQ(w.ops[0].macs, 64LL * 56 * 56 * 64 * 9);
  EXPECT_EQ(w.ops[1].flops, 2LL * 64 * 56 * 56);
  EXPECT_EQ(w.ops[2].bytes(), 2LL * 64 * 56 * 56);
  AnalysisOptions fused;
  fused.fusion = Fusion::BnReluFolded;
  Workload f = analyze_graph(b.graph(), fused);
  EXPECT_EQ(f.ops[1].flops, 0);
  EXPECT_EQ(f.ops[1].bytes(), 0);
  EXPECT_EQ(f.ops[2].bytes(), 0);
  EXPECT_EQ(f.ops[2].flops, 64LL * 56 * 56);
  EXPECT_GT(f.totals.intensity(), w.totals.intensity());
}

TEST(Lowering, PrecisionScalesBytes) {
  GraphBuilder b("p", Domain::Transformer);
  auto x = b.input("x", {1, 16, 32});
  b.linear("w", Role::Ffn1, x, 64, false);
  AnalysisOptions o;
  o.precision = parse_precision("fp32");
  Workload w = analyze_graph(b.graph(), o);
  EXPECT_EQ(w.ops[0].bytes(), 4 * (16 * 32 + 32 * 64 + 16 * 64));
  EXPECT_THROW(parse_precision("int3"), Error);
}

}  // namespace tessera::workload
