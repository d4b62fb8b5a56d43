// Inception-v3 (Szegedy et al. 2016), 299x299, as in torchvision's inception_v3 without the
// auxiliary classifier (inference graph): NeuroMeter's "Inception" workload (003 Table II) and
// an entry of 004 Table 3. Every BasicConv2d is conv (no bias) -> BatchNorm -> ReLU.
#include "model/zoo/cnn_blocks.h"
#include "model/zoo/cnn_families.h"
#include "tessera/core/error.h"

namespace tessera::model::zoo {
namespace {

using cnn::Act;

// BasicConv2d with a kh x kw kernel, stride and symmetric padding.
TensorId basic(GraphBuilder& b, const std::string& name, TensorId x, int64_t out, int64_t kh,
               int64_t kw, int64_t stride = 1, int64_t pad_h = 0, int64_t pad_w = 0) {
  return cnn::conv_bn_act_padded(b, name, x, out, kh, kw, stride, pad_h, pad_w, Act::Relu);
}

TensorId pool3(GraphBuilder& b, const std::string& name, OpKind kind, TensorId x, int64_t stride,
               int64_t pad) {
  PoolAttrs attrs;
  attrs.kernel_h = attrs.kernel_w = 3;
  attrs.stride_h = attrs.stride_w = stride;
  attrs.pad_top = attrs.pad_bottom = attrs.pad_left = attrs.pad_right = pad;
  return b.pool(name, kind, x, attrs);
}

TensorId inception_a(GraphBuilder& b, TensorId x, int64_t pool_features) {
  TensorId b1 = basic(b, "branch1x1", x, 64, 1, 1);
  TensorId b5 = basic(b, "branch5x5_1", x, 48, 1, 1);
  b5 = basic(b, "branch5x5_2", b5, 64, 5, 5, 1, 2, 2);
  TensorId b3 = basic(b, "branch3x3dbl_1", x, 64, 1, 1);
  b3 = basic(b, "branch3x3dbl_2", b3, 96, 3, 3, 1, 1, 1);
  b3 = basic(b, "branch3x3dbl_3", b3, 96, 3, 3, 1, 1, 1);
  TensorId bp = pool3(b, "branch_pool.avg", OpKind::AvgPool, x, 1, 1);
  bp = basic(b, "branch_pool", bp, pool_features, 1, 1);
  return b.concat("concat", {b1, b5, b3, bp}, 1);
}

TensorId inception_b(GraphBuilder& b, TensorId x) {
  TensorId b3 = basic(b, "branch3x3", x, 384, 3, 3, 2);
  TensorId bd = basic(b, "branch3x3dbl_1", x, 64, 1, 1);
  bd = basic(b, "branch3x3dbl_2", bd, 96, 3, 3, 1, 1, 1);
  bd = basic(b, "branch3x3dbl_3", bd, 96, 3, 3, 2);
  TensorId bp = pool3(b, "branch_pool", OpKind::MaxPool, x, 2, 0);
  return b.concat("concat", {b3, bd, bp}, 1);
}

TensorId inception_c(GraphBuilder& b, TensorId x, int64_t c7) {
  TensorId b1 = basic(b, "branch1x1", x, 192, 1, 1);
  TensorId b7 = basic(b, "branch7x7_1", x, c7, 1, 1);
  b7 = basic(b, "branch7x7_2", b7, c7, 1, 7, 1, 0, 3);
  b7 = basic(b, "branch7x7_3", b7, 192, 7, 1, 1, 3, 0);
  TensorId bd = basic(b, "branch7x7dbl_1", x, c7, 1, 1);
  bd = basic(b, "branch7x7dbl_2", bd, c7, 7, 1, 1, 3, 0);
  bd = basic(b, "branch7x7dbl_3", bd, c7, 1, 7, 1, 0, 3);
  bd = basic(b, "branch7x7dbl_4", bd, c7, 7, 1, 1, 3, 0);
  bd = basic(b, "branch7x7dbl_5", bd, 192, 1, 7, 1, 0, 3);
  TensorId bp = pool3(b, "branch_pool.avg", OpKind::AvgPool, x, 1, 1);
  bp = basic(b, "branch_pool", bp, 192, 1, 1);
  return b.concat("concat", {b1, b7, bd, bp}, 1);
}

TensorId inception_d(GraphBuilder& b, TensorId x) {
  TensorId b3 = basic(b, "branch3x3_1", x, 192, 1, 1);
  b3 = basic(b, "branch3x3_2", b3, 320, 3, 3, 2);
  TensorId b7 = basic(b, "branch7x7x3_1", x, 192, 1, 1);
  b7 = basic(b, "branch7x7x3_2", b7, 192, 1, 7, 1, 0, 3);
  b7 = basic(b, "branch7x7x3_3", b7, 192, 7, 1, 1, 3, 0);
  b7 = basic(b, "branch7x7x3_4", b7, 192, 3, 3, 2);
  TensorId bp = pool3(b, "branch_pool", OpKind::MaxPool, x, 2, 0);
  return b.concat("concat", {b3, b7, bp}, 1);
}

TensorId inception_e(GraphBuilder& b, TensorId x) {
  TensorId b1 = basic(b, "branch1x1", x, 320, 1, 1);
  TensorId b3 = basic(b, "branch3x3_1", x, 384, 1, 1);
  TensorId b3a = basic(b, "branch3x3_2a", b3, 384, 1, 3, 1, 0, 1);
  TensorId b3b = basic(b, "branch3x3_2b", b3, 384, 3, 1, 1, 1, 0);
  TensorId b3c = b.concat("branch3x3.concat", {b3a, b3b}, 1);
  TensorId bd = basic(b, "branch3x3dbl_1", x, 448, 1, 1);
  bd = basic(b, "branch3x3dbl_2", bd, 384, 3, 3, 1, 1, 1);
  TensorId bda = basic(b, "branch3x3dbl_3a", bd, 384, 1, 3, 1, 0, 1);
  TensorId bdb = basic(b, "branch3x3dbl_3b", bd, 384, 3, 1, 1, 1, 0);
  TensorId bdc = b.concat("branch3x3dbl.concat", {bda, bdb}, 1);
  TensorId bp = pool3(b, "branch_pool.avg", OpKind::AvgPool, x, 1, 1);
  bp = basic(b, "branch_pool", bp, 192, 1, 1);
  return b.concat("concat", {b1, b3c, bdc, bp}, 1);
}

Graph build_inception_v3(const ModelParams& params) {
  const std::string& model = params.model_name();
  const int64_t batch = params.get_int("batch");
  const int64_t resolution = params.get_int("resolution");
  const int64_t classes = params.get_int("classes");
  // The valid-padded stem and grid reductions need at least 75x75 (torchvision's minimum).
  if (resolution < 75)
    throw Error(model + ": resolution " + std::to_string(resolution) +
                " is too small for Inception-v3 (need at least 75)");

  GraphBuilder b(model, Domain::Cnn);
  TensorId x = b.input("image", {batch, 3, resolution, resolution});
  b.set_layer(0, "stem.");
  x = basic(b, "Conv2d_1a_3x3", x, 32, 3, 3, 2);
  x = basic(b, "Conv2d_2a_3x3", x, 32, 3, 3);
  x = basic(b, "Conv2d_2b_3x3", x, 64, 3, 3, 1, 1, 1);
  x = pool3(b, "maxpool1", OpKind::MaxPool, x, 2, 0);
  x = basic(b, "Conv2d_3b_1x1", x, 80, 1, 1);
  x = basic(b, "Conv2d_4a_3x3", x, 192, 3, 3);
  x = pool3(b, "maxpool2", OpKind::MaxPool, x, 2, 0);
  int32_t layer = 1;
  auto module = [&](const std::string& name) { b.set_layer(layer++, name + "."); };
  module("Mixed_5b"), x = inception_a(b, x, 32);
  module("Mixed_5c"), x = inception_a(b, x, 64);
  module("Mixed_5d"), x = inception_a(b, x, 64);
  module("Mixed_6a"), x = inception_b(b, x);
  module("Mixed_6b"), x = inception_c(b, x, 128);
  module("Mixed_6c"), x = inception_c(b, x, 160);
  module("Mixed_6d"), x = inception_c(b, x, 160);
  module("Mixed_6e"), x = inception_c(b, x, 192);
  module("Mixed_7a"), x = inception_d(b, x);
  module("Mixed_7b"), x = inception_e(b, x);
  module("Mixed_7c"), x = inception_e(b, x);
  b.set_layer(-1, "");
  b.mark_output(cnn::classifier_head(b, x, classes));
  return std::move(b).finish();
}

}  // namespace

FamilyGroup inception_families() {
  ZooFamily family;
  family.name = "inception-v3";
  family.domain = Domain::Cnn;
  family.description = "Inception-v3 (torchvision layout, no auxiliary classifier)";
  family.params = cnn::image_model_params("299", {});
  family.build = build_inception_v3;
  FamilyGroup group;
  group.families.push_back(std::move(family));
  group.presets.push_back({"inception-v3", "inception-v3", {}, "Inception-v3, 299x299"});
  FamilyGroup nasnet = nasnet_group();
  for (auto& f : nasnet.families) group.families.push_back(std::move(f));
  for (auto& p : nasnet.presets) group.presets.push_back(std::move(p));
  return group;
}

}  // namespace tessera::model::zoo
