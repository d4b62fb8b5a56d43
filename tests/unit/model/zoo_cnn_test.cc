// CNN zoo families: shapes through the networks, published sizes, bad overrides.
#include <gtest/gtest.h>

#include <string>

#include "tessera/core/error.h"
#include "tessera/model/zoo.h"
#include "tessera/workload/analysis.h"

namespace tessera::model {
namespace {

const Node* find_node(const Graph& g, const std::string& name) {
  for (const Node& n : g.nodes)
    if (n.name == name) return &n;
  return nullptr;
}

Shape output_shape(const Graph& g, const std::string& node) {
  const Node* n = find_node(g, node);
  if (!n) ADD_FAILURE() << "no node " << node;
  return n ? g.tensor(n->outputs.at(0)).shape : Shape{};
}

int64_t total_macs(const Graph& g) { return workload::analyze_graph(g, {}).totals.macs; }

TEST(ZooCnn, ResNet50FeatureMapsAndSize) {
  Graph g = load_model("resnet50");
  EXPECT_EQ(g.domain, Domain::Cnn);
  EXPECT_EQ(output_shape(g, "stem.conv1"), (Shape{1, 64, 112, 112}));
  EXPECT_EQ(output_shape(g, "stem.maxpool"), (Shape{1, 64, 56, 56}));
  EXPECT_EQ(output_shape(g, "layer1.2.relu"), (Shape{1, 256, 56, 56}));
  EXPECT_EQ(output_shape(g, "layer2.0.conv1"), (Shape{1, 128, 28, 28}));  // v1: stride on 1x1
  EXPECT_EQ(output_shape(g, "layer4.2.relu"), (Shape{1, 2048, 7, 7}));
  EXPECT_EQ(output_shape(g, "head.fc"), (Shape{1, 1000}));
  // 25,557,032 weights in torchvision's resnet50 (BN scale/shift counted, running stats not).
  EXPECT_EQ(g.parameter_count(), 25557032);
  // v1 (stride on the first 1x1): 3.86 G MACs; v1.5 (torchvision): 4.09 G.
  EXPECT_NEAR(total_macs(g) / 1e9, 3.86, 0.01);
  EXPECT_NEAR(total_macs(load_model("resnet50:stride_in_3x3=true")) / 1e9, 4.09, 0.01);
  EXPECT_EQ(output_shape(load_model("resnet50:stride_in_3x3=true"), "layer2.0.conv1"),
            (Shape{1, 128, 56, 56}));
}

TEST(ZooCnn, ResNetDepthsAndBatch) {
  // torchvision parameter counts.
  EXPECT_EQ(load_model("resnet18").parameter_count(), 11689512);
  EXPECT_EQ(load_model("resnet34").parameter_count(), 21797672);
  EXPECT_EQ(load_model("resnet101").parameter_count(), 44549160);
  EXPECT_EQ(load_model("resnet152").parameter_count(), 60192808);
  Graph g = load_model("resnet18:batch=4,resolution=256");
  EXPECT_EQ(output_shape(g, "layer4.1.relu"), (Shape{4, 512, 8, 8}));
  // Basic blocks: no conv3.
  EXPECT_EQ(find_node(g, "layer1.0.conv3"), nullptr);
  // Width multiplier on every channel count: layer4 of resnet50 at 0.5 has 1024 outputs.
  EXPECT_EQ(output_shape(load_model("resnet50:width=0.5"), "layer4.2.relu"),
            (Shape{1, 1024, 7, 7}));
  EXPECT_EQ(load_model("resnet:depth=50,blocks=1/1/1/1").nodes.size() <
                load_model("resnet50").nodes.size(),
            true);
}

TEST(ZooCnn, RolesAreSeparateOps) {
  Graph g = load_model("resnet50");
  int convs = 0, bns = 0, relus = 0, residuals = 0;
  for (const Node& n : g.nodes) {
    convs += n.kind == OpKind::Conv2d;
    bns += n.kind == OpKind::BatchNorm;
    relus += n.kind == OpKind::Relu;
    residuals += n.role == Role::Residual;
  }
  EXPECT_EQ(convs, 53);  // 1 stem + 16 blocks x 3 + 4 downsample
  EXPECT_EQ(bns, 53);
  EXPECT_EQ(relus, 49);  // stem + 16 x (2 inner + 1 after the add)
  EXPECT_EQ(residuals, 16);
  EXPECT_EQ(find_node(g, "head.fc")->role, Role::Classifier);
  EXPECT_EQ(find_node(g, "layer1.0.conv1")->role, Role::PointwiseConv);
  EXPECT_EQ(find_node(g, "layer1.0.conv2")->role, Role::Conv);
}

TEST(ZooCnn, EfficientNetB0MatchesPublishedSize) {
  Graph g = load_model("efficientnet-b0");
  // Tan & Le 2019 Table 2 / 004 Table 3: 5.3 M params, 0.39 B FLOPs (multiply-adds).
  EXPECT_NEAR(g.parameter_count() / 1e6, 5.3, 0.05);
  EXPECT_NEAR(total_macs(g) / 1e9, 0.39, 0.01);
  EXPECT_EQ(output_shape(g, "head.conv"), (Shape{1, 1280, 7, 7}));
  const Node* dw = find_node(g, "blocks.1.mbconv.dw");
  ASSERT_NE(dw, nullptr);
  EXPECT_EQ(dw->role, Role::DepthwiseConv);
  EXPECT_EQ(dw->conv.groups, 96);
  // SE of block 1 (input 16 filters): 16 * 0.25 = 4 channels.
  EXPECT_EQ(output_shape(g, "blocks.1.mbconv.se.reduce")[1], 4);
  EXPECT_EQ(find_node(g, "blocks.1.mbconv.se.reduce")->role, Role::SqueezeExcite);
  int swish = 0;
  for (const Node& n : g.nodes) swish += n.kind == OpKind::Swish;
  EXPECT_GT(swish, 40);
}

TEST(ZooCnn, EfficientNetScalingRoundsLikeTheReference) {
  // B4: width 1.4 -> stem 32*1.4 = 44.8 -> 48; depth 1.8 -> 16 blocks * ... = 32 blocks.
  Graph g = load_model("efficientnet-b4");
  EXPECT_EQ(output_shape(g, "stem.conv"), (Shape{1, 48, 190, 190}));
  EXPECT_EQ(output_shape(g, "head.conv"), (Shape{1, 1792, 12, 12}));
  EXPECT_NE(find_node(g, "blocks.31.mbconv.project"), nullptr);
  EXPECT_EQ(find_node(g, "blocks.32.mbconv.project"), nullptr);
}

TEST(ZooCnn, EfficientNetXB0FollowsTable1) {
  Graph g = load_model("efficientnet-x-b0");
  // Table 1: stem 32 @112, space-to-depth 128 @56, MBConv1 64 @56, fused 24 @56, fused 40 @28,
  // 80 @14, 112 @14, 192 @7, 320 @7, head 1280.
  EXPECT_EQ(output_shape(g, "stem.conv"), (Shape{1, 32, 112, 112}));
  EXPECT_EQ(output_shape(g, "blocks.0.space2depth"), (Shape{1, 128, 56, 56}));
  EXPECT_EQ(output_shape(g, "blocks.0.mbconv.project"), (Shape{1, 64, 56, 56}));
  EXPECT_EQ(output_shape(g, "blocks.2.mbconv.project"), (Shape{1, 24, 56, 56}));
  EXPECT_EQ(output_shape(g, "blocks.4.mbconv.project"), (Shape{1, 40, 28, 28}));
  EXPECT_EQ(output_shape(g, "blocks.15.mbconv.project"), (Shape{1, 320, 7, 7}));
  EXPECT_NE(find_node(g, "blocks.1.mbconv.fused"), nullptr);
  EXPECT_EQ(find_node(g, "blocks.1.mbconv.dw"), nullptr);
  EXPECT_NE(find_node(g, "blocks.5.mbconv.dw"), nullptr);
  // TPU: swish in the fused stages, ReLU in the MBConv stages; GPU: ReLU everywhere.
  EXPECT_EQ(find_node(g, "blocks.1.mbconv.fused.act")->kind, OpKind::Swish);
  EXPECT_EQ(find_node(g, "blocks.5.mbconv.expand.act")->kind, OpKind::Relu);
  Graph gpu = load_model("efficientnet-x-b0-gpu");
  for (const Node& n : gpu.nodes) EXPECT_NE(n.kind, OpKind::Swish) << n.name;
  EXPECT_EQ(total_macs(gpu), total_macs(g));  // activations change no MACs
  EXPECT_EQ(load_model("efficientnet-x-b0:variant=gpu").nodes.size(), gpu.nodes.size());
}

TEST(ZooCnn, MobileNetV2AndInception) {
  Graph m = load_model("mobilenetv2");
  EXPECT_EQ(m.parameter_count(), 3504872);  // torchvision mobilenet_v2
  EXPECT_NEAR(total_macs(m) / 1e6, 300.8, 1.0);
  EXPECT_LT(load_model("mobilenetv2:width=0.5").parameter_count(), 2000000);
  EXPECT_EQ(output_shape(load_model("mobilenetv2:resolution=160"), "head.conv"),
            (Shape{1, 1280, 5, 5}));
  Graph i = load_model("inception-v3");
  EXPECT_EQ(output_shape(i, "stem.maxpool2"), (Shape{1, 192, 35, 35}));
  EXPECT_EQ(output_shape(i, "Mixed_6a.concat"), (Shape{1, 768, 17, 17}));
  EXPECT_EQ(output_shape(i, "Mixed_7c.concat"), (Shape{1, 2048, 8, 8}));
  // torchvision inception_v3 has 27,161,264 weights with the auxiliary classifier
  // (3,326,696 of them); BN running statistics are not parameters.
  EXPECT_EQ(i.parameter_count(), 27161264 - 3326696);
}

TEST(ZooCnn, NasNetA) {
  Graph large = load_model("nasnet-a-large");
  // TF-slim: 331 -> conv0 165 -> stem cells 83, 42 -> reductions 21, 11; 6 x 672 = 4032.
  EXPECT_EQ(output_shape(large, "stem.conv0"), (Shape{1, 96, 165, 165}));
  EXPECT_EQ(output_shape(large, "cell_stem_1.cell_output"), (Shape{1, 336, 42, 42}));
  EXPECT_EQ(output_shape(large, "cell_5.cell_output"), (Shape{1, 1008, 42, 42}));
  EXPECT_EQ(output_shape(large, "reduction_cell_0.cell_output"), (Shape{1, 1344, 21, 21}));
  EXPECT_EQ(output_shape(large, "cell_17.cell_output"), (Shape{1, 4032, 11, 11}));
  // Published: NASNet-A Mobile 5.3 M params / 564 M multiply-adds.
  Graph mobile = load_model("nasnet-a-mobile");
  EXPECT_NEAR(mobile.parameter_count() / 1e6, 5.3, 0.05);
  EXPECT_NEAR(total_macs(mobile) / 1e6, 564, 2);
  EXPECT_EQ(output_shape(mobile, "cell_11.cell_output"), (Shape{1, 1056, 7, 7}));
}

TEST(ZooCnn, CnnStagesFromATable) {
  Graph g = load_model(
      "cnn-stages:stages=[{op: conv, out: 32, stride: 2, act: swish},"
      "{op: mbconv, expand: 1, out: 16, se: 0.25},"
      "{op: fused_mbconv, out: 24, stride: 2, repeats: 2, act: swish},"
      "{op: head, out: 1280}]");
  EXPECT_EQ(output_shape(g, "stage3.1.mbconv.project"), (Shape{1, 24, 56, 56}));
  EXPECT_NE(find_node(g, "stage3.1.mbconv.add"), nullptr);
  EXPECT_EQ(output_shape(g, "stage4.0.conv"), (Shape{1, 1280, 56, 56}));
  EXPECT_EQ(output_shape(g, "head.fc"), (Shape{1, 1000}));
  Graph scaled = load_model("cnn-stages:width=2,depth=2,stages=[{op: mbconv, out: 16}]");
  EXPECT_EQ(output_shape(scaled, "stage1.1.mbconv.project"), (Shape{1, 32, 224, 224}));
}

TEST(ZooCnn, StageTableFromTheExampleModelFile) {
  ModelHandle h =
      resolve_model(std::string(TESSERA_SOURCE_DIR) + "/examples/models/efficientnet-x-like.yaml");
  EXPECT_EQ(h.spec, "efficientnet-x-b0-table1");
  Graph g = h.build();
  // Table 1 read literally: 224 -> 112 (stem) -> 56 (space-to-depth) ... -> 7.
  EXPECT_EQ(output_shape(g, "stage2.0.conv"), (Shape{1, 128, 56, 56}));
  EXPECT_EQ(output_shape(g, "stage3.0.mbconv.project"), (Shape{1, 64, 56, 56}));
  EXPECT_EQ(output_shape(g, "stage3.0.mbconv.se.reduce")[1], 128);  // SE ratio 1 of 128 inputs
  EXPECT_EQ(find_node(g, "stage4.0.mbconv.fused.act")->kind, OpKind::Swish);
  EXPECT_EQ(output_shape(g, "stage9.0.mbconv.project"), (Shape{1, 320, 7, 7}));
  EXPECT_EQ(output_shape(g, "head.fc"), (Shape{1, 1000}));
}

class BadCnnSpec : public ::testing::TestWithParam<std::string> {};

TEST_P(BadCnnSpec, Throws) { EXPECT_THROW(load_model(GetParam()), Error) << GetParam(); }

INSTANTIATE_TEST_SUITE_P(
    ZooCnn, BadCnnSpec,
    ::testing::Values("resnet50:resolution=0", "resnet50:resolution=-224", "resnet50:resolution=16",
                      "resnet50:depth=42", "resnet50:blocks=3/4/6", "resnet50:batch=0",
                      "resnet50:colour=red", "resnet50:stride_in_3x3=maybe", "resnet50:width=-1",
                      "efficientnet-b0:width=-1", "efficientnet-b0:width=0",
                      "efficientnet-b0:depth=abc", "efficientnet-b0:se_ratio=2",
                      "efficientnet-b0:activation=gelu", "efficientnet-x-b0:variant=cpu",
                      "efficientnet-x-b0:lacs_phi=-1", "efficientnet-x-b0:se_coefficient=0",
                      "mobilenetv2:width=nan", "mobilenetv2:width=1e9",
                      "inception-v3:resolution=64", "nasnet-a-large:filters=30",
                      "nasnet-a-large:cells=2", "nasnet-a-mobile:stem_multiplier=0", "cnn-stages",
                      "cnn-stages:stages=[]", "cnn-stages:stages=[{op: warp, out: 3}]",
                      "cnn-stages:stages=[{op: conv}]", "cnn-stages:stages=[{op: conv, out: 0}]",
                      "cnn-stages:stages=[{op: conv, out: 8, colour: 1}]",
                      "cnn-stages:stages=[{op: mbconv, out: 8, se: 3}]",
                      "cnn-stages:stages=[{op: head}, {op: conv, out: 8}]",
                      "cnn-stages:stages=[{op: conv, out: 8, stride: 0}]",
                      "cnn-stages:stages=[{op: conv, out: [8}]"));

TEST(ZooCnn, ErrorsNameTheProblem) {
  try {
    load_model("efficientnet-b0:width=-1");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("width"), std::string::npos) << e.what();
  }
  try {
    load_model("resnet50:colour=red");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("colour"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace tessera::model
