// Golden: the survey's ResNet-50 workload analysis (001 Sec. 2.2.2 Table 4, App. A.4 Table 12),
// int8 (1 byte per value), batch 1, 224x224, ideal traffic (each op reads its inputs and writes
// its outputs once). MOPs are bytes; FLOPs count a MAC as 2.
#include <gtest/gtest.h>

#include <string>

#include "tessera/model/zoo.h"
#include "tessera/workload/analysis.h"

namespace tessera::workload {
namespace {

Workload analyze(const std::string& spec, Fusion fusion = Fusion::None) {
  AnalysisOptions options;
  options.fusion = fusion;
  return analyze_model(model::resolve_model(spec), options);
}

const Totals& group(const Workload& w, const std::string& name) {
  for (const auto& g : w.groups)
    if (g.name == name) return g.totals;
  ADD_FAILURE() << "no group " << name;
  static Totals none;
  return none;
}

double giga(int64_t v) { return static_cast<double>(v) / 1e9; }

// --- Table 4 --------------------------------------------------------------------------------
// Paper: Convolution 7.26 GFLOPs / 0.04 G MOPs / 183.36; BatchNorm 0.03 / 0.03 / 1.00;
// ReLU 0.008 / 0.02 / 0.50; Other 0.01 / 0.02 / 0.53; Total (unfused) 7.31 / 0.11 / 66.94;
// Total (fused) 7.28 / 0.06 / 121.36.
//
// Where tessera differs, and why (values pinned below):
//  - Convolution FLOPs 7.71 G, not 7.26 G. 7.71 G is ResNet-50 v1's 3.856 G conv MACs (v1.5:
//    4.09 G, further away). 7.26 G is below every standard variant and below the paper's own
//    Table 12: its bottleneck-conv rows alone sum to 6.68 G, and the stem (0.24 G), the four
//    projection shortcuts (0.72 G) and the first reduce conv of stages 2-4 (0.15 G) that
//    Table 12 leaves out bring any ResNet-50 to >= 7.7 G. Conv MOPs agree (0.044 vs 0.04).
//  - BatchNorm 0.021 GFLOPs / 0.021 G MOPs, not 0.03 / 0.03: tessera's BN is the folded
//    inference form x*a+b (2 FLOPs, 2 bytes per element over the 10.6 M conv outputs), which
//    gives the paper's intensity 1.00 exactly; the paper's 0.03 implies ~3 FLOPs and 3 bytes per
//    element, a formula it does not state.
//  - Unfused total intensity 75.1 vs 66.9 follows from the two rows above.
//  - Fused: BN folded (no FLOPs, no traffic), every ReLU applied to the accumulated output of
//    its conv or residual add (FLOPs stay, traffic goes): 0.064 G MOPs and intensity 121.0, the
//    paper's 0.06 and 121.36.
TEST(CnnSurveyTable4, ResNet50Unfused) {
  Workload w = analyze("resnet50");
  const Totals& conv = group(w, "convolution");
  const Totals& bn = group(w, "batchnorm");
  const Totals& act = group(w, "activation");
  const Totals& other = group(w, "other");

  // Pinned tessera values (exact integers where they are counts).
  EXPECT_EQ(conv.macs, 3855925248);
  EXPECT_EQ(conv.flops, 7711850496);
  EXPECT_EQ(conv.bytes, 44177600);
  EXPECT_EQ(bn.flops, 21174272);
  EXPECT_EQ(act.flops, 9081856);
  EXPECT_EQ(act.bytes, 18163712);
  EXPECT_EQ(other.flops, 11522048);

  // Against the paper, with the tolerance each row supports.
  EXPECT_NEAR(giga(conv.flops), 7.26, 7.26 * 0.07);  // +6.2%: see above
  EXPECT_NEAR(giga(conv.bytes), 0.04, 0.005);        // paper's 2-digit rounding
  EXPECT_NEAR(conv.intensity(), 183.36, 183.36 * 0.05);
  EXPECT_NEAR(bn.intensity(), 1.00, 0.005);
  EXPECT_NEAR(giga(bn.flops), 0.03, 0.01);
  EXPECT_NEAR(act.intensity(), 0.50, 1e-9);
  EXPECT_NEAR(giga(act.flops), 0.008, 0.0015);
  EXPECT_NEAR(giga(act.bytes), 0.02, 0.005);
  EXPECT_NEAR(giga(other.flops), 0.01, 0.005);
  EXPECT_NEAR(giga(other.bytes), 0.02, 0.005);
  EXPECT_NEAR(other.intensity(), 0.53, 0.06);  // 0.58: residual adds, pools and the FC

  EXPECT_NEAR(giga(w.totals.flops), 7.31, 7.31 * 0.07);
  EXPECT_NEAR(giga(w.totals.bytes), 0.11, 0.11 * 0.07);
  EXPECT_NEAR(w.totals.intensity(), 75.07, 0.01);  // pinned; paper 66.94
  // Convolutions dominate FLOPs (paper 99%) but not MOPs (paper 36%, tessera 43%).
  EXPECT_GT(static_cast<double>(conv.flops) / w.totals.flops, 0.99);
  EXPECT_LT(static_cast<double>(conv.bytes) / w.totals.bytes, 0.45);
}

TEST(CnnSurveyTable4, ResNet50Fused) {
  Workload w = analyze("resnet50", Fusion::BnReluFolded);
  EXPECT_EQ(group(w, "batchnorm").flops, 0);
  EXPECT_EQ(group(w, "batchnorm").bytes, 0);
  EXPECT_EQ(group(w, "activation").bytes, 0);
  EXPECT_EQ(group(w, "activation").flops, 9081856);  // ReLU FLOPs stay
  EXPECT_NEAR(giga(w.totals.flops), 7.28, 7.28 * 0.07);
  EXPECT_NEAR(giga(w.totals.bytes), 0.06, 0.005);
  EXPECT_NEAR(w.totals.intensity(), 121.36, 121.36 * 0.01);
  EXPECT_NEAR(w.totals.intensity(), 121.02, 0.01);  // pinned
  // Fusion raises intensity (paper 66.9 -> 121.4).
  EXPECT_GT(w.totals.intensity(), 1.5 * analyze("resnet50").totals.intensity());
}

// --- Table 12 -------------------------------------------------------------------------------
// Each row sums the identical layers of one kind in one stage; its intensity is that of one
// layer. The first block of stages 2-4 has a different reduce conv (fewer input channels,
// stride 2 in v1), which the rows leave out; the projection shortcuts are not listed.
struct Table12Row {
  int stage;
  int conv;                           // conv1 (reduce 1x1), conv2 (3x3), conv3 (expand 1x1)
  int first_block;                    // first block index of the identical layers
  int blocks;                         // number of identical layers tessera sums
  double flops_g, mops_g, intensity;  // the paper's row
};

constexpr Table12Row kTable12[] = {
    // Row 1 is printed as 0.31 / 0.0031 (three 256->64 layers), but stage 1 has only two:
    // block 0's conv1 is 64->64 (0.026 GFLOPs, intensity 63.3). Its intensity 100.76 is that
    // of the two real layers; tessera's sum is 0.21 / 0.0020. Checked separately below.
    {1, 1, 1, 2, 0.31, 0.0031, 100.76}, {1, 2, 0, 3, 0.69, 0.0013, 527.55},
    {1, 3, 0, 3, 0.31, 0.0031, 100.76}, {2, 1, 1, 3, 0.31, 0.0017, 181.14},
    {2, 2, 0, 4, 0.92, 0.0014, 664.09}, {2, 3, 0, 4, 0.41, 0.0023, 181.14},
    {3, 1, 1, 5, 0.51, 0.0026, 200.30}, {3, 2, 0, 6, 1.39, 0.0041, 335.00},
    {3, 3, 0, 6, 0.62, 0.0031, 200.30}, {4, 1, 1, 2, 0.21, 0.0023, 87.53},
    {4, 2, 0, 3, 0.69, 0.0072, 95.96},  {4, 3, 0, 3, 0.31, 0.0035, 87.53},
};

struct RowSum {
  int64_t flops = 0, bytes = 0;
  double first_intensity = 0;
  int layers = 0;
};

RowSum sum_row(const Workload& w, const Table12Row& row, bool identical = true) {
  RowSum sum;
  for (int b = row.first_block; b < row.first_block + row.blocks; ++b) {
    std::string name = "layer" + std::to_string(row.stage) + "." + std::to_string(b) + ".conv" +
                       std::to_string(row.conv);
    for (const Op& op : w.ops) {
      if (op.name != name) continue;
      sum.flops += op.flops;
      sum.bytes += op.bytes();
      if (sum.layers == 0) sum.first_intensity = op.intensity();
      if (identical) {
        EXPECT_NEAR(op.intensity(), sum.first_intensity, 1e-9) << name << " differs from its row";
      }
      ++sum.layers;
    }
  }
  return sum;
}

TEST(CnnSurveyTable12, ResNet50ConvLayers) {
  Workload w = analyze("resnet50");
  for (size_t i = 0; i < std::size(kTable12); ++i) {
    const Table12Row& row = kTable12[i];
    SCOPED_TRACE("Table 12 row " + std::to_string(i + 1));
    RowSum sum = sum_row(w, row);
    ASSERT_EQ(sum.layers, row.blocks);
    // Intensity to the paper's two decimals.
    EXPECT_NEAR(sum.first_intensity, row.intensity, 0.006);
    if (i == 0) {
      EXPECT_NEAR(giga(sum.flops), 0.21, 0.005);  // paper 0.31: see kTable12
      EXPECT_NEAR(giga(sum.bytes), 0.0020, 0.00005);
      continue;
    }
    // FLOPs to the paper's 2 decimals, MOPs to its 4.
    EXPECT_NEAR(giga(sum.flops), row.flops_g, 0.005 + 1e-9);
    EXPECT_NEAR(giga(sum.bytes), row.mops_g, 0.00005 + 1e-9);
  }
}

// Why the default is v1: with the stride on the 3x3 (torchvision v1.5) the first 3x3 of stages
// 2-4 reads the larger input, and the 3x3 rows' MOPs no longer match Table 12.
TEST(CnnSurveyTable12, StridePlacementV1MatchesV15DoesNot) {
  Workload v15 = analyze("resnet50:stride_in_3x3=true");
  RowSum row5 = sum_row(v15, {2, 2, 0, 4, 0, 0, 0}, false);
  EXPECT_NEAR(giga(row5.bytes), 0.0017, 0.00005);  // paper 0.0014 (v1)
  RowSum row8 = sum_row(v15, {3, 2, 0, 6, 0, 0, 0}, false);
  EXPECT_NEAR(giga(row8.bytes), 0.0043, 0.00005);  // paper 0.0041 (v1)
}

}  // namespace
}  // namespace tessera::workload
