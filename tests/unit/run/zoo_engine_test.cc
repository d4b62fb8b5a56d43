// The engine on the zoo's Transformer graphs (bert, transformer-encdec, gpt2): NLP-Opt blocks
// are found in them and give the baseline's output with skipping off.
#include <gtest/gtest.h>

#include <cmath>

#include "support/compare.h"
#include "tessera/core/error.h"
#include "tessera/model/zoo.h"
#include "tessera/run/decode.h"
#include "tessera/run/engine.h"

namespace tessera::run {
namespace {

using test::max_relative_difference;

void expect_blocks_and_equality(const std::string& spec, int attention_blocks, int ffn_blocks) {
  model::Graph g = resolve_graph(spec);
  RunOptions o;
  o.repeat = 1;
  o.threads = 2;
  RunResult base = run_graph(g, o);
  o.opt = parse_opt("mp", 0.0, 0.99);
  o.opt.key_chunk = 8;
  o.opt.ffn_chunk = 40;
  o.opt.row_block = 8;
  RunResult fast = run_graph(g, o);
  int attention = 0, ffn = 0;
  for (const OpTiming& op : fast.ops) {
    attention += op.role == "attention_block";
    ffn += op.role == "ffn_block";
  }
  EXPECT_EQ(attention, attention_blocks) << spec;
  EXPECT_EQ(ffn, ffn_blocks) << spec;
  EXPECT_LT(max_relative_difference(fast.output, base.output), 1e-4) << spec;
}

TEST(RunZoo, BertBlocksMatchAndAgree) {
  expect_blocks_and_equality("bert-base:seq=20,layers=2,d=32,heads=4,ffn=64,vocab=50", 2, 2);
}
TEST(RunZoo, EncoderDecoderBlocksMatchAndAgree) {
  // 6 encoder self-attention, 6 causally masked decoder self-attention (mask fused by
  // position; key chunks of 8 over 12 keys leave some chunks fully masked for early queries)
  // and 6 cross-attention blocks.
  expect_blocks_and_equality("transformer-base:seq=12,d=32,heads=4,ffn=48,vocab=50", 18, 12);
}
TEST(RunZoo, Gpt2FullSequenceBlocksMatchAndAgree) {
  expect_blocks_and_equality("gpt2:seq=16,layers=2,d=32,heads=4,ffn=64,vocab=60,positions=32", 2,
                             2);
}

// Fused steps keep their buffers between runs (run/fused.h AttentionWorkspace) and do not clear
// them: a plan run on other inputs first must give what a fresh plan gives.
TEST(RunZoo, ReusedWorkspacesCarryNothingOver) {
  model::Graph g = resolve_graph("gpt2:seq=16,layers=2,d=32,heads=4,ffn=64,vocab=60,positions=32");
  auto backend = make_cpu_backend();
  PrepareOptions prepare;
  prepare.threads = 2;
  prepare.opt = parse_opt("all", 0.0, 0.5);
  prepare.opt.key_chunk = 4;
  prepare.weights = std::make_shared<WeightStore>(1);
  auto set_ids = [&](Plan& plan, int offset) {
    for (model::TensorId in : g.inputs)
      if (g.tensor(in).name == "input_ids")
        for (int64_t i = 0; i < g.tensor(in).elements(); ++i)
          plan.data(in)[i] = static_cast<float>((i * 7 + offset) % 60);
  };
  auto used = backend->prepare(g, prepare);
  set_ids(*used, 0);
  backend->execute(*used);
  set_ids(*used, 13);
  backend->execute(*used);
  auto fresh = backend->prepare(g, prepare);
  set_ids(*fresh, 13);
  backend->execute(*fresh);
  model::TensorId out = g.outputs.back();
  std::vector<float> a(used->data(out), used->data(out) + g.tensor(out).elements());
  std::vector<float> b(fresh->data(out), fresh->data(out) + g.tensor(out).elements());
  EXPECT_EQ(a, b);
}

// Causal blocks skip the masked scores: with key chunks of 4 over 16 keys, chunk c (keys
// 4c..4c+3) is computed for queries 4c..15 only, and exponentials only for the lower triangle.
// With zero skipping too, every executed count stays within its total.
TEST(RunZoo, CausalBlocksSkipMaskedWork) {
  model::Graph g = resolve_graph("gpt2:seq=16,layers=2,d=32,heads=4,ffn=64,vocab=60,positions=32");
  RunOptions o;
  o.repeat = 1;
  o.opt = parse_opt("c", 0.0, 0.99);
  o.opt.key_chunk = 4;
  OptStats s = run_graph(g, o).stats;
  ASSERT_GT(s.wsum_macs_total, 0);
  // (16 + 12 + 8 + 4) of 4 x 16 query rows.
  EXPECT_EQ(s.wsum_macs_done * 64, s.wsum_macs_total * 40);
  EXPECT_EQ(s.exp_needed * 2, s.exp_total + s.exp_total / 16);  // lower triangle: 136 of 256
  o.opt = parse_opt("all", 0.0, 0.5);
  o.opt.key_chunk = 4;
  s = run_graph(g, o).stats;
  EXPECT_LE(s.wsum_macs_done, s.wsum_macs_total);
  EXPECT_LE(s.wsum_macs_needed, s.wsum_macs_total);
  EXPECT_LE(s.exp_needed, s.exp_total);
  EXPECT_LE(s.vgen_rows_done, s.vgen_rows_total);
}

// The baseline applies the causal mask inside the softmax: no step adds the mask tensor.
TEST(RunZoo, CausalMaskHasNoSeparatePass) {
  model::Graph g = resolve_graph("gpt2:seq=16,layers=2,d=32,heads=4,ffn=64,vocab=60,positions=32");
  RunOptions o;
  o.repeat = 1;
  RunResult base = run_graph(g, o);
  int softmax = 0;
  for (const OpTiming& op : base.ops) {
    EXPECT_EQ(op.name.find(".mask"), std::string::npos) << op.name;
    softmax += op.role == "softmax";
  }
  EXPECT_EQ(softmax, 2);
}

// Token-by-token decoding with the KV cache gives the same logits for the last token as one
// causally masked pass over the whole sequence.
TEST(RunZoo, KvCacheDecodingEqualsTheFullSequencePass) {
  const std::string spec = "gpt2:layers=2,d=32,heads=4,ffn=64,vocab=60,positions=32";
  for (std::string opt : {"none", "mp"}) {
    DecodeOptions o;
    o.prompt = 3;
    o.generate = 4;
    o.run.threads = 2;
    o.run.opt = parse_opt(opt, 0.0, 0.99);
    o.run.opt.key_chunk = 2;
    DecodeResult d = decode(spec, o);
    ASSERT_EQ(d.tokens.size(), 7u);
    model::Graph full = model::resolve_model(spec + ",seq=7").build();
    auto backend = make_cpu_backend();
    PrepareOptions prepare;
    prepare.threads = 2;
    prepare.weights = std::make_shared<WeightStore>(o.run.seed);
    auto plan = backend->prepare(full, prepare);
    for (model::TensorId in : full.inputs) {
      const std::string& name = full.tensor(in).name;
      for (int64_t i = 0; i < 7; ++i) {
        if (name == "input_ids")
          plan->data(in)[i] = static_cast<float>(d.tokens[static_cast<size_t>(i)]);
        if (name == "position_ids") plan->data(in)[i] = static_cast<float>(i);
      }
    }
    backend->execute(*plan);
    model::TensorId logits = full.outputs.back();
    int64_t vocab = full.tensor(logits).shape.back();
    std::vector<float> last(plan->data(logits) + 6 * vocab, plan->data(logits) + 7 * vocab);
    EXPECT_LT(max_relative_difference(d.last_logits, last), 1e-4) << opt;
    EXPECT_GT(d.cache_bytes, 0);
  }
}

TEST(RunZoo, DecodingAnEncoderIsAClearError) {
  DecodeOptions o;
  EXPECT_THROW(decode("bert-base:layers=1,d=32,heads=4", o), Error);
}

}  // namespace
}  // namespace tessera::run
