// CNN building blocks shared by the zoo's CNN families (see cnn_blocks.h).
#include "model/zoo/cnn_blocks.h"

#include <algorithm>
#include <cmath>

#include "tessera/core/error.h"

namespace tessera::model::zoo::cnn {

Act parse_act(const std::string& name, const std::string& what) {
  if (name == "relu") return Act::Relu;
  if (name == "relu6") return Act::Relu6;
  if (name == "swish" || name == "silu") return Act::Swish;
  if (name == "sigmoid") return Act::Sigmoid;
  if (name == "none" || name == "linear") return Act::None;
  throw Error(what + ": unknown activation '" + name + "' (expected relu, relu6, swish or none)");
}

Role conv_role(int64_t in_channels, int64_t groups, int64_t kernel_h, int64_t kernel_w) {
  if (groups > 1 && groups == in_channels) return Role::DepthwiseConv;
  if (kernel_h == 1 && kernel_w == 1 && groups == 1) return Role::PointwiseConv;
  return Role::Conv;
}

TensorId activation(GraphBuilder& b, const std::string& name, TensorId x, Act act) {
  switch (act) {
    case Act::None:
      return x;
    case Act::Relu:
      return b.unary(name, OpKind::Relu, Role::Activation, x);
    case Act::Relu6:
      return b.unary(name, OpKind::Relu6, Role::Activation, x);
    case Act::Swish:
      return b.unary(name, OpKind::Swish, Role::Activation, x);
    case Act::Sigmoid:
      return b.unary(name, OpKind::Sigmoid, Role::Activation, x);
  }
  return x;
}

TensorId conv_bn_act(GraphBuilder& b, const std::string& name, TensorId x, int64_t out_channels,
                     int64_t kernel, int64_t stride, Act act, int64_t groups) {
  int64_t in_channels = b.shape(x).at(1);
  TensorId y = b.conv2d_same(name, conv_role(in_channels, groups, kernel, kernel), x, out_channels,
                             kernel, stride, groups);
  y = b.batchnorm(name + ".bn", y);
  return activation(b, name + ".act", y, act);
}

TensorId conv_bn_act_padded(GraphBuilder& b, const std::string& name, TensorId x,
                            int64_t out_channels, int64_t kernel_h, int64_t kernel_w,
                            int64_t stride, int64_t pad_h, int64_t pad_w, Act act) {
  ConvAttrs attrs;
  attrs.stride_h = attrs.stride_w = stride;
  attrs.pad_top = attrs.pad_bottom = pad_h;
  attrs.pad_left = attrs.pad_right = pad_w;
  int64_t in_channels = b.shape(x).at(1);
  TensorId y = b.conv2d(name, conv_role(in_channels, 1, kernel_h, kernel_w), x, out_channels,
                        kernel_h, kernel_w, attrs);
  y = b.batchnorm(name + ".bn", y);
  return activation(b, name + ".act", y, act);
}

TensorId classifier_head(GraphBuilder& b, TensorId x, int64_t classes) {
  TensorId pooled = b.global_avg_pool("head.pool", x);
  const Shape s = b.shape(pooled);
  TensorId flat = b.reshape("head.flatten", pooled, {s[0], s[1]});
  return b.linear("head.fc", Role::Classifier, flat, classes, /*bias=*/true);
}

TensorId squeeze_excite(GraphBuilder& b, const std::string& name, TensorId x,
                        int64_t reduced_channels, Act act) {
  int64_t channels = b.shape(x).at(1);
  auto mark_se = [&b] { b.mutable_graph().nodes.back().role = Role::SqueezeExcite; };
  TensorId s = b.global_avg_pool(name + ".pool", x);
  mark_se();
  s = b.conv2d(name + ".reduce", Role::SqueezeExcite, s, reduced_channels, 1, 1, ConvAttrs{},
               /*bias=*/true);
  s = activation(b, name + ".act", s, act);
  s = b.conv2d(name + ".expand", Role::SqueezeExcite, s, channels, 1, 1, ConvAttrs{},
               /*bias=*/true);
  s = b.unary(name + ".gate", OpKind::Sigmoid, Role::SqueezeExcite, s);
  return b.binary(name + ".scale", OpKind::Mul, Role::SqueezeExcite, x, s);
}

TensorId mbconv(GraphBuilder& b, const std::string& name, TensorId x, const MbConvSpec& spec) {
  if (spec.out_channels <= 0 || spec.expand_ratio <= 0 || spec.kernel <= 0 || spec.stride <= 0)
    throw Error(name + ": MBConv channels, expansion, kernel and stride must be positive");
  const int64_t in_channels = b.shape(x).at(1);
  const int64_t hidden =
      spec.hidden_channels > 0 ? spec.hidden_channels : in_channels * spec.expand_ratio;
  TensorId y = x;
  if (spec.fused) {
    y = conv_bn_act(b, name + ".fused", y, hidden, spec.kernel, spec.stride, spec.act);
  } else {
    if (spec.expand_ratio != 1 || hidden != in_channels)
      y = conv_bn_act(b, name + ".expand", y, hidden, 1, 1, spec.act);
    y = conv_bn_act(b, name + ".dw", y, hidden, spec.kernel, spec.stride, spec.act, hidden);
  }
  if (spec.se_channels > 0) y = squeeze_excite(b, name + ".se", y, spec.se_channels, spec.act);
  y = conv_bn_act(b, name + ".project", y, spec.out_channels, 1, 1, Act::None);
  if (spec.residual && spec.stride == 1 && in_channels == spec.out_channels)
    y = b.binary(name + ".add", OpKind::Add, Role::Residual, y, x);
  return y;
}

int64_t round_filters(int64_t filters, double width, int64_t divisor) {
  double scaled = static_cast<double>(filters) * width;
  int64_t rounded = std::max<int64_t>(
      divisor, static_cast<int64_t>(scaled + static_cast<double>(divisor) / 2) / divisor * divisor);
  if (static_cast<double>(rounded) < 0.9 * scaled) rounded += divisor;
  return rounded;
}

int64_t round_repeats(int64_t repeats, double depth) {
  return static_cast<int64_t>(std::ceil(depth * static_cast<double>(repeats)));
}

double positive_double(const ModelParams& params, const std::string& key, double max) {
  double v = params.get_double(key);
  if (!(v > 0) || !(v <= max) || !std::isfinite(v))
    throw Error(params.model_name() + ": " + key + " must be a positive number (at most " +
                std::to_string(static_cast<int64_t>(max)) + "), got " + params.get_string(key));
  return v;
}

std::vector<ParamSpec> image_model_params(const std::string& resolution,
                                          std::vector<ParamSpec> specific) {
  std::vector<ParamSpec> params = {{"batch", "1", "images per inference"},
                                   {"resolution", resolution, "input height and width"}};
  for (ParamSpec& spec : specific) params.push_back(std::move(spec));
  params.push_back({"classes", "1000", "classifier outputs"});
  return params;
}

}  // namespace tessera::model::zoo::cnn
