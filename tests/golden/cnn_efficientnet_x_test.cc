// Golden: #Params and #FLOPs of 004 Table 3 (EfficientNet-X paper). "Following common
// practices, #FLOPs refer to #multiply-and-add operations": tessera's MACs. Params include
// BN scale/shift and the classifier, as Keras counts trainable weights.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "tessera/model/zoo.h"
#include "tessera/workload/analysis.h"

namespace tessera::workload {
namespace {

struct Table3Row {
  const char* model;
  double params_m, macs_g;      // the paper's row
  int64_t params, macs;         // tessera, pinned
  double params_tol, macs_tol;  // relative tolerance against the paper
};

void check(const Table3Row& row) {
  SCOPED_TRACE(row.model);
  Workload w = analyze_model(model::resolve_model(row.model), {});
  EXPECT_EQ(w.totals.params, row.params);
  EXPECT_EQ(w.totals.macs, row.macs);
  EXPECT_NEAR(static_cast<double>(w.totals.params) / 1e6, row.params_m,
              row.params_m * row.params_tol);
  EXPECT_NEAR(static_cast<double>(w.totals.macs) / 1e9, row.macs_g, row.macs_g * row.macs_tol);
}

// EfficientNet-B0..B7: the reference implementation's architecture reproduces the published
// sizes (B0's 5,288,548 weights are exactly Keras EfficientNetB0's trainable parameters).
// Tolerances: params to the paper's 2 significant digits (3%); MACs 5% (B4 4.39 G vs 4.2 G and
// B5 10.3 G vs 9.9 G are the largest gaps: the paper rounds down / counts slightly less, e.g.
// without the SE and classifier MACs, which tessera counts).
TEST(CnnEfficientNetTable3, EfficientNetB0ToB7) {
  const Table3Row rows[] = {
      {"efficientnet-b0", 5.3, 0.39, 5288548, 385814752, 0.03, 0.03},
      {"efficientnet-b1", 7.8, 0.70, 7794184, 686802832, 0.03, 0.03},
      {"efficientnet-b2", 9.2, 1.0, 9109994, 993561872, 0.03, 0.03},
      {"efficientnet-b3", 12, 1.8, 12233232, 1827141392, 0.03, 0.03},
      {"efficientnet-b4", 19, 4.2, 19341616, 4393771024, 0.03, 0.05},
      {"efficientnet-b5", 30, 9.9, 30389784, 10266384752, 0.03, 0.05},
      {"efficientnet-b6", 43, 19, 43040704, 19067593536, 0.03, 0.03},
      {"efficientnet-b7", 66, 37, 66347960, 37745884192, 0.03, 0.03},
  };
  for (const auto& row : rows) check(row);
}

// ResNet-50's 4.1 G is torchvision's v1.5 (stride on the 3x3); tessera's default v1 (chosen to
// match the survey's Table 12) has 3.86 G, 6% less. Inception-v3 without the auxiliary head;
// NASNet-A-Large ("NASNet-A" in Table 3) as TF-slim builds it.
TEST(CnnEfficientNetTable3, ResNet50InceptionV3NasNet) {
  check({"resnet50:stride_in_3x3=true", 26, 4.1, 25557032, 4089184256, 0.02, 0.01});
  check({"resnet50", 26, 4.1, 25557032, 3857973248, 0.02, 0.07});
  check({"inception-v3", 24, 5.7, 23834568, 5713216096, 0.01, 0.01});
  check({"nasnet-a-large", 89, 24, 88753150, 23783414658, 0.01, 0.01});
}

// EfficientNet-X-B0 built from Table 1 + the released source reproduces 7.6 M / 0.91 B.
//
// B1..B7 do not reproduce. The released source (efficientnet_x_builder.py) scales X-B0 with
// EfficientNet's (width, depth, resolution) table and an SE coefficient of 2 (B1) or 1 (B2+);
// tessera's presets do the same, giving 9.5..73 M params where Table 3 lists 10.4..199 M. The
// paper's LACS (Table 2) grows depth faster, but the paper gives no phi per model, and no phi
// matches both columns (e.g. LACS-TPU phi = 7: 197 M / 103 B vs X-B7's 199 M / 93 B; see the
// LacsScaling test). tessera pins the source's presets and records the paper's values here.
TEST(CnnEfficientNetTable3, EfficientNetX) {
  check({"efficientnet-x-b0", 7.6, 0.91, 7584104, 920421088, 0.01, 0.02});
  check({"efficientnet-x-b0-gpu", 7.6, 0.91, 7584104, 920421088, 0.01, 0.02});
  // Pinned; the paper's (params M, MACs B) in the comment of each line.
  check({"efficientnet-x-b1", 10.4, 1.58, 9522552, 1446347984, 0.10, 0.10});  // -8%, -8%
  check({"efficientnet-x-b2", 11.5, 1.89, 9927930, 2119262736, 0.15, 0.15});  // -14%, +12%
  check({"efficientnet-x-b3", 16, 4.3, 13189504, 3772151480, 0.20, 0.15});    // -18%, -12%
  check({"efficientnet-x-b4", 34, 10.4, 21039856, 9620853688, 0.40, 0.10});   // -38%, -7%
  check({"efficientnet-x-b5", 60, 22.2, 33315480, 23144748416, 0.45, 0.05});  // -44%, +4%
  check({"efficientnet-x-b6", 137, 52, 47444080, 44114528544, 0.70, 0.20});   // -65%, -15%
  check({"efficientnet-x-b7", 199, 93, 72923672, 87094870336, 0.65, 0.10});   // -63%, -6%
}

// LACS (004 Sec. 4, Table 2): d = 1.29^phi, w = 1.14^phi (TPU) / 1.16^phi (GPU),
// r = 224 * 1.08^phi / 1.07^phi. Depth grows fastest, resolution slowest (the paper's finding).
TEST(CnnEfficientNetTable3, LacsScaling) {
  auto macs = [](const std::string& spec) {
    return analyze_model(model::resolve_model(spec), {}).totals;
  };
  Totals b0 = macs("efficientnet-x-b0");
  Totals phi1 = macs("efficientnet-x-b0:lacs_phi=1");
  EXPECT_GT(phi1.macs, b0.macs);
  model::Graph g = model::load_model("efficientnet-x-b0:lacs_phi=3");
  EXPECT_EQ(g.tensor(g.inputs[0]).shape[2], std::lround(224 * std::pow(1.08, 3)));  // 282
  Totals phi7 = macs("efficientnet-x-b0:lacs_phi=7,se_coefficient=1");
  EXPECT_NEAR(static_cast<double>(phi7.params) / 1e6, 197, 2);
  EXPECT_NEAR(static_cast<double>(phi7.macs) / 1e9, 103, 1);
  // GPU coefficients give a wider, lower-resolution network than TPU at the same phi.
  model::Graph gpu = model::load_model("efficientnet-x-b0:lacs_phi=3,variant=gpu");
  EXPECT_EQ(gpu.tensor(gpu.inputs[0]).shape[2], std::lround(224 * std::pow(1.07, 3)));  // 274
}

// Table 3's operational intensity I is measured on TPUv3 (real traffic, XLA fusion), so its
// absolute values are not tessera's ideal-traffic intensity; the paper's claim is relative:
// EfficientNet-X raises I over EfficientNet. tessera, with BN folded and ReLU fused, gives
// I(X-B0)/I(B0) = 3.20 (paper 63.8/19.7 = 3.24) and I(X-B7)/I(B7) = 3.58 (paper
// 194.3/48.3 = 4.02). Tolerance 15% on the ratios.
TEST(CnnEfficientNetTable3, EfficientNetXRaisesIntensity) {
  auto intensity = [](const std::string& spec) {
    AnalysisOptions options;
    options.fusion = Fusion::BnReluFolded;
    return analyze_model(model::resolve_model(spec), options).totals.intensity();
  };
  const double b0 = intensity("efficientnet-b0"), x0 = intensity("efficientnet-x-b0");
  const double b7 = intensity("efficientnet-b7"), x7 = intensity("efficientnet-x-b7");
  EXPECT_NEAR(x0 / b0, 63.8 / 19.7, 63.8 / 19.7 * 0.15);
  EXPECT_NEAR(x7 / b7, 194.3 / 48.3, 194.3 / 48.3 * 0.15);
  EXPECT_NEAR(x0 / b0, 3.20, 0.01);  // pinned
  EXPECT_NEAR(x7 / b7, 3.58, 0.01);  // pinned
  // ResNet-50 (paper I = 122.5) sits above both EfficientNet-B0 and EfficientNet-X-B0.
  EXPECT_GT(intensity("resnet50:stride_in_3x3=true"), x0);
}

}  // namespace
}  // namespace tessera::workload
