// Query-row blocking of the column-based attention (run/kernels/attention.cc): each (head, key
// chunk) item works in tiles of query rows sized for the L2 cache. The tiles must give the
// baseline's output (1e-4 relative) at long sequences, for causal masks and for MemNet's
// transposed keys, the same output on 1 and 2 threads, and a causal block must compute only
// the tiles its queries see.
#include <gtest/gtest.h>

#include <cmath>

#include "support/compare.h"
#include "tessera/run/engine.h"

namespace tessera::run {
namespace {

using test::max_relative_difference;

RunOptions opts(const std::string& opt, int threads, int64_t key_chunk, int64_t query_block) {
  RunOptions o;
  o.threads = threads;
  o.repeat = 1;
  o.measure_deviation = false;
  o.opt = parse_opt(opt, 0.0, 0.99);
  o.opt.key_chunk = key_chunk;
  o.opt.query_block = query_block;
  return o;
}

// Every query-block size (0 = sized for the L2 cache; 100 leaves a ragged last tile) and thread
// count gives the baseline's output, and 1 and 2 threads agree bit for bit.
void expect_tiles_equal_baseline(const std::string& spec, int64_t key_chunk) {
  model::Graph g = resolve_graph(spec);
  RunResult base = run_graph(g, opts("none", 2, key_chunk, 0));
  for (int64_t query_block : {0, 64, 100}) {
    for (std::string opt : {"c", "p,c", "mp"}) {
      RunResult one = run_graph(g, opts(opt, 1, key_chunk, query_block));
      RunResult two = run_graph(g, opts(opt, 2, key_chunk, query_block));
      EXPECT_LT(max_relative_difference(two.output, base.output), 1e-4)
          << spec << " " << opt << " query block " << query_block;
      EXPECT_EQ(one.output, two.output) << spec << " " << opt << " query block " << query_block;
    }
  }
}

// s = 1100: with d_k = 16 the L2-sized tile holds a few hundred rows, so even the default
// blocks several tiles per item (and 1100 is no multiple of any tile or chunk).
TEST(RunQueryBlocks, LongSequenceEqualsBaseline) {
  expect_tiles_equal_baseline("nlp-fast-bert:layers=1,seq=1100,d=32,heads=2,ffn=64,vocab=50", 256);
}

TEST(RunQueryBlocks, CausalDecoderEqualsBaseline) {
  expect_tiles_equal_baseline("gpt2:seq=700,layers=1,d=32,heads=2,ffn=64,vocab=60,positions=1024",
                              128);
}

// MemNet's bare attention core reads K transposed ([d, n_s]); 300 questions over 700 slots.
TEST(RunQueryBlocks, TransposedKeysEqualBaseline) {
  expect_tiles_equal_baseline("nlp-fast-memnet:memory=700,batch=300,vocab=50", 128);
}

// Causal tiles: s = 256 in key chunks of 64 and query tiles of 16. Chunk c is computed from row
// 64c on; its four diagonal tiles compute 16, 32, 48 and 64 columns, the 192 - 64c rows below
// all 64: 4 x 2560 + 64 x (192 + 128 + 64) = 34816 of the 65536 scores (53.1 %). One tile per
// chunk (query block = s) computes the whole diagonal 64 x 64 square: 40960 (62.5 %).
// Exponentials needed are the lower triangle either way (32896).
TEST(RunQueryBlocks, CausalTilesSkipWhatNoQuerySees) {
  model::Graph g =
      resolve_graph("gpt2:seq=256,layers=1,d=32,heads=2,ffn=64,vocab=60,positions=256");
  OptStats tiled = run_graph(g, opts("c", 2, 64, 16)).stats;
  ASSERT_GT(tiled.wsum_macs_total, 0);
  EXPECT_EQ(tiled.wsum_macs_done * 65536, tiled.wsum_macs_total * 34816);
  EXPECT_EQ(tiled.exp_needed * 65536, tiled.exp_total * 32896);
  OptStats whole = run_graph(g, opts("c", 2, 64, 256)).stats;
  EXPECT_EQ(whole.wsum_macs_done * 65536, whole.wsum_macs_total * 40960);
  EXPECT_EQ(whole.exp_needed, tiled.exp_needed);
}

}  // namespace
}  // namespace tessera::run
