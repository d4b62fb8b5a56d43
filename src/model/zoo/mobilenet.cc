// MobileNetV2 (Sandler et al. 2018): inverted residual blocks with linear bottlenecks and ReLU6,
// as in torchvision's mobilenet_v2 (channels rounded to multiples of 8 after the width
// multiplier; the last conv keeps 1280 channels for multipliers below 1).
#include <algorithm>

#include "model/zoo/cnn_blocks.h"
#include "model/zoo/zoo_registry.h"
#include "tessera/core/error.h"

namespace tessera::model::zoo {
namespace {

using cnn::Act;

struct InvertedResidualRow {
  int64_t expand, channels, repeats, stride;  // (t, c, n, s) of the paper's Table 2
};
constexpr InvertedResidualRow kRows[] = {
    {1, 16, 1, 1}, {6, 24, 2, 2},  {6, 32, 3, 2},  {6, 64, 4, 2},
    {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1},
};

Graph build_mobilenet_v2(const ModelParams& params) {
  const std::string& model = params.model_name();
  const int64_t batch = params.get_int("batch");
  const int64_t resolution = params.get_int("resolution");
  const int64_t classes = params.get_int("classes");
  const double width = cnn::positive_double(params, "width", 64);
  if (resolution < 32) throw Error(model + ": resolution must be at least 32");

  GraphBuilder b(model, Domain::Cnn);
  TensorId x = b.input("image", {batch, 3, resolution, resolution});
  b.set_layer(0, "stem.");
  x = cnn::conv_bn_act(b, "conv", x, cnn::round_filters(32, width), 3, 2, Act::Relu6);
  int32_t layer = 1;
  for (const InvertedResidualRow& row : kRows) {
    const int64_t out = cnn::round_filters(row.channels, width);
    for (int64_t i = 0; i < row.repeats; ++i) {
      b.set_layer(layer, "features." + std::to_string(layer) + ".");
      ++layer;
      cnn::MbConvSpec spec;
      spec.out_channels = out;
      spec.expand_ratio = row.expand;
      spec.kernel = 3;
      spec.stride = i == 0 ? row.stride : 1;
      spec.act = Act::Relu6;
      x = cnn::mbconv(b, "block", x, spec);
    }
  }
  b.set_layer(layer, "head.");
  x = cnn::conv_bn_act(b, "conv", x, cnn::round_filters(1280, std::max(1.0, width)), 1, 1,
                       Act::Relu6);
  b.set_layer(-1, "");
  b.mark_output(cnn::classifier_head(b, x, classes));
  return std::move(b).finish();
}

}  // namespace

FamilyGroup mobilenet_families() {
  ZooFamily family;
  family.name = "mobilenet-v2";
  family.domain = Domain::Cnn;
  family.description = "MobileNetV2: inverted residuals, linear bottlenecks, ReLU6";
  family.params = cnn::image_model_params(
      "224", {
                 {"width", "1.0", "width multiplier (channels rounded to multiples of 8)"},
             });
  family.build = build_mobilenet_v2;
  FamilyGroup group;
  group.families.push_back(std::move(family));
  group.presets.push_back({"mobilenetv2", "mobilenet-v2", {}, "MobileNetV2 1.0, 224x224"});
  group.presets.push_back(
      {"mobilenetv2-0.5", "mobilenet-v2", {{"width", "0.5"}}, "MobileNetV2 0.5, 224x224"});
  return group;
}

}  // namespace tessera::model::zoo
