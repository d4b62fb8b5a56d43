// Golden tests: NLP-Fast's model configurations (002 Table IV and the S/H/F-4x variants of
// Sec. VI-A) against the time complexities of NLP-Perf's Table II, and the "model diversity"
// observation of Sec. III-A (the attention mechanism dominates MemNet, not Transformer/BERT).
// Table II gives orders of growth, so the test checks the exact FLOP ratios they imply when one
// size is multiplied by four; with the head size kept (H-4x multiplies h too) every ratio is a
// power of four.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "tessera/workload/analysis.h"

namespace tessera::workload {
namespace {

using model::Role;

// FLOPs per role of one model (layer ops only).
std::map<Role, double> flops_by_role(const std::string& spec) {
  std::map<Role, double> out;
  Workload w = analyze_model(model::resolve_model(spec), {});
  for (const Op& op : w.ops)
    if (op.layer >= 0) out[op.role] += static_cast<double>(op.flops);
  return out;
}

struct Growth {
  Role role;
  const char* table_ii;  // the complexity NLP-Perf's Table II gives
  double s4x, h4x, f4x;  // the FLOP ratio each 4x variant implies
};

TEST(NlpFastTable2, BertVariantsScaleAsTheComplexities) {
  const std::vector<Growth> growth = {
      {Role::QueryProjection, "Q-Gen O(s dH^2)", 4, 16, 1},
      {Role::KeyProjection, "K/V-Gen O(s dH^2)", 4, 16, 1},
      {Role::AttentionScore, "dot product O(s^2 dH)", 16, 4, 1},
      {Role::Softmax, "softmax O(s^2 h)", 16, 4, 1},
      {Role::AttentionContext, "weighted sum O(s^2 dH)", 16, 4, 1},
      {Role::OutputProjection, "attention FC O(s dH^2)", 4, 16, 1},
      {Role::Ffn1, "linear trans-1 O(s dH dFF)", 4, 4, 4},
      {Role::Activation, "activation O(s dFF)", 4, 1, 4},
      {Role::Ffn2, "linear trans-2 O(s dH dFF)", 4, 4, 4},
  };
  auto base = flops_by_role("nlpfast-bert");
  auto s4x = flops_by_role("nlpfast-bert-s4x");
  auto h4x = flops_by_role("nlpfast-bert-h4x");
  auto f4x = flops_by_role("nlpfast-bert-f4x");
  for (const Growth& g : growth) {
    ASSERT_GT(base[g.role], 0) << g.table_ii;
    EXPECT_DOUBLE_EQ(s4x[g.role] / base[g.role], g.s4x) << g.table_ii << " S-4x";
    EXPECT_DOUBLE_EQ(h4x[g.role] / base[g.role], g.h4x) << g.table_ii << " H-4x";
    EXPECT_DOUBLE_EQ(f4x[g.role] / base[g.role], g.f4x) << g.table_ii << " F-4x";
  }
}

TEST(NlpFastTable2, TransformerVariantsScaleAsTheComplexities) {
  // Encoder-decoder: S-4x lengthens source and target, so attention grows 16x everywhere.
  auto base = flops_by_role("nlpfast-transformer");
  auto s4x = flops_by_role("nlpfast-transformer-s4x");
  auto h4x = flops_by_role("nlpfast-transformer-h4x");
  EXPECT_DOUBLE_EQ(s4x[Role::AttentionScore] / base[Role::AttentionScore], 16);
  EXPECT_DOUBLE_EQ(s4x[Role::QueryProjection] / base[Role::QueryProjection], 4);
  EXPECT_DOUBLE_EQ(h4x[Role::QueryProjection] / base[Role::QueryProjection], 16);
  EXPECT_DOUBLE_EQ(h4x[Role::Softmax] / base[Role::Softmax], 4);
}

TEST(NlpFastTable2, MemNetVariants) {
  // MemNet's attention: dot product and weighted sum O(n_s d), softmax O(n_s).
  auto base = flops_by_role("memnet");
  auto s4x = flops_by_role("memnet-s4x");
  auto h4x = flops_by_role("memnet-h4x");
  EXPECT_DOUBLE_EQ(s4x[Role::AttentionScore] / base[Role::AttentionScore], 4);
  EXPECT_DOUBLE_EQ(s4x[Role::Softmax] / base[Role::Softmax], 4);
  EXPECT_DOUBLE_EQ(h4x[Role::AttentionContext] / base[Role::AttentionContext], 4);
  EXPECT_DOUBLE_EQ(h4x[Role::Softmax] / base[Role::Softmax], 1);
}

// Sec. III-A, "Model diversity": the attention mechanism (dot product, softmax, weighted sum)
// takes 85.3% of MemNet's time but 11.8% of the Transformer's and 8.5% of BERT's. In FLOPs the
// split is sharper still: nearly all of MemNet, a few percent of the others.
TEST(NlpFastFig4, AttentionDominatesOnlyMemNet) {
  auto attention_share = [](const std::string& spec) {
    Workload w = analyze_model(model::resolve_model(spec), {});
    double attention = 0;
    for (const Op& op : w.ops)
      if (op.role == Role::AttentionScore || op.role == Role::Softmax ||
          op.role == Role::AttentionContext)
        attention += static_cast<double>(op.flops);
    return attention / static_cast<double>(w.totals.flops);
  };
  EXPECT_GT(attention_share("memnet"), 0.853);
  EXPECT_LT(attention_share("nlpfast-transformer"), 0.118);
  EXPECT_LT(attention_share("nlpfast-bert"), 0.085);
  // S-4x raises it: the quadratic terms (Fig. 4's config diversity).
  EXPECT_GT(attention_share("nlpfast-bert-s4x"), 2 * attention_share("nlpfast-bert"));
}

}  // namespace
}  // namespace tessera::workload
