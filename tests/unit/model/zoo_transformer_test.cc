// Unit tests of the Transformer and MemNet zoo families: graph shapes, roles and layer indices,
// per-layer lists, parameter validation, and the decoder's closed form against an explicit loop.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "tessera/core/error.h"
#include "tessera/model/graph_builder.h"
#include "tessera/model/zoo.h"
#include "tessera/workload/analysis.h"

namespace tessera::model {
namespace {

std::vector<const Node*> nodes_with(const Graph& g, Role role) {
  std::vector<const Node*> out;
  for (const Node& n : g.nodes)
    if (n.role == role) out.push_back(&n);
  return out;
}

const Shape& in_shape(const Graph& g, const Node* n, size_t i) {
  return g.tensor(n->inputs.at(i)).shape;
}
const Shape& out_shape(const Graph& g, const Node* n) { return g.tensor(n->outputs.at(0)).shape; }

std::string error_of(const std::string& spec) {
  try {
    load_model(spec);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(ZooTransformer, BertBaseLayerStructure) {
  Graph g = load_model("bert-base:seq=128");
  EXPECT_EQ(g.domain, Domain::Transformer);
  auto scores = nodes_with(g, Role::AttentionScore);
  ASSERT_EQ(scores.size(), 12u);
  EXPECT_EQ(in_shape(g, scores[0], 0), (Shape{1, 12, 128, 64}));
  EXPECT_EQ(in_shape(g, scores[0], 1), (Shape{1, 12, 128, 64}));
  EXPECT_TRUE(scores[0]->matmul.transpose_b);
  EXPECT_EQ(scores[0]->heads, 12);
  EXPECT_EQ(out_shape(g, scores[0]), (Shape{1, 12, 128, 128}));
  for (Role role :
       {Role::QueryProjection, Role::KeyProjection, Role::ValueProjection, Role::AttentionContext,
        Role::OutputProjection, Role::Ffn1, Role::Activation, Role::Ffn2, Role::Softmax})
    EXPECT_EQ(nodes_with(g, role).size(), 12u) << role_name(role);
  EXPECT_EQ(nodes_with(g, Role::Residual).size(), 24u);
  EXPECT_EQ(nodes_with(g, Role::LayerNorm).size(), 24u);
  EXPECT_EQ(out_shape(g, nodes_with(g, Role::Ffn1)[3]), (Shape{1, 128, 3072}));
  EXPECT_EQ(nodes_with(g, Role::Activation)[0]->kind, OpKind::Gelu);
  // Layer indices and name prefixes.
  EXPECT_EQ(scores[7]->layer, 7);
  EXPECT_EQ(scores[7]->name, "layer7.attn.qk");
  for (const Node* n : nodes_with(g, Role::Embedding)) EXPECT_EQ(n->layer, -1) << n->name;
  // No separate scale op: 1/sqrt(dh) is folded into W_Q.
  EXPECT_TRUE(nodes_with(g, Role::AttentionScale).empty());
}

TEST(ZooTransformer, BatchAndOverridesReachShapes) {
  Graph g = load_model("bert-large:seq=512,batch=4");
  auto q = nodes_with(g, Role::QueryProjection);
  ASSERT_EQ(q.size(), 24u);
  EXPECT_EQ(out_shape(g, q[0]), (Shape{4, 512, 1024}));
  LoadOptions options;
  options.batch = 3;
  Graph h = load_model("bert-base", options);
  EXPECT_EQ(out_shape(h, nodes_with(h, Role::QueryProjection)[0])[0], 3);
  Graph relu = load_model("bert-base:activation=relu,ffn=1000");
  EXPECT_EQ(nodes_with(relu, Role::Activation)[0]->kind, OpKind::Relu);
  EXPECT_EQ(out_shape(relu, nodes_with(relu, Role::Ffn1)[0]).back(), 1000);
}

TEST(ZooTransformer, PerLayerListsFromOverridesAndYaml) {
  Graph g = load_model("transformer-encoder:layers=3,d=96,heads=12/6/4,ffn=[100,200,300]");
  auto scores = nodes_with(g, Role::AttentionScore);
  ASSERT_EQ(scores.size(), 3u);
  EXPECT_EQ(scores[0]->heads, 12);
  EXPECT_EQ(scores[1]->heads, 6);
  EXPECT_EQ(in_shape(g, scores[2], 0), (Shape{1, 4, 128, 24}));
  auto ffn1 = nodes_with(g, Role::Ffn1);
  EXPECT_EQ(out_shape(g, ffn1[2]).back(), 300);

  auto path = std::filesystem::temp_directory_path() / "tessera_zoo_transformer_test.yaml";
  {
    std::ofstream f(path);
    f << "preset: gpt2\nname: my-gpt\nparams:\n  layers: 2\n  heads: [12, 4]\n  ffn: [512, 1024]\n";
  }
  ModelHandle handle = resolve_model(path.string());
  Graph y = handle.build();
  EXPECT_EQ(y.name, "my-gpt");
  auto yaml_scores = nodes_with(y, Role::AttentionScore);
  ASSERT_EQ(yaml_scores.size(), 2u);
  EXPECT_EQ(yaml_scores[1]->heads, 4);
  EXPECT_EQ(out_shape(y, nodes_with(y, Role::Ffn1)[1]).back(), 1024);
  std::filesystem::remove(path);
}

TEST(ZooTransformer, Table9HeadsThatDoNotDivideD) {
  // 001 Table 9: d=672 with a 10-head layer; head_dim decouples the attention width from d.
  Graph g = load_model("survey-nas-table9");
  auto q = nodes_with(g, Role::QueryProjection);
  ASSERT_EQ(q.size(), 6u);
  EXPECT_EQ(out_shape(g, q[4]), (Shape{1, 128, 640}));  // 10 heads x 64
  auto out = nodes_with(g, Role::OutputProjection);
  EXPECT_EQ(out_shape(g, out[4]), (Shape{1, 128, 672}));
  EXPECT_EQ(out_shape(g, nodes_with(g, Role::Ffn1)[2]).back(), 2560);
}

TEST(ZooTransformer, BadParametersAreClearErrors) {
  EXPECT_NE(error_of("bert-base:heads=5").find("heads=5 does not divide d=768"), std::string::npos)
      << error_of("bert-base:heads=5");
  EXPECT_NE(error_of("transformer-encoder:layers=2,heads=12/5").find("in layer 1"),
            std::string::npos);
  EXPECT_NE(error_of("bert-base:sequence=5").find("unknown parameter 'sequence'"),
            std::string::npos);
  EXPECT_NE(error_of("bert-base:seq=0").find("must be positive"), std::string::npos);
  EXPECT_NE(error_of("bert-base:seq=-1").find("must be positive"), std::string::npos);
  EXPECT_NE(error_of("bert-base:seq=abc").find("not an integer"), std::string::npos);
  EXPECT_NE(error_of("bert-base:seq=1.5").find("not an integer"), std::string::npos);
  EXPECT_NE(error_of("bert-base:seq=99999999999999999999").find("not an integer"),
            std::string::npos);
  EXPECT_NE(error_of("bert-base:seq=1099511627776,d=1099511627776,heads=16").find("overflow"),
            std::string::npos)
      << error_of("bert-base:seq=1099511627776,d=1099511627776,heads=16");
  EXPECT_NE(error_of("bert-base:layers=1000000").find("absurdly large"), std::string::npos);
  EXPECT_NE(error_of("bert-base:heads=12/12").find("2 values for 12 layers"), std::string::npos);
  EXPECT_NE(error_of("bert-base:activation=swish").find("activation"), std::string::npos);
  EXPECT_NE(error_of("bert-base:pooler=maybe").find("boolean"), std::string::npos);
  EXPECT_NE(error_of("memnet:hops=0").find("must be positive"), std::string::npos);
  EXPECT_NE(error_of("gpt2:head_dim=0").find("must be positive"), std::string::npos);
  EXPECT_NE(error_of("bert-bse").find("did you mean 'bert-base'"), std::string::npos);
}

TEST(ZooTransformer, Gpt2DecodeStepReadsTheCache) {
  ModelHandle gpt2 = resolve_model("gpt2");
  ASSERT_TRUE(gpt2.is_decoder());
  Graph step = gpt2.build_decode_step(100);
  auto scores = nodes_with(step, Role::AttentionScore);
  ASSERT_EQ(scores.size(), 12u);
  EXPECT_EQ(in_shape(step, scores[0], 0), (Shape{1, 12, 1, 64}));
  EXPECT_EQ(in_shape(step, scores[0], 1), (Shape{1, 12, 100, 64}));
  EXPECT_EQ(step.tensor(scores[0]->inputs[1]).tensor_class, TensorClass::KvCache);
  auto context = nodes_with(step, Role::AttentionContext);
  EXPECT_EQ(step.tensor(context[0]->inputs[1]).tensor_class, TensorClass::KvCache);
  // Projections see one token; the new K and V are computed (appended to the cache).
  EXPECT_EQ(out_shape(step, nodes_with(step, Role::KeyProjection)[0]), (Shape{1, 1, 768}));
  auto head = nodes_with(step, Role::Classifier);
  ASSERT_EQ(head.size(), 1u);
  EXPECT_EQ(out_shape(step, head[0]), (Shape{1, 1, 50257}));
  EXPECT_EQ(step.parameter_count(), 124439808);  // tied LM head counted once
  EXPECT_THROW(gpt2.build_decode_step(0), Error);
  // The full-sequence graph is causal: a mask on every layer's scores.
  EXPECT_EQ(nodes_with(gpt2.build(), Role::AttentionScale).size(), 12u);
  EXPECT_FALSE(resolve_model("bert-base").is_decoder());
}

// Sums the per-step workloads of contexts first..last with an explicit loop (test only).
workload::Totals loop_over_steps(const ModelHandle& m, int64_t first, int64_t last) {
  workload::Totals t;
  for (int64_t c = first; c <= last; ++c) {
    workload::Workload w = workload::analyze_graph(m.build_decode_step(c), {});
    t.flops += w.totals.flops;
    t.macs += w.totals.macs;
    t.bytes += w.totals.bytes;
  }
  return t;
}

TEST(ZooTransformer, DecoderClosedFormEqualsExplicitLoop) {
  for (const std::string spec :
       {"transformer-decoder:d=64,heads=4,layers=2,vocab=100,ffn=96/128",
        "transformer-encdec:d=32,heads=2,enc_layers=1,dec_layers=2,vocab=50,src_seq=7"}) {
    ModelHandle m = resolve_model(spec);
    workload::AnalysisOptions options;
    options.mode = workload::Mode::Decoder;
    workload::Workload closed = workload::analyze_decoder(m, options, 1, 37);
    workload::Totals loop = loop_over_steps(m, 1, 37);
    EXPECT_EQ(closed.totals.flops, loop.flops) << spec;
    EXPECT_EQ(closed.totals.macs, loop.macs) << spec;
    EXPECT_EQ(closed.totals.bytes, loop.bytes) << spec;
    workload::Workload shifted = workload::analyze_decoder(m, options, 6, 20);
    EXPECT_EQ(shifted.totals.bytes, loop_over_steps(m, 6, 20).bytes) << spec;
  }
}

TEST(ZooTransformer, EncoderDecoderCrossAttention) {
  Graph g = load_model("transformer-base:src_seq=40,seq=30");
  auto scores = nodes_with(g, Role::AttentionScore);
  ASSERT_EQ(scores.size(), 18u);  // 6 encoder self, 6 decoder self, 6 cross
  EXPECT_EQ(out_shape(g, scores[0]), (Shape{1, 8, 40, 40}));  // encoder self-attention
  EXPECT_EQ(out_shape(g, scores[6]), (Shape{1, 8, 30, 30}));  // decoder self-attention
  EXPECT_EQ(out_shape(g, scores[7]), (Shape{1, 8, 30, 40}));  // cross-attention
  EXPECT_EQ(scores[7]->layer, 6);
  EXPECT_EQ(nodes_with(g, Role::Activation)[0]->kind, OpKind::Relu);
  Graph step = resolve_model("transformer-base:src_seq=40").build_decode_step(9);
  auto step_scores = nodes_with(step, Role::AttentionScore);
  ASSERT_EQ(step_scores.size(), 12u);
  EXPECT_EQ(in_shape(step, step_scores[0], 1), (Shape{1, 8, 9, 64}));
  EXPECT_EQ(in_shape(step, step_scores[1], 1), (Shape{1, 8, 40, 64}));
  // Cross-attention K/V are not projected per step.
  EXPECT_EQ(nodes_with(step, Role::KeyProjection).size(), 6u);
}

TEST(ZooTransformer, NlpFastConfigurations) {
  Graph base = load_model("nlpfast-bert");
  EXPECT_EQ(out_shape(base, nodes_with(base, Role::AttentionScore)[0]), (Shape{1, 16, 256, 256}));
  Graph h4 = load_model("nlpfast-bert-h4x");
  EXPECT_EQ(in_shape(h4, nodes_with(h4, Role::AttentionScore)[0], 0), (Shape{1, 64, 256, 64}));
  EXPECT_EQ(out_shape(load_model("nlpfast-bert-f4x"),
                      nodes_with(load_model("nlpfast-bert-f4x"), Role::Ffn1)[0])
                .back(),
            16384);
  Graph s4 = load_model("nlpfast-transformer-s4x");
  EXPECT_EQ(out_shape(s4, nodes_with(s4, Role::AttentionScore)[0]), (Shape{1, 16, 1024, 1024}));
}

TEST(ZooMemNet, HopsOverTheMemory) {
  Graph g = load_model("memnet");
  auto dots = nodes_with(g, Role::AttentionScore);
  ASSERT_EQ(dots.size(), 3u);
  EXPECT_EQ(out_shape(g, dots[0]), (Shape{1, 100000000}));
  EXPECT_EQ(g.tensor(dots[0]->inputs[1]).tensor_class, TensorClass::KvCache);
  // Adjacent weight tying: hop k+1 reads hop k's output memory as its input memory.
  auto sums = nodes_with(g, Role::AttentionContext);
  EXPECT_EQ(dots[1]->inputs[1], sums[0]->inputs[1]);
  workload::Workload w = workload::analyze_graph(g, {});
  int64_t score_flops = 0;
  for (const auto& op : w.ops)
    if (op.role == Role::AttentionScore) score_flops += op.flops;
  EXPECT_EQ(score_flops, 3LL * 2 * 100000000 * 64);
  Graph h4 = load_model("memnet-h4x:batch=8");
  EXPECT_EQ(in_shape(h4, nodes_with(h4, Role::AttentionScore)[0], 0), (Shape{8, 256}));
}

TEST(ZooTransformer, LayoutTransposesAndPoolerCarryNoExtraTraffic) {
  workload::Workload w = workload::analyze_graph(load_model("bert-base"), {});
  int transposes = 0;
  for (const auto& op : w.ops) {
    if (op.kind == OpKind::Transpose) {
      ++transposes;
      EXPECT_EQ(op.bytes(), 0) << op.name;
      EXPECT_TRUE(op.fused);
    }
    if (op.kind == OpKind::Slice) {
      EXPECT_EQ(op.bytes_read, 768) << "pooler reads one token";
    }
  }
  EXPECT_EQ(transposes, 12 * 4);  // Q, K, V split and the context merge
}

}  // namespace
}  // namespace tessera::model

namespace tessera::model {
namespace {

TEST(ZooTransformer, GroupsFollowTheSurveyRows) {
  workload::Workload w = workload::analyze_graph(load_model("bert-base"), {});
  std::vector<std::string> names;
  for (const auto& g : w.groups) names.push_back(g.name);
  EXPECT_EQ(names, (std::vector<std::string>{"mha_projections", "act_to_act", "ffn_projections",
                                             "other", "embedding", "classifier"}));
}

TEST(ZooTransformer, EncoderDecoderDecodingRunsTheEncoderOnce) {
  ModelHandle m = resolve_model(
      "transformer-encdec:d=32,heads=2,enc_layers=2,dec_layers=1,"
      "vocab=50,src_seq=9,seq=5");
  workload::AnalysisOptions options;
  options.mode = workload::Mode::Decoder;
  workload::Workload decoding = workload::analyze_model(m, options);
  workload::Workload steps = workload::analyze_decoder(m, options, 1, 5);
  workload::Workload prefill = workload::analyze_graph(m.family->build_prefill(m.params, 0), {});
  EXPECT_EQ(decoding.totals.flops, steps.totals.flops + prefill.totals.flops);
  EXPECT_EQ(decoding.totals.bytes, steps.totals.bytes + prefill.totals.bytes);
  EXPECT_EQ(decoding.totals.params, m.build().parameter_count());
  // The prefill is the encoder (2 layers of self-attention) plus cross K/V projections only.
  int scores = 0, keys = 0;
  for (const auto& op : prefill.ops) {
    scores += op.role == Role::AttentionScore;
    keys += op.role == Role::KeyProjection;
  }
  EXPECT_EQ(scores, 2);
  EXPECT_EQ(keys, 3);
  EXPECT_NE(decoding.decoder_note.find("encoder over 9 source tokens"), std::string::npos);
}

}  // namespace
}  // namespace tessera::model

namespace tessera::model {
namespace {

TEST(ZooTransformer, OnlyTransposesIntoMatmulsAreAbsorbed) {
  GraphBuilder b("t", Domain::Transformer);
  TensorId x = b.input("x", {2, 8, 4});
  TensorId into_matmul = b.transpose("to_matmul", x, {0, 2, 1});
  b.matmul("mm", Role::AttentionScore, into_matmul, x);
  TensorId into_add = b.transpose("to_add", x, {0, 2, 1});
  b.binary("add", OpKind::Add, Role::Elementwise, into_add, into_add);
  workload::Workload w = workload::analyze_graph(b.graph(), {});
  EXPECT_EQ(w.ops[0].bytes(), 0);
  EXPECT_TRUE(w.ops[0].fused);
  EXPECT_EQ(w.ops[2].bytes(), 2 * 64);  // a real copy: read and write 64 values
  EXPECT_FALSE(w.ops[2].fused);
}

}  // namespace
}  // namespace tessera::model
