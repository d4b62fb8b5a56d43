// Peak transient activation footprint (NeuroMeter 003 Table II "#Data"; footprint.h).
#include "tessera/workload/footprint.h"

#include <gtest/gtest.h>

#include "tessera/core/error.h"
#include "tessera/model/graph_builder.h"
#include "tessera/model/zoo.h"

namespace tessera::workload {
namespace {

using model::Domain;
using model::GraphBuilder;
using model::OpKind;
using model::Role;
using model::TensorId;

TEST(Footprint, ChainKeepsOnlyNeighbours) {
  // x[100] -> relu -> a[100] -> sigmoid -> b[100]: at most input + output live.
  GraphBuilder b("chain", Domain::Other);
  TensorId x = b.input("x", {100});
  TensorId a = b.unary("r", OpKind::Relu, Role::Activation, x);
  TensorId c = b.unary("s", OpKind::Sigmoid, Role::Activation, a);
  b.mark_output(c);
  model::Graph g = std::move(b).finish();
  FootprintResult r = activation_footprint(g);
  EXPECT_EQ(r.peak_elements, 200);
  EXPECT_EQ(r.live_bytes, (std::vector<int64_t>{200, 200}));
  FootprintOptions in_place;
  in_place.in_place_elementwise = true;
  EXPECT_EQ(activation_footprint(g, in_place).peak_elements, 100);
  FootprintOptions fp16;
  fp16.precision = parse_precision("fp16");
  EXPECT_EQ(activation_footprint(g, fp16).peak_bytes, 400);
}

TEST(Footprint, SkipConnectionStaysLive) {
  // x[10] -> relu(a[10]) -> relu(c[10]) -> add(c, x): x is live until the add.
  GraphBuilder b("skip", Domain::Other);
  TensorId x = b.input("x", {10});
  TensorId a = b.unary("r1", OpKind::Relu, Role::Activation, x);
  TensorId c = b.unary("r2", OpKind::Relu, Role::Activation, a);
  TensorId y = b.binary("add", OpKind::Add, Role::Residual, c, x);
  b.mark_output(y);
  model::Graph g = std::move(b).finish();
  FootprintResult r = activation_footprint(g);
  EXPECT_EQ(r.live_bytes, (std::vector<int64_t>{20, 30, 30}));
  EXPECT_EQ(r.peak_elements, 30);
  EXPECT_EQ(r.peak_node, 1);
  EXPECT_EQ(r.live_at_peak.size(), 3u);
}

TEST(Footprint, WeightsAndReshapesDoNotCount) {
  GraphBuilder b("fc", Domain::Other);
  TensorId x = b.input("x", {1, 64, 2, 2});
  TensorId flat = b.reshape("flatten", x, {1, 256});
  TensorId y = b.linear("fc", Role::Classifier, flat, 10);  // 2570 weights
  b.mark_output(y);
  FootprintResult r = activation_footprint(std::move(b).finish());
  EXPECT_EQ(r.peak_elements, 256 + 10);
  EXPECT_EQ(r.largest_tensor_elements, 256);
}

TEST(Footprint, RejectsUnorderedGraph) {
  GraphBuilder b("bad", Domain::Other);
  TensorId x = b.input("x", {4});
  TensorId a = b.unary("r", OpKind::Relu, Role::Activation, x);
  b.unary("s", OpKind::Relu, Role::Activation, a);
  model::Graph g = std::move(b).finish();
  std::swap(g.nodes[0], g.nodes[1]);
  EXPECT_THROW(activation_footprint(g), Error);
}

TEST(Footprint, ResNet50PeakIsTheFirstDownsampleBlock) {
  model::Graph g = model::load_model("resnet50");
  FootprintResult r = activation_footprint(g);
  // Three 56x56x256 tensors: conv3's BN output, the shortcut conv and its BN.
  EXPECT_EQ(r.peak_elements, 3 * 56 * 56 * 256);
  EXPECT_EQ(g.nodes.at(static_cast<size_t>(r.peak_node)).name, "layer1.0.downsample.bn");
  // Batch 2 doubles every activation.
  EXPECT_EQ(activation_footprint(model::load_model("resnet50:batch=2")).peak_elements,
            2 * r.peak_elements);
}

}  // namespace
}  // namespace tessera::workload
