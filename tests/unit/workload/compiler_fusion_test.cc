// `--fusion fused` (compiler_fusion.h): which intermediates stay on chip, on the zoo's BERT and
// ResNet graphs and on hand-built chains. FLOPs never change (except folded BatchNorms); only
// the producer's write and the consumer's read of a fused intermediate go.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "tessera/model/graph_builder.h"
#include "tessera/model/zoo.h"
#include "tessera/workload/analysis.h"

namespace tessera::workload {
namespace {

using model::Domain;
using model::GraphBuilder;
using model::OpKind;
using model::Role;

Workload analyze(const std::string& spec, Fusion fusion) {
  AnalysisOptions o;
  o.fusion = fusion;
  return analyze_graph(model::load_model(spec), o);
}

std::map<std::string, const Op*> by_name(const Workload& w) {
  std::map<std::string, const Op*> out;
  for (const Op& op : w.ops) out[op.name] = &op;
  return out;
}

TEST(CompilerFusion, BertLayerKeepsAttentionAndEpiloguesOnChip) {
  const int64_t l = 128, d = 768, f = 3072, heads = 12;
  Workload unfused = analyze("bert-base:layers=1,seq=128", Fusion::None);
  Workload fused = analyze("bert-base:layers=1,seq=128", Fusion::Compiler);
  EXPECT_EQ(fused.totals.flops, unfused.totals.flops);
  auto ops = by_name(fused);
  // Fused attention: scores and probabilities never reach memory.
  EXPECT_EQ(ops.at("layer0.attn.qk")->bytes_written, 0);
  EXPECT_EQ(ops.at("layer0.attn.softmax")->bytes(), 0);
  EXPECT_GT(ops.at("layer0.attn.softmax")->flops, 0);
  EXPECT_EQ(ops.at("layer0.attn.sv")->bytes_read, l * d);  // V only
  EXPECT_EQ(ops.at("layer0.attn.qk")->bytes_read, 2 * l * d);
  // GELU is the epilogue of FFN1: FFN1 writes nothing, GELU reads nothing, writes l x f.
  EXPECT_EQ(ops.at("layer0.ffn.fc1")->bytes_written, 0);
  EXPECT_EQ(ops.at("layer0.ffn.act")->bytes_read, 0);
  EXPECT_EQ(ops.at("layer0.ffn.act")->bytes_written, l * f);
  // Residual add + LayerNorm in one pass: the add writes nothing, the LN reads only gamma/beta.
  EXPECT_EQ(ops.at("layer0.attn.residual")->bytes_written, 0);
  EXPECT_EQ(ops.at("layer0.attn.ln")->bytes_read, 2 * d);
  // Q, K, V and W_out + residual are not fused (matmul + LayerNorm is the mapper's study).
  EXPECT_EQ(ops.at("layer0.attn.q")->bytes_written, l * d);
  EXPECT_EQ(ops.at("layer0.attn.out")->bytes_written, l * d);
  // What disappeared is exactly: 2 x scores (QK write, softmax read) + 2 x probabilities
  // (softmax write, SV read), 2 x FFN1 outputs, and 2 x (add output) per residual + LN pair
  // (3 pairs counting the embedding LN), and the pooler's dense output (tanh epilogue).
  const int64_t scores = heads * l * l;
  const int64_t removed = 4 * scores + 2 * l * f + 3 * 2 * l * d + 2 * d;
  EXPECT_EQ(unfused.totals.bytes - fused.totals.bytes, removed);
}

TEST(CompilerFusion, ResNetBlocksFuseBatchNormResidualAndRelu) {
  Workload bn_relu = analyze("resnet50", Fusion::BnReluFolded);
  Workload fused = analyze("resnet50", Fusion::Compiler);
  EXPECT_EQ(fused.totals.flops, bn_relu.totals.flops);
  // Beyond bn-relu the residual add joins the last conv's epilogue: its conv output is not
  // written and read back, so fused moves strictly fewer bytes.
  EXPECT_LT(fused.totals.bytes, bn_relu.totals.bytes);
  for (const Op& op : fused.ops) {
    if (op.kind == OpKind::BatchNorm) {  // folded: reads nothing (a shortcut BN still writes)
      EXPECT_EQ(op.flops, 0) << op.name;
      EXPECT_EQ(op.bytes_read, 0) << op.name;
    }
    if (op.kind == OpKind::Add && op.role == Role::Residual) {
      EXPECT_EQ(op.bytes_written, 0) << op.name;  // ReLU writes the block output
    }
  }
}

TEST(CompilerFusion, ASharedIntermediateStaysInMemory) {
  // y = relu(x W) is consumed twice: it must be written, so the chain stops at the ReLU.
  GraphBuilder b("shared", Domain::Transformer);
  auto x = b.input("x", {1, 16, 32});
  auto h = b.linear("w1", Role::Ffn1, x, 64, false);
  auto y = b.unary("relu", OpKind::Relu, Role::Activation, h);
  auto a = b.linear("w2", Role::Ffn2, y, 32, false);
  auto c = b.linear("w3", Role::Ffn2, y, 32, false);
  b.mark_output(b.binary("sum", OpKind::Add, Role::Residual, a, c));
  AnalysisOptions o;
  o.fusion = Fusion::Compiler;
  Workload w = analyze_graph(b.graph(), o);
  auto ops = by_name(w);
  EXPECT_EQ(ops.at("w1")->bytes_written, 0);          // epilogue: single consumer
  EXPECT_EQ(ops.at("relu")->bytes_written, 16 * 64);  // two consumers: written
  EXPECT_EQ(ops.at("w2")->bytes_read, 16 * 64 + 64 * 32);
  EXPECT_EQ(ops.at("sum")->bytes_written, 16 * 32);  // a graph output is always written
}

TEST(CompilerFusion, DecoderClosedFormStillHolds) {
  // The closed form sums per-step counts from two probe graphs; fusion removes the same
  // tensors in every step, so the sum stays exact.
  AnalysisOptions o;
  o.fusion = Fusion::Compiler;
  o.mode = Mode::Decoder;
  o.generate = 64;
  Workload w = analyze_model(model::resolve_model("gpt2"), o);
  AnalysisOptions none = o;
  none.fusion = Fusion::None;
  Workload u = analyze_model(model::resolve_model("gpt2"), none);
  EXPECT_EQ(w.totals.flops, u.totals.flops);
  EXPECT_LT(w.totals.bytes, u.totals.bytes);
  EXPECT_EQ(parse_fusion("fused"), Fusion::Compiler);
  EXPECT_EQ(fusion_name(Fusion::Compiler), "fused");
}

}  // namespace
}  // namespace tessera::workload
