// ResNet-18/34/50/101/152 (He et al. 2016), the survey's CNN baseline (001 Sec. 2.2.2, Table 4,
// App. A.2, A.4 Table 12) and NeuroMeter's "ResNet" workload (003 Table II).
//
// Stride placement: the original (v1, Caffe/Keras) bottleneck puts the stride-2 on the first 1x1
// conv; torchvision's v1.5 puts it on the 3x3. The survey's Table 12 MOPs imply v1: its 3x3 rows
// (e.g. 3x3/128 at 28x28: 0.0014 G MOPs = 4 identical layers reading a 28x28 input) would read
// 0.0017 G under v1.5, whose first 3x3 of the stage reads the 56x56 input. So v1 is the default
// and `stride_in_3x3=true` gives v1.5.
#include "model/zoo/cnn_blocks.h"
#include "model/zoo/zoo_registry.h"
#include "tessera/core/error.h"

namespace tessera::model::zoo {
namespace {

using cnn::Act;

struct ResNetConfig {
  int64_t batch, resolution, classes;
  double width;                 // multiplier on every channel count
  std::vector<int64_t> blocks;  // per stage
  bool bottleneck;
  bool stride_in_3x3;
};

std::vector<int64_t> default_blocks(int64_t depth, const std::string& model) {
  switch (depth) {
    case 18:
      return {2, 2, 2, 2};
    case 34:
      return {3, 4, 6, 3};
    case 50:
      return {3, 4, 6, 3};
    case 101:
      return {3, 4, 23, 3};
    case 152:
      return {3, 8, 36, 3};
    default:
      throw Error(model + ": depth " + std::to_string(depth) +
                  " is not a ResNet (expected 18, 34, 50, 101 or 152)");
  }
}

TensorId conv_bn(GraphBuilder& b, const std::string& name, TensorId x, int64_t out, int64_t k,
                 int64_t stride, Act act) {
  return cnn::conv_bn_act_padded(b, name, x, out, k, k, stride, k / 2, k / 2, act);
}

TensorId shortcut(GraphBuilder& b, TensorId x, int64_t out, int64_t stride) {
  if (stride == 1 && b.shape(x)[1] == out) return x;
  return conv_bn(b, "downsample", x, out, 1, stride, Act::None);
}

TensorId basic_block(GraphBuilder& b, TensorId x, int64_t planes, int64_t stride) {
  TensorId identity = x;
  TensorId y = conv_bn(b, "conv1", x, planes, 3, stride, Act::Relu);
  y = conv_bn(b, "conv2", y, planes, 3, 1, Act::None);
  TensorId skip = shortcut(b, identity, planes, stride);
  y = b.binary("add", OpKind::Add, Role::Residual, y, skip);
  return b.unary("relu", OpKind::Relu, Role::Activation, y);
}

TensorId bottleneck_block(GraphBuilder& b, TensorId x, int64_t planes, int64_t stride,
                          bool stride_in_3x3) {
  const int64_t out = planes * 4;
  TensorId y = conv_bn(b, "conv1", x, planes, 1, stride_in_3x3 ? 1 : stride, Act::Relu);
  y = conv_bn(b, "conv2", y, planes, 3, stride_in_3x3 ? stride : 1, Act::Relu);
  y = conv_bn(b, "conv3", y, out, 1, 1, Act::None);
  TensorId skip = shortcut(b, x, out, stride);
  y = b.binary("add", OpKind::Add, Role::Residual, y, skip);
  return b.unary("relu", OpKind::Relu, Role::Activation, y);
}

Graph build_resnet(const ModelParams& params) {
  const std::string& model = params.model_name();
  ResNetConfig c;
  c.batch = params.get_int("batch");
  c.resolution = params.get_int("resolution");
  c.width = cnn::positive_double(params, "width", 64);
  c.classes = params.get_int("classes");
  const int64_t depth = params.get_int("depth");
  c.blocks = params.get_string("blocks") == "auto" ? default_blocks(depth, model)
                                                   : params.get_int_list("blocks", 4);
  c.bottleneck = depth >= 50;
  c.stride_in_3x3 = params.get_bool("stride_in_3x3");
  if (c.resolution < 32)
    throw Error(model + ": resolution " + std::to_string(c.resolution) +
                " is too small (ResNet downsamples by 32; need at least 32)");

  GraphBuilder b(model, Domain::Cnn);
  TensorId x = b.input("image", {c.batch, 3, c.resolution, c.resolution});
  b.set_layer(0, "stem.");
  x = conv_bn(b, "conv1", x, cnn::round_filters(64, c.width), 7, 2, Act::Relu);
  PoolAttrs pool;
  pool.kernel_h = pool.kernel_w = 3;
  pool.stride_h = pool.stride_w = 2;
  pool.pad_top = pool.pad_bottom = pool.pad_left = pool.pad_right = 1;
  x = b.pool("maxpool", OpKind::MaxPool, x, pool);

  int32_t layer = 1;
  for (size_t stage = 0; stage < c.blocks.size(); ++stage) {
    const int64_t planes = cnn::round_filters(int64_t{64} << stage, c.width);
    for (int64_t i = 0; i < c.blocks[stage]; ++i) {
      const int64_t stride = (stage > 0 && i == 0) ? 2 : 1;
      b.set_layer(layer++, "layer" + std::to_string(stage + 1) + "." + std::to_string(i) + ".");
      x = c.bottleneck ? bottleneck_block(b, x, planes, stride, c.stride_in_3x3)
                       : basic_block(b, x, planes, stride);
    }
  }
  b.set_layer(-1, "");
  b.mark_output(cnn::classifier_head(b, x, c.classes));
  return std::move(b).finish();
}

ZooPreset preset(int64_t depth) {
  std::string name = "resnet" + std::to_string(depth);
  return {name,
          "resnet",
          {{"depth", std::to_string(depth)}},
          "ResNet-" + std::to_string(depth) + " (He et al. 2016), 224x224, v1 stride placement"};
}

}  // namespace

FamilyGroup resnet_families() {
  ZooFamily family;
  family.name = "resnet";
  family.domain = Domain::Cnn;
  family.description =
      "ResNet with basic (18/34) or bottleneck (50+) blocks; conv, BN, ReLU unfused";
  family.params = cnn::image_model_params(
      "224",
      {
          {"depth", "50", "18, 34, 50, 101 or 152 (picks block type and default blocks)"},
          {"blocks", "auto", "blocks per stage, 4 values (a/b/c/d); auto = from depth"},
          {"width", "1.0",
           "multiplier on all channels (64*2^i per stage; rounded to multiples of 8)"},
          {"stride_in_3x3", "false", "true = torchvision v1.5 (stride on the 3x3); false = v1"},
      });
  family.build = build_resnet;
  FamilyGroup group;
  group.families.push_back(std::move(family));
  for (int64_t depth : {18, 34, 50, 101, 152}) group.presets.push_back(preset(depth));
  return group;
}

}  // namespace tessera::model::zoo
