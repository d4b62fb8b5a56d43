// NASNet-A (Zoph et al. 2018): NeuroMeter's "NasNet" workload (003 Table II, NASNet-A-Large at
// 331x331). Built as the TF-slim reference does (tensorflow/models research/slim/nets/nasnet/
// nasnet.py and nasnet_utils.py): an ImageNet stem (3x3/2 conv + two reduction cells at 1/4 and
// 1/2 of the filters), `cells` normal cells with reduction cells at 1/3 and 2/3 of them, each
// cell combining its two inputs (the previous two cell outputs) through 5 pairs of ops
// (separable convs applied twice, 3x3 pools, identity) added pairwise, then concatenating the
// hidden states no pair consumed. Every conv is followed by BatchNorm and preceded by ReLU, as
// in the reference; no auxiliary head (inference).
#include <string>

#include "model/zoo/cnn_blocks.h"
#include "model/zoo/cnn_families.h"
#include "tessera/core/error.h"

namespace tessera::model::zoo {
namespace {

struct CellSpec {
  const char* ops[10];
  int used[7];      // hidden states consumed by some pair (not concatenated at the end)
  int indices[10];  // hidden-state index each op reads
};

// nasnet_utils.py NasNetANormalCell / NasNetAReductionCell.
constexpr CellSpec kNormalCell = {
    {"separable_5x5_2", "separable_3x3_2", "separable_5x5_2", "separable_3x3_2", "avg_pool_3x3",
     "none", "avg_pool_3x3", "avg_pool_3x3", "separable_3x3_2", "none"},
    {1, 0, 0, 0, 0, 0, 0},
    {0, 1, 1, 1, 0, 1, 1, 1, 0, 0}};
constexpr CellSpec kReductionCell = {
    {"separable_5x5_2", "separable_7x7_2", "max_pool_3x3", "separable_7x7_2", "avg_pool_3x3",
     "separable_5x5_2", "none", "avg_pool_3x3", "separable_3x3_2", "max_pool_3x3"},
    {1, 1, 1, 0, 0, 0, 0},
    {0, 1, 0, 1, 0, 1, 3, 2, 2, 0}};

TensorId relu(GraphBuilder& b, const std::string& name, TensorId x) {
  return b.unary(name, OpKind::Relu, Role::Activation, x);
}

TensorId conv1x1_bn(GraphBuilder& b, const std::string& name, TensorId x, int64_t out,
                    int64_t stride = 1) {
  TensorId y = b.conv2d_same(name, Role::PointwiseConv, x, out, 1, stride);
  return b.batchnorm(name + ".bn", y);
}

// TF "SAME" pooling.
TensorId pool_same(GraphBuilder& b, const std::string& name, OpKind kind, TensorId x,
                   int64_t kernel, int64_t stride) {
  const Shape s = b.shape(x);
  PoolAttrs attrs;
  attrs.kernel_h = attrs.kernel_w = kernel;
  attrs.stride_h = attrs.stride_w = stride;
  auto pads = [&](int64_t in, int64_t& begin, int64_t& end) {
    int64_t out = (in + stride - 1) / stride;
    int64_t total = std::max<int64_t>(0, (out - 1) * stride + kernel - in);
    begin = total / 2;
    end = total - begin;
  };
  pads(s[2], attrs.pad_top, attrs.pad_bottom);
  pads(s[3], attrs.pad_left, attrs.pad_right);
  return b.pool(name, kind, x, attrs);
}

// Halves the resolution without dropping pixels: two 1x1/2 paths, one shifted by a pixel, each
// to half the filters, concatenated and normalised (nasnet_utils.factorized_reduction).
TensorId factorized_reduction(GraphBuilder& b, const std::string& name, TensorId x, int64_t out,
                              int64_t stride) {
  if (stride == 1) return conv1x1_bn(b, name + ".path_conv", x, out);
  PoolAttrs one;
  one.stride_h = one.stride_w = stride;
  TensorId p1 = b.pool(name + ".path1_pool", OpKind::AvgPool, x, one);
  p1 = b.conv2d_same(name + ".path1_conv", Role::PointwiseConv, p1, out / 2, 1, 1);
  // The second path reads the input shifted by one pixel (pad + slice in the reference): the
  // same pooling cost and output shape as the first.
  TensorId p2 = b.pool(name + ".path2_pool", OpKind::AvgPool, x, one);
  p2 = b.conv2d_same(name + ".path2_conv", Role::PointwiseConv, p2, out - out / 2, 1, 1);
  TensorId y = b.concat(name + ".concat", {p1, p2}, 1);
  return b.batchnorm(name + ".bn", y);
}

TensorId apply_op(GraphBuilder& b, const std::string& name, TensorId h, const std::string& op,
                  int64_t stride, int64_t filters) {
  const int64_t in = b.shape(h)[1];
  if (op.rfind("separable_", 0) == 0) {
    // "separable_KxK_N": N x (ReLU -> depthwise KxK -> pointwise -> BN), stride on the first.
    const int64_t kernel = op[10] - '0';
    const int layers = op.back() - '0';
    for (int l = 1; l <= layers; ++l) {
      std::string sep = name + ".separable_" + std::to_string(l);
      h = relu(b, sep + ".relu", h);
      const int64_t channels = b.shape(h)[1];
      h = b.conv2d_same(sep + ".depthwise", Role::DepthwiseConv, h, channels, kernel,
                        l == 1 ? stride : 1, channels);
      h = b.conv2d_same(sep + ".pointwise", Role::PointwiseConv, h, filters, 1, 1);
      h = b.batchnorm(sep + ".bn", h);
    }
    return h;
  }
  if (op == "none") {
    if (stride == 1 && in == filters) return h;
    return conv1x1_bn(b, name + ".1x1", relu(b, name + ".relu", h), filters, stride);
  }
  const OpKind kind = op.rfind("avg_pool", 0) == 0 ? OpKind::AvgPool : OpKind::MaxPool;
  h = pool_same(b, name + ".pool", kind, h, 3, stride);
  if (in != filters) h = conv1x1_bn(b, name + ".1x1", h, filters);
  return h;
}

TensorId cell(GraphBuilder& b, const CellSpec& spec, TensorId net, TensorId prev, int64_t filters,
              int64_t stride) {
  // Match the previous output to this cell's input (nasnet_utils _reduce_prev_layer).
  if (prev < 0) {
    prev = net;
  } else if (b.shape(prev)[3] != b.shape(net)[3]) {
    prev = factorized_reduction(b, "prev_reduction", relu(b, "prev_relu", prev), filters, 2);
  } else if (b.shape(prev)[1] != filters) {
    prev = conv1x1_bn(b, "prev_1x1", relu(b, "prev_relu", prev), filters);
  }
  std::vector<TensorId> hidden = {conv1x1_bn(b, "1x1", relu(b, "relu", net), filters), prev};
  for (int i = 0; i < 5; ++i) {
    TensorId sides[2];
    for (int side = 0; side < 2; ++side) {
      const int idx = spec.indices[2 * i + side];
      std::string name = "comb_iter_" + std::to_string(i) + (side ? ".right" : ".left");
      sides[side] = apply_op(b, name, hidden[static_cast<size_t>(idx)], spec.ops[2 * i + side],
                             idx < 2 ? stride : 1, filters);
    }
    hidden.push_back(b.binary("comb_iter_" + std::to_string(i) + ".add", OpKind::Add,
                              Role::Elementwise, sides[0], sides[1]));
  }
  // Concatenate the unused states, reduced to the last state's size where they differ.
  const Shape last = b.shape(hidden.back());
  std::vector<TensorId> unused;
  for (size_t i = 0; i < hidden.size(); ++i) {
    if (spec.used[i]) continue;
    TensorId h = hidden[i];
    const Shape s = b.shape(h);
    if (s[1] != last[1] || s[3] != last[3])
      h = factorized_reduction(b, "reduction_" + std::to_string(i), h, last[1],
                               s[3] != last[3] ? 2 : 1);
    unused.push_back(h);
  }
  return b.concat("cell_output", unused, 1);
}

Graph build_nasnet(const ModelParams& params) {
  const std::string& model = params.model_name();
  const int64_t batch = params.get_int("batch");
  const int64_t resolution = params.get_int("resolution");
  const int64_t filters = params.get_int("filters");
  const int64_t cells = params.get_int("cells");
  const int64_t classes = params.get_int("classes");
  const double stem_multiplier = cnn::positive_double(params, "stem_multiplier", 64);
  const bool skip_reduction_input = params.get_bool("skip_reduction_layer_input");
  if (resolution < 32) throw Error(model + ": resolution must be at least 32");
  if (cells < 3) throw Error(model + ": cells must be at least 3 (two reductions among them)");
  if (filters % 4 != 0) throw Error(model + ": filters must be a multiple of 4");
  if (cells > 1000) throw Error(model + ": cells " + std::to_string(cells) + " is absurd");

  GraphBuilder b(model, Domain::Cnn);
  TensorId x = b.input("image", {batch, 3, resolution, resolution});
  b.set_layer(0, "stem.");
  ConvAttrs valid;
  valid.stride_h = valid.stride_w = 2;
  x = b.conv2d("conv0", Role::Conv, x, static_cast<int64_t>(32 * stem_multiplier), 3, 3, valid);
  x = b.batchnorm("conv0.bn", x);
  std::vector<TensorId> outputs = {-1, x};
  int32_t layer = 1;
  double scaling = 0.25;
  for (int i = 0; i < 2; ++i, scaling *= 2) {
    b.set_layer(layer++, "cell_stem_" + std::to_string(i) + ".");
    x = cell(b, kReductionCell, x, outputs[outputs.size() - 2],
             static_cast<int64_t>(static_cast<double>(filters) * scaling), 2);
    outputs.push_back(x);
  }
  const int64_t reductions[2] = {cells / 3, 2 * cells / 3};  // calc_reduction_layers
  int64_t cell_filters = filters;
  for (int64_t c = 0; c < cells; ++c) {
    TensorId prev = outputs[outputs.size() - 2];
    for (int r = 0; r < 2; ++r) {
      if (c != reductions[r]) continue;
      cell_filters *= 2;
      b.set_layer(layer++, "reduction_cell_" + std::to_string(r) + ".");
      x = cell(b, kReductionCell, x, outputs[outputs.size() - 2], cell_filters, 2);
      outputs.push_back(x);
    }
    if (!skip_reduction_input) prev = outputs[outputs.size() - 2];
    b.set_layer(layer++, "cell_" + std::to_string(c) + ".");
    x = cell(b, kNormalCell, x, prev, cell_filters, 1);
    outputs.push_back(x);
  }
  b.set_layer(-1, "");
  x = relu(b, "final_relu", x);
  b.mark_output(cnn::classifier_head(b, x, classes));
  return std::move(b).finish();
}

}  // namespace

FamilyGroup nasnet_group() {
  ZooFamily family;
  family.name = "nasnet-a";
  family.domain = Domain::Cnn;
  family.description = "NASNet-A (TF-slim layout): normal and reduction cells, no aux head";
  family.params = cnn::image_model_params(
      "331",
      {
          {"filters", "168", "filters of the first normal cells (doubled at each reduction)"},
          {"cells", "18", "normal cells (reductions after 1/3 and 2/3 of them)"},
          {"stem_multiplier", "3.0", "stem conv filters = 32 * this"},
          {"skip_reduction_layer_input", "true",
           "a normal cell after a reduction skips it (Large)"},
      });
  family.build = build_nasnet;
  FamilyGroup group;
  group.families.push_back(std::move(family));
  group.presets.push_back({"nasnet-a-large", "nasnet-a", {}, "NASNet-A Large (6 @ 4032), 331x331"});
  group.presets.push_back({"nasnet-a-mobile",
                           "nasnet-a",
                           {{"resolution", "224"},
                            {"filters", "44"},
                            {"cells", "12"},
                            {"stem_multiplier", "1.0"},
                            {"skip_reduction_layer_input", "false"}},
                           "NASNet-A Mobile (4 @ 1056), 224x224"});
  return group;
}

}  // namespace tessera::model::zoo
