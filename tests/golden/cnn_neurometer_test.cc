// Golden: NeuroMeter's workload table (003 Sec. V-A, Table II): #MAC Op, #Data (peak transient
// memory footprint per frame) and #Param (int8) of ResNet-50, Inception-v3 and NASNet-A-Large.
#include <gtest/gtest.h>

#include <string>

#include "tessera/model/zoo.h"
#include "tessera/workload/analysis.h"
#include "tessera/workload/footprint.h"

namespace tessera::workload {
namespace {

struct Measured {
  int64_t macs = 0, params = 0, params_without_classifier = 0;
  FootprintResult footprint, footprint_in_place;
};

Measured measure(const std::string& spec) {
  model::Graph g = model::load_model(spec);
  Workload w = analyze_graph(g, {});
  Measured m;
  m.macs = w.totals.macs;
  m.params = w.totals.params;
  m.params_without_classifier = m.params;
  for (const Op& op : w.ops)
    if (op.role == model::Role::Classifier) m.params_without_classifier -= op.params;
  m.footprint = activation_footprint(g);
  FootprintOptions in_place;
  in_place.in_place_elementwise = true;
  m.footprint_in_place = activation_footprint(g, in_place);
  return m;
}

// #Param: Table II's 23.7 M (ResNet) and 22.0 M (Inception) are the networks without their
// 2.05 M-weight classifier (with it: 25.6 M and 23.8 M); tessera's feature-extractor weights
// are 0.8% and 1.0% below. Tolerance 2%.
//
// #MAC Op: Inception's 5.7 G is its multiply-adds (tessera 5.71 G), but ResNet's 7.8 G is
// twice ResNet-50's 3.86 G (v1) multiply-adds, i.e. it counts a MAC as 2 ops: the table mixes
// units. tessera pins MACs and checks ResNet's entry against 2 x MACs (7.72 G, 1%).
//
// #Data: NeuroMeter states no algorithm. tessera's liveness peak (footprint.h, unfused graph,
// int8) is 2.77 M for Inception-v3 (the 147x147x64 stem conv output and its BatchNorm output),
// 5.6% below Table II's 2.93 M; for NASNet-A-Large it is 7.90 M unfused and 5.58 M with
// in-place BN/ReLU (Table II: 5.35 M). For ResNet-50 it is 2.41 M (three 56x56x256 tensors in the
// first projection block), 2.4x below Table II's 5.72 M; none of the definitions tessera
// tried (liveness with or without in-place elementwise ops, largest op working
// set) reaches 5.72 M while keeping Inception near 2.93 M, so all three are pinned.
TEST(CnnNeuroMeterTable2, ResNet50) {
  Measured m = measure("resnet50");
  EXPECT_EQ(m.macs, 3857973248);
  EXPECT_NEAR(2.0 * static_cast<double>(m.macs) / 1e9, 7.8, 7.8 * 0.015);
  EXPECT_EQ(m.params_without_classifier, 23508032);
  EXPECT_NEAR(static_cast<double>(m.params_without_classifier) / 1e6, 23.7, 23.7 * 0.02);
  EXPECT_EQ(m.footprint.peak_bytes, 2408448);
  EXPECT_EQ(m.footprint_in_place.peak_bytes, 2408448);
  EXPECT_LT(static_cast<double>(m.footprint.peak_bytes) / 1e6, 5.72);  // paper: see above
}

TEST(CnnNeuroMeterTable2, InceptionV3) {
  Measured m = measure("inception-v3");
  EXPECT_EQ(m.macs, 5713216096);
  EXPECT_NEAR(static_cast<double>(m.macs) / 1e9, 5.7, 5.7 * 0.01);
  EXPECT_EQ(m.params_without_classifier, 21785568);
  EXPECT_NEAR(static_cast<double>(m.params_without_classifier) / 1e6, 22.0, 22.0 * 0.02);
  EXPECT_EQ(m.footprint.peak_bytes, 2 * 147 * 147 * 64);
  EXPECT_NEAR(static_cast<double>(m.footprint.peak_bytes) / 1e6, 2.93, 2.93 * 0.06);
  // In place, the stem conv's input and output are what is left: 2.07 M.
  EXPECT_EQ(m.footprint_in_place.peak_bytes, 147 * 147 * 32 + 147 * 147 * 64);
}

// NASNet-A-Large (TF-slim): 88.75 M weights with the 4032x1000 classifier, 84.72 M without
// (Table II 84.9 M, -0.2%); 23.78 G multiply-adds (Table II 23.8 G).
TEST(CnnNeuroMeterTable2, NasNetALarge) {
  Measured m = measure("nasnet-a-large");
  EXPECT_EQ(m.macs, 23783414658);
  EXPECT_NEAR(static_cast<double>(m.macs) / 1e9, 23.8, 23.8 * 0.01);
  EXPECT_EQ(m.params_without_classifier, 88753150 - 4033000);
  EXPECT_NEAR(static_cast<double>(m.params_without_classifier) / 1e6, 84.9, 84.9 * 0.01);
  EXPECT_EQ(m.footprint.peak_bytes, 7900008);
  EXPECT_EQ(m.footprint_in_place.peak_bytes, 5575746);
  EXPECT_NEAR(static_cast<double>(m.footprint_in_place.peak_bytes) / 1e6, 5.35, 5.35 * 0.05);
}

}  // namespace
}  // namespace tessera::workload
