// The engine end to end: NLP-Opt equals the baseline with skipping off (1e-4 relative) on all
// three NLP-Fast models (the zoo's, at small sizes), outputs do not depend on the thread count or
// the schedule, skipping reports what it skipped, and bad input gets clear errors.
#include "tessera/run/engine.h"

#include <gtest/gtest.h>

#include <cmath>

#include "support/compare.h"
#include "tessera/core/error.h"
#include "tessera/run/profiler.h"

namespace tessera::run {
namespace {

using test::max_relative_difference;

// Small sizes through the nlp-fast-* aliases, so the tests also cover their expansion.
const std::string kSmall = "seq=40,d=32,heads=4,ffn=72,batch=2,vocab=50";
model::Graph small_bert() { return resolve_graph("nlp-fast-bert:layers=2," + kSmall); }

RunOptions opts(const std::string& opt, int threads) {
  RunOptions o;
  o.threads = threads;
  o.repeat = 1;
  o.opt = parse_opt(opt, 0.0, 0.99);
  o.opt.key_chunk = 16;  // several chunks, one ragged
  o.opt.ffn_chunk = 32;
  o.opt.row_block = 24;
  return o;
}

void expect_opt_equals_baseline(const model::Graph& g) {
  RunResult base = run_graph(g, opts("none", 2));
  for (std::string opt : {"p", "c", "f", "p,c", "mp"}) {
    RunResult fast = run_graph(g, opts(opt, 2));
    EXPECT_LT(max_relative_difference(fast.output, base.output), 1e-4) << g.name << " " << opt;
  }
}

TEST(RunEngine, OptimisedBertEqualsBaseline) { expect_opt_equals_baseline(small_bert()); }
TEST(RunEngine, OptimisedTransformerEqualsBaseline) {
  expect_opt_equals_baseline(
      resolve_graph("nlp-fast-transformer:enc_layers=2,dec_layers=2,src_seq=40," + kSmall));
}
TEST(RunEngine, OptimisedMemnetEqualsBaseline) {
  expect_opt_equals_baseline(resolve_graph("nlp-fast-memnet:memory=100,batch=3,vocab=50"));
}

TEST(RunEngine, AliasesExpandToZooPresets) {
  EXPECT_EQ(expand_model_alias("nlp-fast-bert"), "nlpfast-bert:layers=12");
  EXPECT_EQ(expand_model_alias("nlp-fast-bert:layers=1"), "nlpfast-bert:layers=12,layers=1");
  EXPECT_EQ(expand_model_alias("nlp-fast-transformer:seq=8"), "nlpfast-transformer:seq=8");
  EXPECT_EQ(expand_model_alias("nlp-fast-memnet"), "memnet:memory=4096");
  EXPECT_EQ(expand_model_alias("bert-base:seq=8"), "bert-base:seq=8");
  model::Graph g = resolve_graph("nlp-fast-bert:layers=1," + kSmall);
  EXPECT_EQ(g.name, "nlp-fast-bert:layers=1," + kSmall);
}

// Table IV's scalings become zoo overrides; an explicit override is the base that is scaled.
TEST(RunEngine, ProfileConfigurationsAreZooOverrides) {
  EXPECT_EQ(apply_config("nlp-fast-bert", "base"), "nlp-fast-bert");
  EXPECT_EQ(apply_config("nlp-fast-bert", "S-4x"), "nlp-fast-bert:seq=1024");
  EXPECT_EQ(apply_config("nlp-fast-bert:seq=64", "S-4x"), "nlp-fast-bert:seq=64,seq=256");
  EXPECT_EQ(apply_config("nlp-fast-bert", "H-4x"), "nlp-fast-bert:d=4096,heads=64,ffn=4096");
  EXPECT_EQ(apply_config("nlp-fast-bert", "F-4x"), "nlp-fast-bert:ffn=16384");
  EXPECT_EQ(apply_config("nlp-fast-transformer", "S-4x"),
            "nlp-fast-transformer:seq=1024,src_seq=1024");
  EXPECT_EQ(apply_config("nlp-fast-memnet", "S-4x"), "nlp-fast-memnet:memory=16384");
  EXPECT_EQ(apply_config("memnet", "H-4x"), "memnet:d=256");
  EXPECT_EQ(apply_config("memnet", "seq=8"), "memnet:seq=8");
  EXPECT_THROW(apply_config("memnet", "F-4x"), Error);
  EXPECT_THROW(apply_config("nlp-fast-bert", "Z-9x"), Error);
}

TEST(RunEngine, FusedBlocksReplaceTheirNodes) {
  model::Graph g = small_bert();
  RunResult fast = run_graph(g, opts("mp", 1));
  int attention = 0, ffn = 0;
  for (const OpTiming& op : fast.ops) {
    attention += op.role == "attention_block";
    ffn += op.role == "ffn_block";
  }
  EXPECT_EQ(attention, 2);
  EXPECT_EQ(ffn, 2);
}

TEST(RunEngine, SameSeedSameOutputWhateverTheThreadsAndSchedule) {
  model::Graph g = small_bert();
  for (std::string opt : {"none", "mp", "all"}) {
    RunResult one = run_graph(g, opts(opt, 1));
    RunResult two = run_graph(g, opts(opt, 2));
    EXPECT_EQ(one.output, two.output) << opt;
  }
  RunOptions o = opts("all", 2);
  RunResult dynamic = run_graph(g, o);
  for (Schedule s : {Schedule::HeadFirst, Schedule::ChunkFirst, Schedule::Random}) {
    o.opt.schedule = s;
    EXPECT_EQ(run_graph(g, o).output, dynamic.output) << schedule_name(s);
  }
}

TEST(RunEngine, ZeroSkippingCountsWhatItSkipsAndBoundsTheDeviation) {
  model::Graph g = small_bert();
  RunResult r = run_graph(g, opts("all", 2));
  EXPECT_GT(r.stats.exp_total, 0);
  EXPECT_LT(r.stats.exp_needed, r.stats.exp_total);  // threshold 0 drops negative scores
  EXPECT_GT(r.stats.exp_needed, r.stats.exp_total / 10);
  EXPECT_LE(r.stats.wsum_macs_done, r.stats.wsum_macs_total);
  EXPECT_GE(r.output_deviation, 0.0);
  EXPECT_GT(r.output_deviation, 0.0);  // skipping changes the output...
  EXPECT_LT(r.output_deviation, 1.0);  // ...but not beyond recognition
  // A zero-ratio threshold of 0 skips every key whose column has any skipped score.
  RunOptions aggressive = opts("all", 2);
  aggressive.opt.zero_ratio_threshold = 0.0;
  RunResult a = run_graph(g, aggressive);
  EXPECT_LT(a.stats.vgen_rows_done, a.stats.vgen_rows_total);
}

TEST(RunEngine, DifferentSeedsGiveDifferentOutputs) {
  model::Graph g = small_bert();
  RunOptions a = opts("none", 1), b = a;
  b.seed = 2;
  EXPECT_NE(run_graph(g, a).output, run_graph(g, b).output);
}

TEST(RunEngine, BadInputIsAClearError) {
  EXPECT_THROW(resolve_graph("nlp-fast-bert:heads=5"), Error);
  EXPECT_THROW(resolve_graph("nlp-fast-bert:depth=2"), Error);
  EXPECT_THROW(parse_opt("all", 1.5, 0.9), Error);
  EXPECT_THROW(parse_opt("all", 0.0, -0.1), Error);
  EXPECT_THROW(parse_opt("warp", 0.0, 0.9), Error);
  try {
    RunOptions o;
    model::Graph g = resolve_graph("nlp-fast-bert:seq=65536,layers=1");
    run_graph(g, o);
    FAIL() << "expected a memory error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("GiB"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace tessera::run
