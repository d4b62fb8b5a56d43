#include "tessera/model/graph_builder.h"

#include <gtest/gtest.h>

#include "tessera/core/error.h"
#include "tessera/model/op_kind.h"
#include "tessera/model/role.h"

namespace tessera::model {

TEST(GraphBuilder, MatmulShapesAndBroadcast) {
  GraphBuilder b("t", Domain::Transformer);
  TensorId x = b.input("x", {2, 12, 128, 64});
  TensorId k = b.input("k", {2, 12, 128, 64});
  TensorId s = b.matmul("qk", Role::AttentionScore, x, k, /*transpose_b=*/true, 12);
  EXPECT_EQ(b.shape(s), (Shape{2, 12, 128, 128}));
  TensorId h = b.input("h", {2, 128, 768});
  TensorId y = b.linear("ffn1", Role::Ffn1, h, 3072);
  EXPECT_EQ(b.shape(y), (Shape{2, 128, 3072}));
  Graph g = std::move(b).finish();
  EXPECT_EQ(g.parameter_count(), 768 * 3072 + 3072);
}

TEST(GraphBuilder, RejectsBadShapes) {
  GraphBuilder b("t", Domain::Transformer);
  TensorId x = b.input("x", {4, 8});
  TensorId y = b.input("y", {7, 3});
  EXPECT_THROW(b.matmul("bad", Role::Other, x, y), Error);
  EXPECT_THROW(b.input("zero", {0, 3}), Error);
  EXPECT_THROW(b.input("neg", {-1, 3}), Error);
  EXPECT_THROW(b.input("huge", {int64_t{1} << 40, int64_t{1} << 40}), Error);
}

TEST(GraphBuilder, ConvOutputSize) {
  GraphBuilder b("c", Domain::Cnn);
  TensorId x = b.input("x", {1, 3, 224, 224});
  ConvAttrs a;
  a.stride_h = a.stride_w = 2;
  a.pad_top = a.pad_left = a.pad_bottom = a.pad_right = 3;
  TensorId y = b.conv2d("conv1", Role::Conv, x, 64, 7, 7, a);
  EXPECT_EQ(b.shape(y), (Shape{1, 64, 112, 112}));
  TensorId z = b.conv2d_same("dw", Role::DepthwiseConv, y, 64, 3, 2, 64);
  EXPECT_EQ(b.shape(z), (Shape{1, 64, 56, 56}));
  ConvAttrs g;
  g.groups = 5;
  EXPECT_THROW(b.conv2d("badgroups", Role::Conv, x, 64, 3, 3, g), Error);
}

TEST(Taxonomy, NamesRoundTrip) {
  for (int i = 0; i < static_cast<int>(Role::kCount); ++i)
    EXPECT_EQ(parse_role(role_name(static_cast<Role>(i))), static_cast<Role>(i));
  for (int i = 0; i < static_cast<int>(OpKind::kCount); ++i)
    EXPECT_EQ(parse_op_kind(op_kind_name(static_cast<OpKind>(i))), static_cast<OpKind>(i));
  EXPECT_EQ(role_group(Role::QueryProjection, Domain::Transformer), "mha_projections");
  EXPECT_EQ(role_group(Role::AttentionContext, Domain::Transformer), "act_to_act");
  EXPECT_EQ(role_group(Role::Ffn2, Domain::Transformer), "ffn_projections");
  EXPECT_EQ(role_group(Role::Softmax, Domain::Transformer), "other");
  EXPECT_EQ(role_group(Role::BatchNorm, Domain::Cnn), "batchnorm");
}

}  // namespace tessera::model
