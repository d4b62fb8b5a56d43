// EfficientNet-X (004 Sec. 3-5, Table 1): EfficientNet with a space-to-depth 2x2/stride-2 conv
// before the first MBConv stage, fused MBConv (kxk conv instead of 1x1 expand + depthwise) in
// stages 4-5, bigger squeeze-excite and block-wise activations: on TPU swish in the fused stages
// and ReLU elsewhere; on GPU ReLU everywhere (004 Sec. 5.1). The stem uses swish on TPU as
// Table 1 says (the released source uses its global ReLU there; MACs are the same).
//
// The details Table 1 leaves out follow the paper's released source (tensorflow/tpu
// models/official/efficientnet/tpu/efficientnet_x_builder.py and efficientnet_model.py):
//  - space-to-depth multiplies the first block's filters by 4 and halves its kernel
//    ((k+1)/2 = 2), so "MBConv1 k3x3, 64 channels" in Table 1 is a 2x2 depthwise conv on 128
//    channels; the next (stride-2) stage then runs at stride 1, as Table 1's resolutions show;
//  - SE bottleneck = int(block input filters * 0.25 * se_coefficient), divided by 4 for the
//    space-to-depth block; se_coefficient is 4 for B0, 2 for B1, 1 above (the source's table).
//  - B1..B7 use the source's (width, depth, resolution) table, which is EfficientNet's; the
//    LACS coefficients of Table 2 are available through `lacs_phi` (see docs/models-cnn.md and
//    tests/golden/cnn_efficientnet_x_test.cc for which of the two reproduces Table 3).
#include <cmath>

#include "model/zoo/cnn_blocks.h"
#include "model/zoo/cnn_families.h"
#include "tessera/core/error.h"

namespace tessera::model::zoo {
namespace {

using cnn::Act;

struct XStageRow {
  int64_t expand, kernel, stride, in, out, repeats;
  bool fused;
  int space2depth;  // 1: this stage starts with the space-to-depth conv; 2: follows it
  bool swish_on_tpu;
};

// efficientnet_x_builder.py blocks_args ('a1' = swish on TPU, 'f1' = fused, 'd1'/'d2').
constexpr XStageRow kXB0Stages[] = {
    {1, 3, 1, 32, 16, 1, false, 1, false},   {6, 3, 2, 16, 24, 2, true, 2, true},
    {6, 5, 2, 24, 40, 2, true, 0, true},     {6, 3, 2, 40, 80, 3, false, 0, false},
    {6, 5, 1, 80, 112, 3, false, 0, false},  {6, 5, 2, 112, 192, 4, false, 0, false},
    {6, 3, 1, 192, 320, 1, false, 0, false},
};

// LACS coefficients (004 Table 2): depth alpha, width beta, resolution gamma.
struct Lacs {
  double alpha, beta, gamma;
};
constexpr Lacs kLacsTpu{1.29, 1.14, 1.08};
constexpr Lacs kLacsGpu{1.29, 1.16, 1.07};

Graph build_efficientnet_x(const ModelParams& params) {
  const std::string& model = params.model_name();
  const int64_t batch = params.get_int("batch");
  const int64_t classes = params.get_int("classes");
  const int64_t se_coefficient = params.get_int("se_coefficient");
  const std::string variant = params.get_string("variant");
  if (variant != "tpu" && variant != "gpu")
    throw Error(model + ": variant must be tpu or gpu, got '" + variant + "'");
  const bool tpu = variant == "tpu";
  int64_t resolution = params.get_int("resolution");
  double width = cnn::positive_double(params, "width", 64);
  double depth = cnn::positive_double(params, "depth", 64);
  const double phi = params.get_double("lacs_phi");
  if (!(phi >= 0 && phi <= 20))
    throw Error(model + ": lacs_phi must be in [0, 20], got " + params.get_string("lacs_phi"));
  if (phi > 0) {
    // LACS (004 Eq. 2): d = alpha^phi, w = beta^phi, r = gamma^phi over the B0 base.
    const Lacs& lacs = tpu ? kLacsTpu : kLacsGpu;
    depth = std::pow(lacs.alpha, phi);
    width = std::pow(lacs.beta, phi);
    resolution = static_cast<int64_t>(std::lround(224.0 * std::pow(lacs.gamma, phi)));
  }
  if (resolution < 32) throw Error(model + ": resolution must be at least 32");
  const Act stem_act = tpu ? Act::Swish : Act::Relu;

  GraphBuilder b(model, Domain::Cnn);
  TensorId x = b.input("image", {batch, 3, resolution, resolution});
  b.set_layer(0, "stem.");
  x = cnn::conv_bn_act(b, "conv", x, cnn::round_filters(32, width), 3, 2, stem_act);
  int32_t layer = 1;
  for (const XStageRow& row : kXB0Stages) {
    const Act act = tpu && row.swish_on_tpu ? Act::Swish : Act::Relu;
    const int64_t repeats = cnn::round_repeats(row.repeats, depth);
    int64_t in = cnn::round_filters(row.in, width);
    int64_t out = cnn::round_filters(row.out, width);
    for (int64_t i = 0; i < repeats; ++i) {
      b.set_layer(layer, "blocks." + std::to_string(layer - 1) + ".");
      ++layer;
      cnn::MbConvSpec spec;
      spec.fused = row.fused;
      spec.act = act;
      spec.expand_ratio = row.expand;
      spec.kernel = row.kernel;
      spec.stride = i == 0 ? row.stride : 1;
      int64_t block_in = in, block_out = out;
      int64_t se = static_cast<int64_t>(static_cast<double>(in) * 0.25 *
                                        static_cast<double>(se_coefficient));
      if (i == 0 && row.space2depth == 1) {
        // Space-to-depth: a 2x2/stride-2 conv to 4x the block's input filters, then the block
        // with 4x filters, kernel (k+1)/2 and an SE width divided by 4.
        block_in = in * 4;
        block_out = out * 4;
        spec.kernel = (row.kernel + 1) / 2;
        se = static_cast<int64_t>(static_cast<double>(block_in) * 0.25 *
                                  static_cast<double>(se_coefficient)) /
             4;
        x = cnn::conv_bn_act(b, "space2depth", x, block_in, 2, 2, act);
      }
      if (i == 0 && row.space2depth == 2) spec.stride = 1;  // space-to-depth did the stride
      spec.out_channels = block_out;
      spec.hidden_channels = block_in * row.expand;
      spec.se_channels = std::max<int64_t>(1, se);
      x = cnn::mbconv(b, "mbconv", x, spec);
      in = out;
    }
  }
  b.set_layer(layer, "head.");
  x = cnn::conv_bn_act(b, "conv", x, cnn::round_filters(1280, width), 1, 1, Act::Relu);
  b.set_layer(-1, "");
  b.mark_output(cnn::classifier_head(b, x, classes));
  return std::move(b).finish();
}

struct XScaling {
  const char* width;
  const char* depth;
  const char* resolution;
  const char* se_coefficient;
};
// efficientnet_x_builder.py efficientnet_x_params: (width, depth, resolution, se_coefficient).
constexpr XScaling kXScaling[] = {
    {"1.0", "1.0", "224", "4"}, {"1.0", "1.1", "240", "2"}, {"1.1", "1.2", "260", "1"},
    {"1.2", "1.4", "300", "1"}, {"1.4", "1.8", "380", "1"}, {"1.6", "2.2", "456", "1"},
    {"1.8", "2.6", "528", "1"}, {"2.0", "3.1", "600", "1"},
};

}  // namespace

FamilyGroup efficientnet_x_group() {
  ZooFamily family;
  family.name = "efficientnet-x";
  family.domain = Domain::Cnn;
  family.description =
      "EfficientNet-X (004): space-to-depth stem, fused MBConv, block-wise activations";
  family.params = cnn::image_model_params(
      "224",
      {
          {"width", "1.0", "width coefficient (filters rounded to multiples of 8)"},
          {"depth", "1.0", "depth coefficient (repeats rounded up)"},
          {"se_coefficient", "4", "multiplies the 0.25 squeeze-excite ratio"},
          {"variant", "tpu", "tpu (swish in stem and fused stages) or gpu (ReLU everywhere)"},
          {"lacs_phi", "0", "if > 0: width/depth/resolution from LACS (004 Table 2) at this phi"},
      });
  family.build = build_efficientnet_x;
  FamilyGroup group;
  group.families.push_back(std::move(family));
  for (size_t i = 0; i < std::size(kXScaling); ++i) {
    const XScaling& s = kXScaling[i];
    std::map<std::string, std::string> overrides = {{"width", s.width},
                                                    {"depth", s.depth},
                                                    {"resolution", s.resolution},
                                                    {"se_coefficient", s.se_coefficient}};
    std::string name = "efficientnet-x-b" + std::to_string(i);
    std::string what = "EfficientNet-X-B" + std::to_string(i) + " (w=" + s.width +
                       ", d=" + s.depth + ", " + s.resolution + "x" + s.resolution + ")";
    group.presets.push_back({name, "efficientnet-x", overrides, what + ", TPU activations"});
    overrides["variant"] = "tpu";
    group.presets.push_back(
        {name + "-tpu", "efficientnet-x", overrides, what + ", TPU activations"});
    overrides["variant"] = "gpu";
    group.presets.push_back(
        {name + "-gpu", "efficientnet-x", overrides, what + ", GPU (all ReLU)"});
  }
  return group;
}

}  // namespace tessera::model::zoo
