// The engine on the zoo's Transformer graphs (bert, transformer-encdec, gpt2): NLP-Opt blocks
// are found in them and give the baseline's output with skipping off.
#include <gtest/gtest.h>

#include <cmath>

#include "tessera/run/engine.h"

namespace tessera::run {
namespace {

double max_relative_difference(const std::vector<float>& a, const std::vector<float>& b) {
  double max_ref = 0, max_diff = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    max_ref = std::max(max_ref, std::fabs(static_cast<double>(b[i])));
    max_diff = std::max(max_diff, std::fabs(static_cast<double>(a[i]) - b[i]));
  }
  return max_diff / max_ref;
}

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
  expect_blocks_and_equality("transformer-base:seq=12,d=32,heads=4,ffn=48,vocab=50", 18, 12);
}
TEST(RunZoo, Gpt2FullSequenceBlocksMatchAndAgree) {
  expect_blocks_and_equality("gpt2:seq=16,layers=2,d=32,heads=4,ffn=64,vocab=60,positions=32", 2,
                             2);
}

}  // namespace
}  // namespace tessera::run
