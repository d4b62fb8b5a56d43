// EfficientNet-B0..B7 (Tan & Le 2019), the baseline of EfficientNet-X (004 Table 3). The B0 stage
// table, compound-scaling coefficients, filter rounding and SE width follow the reference
// implementation (tensorflow/tpu models/official/efficientnet: efficientnet_builder.py,
// efficientnet_model.py): filters*width rounded to multiples of 8, ceil(repeats*depth), SE
// bottleneck = max(1, int(block input filters * 0.25)), swish everywhere, TF "same" padding.
#include <cmath>

#include "model/zoo/cnn_blocks.h"
#include "model/zoo/cnn_families.h"
#include "tessera/core/error.h"

namespace tessera::model::zoo {
namespace {

using cnn::Act;

struct StageRow {
  int64_t expand, kernel, stride, in, out, repeats;
};

// EfficientNet-B0 (efficientnet_builder.py blocks_args).
constexpr StageRow kB0Stages[] = {
    {1, 3, 1, 32, 16, 1},  {6, 3, 2, 16, 24, 2},   {6, 5, 2, 24, 40, 2},   {6, 3, 2, 40, 80, 3},
    {6, 5, 1, 80, 112, 3}, {6, 5, 2, 112, 192, 4}, {6, 3, 1, 192, 320, 1},
};

Graph build_efficientnet(const ModelParams& params) {
  const std::string& model = params.model_name();
  const int64_t batch = params.get_int("batch");
  const int64_t resolution = params.get_int("resolution");
  const int64_t classes = params.get_int("classes");
  const double width = cnn::positive_double(params, "width", 64);
  const double depth = cnn::positive_double(params, "depth", 64);
  const double se_ratio = params.get_double("se_ratio");
  if (!(se_ratio >= 0 && se_ratio <= 1))
    throw Error(model + ": se_ratio must be in [0, 1], got " + params.get_string("se_ratio"));
  const Act act = cnn::parse_act(params.get_string("activation"), model + ": activation");
  if (resolution < 32) throw Error(model + ": resolution must be at least 32");

  GraphBuilder b(model, Domain::Cnn);
  TensorId x = b.input("image", {batch, 3, resolution, resolution});
  b.set_layer(0, "stem.");
  x = cnn::conv_bn_act(b, "conv", x, cnn::round_filters(32, width), 3, 2, act);
  int32_t layer = 1;
  for (size_t s = 0; s < std::size(kB0Stages); ++s) {
    const StageRow& row = kB0Stages[s];
    const int64_t repeats = cnn::round_repeats(row.repeats, depth);
    int64_t in = cnn::round_filters(row.in, width);
    const int64_t out = cnn::round_filters(row.out, width);
    for (int64_t i = 0; i < repeats; ++i) {
      b.set_layer(layer, "blocks." + std::to_string(layer - 1) + ".");
      ++layer;
      cnn::MbConvSpec spec;
      spec.out_channels = out;
      spec.expand_ratio = row.expand;
      spec.kernel = row.kernel;
      spec.stride = i == 0 ? row.stride : 1;
      spec.act = act;
      spec.se_channels =
          se_ratio > 0
              ? std::max<int64_t>(1, static_cast<int64_t>(static_cast<double>(in) * se_ratio))
              : 0;
      x = cnn::mbconv(b, "mbconv", x, spec);
      in = out;
    }
  }
  b.set_layer(layer, "head.");
  x = cnn::conv_bn_act(b, "conv", x, cnn::round_filters(1280, width), 1, 1, act);
  b.set_layer(-1, "");
  b.mark_output(cnn::classifier_head(b, x, classes));
  return std::move(b).finish();
}

struct Scaling {
  const char* width;
  const char* depth;
  const char* resolution;
};
// (width, depth, resolution) of B0..B7: efficientnet_builder.py efficientnet_params.
constexpr Scaling kScaling[] = {
    {"1.0", "1.0", "224"}, {"1.0", "1.1", "240"}, {"1.1", "1.2", "260"}, {"1.2", "1.4", "300"},
    {"1.4", "1.8", "380"}, {"1.6", "2.2", "456"}, {"1.8", "2.6", "528"}, {"2.0", "3.1", "600"},
};

}  // namespace

FamilyGroup efficientnet_families() {
  ZooFamily family;
  family.name = "efficientnet";
  family.domain = Domain::Cnn;
  family.description = "EfficientNet (MBConv + squeeze-excite, swish) with compound scaling";
  family.params = cnn::image_model_params(
      "224", {
                 {"width", "1.0", "width coefficient (filters rounded to multiples of 8)"},
                 {"depth", "1.0", "depth coefficient (repeats rounded up)"},
                 {"se_ratio", "0.25", "squeeze-excite width / block input filters (0 = no SE)"},
                 {"activation", "swish", "relu, relu6, swish or none"},
             });
  family.build = build_efficientnet;
  FamilyGroup group;
  group.families.push_back(std::move(family));
  for (size_t i = 0; i < std::size(kScaling); ++i) {
    std::string name = "efficientnet-b" + std::to_string(i);
    group.presets.push_back({name,
                             "efficientnet",
                             {{"width", kScaling[i].width},
                              {"depth", kScaling[i].depth},
                              {"resolution", kScaling[i].resolution}},
                             "EfficientNet-B" + std::to_string(i) + " (w=" + kScaling[i].width +
                                 ", d=" + kScaling[i].depth + ", " + kScaling[i].resolution + "x" +
                                 kScaling[i].resolution + ")"});
  }
  for (FamilyGroup extra : {efficientnet_x_group(), cnn_stages_group()}) {
    for (auto& f : extra.families) group.families.push_back(std::move(f));
    for (auto& p : extra.presets) group.presets.push_back(std::move(p));
  }
  return group;
}

}  // namespace tessera::model::zoo
