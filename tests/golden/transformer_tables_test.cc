// Golden tests: the survey's Transformer workload tables (001 Sec. 2.2.1, Table 3; App. A.3,
// Tables 10 and 11) and the trends of Figs. 4-6, computed by tessera's zoo + workload analysis.
//
// Scope: the tables cover the N Transformer layers only (Table 3 at l=128 totals 22.42 GFLOPs =
// projections + act-to-act + other), so the comparison sums the ops that carry a layer index;
// the embedding block, pooler, final LayerNorm and LM head that tessera's graphs also contain
// are left out. 8-bit values, each op reads its inputs and writes its outputs once.
//
// Tolerances: 1% of the table value, or half a unit of the table's last printed digit when that
// is larger (table rounding). Where tessera and the survey count differently, the test says how,
// checks the survey's number under the difference, and pins tessera's own count.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>

#include "tessera/workload/analysis.h"

namespace tessera::workload {
namespace {

struct Row {
  double gflops = 0, gmops = 0;
  double intensity() const { return gflops / gmops; }
};
using Rows = std::map<std::string, Row>;  // group -> totals of layer ops; "total" for the sum

Rows layer_rows(const Workload& w) {
  Rows rows;
  for (const Op& op : w.ops) {
    if (op.layer < 0) continue;
    for (const std::string& key : {op.group, std::string("total")}) {
      rows[key].gflops += static_cast<double>(op.flops) / 1e9;
      rows[key].gmops += static_cast<double>(op.bytes()) / 1e9;
    }
  }
  return rows;
}

Rows encoder_rows(const std::string& spec) {
  return layer_rows(analyze_model(model::resolve_model(spec), {}));
}

Rows decoder_rows(const std::string& spec, int64_t length) {
  AnalysisOptions options;
  options.mode = Mode::Decoder;
  options.generate = length;
  return layer_rows(analyze_model(model::resolve_model(spec), options));
}

// |value - table| within 1% or half a unit of the last printed digit.
void expect_table(double value, double table, int decimals, const std::string& what) {
  double tolerance = std::max(0.01 * std::abs(table), 0.5 * std::pow(10.0, -decimals));
  EXPECT_NEAR(value, table, tolerance) << what;
}

struct TableRow {
  const char* group;
  double gflops;
  double gmops;  // 0: not checked (a typo in the table; checked apart)
  double intensity;
  double intensity_tolerance = 0.01;
};

// Checks a table's rows to two decimals. `extra_gmops` is the documented MOP difference (d)
// below, allowed on the total row only.
void expect_rows(const Rows& rows, const std::vector<TableRow>& table, const std::string& what,
                 double extra_gmops) {
  for (const TableRow& t : table) {
    std::string name = what + " " + t.group;
    ASSERT_TRUE(rows.count(t.group)) << name;
    const Row& r = rows.at(t.group);
    bool total = std::string(t.group) == "total";
    double extra = total ? extra_gmops : 0.0;
    expect_table(r.gflops, t.gflops, 2, name + " GFLOPs");
    if (t.gmops > 0) {
      double tolerance = std::max(0.01 * t.gmops, 0.005) + extra;
      EXPECT_NEAR(r.gmops, t.gmops, tolerance) << name << " GMOPs";
    }
    double relative = t.intensity_tolerance + (total ? extra / (t.gflops / t.intensity) : 0.0);
    EXPECT_NEAR(r.intensity(), t.intensity, relative * t.intensity) << name << " intensity";
  }
}

// Survey-vs-tessera differences, all derivable from the tables themselves:
// (a) The survey counts a length-k dot product as 2k-1 FLOPs (k multiplies, k-1 adds); tessera
//     counts 2 FLOPs per MAC (DESIGN.md). Act-to-act FLOPs differ by h*l^2 + l*d a layer: at
//     l=4096, 12 x (12 x 4096^2 + 4096 x 768) = 2.45 GFLOPs = 618.48 - 616.02 exactly, and with
//     4 heads 618.48 - 617.63 = 0.85 = 12 x (4 x 4096^2 + 4096 x 768). Under 0.5%: in tolerance.
// (b) Projection biases: tessera reads each bias (d or d_FFN bytes); the survey's intensities
//     192.00 and 211.86 are exactly those without bias reads. Under 0.1%.
// (c) "Other" FLOPs use src/workload/flop_rules.cc (softmax 5, GELU 9, LayerNorm 8, add 1 per
//     element); the tables imply softmax 4 and ~58 FLOPs per token x d for the rest (see that
//     file). Checked against the tables within 25% and pinned exactly below.
// (d) "Other" MOPs: tessera reads and writes l x d values 18 times a layer outside softmax
//     (GELU 2 x 4, two LayerNorms 2 x 2, two residual adds 2 x 3); the tables imply 17 (which
//     pass the survey leaves out is not stated). Allowed on the "other" and "total" rows: 1% +
//     one l x d pass per layer (at l=512 the total intensity is 1.1% under the table's).

// One l x d pass per layer, in GB: the allowance of difference (d).
double one_pass_gb(int64_t tokens, int64_t d, int64_t layers) {
  return static_cast<double>(tokens * d * layers) / 1e9;
}

void expect_other(const Rows& rows, double table_gflops, double table_gmops, double pass_gb,
                  const std::string& what) {
  const Row& r = rows.at("other");
  EXPECT_NEAR(r.gflops, table_gflops, 0.25 * table_gflops + 0.005) << what << " other GFLOPs";
  EXPECT_NEAR(r.gmops, table_gmops, 0.01 * table_gmops + pass_gb + 0.005) << what << " other GMOPs";
}

TEST(SurveyTable3, BertBaseSeq128) {
  Rows rows = encoder_rows("bert-base:seq=128");
  // The table prints act-to-act MOPs as 0.006, which contradicts its own 7% share of 0.14 and
  // its intensity 63.62 (0.60 / 63.62 = 0.0094): a typo. The intensity is checked instead.
  expect_rows(rows,
              {{"mha_projections", 7.25, 0.04, 192.00},
               {"act_to_act", 0.60, 0, 63.62},
               {"ffn_projections", 14.50, 0.07, 211.86},
               {"total", 22.42, 0.14, 159.68}},
              "l=128", one_pass_gb(128, 768, 12));
  expect_table(rows.at("act_to_act").gmops, 0.60 / 63.62, 4, "l=128 act_to_act GMOPs");
  expect_other(rows, 0.08, 0.02, one_pass_gb(128, 768, 12), "l=128");
}

TEST(SurveyTable3, BertBaseSeq512) {
  Rows rows = encoder_rows("bert-base:seq=512");
  expect_rows(rows,
              {{"mha_projections", 28.99, 0.07, 438.86},
               {"act_to_act", 9.62, 0.09, 101.95},
               {"ffn_projections", 57.98, 0.10, 558.54},
               {"total", 97.02, 0.42, 231.0}},
              "l=512", one_pass_gb(512, 768, 12));
  expect_other(rows, 0.42, 0.16, one_pass_gb(512, 768, 12), "l=512");
}

TEST(SurveyTable3, BertBaseSeq4096) {
  Rows rows = encoder_rows("bert-base:seq=4096");
  expect_rows(rows,
              {{"mha_projections", 231.93, 0.33, 702.17},
               {"act_to_act", 616.02, 4.98, 123.63},
               {"ffn_projections", 463.86, 0.43, 1068.52},
               {"total", 1323.66, 11.22, 117.96}},
              "l=4096", one_pass_gb(4096, 768, 12));
  expect_other(rows, 11.85, 5.47, one_pass_gb(4096, 768, 12), "l=4096");
}

TEST(SurveyTable10, BertBaseFourHeads) {
  // Table 10 prints FFN FLOPs at l=128 as 14.47 where Table 3 (same FFN) has 14.50 and
  // 2 x 2 x 128 x 768 x 3072 x 12 = 14.496: a typo, still inside 1%.
  Rows r128 = encoder_rows("bert-base-4heads:seq=128");
  expect_rows(r128,
              {{"mha_projections", 7.25, 0.04, 192.00},
               {"act_to_act", 0.60, 0.01, 95.69},
               {"ffn_projections", 14.47, 0.07, 211.86},
               {"total", 22.42, 0.13, 167.14}},
              "4 heads l=128", one_pass_gb(128, 768, 12));
  expect_other(r128, 0.07, 0.02, one_pass_gb(128, 768, 12), "4 heads l=128");
  Rows r512 = encoder_rows("bert-base-4heads:seq=512");
  expect_rows(r512,
              {{"mha_projections", 28.99, 0.07, 438.86},
               {"act_to_act", 9.65, 0.04, 219.04},
               {"ffn_projections", 57.98, 0.10, 558.54},
               {"total", 96.94, 0.32, 303.59}},
              "4 heads l=512", one_pass_gb(512, 768, 12));
  expect_other(r512, 0.32, 0.10, one_pass_gb(512, 768, 12), "4 heads l=512");
  Rows r4096 = encoder_rows("bert-base-4heads:seq=4096");
  expect_rows(r4096,
              {{"mha_projections", 231.93, 0.33, 702.17},
               {"act_to_act", 617.63, 1.76, 350.61},
               {"ffn_projections", 463.86, 0.43, 1068.52},
               {"total", 1318.83, 4.78, 276.00}},
              "4 heads l=4096", one_pass_gb(4096, 768, 12));
  expect_other(r4096, 5.41, 2.25, one_pass_gb(4096, 768, 12), "4 heads l=4096");
}

TEST(SurveyTable11, Gpt2Decoder) {
  // "total ... to iteratively generate the full sequence of the given length" (Sec. 2.2.1):
  // contexts 1..l, no prompt. At l=128 the table prints act-to-act FLOPs as "30" (0.01%); its
  // MOPs 0.16 and intensity 1.92 put it at 0.30 GFLOPs: a typo. The act-to-act intensities at
  // l=128 and 512 disagree with the table's own columns at this precision (4.83 / 2.45 = 1.97,
  // printed 2.00), and at short lengths they depend on whether step t attends to t or t-1
  // cached tokens; they are checked to 2%.
  Rows r128 = decoder_rows("gpt2", 128);
  expect_rows(r128,
              {{"mha_projections", 7.25, 3.63, 2.00},
               {"act_to_act", 0.30, 0.16, 1.92, 0.02},
               {"ffn_projections", 14.50, 7.26, 2.00},
               {"total", 22.12, 11.08, 2.0}},
              "gpt2 l=128", one_pass_gb(1, 768, 12 * 128));
  expect_other(r128, 0.07, 0.03, one_pass_gb(1, 768, 12 * 128), "gpt2 l=128");
  Rows r512 = decoder_rows("gpt2", 512);
  expect_rows(r512,
              {{"mha_projections", 28.99, 14.53, 2.00},
               {"act_to_act", 4.83, 2.45, 2.00, 0.02},
               {"ffn_projections", 57.98, 29.04, 2.00},
               {"total", 92.15, 46.17, 2.00}},
              "gpt2 l=512", one_pass_gb(1, 768, 12 * 512));
  expect_other(r512, 0.35, 0.14, one_pass_gb(1, 768, 12 * 512), "gpt2 l=512");
  Rows r4096 = decoder_rows("gpt2", 4096);
  expect_rows(r4096,
              {{"mha_projections", 231.93, 116.27, 2.00},
               {"act_to_act", 309.24, 155.98, 1.98},
               {"ffn_projections", 463.86, 232.31, 2.0},
               {"total", 1012.04, 507.80, 1.99}},
              "gpt2 l=4096", one_pass_gb(1, 768, 12 * 4096));
  expect_other(r4096, 7.02, 3.25, one_pass_gb(1, 768, 12 * 4096), "gpt2 l=4096");
}

// tessera's own counts, pinned (they change only if the model or the counting rules change).
TEST(SurveyTables, PinnedCounts) {
  Workload w128 = analyze_model(model::resolve_model("bert-base:seq=128"), {});
  Workload w4096 = analyze_model(model::resolve_model("bert-base:seq=4096"), {});
  Rows r128 = layer_rows(w128), r4096 = layer_rows(w4096);
  EXPECT_NEAR(r128.at("other").gflops, 0.075497, 1e-6);
  EXPECT_NEAR(r4096.at("other").gflops, 14.118027, 1e-5);
  EXPECT_NEAR(r4096.at("act_to_act").gflops, 618.475, 1e-3);
  EXPECT_EQ(w128.totals.params, 109482240);  // Hugging Face BertModel bert-base-uncased
}

// Figs. 4-6: FLOPs and MOPs grow super-linearly with l; encoder intensity rises up to l=512
// and falls after; the GPT-2 decoder stays near 2 FLOPs per byte at every length.
TEST(SurveyFigures, TrendsWithSequenceLength) {
  const std::vector<int64_t> lengths = {128, 256, 512, 1024, 2048, 4096};
  for (const std::string model : {"bert-base", "bert-large"}) {
    std::vector<Row> totals;
    for (int64_t l : lengths)
      totals.push_back(encoder_rows(model + ":seq=" + std::to_string(l)).at("total"));
    for (size_t i = 1; i < totals.size(); ++i) {
      EXPECT_GT(totals[i].gflops, 2 * totals[i - 1].gflops) << model << " Fig. 4";
      // MOPs: weights are read once whatever l, so super-linear growth shows from l=512 on
      // ("especially in the long sequence length regime", Sec. 2.2.1).
      if (lengths[i] > 512) {
        EXPECT_GT(totals[i].gmops, 2 * totals[i - 1].gmops) << model << " Fig. 5";
      }
      bool rising = lengths[i] <= 512;
      EXPECT_EQ(totals[i].intensity() > totals[i - 1].intensity(), rising)
          << model << " Fig. 6 at l=" << lengths[i];
    }
  }
  for (int64_t l : lengths) {
    Row gpt2 = decoder_rows("gpt2", l).at("total");
    Row bert = encoder_rows("bert-base:seq=" + std::to_string(l)).at("total");
    EXPECT_NEAR(gpt2.intensity(), 2.0, 0.05) << "Fig. 6 GPT-2 at l=" << l;
    EXPECT_GT(gpt2.gmops, 10 * bert.gmops) << "Fig. 5: decoding reloads weights per token";
    EXPECT_LE(gpt2.gflops, bert.gflops) << "Fig. 4: similar FLOPs, GPT-2 never more";
  }
}

TEST(ZooParameters, MatchPublishedCounts) {
  // Hugging Face transformers' parameter counts (BertModel with pooler, GPT2Model without the
  // tied LM head's duplicate); the survey's "BERT-Base ~110M".
  const std::map<std::string, int64_t> expected = {
      {"bert-base", 109482240},   {"bert-large", 335141888}, {"gpt2", 124439808},
      {"gpt2-medium", 354823168}, {"gpt2-large", 774030080}, {"gpt2-xl", 1557611200}};
  for (const auto& [name, params] : expected)
    EXPECT_EQ(model::load_model(name).parameter_count(), params) << name;
  // Vaswani et al. Table 3: 65M (base) and 213M (big); the vocabulary (37000 shared BPE tokens)
  // is the only size the paper leaves approximate, hence 5%.
  EXPECT_NEAR(model::load_model("transformer-base").parameter_count(), 65e6, 0.05 * 65e6);
  EXPECT_NEAR(model::load_model("transformer-big").parameter_count(), 213e6, 0.05 * 213e6);
}

}  // namespace
}  // namespace tessera::workload
