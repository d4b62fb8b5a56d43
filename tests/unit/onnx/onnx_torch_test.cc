// Networks exported from PyTorch (tests/fixtures/onnx/make_torch.py, generated at test time;
// skipped when /usr/bin/python3 has no torch) are analysed like the zoo networks they mirror
// (issue #3: "a model exported from the same network as a zoo model gives the same analysis").
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "support/torch_fixtures.h"
#include "tessera/core/error.h"
#include "tessera/model/onnx_import.h"
#include "tessera/model/zoo.h"
#include "tessera/workload/analysis.h"

namespace tessera::model {
namespace {

namespace fs = std::filesystem;

class TorchExports : public ::testing::Test {
 protected:
  // The exports are generated once per version of the generator and reused by every test
  // process (ctest runs each test in its own): a directory keyed by the script's size and time.
  static void SetUpTestSuite() {
    dir_ = tessera::test_support::torch_fixture_dir();
    available_ = fs::exists(dir_ / "expected.json");
    if (available_) {
      std::ifstream in(dir_ / "expected.json");
      expected_ = nlohmann::json::parse(in);
    }
  }
  void SetUp() override {
    if (!available_) GTEST_SKIP() << "/usr/bin/python3 with torch and onnx is not available";
  }
  static Graph load(const std::string& name, LoadOptions options = {}) {
    return import_onnx((dir_ / (name + ".onnx")).string(), options);
  }
  static std::map<std::string, workload::Totals> groups(const workload::Workload& w) {
    std::map<std::string, workload::Totals> out;
    for (const auto& g : w.groups) out[g.name] = g.totals;
    return out;
  }
  static std::map<Role, int> role_counts(const Graph& g) {
    std::map<Role, int> out;
    for (const Node& n : g.nodes) ++out[n.role];
    return out;
  }
  static bool zoo_has(const std::string& family) {
    try {
      Graph g = load_model(family);
      return !g.nodes.empty();
    } catch (const Error&) {
      return false;
    }
  }

  static inline fs::path dir_;
  static inline bool available_ = false;
  static inline nlohmann::json expected_;
};

LoadOptions bert_dims(int64_t seq = 16) {
  LoadOptions o;
  o.dims["seq"] = seq;
  return o;
}

TEST_F(TorchExports, BertRolesHeadsLayersAndParams) {
  Graph g = load("tiny_bert", bert_dims());
  EXPECT_EQ(g.domain, Domain::Transformer);
  EXPECT_EQ(g.parameter_count(), expected_["tiny_bert"]["params"].get<int64_t>());
  auto roles = role_counts(g);
  for (Role r :
       {Role::QueryProjection, Role::KeyProjection, Role::ValueProjection, Role::AttentionScore,
        Role::AttentionContext, Role::OutputProjection, Role::Ffn1, Role::Ffn2, Role::Softmax})
    EXPECT_EQ(roles[r], 2) << role_name(r);
  EXPECT_EQ(roles[Role::LayerNorm], 4);   // decomposed LayerNorms recognised (+1 embedding LN)
  EXPECT_EQ(roles[Role::Activation], 2);  // GELU (erf form) recognised
  for (const Node& n : g.nodes) {
    if (n.role == Role::AttentionScore) {
      EXPECT_EQ(n.heads, 4);
    }
    if (n.role == Role::Ffn2) {
      EXPECT_GE(n.layer, 0);
    }
    if (n.kind == OpKind::Unsupported) {
      ADD_FAILURE() << "unsupported " << n.source_op;
    }
  }
  EXPECT_TRUE(g.unsupported_ops.empty());
}

TEST_F(TorchExports, DeepBertFindsEveryLayer) {
  Graph g = load("tiny_deep_bert", bert_dims(32));
  EXPECT_EQ(g.parameter_count(), expected_["tiny_deep_bert"]["params"].get<int64_t>());
  EXPECT_TRUE(g.unsupported_ops.empty());
  std::map<int32_t, int> scores;
  for (const Node& n : g.nodes)
    if (n.role == Role::AttentionScore) ++scores[n.layer];
  ASSERT_EQ(scores.size(), 12u);
  for (const auto& [layer, count] : scores) EXPECT_EQ(count, 1) << "layer " << layer;
  EXPECT_EQ(scores.begin()->first, 0);
  EXPECT_EQ(scores.rbegin()->first, 11);
}

TEST_F(TorchExports, BertMatchesTheZooEncoder) {
  if (!zoo_has("transformer-encoder")) GTEST_SKIP() << "zoo transformer-encoder not built yet";
  const std::string spec =
      "transformer-encoder:layers=2,d=64,heads=4,ffn=256,seq=16,vocab=100,positions=32,"
      "type_vocab=2";
  workload::Workload zoo = workload::analyze_graph(load_model(spec), {});
  workload::Workload onnx = workload::analyze_graph(load("tiny_bert", bert_dims()), {});
  EXPECT_EQ(onnx.totals.params, zoo.totals.params);
  auto a = groups(onnx), b = groups(zoo);
  for (const char* group : {"mha_projections", "act_to_act", "ffn_projections"}) {
    EXPECT_EQ(a[group].flops, b[group].flops) << group;
    EXPECT_EQ(a[group].macs, b[group].macs) << group;
    EXPECT_EQ(a[group].params, b[group].params) << group;
  }
  // The exported graph scales the scores by 1/sqrt(d_head) (1 FLOP per score); the zoo folds
  // it into the query projection. That is the whole difference in FLOPs.
  const int64_t scale_flops = 2 /*layers*/ * 4 /*heads*/ * 16 * 16;
  EXPECT_EQ(onnx.totals.flops - zoo.totals.flops, scale_flops);
  EXPECT_EQ(onnx.totals.macs, zoo.totals.macs);
}

TEST_F(TorchExports, ResNetMatchesTheZooResNet) {
  Graph g = load("tiny_resnet");
  EXPECT_EQ(g.domain, Domain::Cnn);
  EXPECT_EQ(g.parameter_count(), expected_["tiny_resnet"]["params"].get<int64_t>());
  auto roles = role_counts(g);
  EXPECT_EQ(roles[Role::BatchNorm], 20);
  EXPECT_EQ(roles[Role::Classifier], 1);
  if (!zoo_has("resnet")) GTEST_SKIP() << "zoo resnet not built yet";
  workload::Workload zoo = workload::analyze_graph(
      load_model("resnet:depth=18,width=0.125,resolution=32,classes=10"), {});
  workload::Workload onnx = workload::analyze_graph(g, {});
  EXPECT_EQ(onnx.totals.params, zoo.totals.params);
  EXPECT_EQ(onnx.totals.macs, zoo.totals.macs);
  auto a = groups(onnx), b = groups(zoo);
  for (const char* group : {"convolution", "batchnorm", "activation", "other"}) {
    EXPECT_EQ(a[group].flops, b[group].flops) << group;
    EXPECT_EQ(a[group].params, b[group].params) << group;
  }
}

TEST_F(TorchExports, FusedBatchNormExportKeepsTheConvolutionWork) {
  workload::Workload kept = workload::analyze_graph(load("tiny_resnet"), {});
  workload::Workload fused = workload::analyze_graph(load("tiny_resnet_fused"), {});
  EXPECT_EQ(groups(fused)["convolution"].macs, groups(kept)["convolution"].macs);
  EXPECT_EQ(groups(fused).count("batchnorm"), 0u);  // folded into conv biases by the exporter
}

TEST_F(TorchExports, EinsumAttentionWithMaskAndTanhGelu) {
  Graph g = load("tiny_gpt");
  EXPECT_EQ(g.domain, Domain::Transformer);
  EXPECT_EQ(g.parameter_count(), expected_["tiny_gpt"]["params"].get<int64_t>());
  auto roles = role_counts(g);
  EXPECT_EQ(roles[Role::AttentionScore], 2);
  EXPECT_EQ(roles[Role::AttentionContext], 2);
  EXPECT_EQ(roles[Role::Activation], 2);  // tanh-form GELU
  EXPECT_EQ(roles[Role::LayerNorm], 4);   // LayerNormalization (opset 17)
  EXPECT_TRUE(g.unsupported_ops.empty());
  workload::Workload w = workload::analyze_graph(g, {});
  // Each block's attention: QK^T and score x V over 8 tokens, 2 heads of width 16.
  EXPECT_EQ(groups(w)["act_to_act"].macs, 2 * 2 * (8 * 8 * 16) * 2);
}

TEST_F(TorchExports, CnnOpsAreAllCostedWithTheirRoles) {
  Graph g = load("tiny_cnn_ops");
  EXPECT_EQ(g.parameter_count(), expected_["tiny_cnn_ops"]["params"].get<int64_t>());
  EXPECT_TRUE(g.unsupported_ops.empty());
  auto roles = role_counts(g);
  EXPECT_EQ(roles[Role::DepthwiseConv], 1);
  EXPECT_EQ(roles[Role::PointwiseConv], 1);
  EXPECT_GE(roles[Role::SqueezeExcite], 4);
  std::map<OpKind, int> kinds;
  for (const Node& n : g.nodes) ++kinds[n.kind];
  EXPECT_EQ(kinds[OpKind::Swish], 2);
  EXPECT_EQ(kinds[OpKind::HardSwish], 1);
  EXPECT_EQ(kinds[OpKind::ConvTranspose2d], 1);
  for (const Node& n : g.nodes)
    if (n.kind == OpKind::Conv2d && n.conv.groups == 4) {
      EXPECT_EQ(n.conv.dilation_h, 2);
      EXPECT_EQ(n.conv.pad_top, 2);
    }
}

// Conv1d / MaxPool1d / AvgPool1d / GlobalAveragePool over [N, C, L] are costed as 2-D ops with
// H = 1 (not left unsupported): MACs equal the closed form computed by the export script.
TEST_F(TorchExports, OneDimensionalConvolutionsAndPools) {
  Graph g = load("tiny_audio");
  EXPECT_EQ(g.parameter_count(), expected_["tiny_audio"]["params"].get<int64_t>());
  EXPECT_TRUE(g.unsupported_ops.empty());
  workload::Workload w = workload::analyze_graph(g, {});
  EXPECT_EQ(w.totals.macs, expected_["tiny_audio"]["macs"].get<int64_t>());
  std::map<OpKind, int> kinds;
  for (const Node& n : g.nodes) ++kinds[n.kind];
  EXPECT_EQ(kinds[OpKind::Conv2d], 2);
  EXPECT_EQ(kinds[OpKind::MaxPool], 1);
  EXPECT_EQ(kinds[OpKind::AvgPool], 1);
  EXPECT_EQ(kinds[OpKind::GlobalAvgPool], 1);
  for (const Node& n : g.nodes)
    if (n.kind == OpKind::Conv2d && n.conv.groups == 32) {
      EXPECT_EQ(n.conv.dilation_w, 2);
      EXPECT_EQ(n.conv.pad_left, 2);
      EXPECT_EQ(n.conv.stride_h, 1);
    }
}

}  // namespace
}  // namespace tessera::model
