// Private: building blocks shared by the CNN zoo families (ResNet, MobileNetV2, EfficientNet,
// EfficientNet-X, Inception, cnn-stages). Every conv, BatchNorm and activation is its own node so
// the survey's unfused/fused analysis (001 Sec. 2.2.2, Table 4) sees them separately.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tessera/model/graph_builder.h"
#include "tessera/model/model_params.h"

namespace tessera::model::zoo::cnn {

enum class Act : uint8_t { None, Relu, Relu6, Swish, Sigmoid };
Act parse_act(const std::string& name, const std::string& what);  // relu, relu6, swish, none

// The role of a convolution from its geometry: depthwise (groups == channels > 1), pointwise
// (1x1, ungrouped) or a general conv.
Role conv_role(int64_t in_channels, int64_t groups, int64_t kernel_h, int64_t kernel_w);

// conv (TF "same" padding) -> BatchNorm -> activation, each a separate node.
TensorId conv_bn_act(GraphBuilder& b, const std::string& name, TensorId x, int64_t out_channels,
                     int64_t kernel, int64_t stride, Act act, int64_t groups = 1);
// conv with explicit symmetric padding (PyTorch style) -> BN -> activation.
TensorId conv_bn_act_padded(GraphBuilder& b, const std::string& name, TensorId x,
                            int64_t out_channels, int64_t kernel_h, int64_t kernel_w,
                            int64_t stride, int64_t pad_h, int64_t pad_w, Act act);
TensorId activation(GraphBuilder& b, const std::string& name, TensorId x, Act act);

// Global average pool -> flatten -> fully connected classifier (with bias).
TensorId classifier_head(GraphBuilder& b, TensorId x, int64_t classes);

// An inverted-residual (MBConv) block as in MobileNetV2 / EfficientNet and the fused variant of
// EfficientNet-X (004 Sec. 3.2): [expand 1x1 | fused kxk] -> [depthwise kxk] -> [SE] -> project
// 1x1 -> [+ input].
struct MbConvSpec {
  int64_t out_channels = 0;
  int64_t expand_ratio = 1;
  int64_t hidden_channels = 0;  // expanded width; 0 = input channels * expand_ratio
  int64_t kernel = 3;
  int64_t stride = 1;
  bool fused = false;       // expansion as a kxk conv, no depthwise (EfficientNet-X)
  int64_t se_channels = 0;  // squeeze-excite bottleneck width; 0 = no SE
  Act act = Act::Swish;
  bool residual = true;  // add the input when stride 1 and channels match
};
TensorId mbconv(GraphBuilder& b, const std::string& name, TensorId x, const MbConvSpec& spec);

// Squeeze-excite (Hu et al.): global pool -> 1x1 reduce (bias) -> act -> 1x1 expand (bias) ->
// sigmoid -> scale x. Roles: SqueezeExcite for its pool/convs/gate, Activation for the act.
TensorId squeeze_excite(GraphBuilder& b, const std::string& name, TensorId x,
                        int64_t reduced_channels, Act act);

// EfficientNet reference rounding (tensorflow/tpu efficientnet_model.py round_filters /
// round_repeats): filters * width to the nearest multiple of `divisor` (not below it, and not
// more than 10% below the scaled value); repeats * depth rounded up.
int64_t round_filters(int64_t filters, double width, int64_t divisor = 8);
int64_t round_repeats(int64_t repeats, double depth);

// A positive double parameter (width/depth multipliers); throws tessera::Error otherwise.
double positive_double(const ModelParams& params, const std::string& key, double max = 1e3);

// The parameters every image model has — batch, resolution (default `resolution`) first and
// classes last — around the family's own `specific` ones.
std::vector<ParamSpec> image_model_params(const std::string& resolution,
                                          std::vector<ParamSpec> specific);

}  // namespace tessera::model::zoo::cnn
