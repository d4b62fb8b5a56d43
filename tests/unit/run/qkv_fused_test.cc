// The `qkv` switch (run/kernels/attention.cc): a self-attention block's Q, K and V from one GEMM
// over the concatenated weights. With and without the NLP-Opt switches it must give the
// baseline's output (1e-4 relative), the same output on 1 and 2 threads, and leave
// cross-attention (K and V from another input) to the separate projections.
#include <gtest/gtest.h>

#include <cmath>

#include "support/compare.h"
#include "tessera/core/error.h"
#include "tessera/run/engine.h"

namespace tessera::run {
namespace {

using test::max_relative_difference;

RunOptions opts(const std::string& opt, int threads) {
  RunOptions o;
  o.threads = threads;
  o.repeat = 1;
  o.measure_deviation = false;
  o.opt = parse_opt(opt, 0.0, 0.99);
  o.opt.key_chunk = 16;
  o.opt.ffn_chunk = 32;
  o.opt.row_block = 24;
  return o;
}

void expect_qkv_equals_baseline(const std::string& spec) {
  model::Graph g = resolve_graph(spec);
  RunResult base = run_graph(g, opts("none", 2));
  for (std::string opt : {"qkv", "c,qkv", "p,qkv", "mp,qkv"}) {
    RunResult one = run_graph(g, opts(opt, 1));
    RunResult two = run_graph(g, opts(opt, 2));
    EXPECT_LT(max_relative_difference(two.output, base.output), 1e-4) << spec << " " << opt;
    EXPECT_EQ(one.output, two.output) << spec << " " << opt;
  }
}

TEST(RunQkvFused, BertEqualsBaseline) {
  expect_qkv_equals_baseline("nlp-fast-bert:layers=2,seq=40,d=32,heads=4,ffn=72,batch=2,vocab=50");
}

// Encoder self-attention, causal decoder self-attention and cross-attention (which keeps
// separate projections: its K and V come from the encoder output).
TEST(RunQkvFused, EncoderDecoderEqualsBaseline) {
  expect_qkv_equals_baseline("transformer-base:seq=12,d=32,heads=4,ffn=48,vocab=50");
}

TEST(RunQkvFused, ParsesAndDescribes) {
  OptOptions o = parse_opt("mp,qkv", 0.0, 0.99);
  EXPECT_TRUE(o.qkv_fused && o.partial_head && o.column_based && o.ffn_split);
  EXPECT_EQ(o.describe(), "mp(P,C,F,QKV)/dynamic");
  EXPECT_FALSE(parse_opt("all", 0.0, 0.99).qkv_fused);  // not one of 002's switches
  EXPECT_THROW(parse_opt("qvk", 0.0, 0.99), Error);
}

}  // namespace
}  // namespace tessera::run
