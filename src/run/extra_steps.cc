#include "run/extra_steps.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

#include "run/kernels/cnn_kernels.h"
#include "run/unlowered_steps.h"
#include "tessera/core/error.h"

namespace tessera::run {
namespace {

using model::Graph;
using model::Node;
using model::OpKind;
using model::TensorId;

[[noreturn]] void refuse(const Node& n, const std::string& what) {
  std::string op = n.source_op.empty() ? std::string(model::op_kind_name(n.kind)) : n.source_op;
  throw Error("node '" + n.name + "' (" + op + "): " + what +
              " is not supported by the cpu backend");
}

Dims dims(const Graph& g, TensorId t) { return g.tensor(t).shape; }

int64_t product(const Dims& d, size_t begin, size_t end) {
  int64_t p = 1;
  for (size_t i = begin; i < end && i < d.size(); ++i) p *= d[i];
  return p;
}

int64_t int_attr(const OnnxNodeInfo* info, const std::string& name, int64_t fallback) {
  if (!info) return fallback;
  auto it = info->ints.find(name);
  return it == info->ints.end() || it->second.empty() ? fallback : it->second[0];
}

std::string string_attr(const OnnxNodeInfo* info, const std::string& name) {
  if (!info) return "";
  auto it = info->strings.find(name);
  return it == info->strings.end() ? "" : it->second;
}

// A float operand given as input `input` (opset >= 11) or attribute `attr` (older opsets).
std::optional<float> scalar_operand(const Node& n, const OnnxOperands& file,
                                    const OnnxNodeInfo& info, size_t input,
                                    const std::string& attr) {
  if (input < info.inputs.size() && !info.inputs[input].empty()) {
    const StaticValue* v = file.static_input(info, input);
    if (!v || v->data.size() != 1)
      refuse(n, "operand '" + info.inputs[input] + "' computed at run time");
    return static_cast<float>(v->data[0]);
  }
  if (auto f = file.float_attr(info, attr)) return static_cast<float>(*f);
  return std::nullopt;
}

using Body = std::function<void()>;

Body conv_step(const Graph& g, const Node& n, Plan* plan, int threads) {
  Dims x = dims(g, n.inputs.at(0)), w = dims(g, n.inputs.at(1)), y = dims(g, n.outputs[0]);
  if (x.size() != 4 || w.size() != 4 || y.size() != 4) refuse(n, "a convolution of this rank");
  ConvGeometry c;
  c.transposed = n.kind == OpKind::ConvTranspose2d;
  c.batch = x[0], c.in_channels = x[1], c.in_h = x[2], c.in_w = x[3];
  c.out_channels = y[1], c.out_h = y[2], c.out_w = y[3];
  c.kernel_h = w[2], c.kernel_w = w[3];
  c.stride_h = n.conv.stride_h, c.stride_w = n.conv.stride_w;
  c.dilation_h = n.conv.dilation_h, c.dilation_w = n.conv.dilation_w;
  c.pad_top = n.conv.pad_top, c.pad_left = n.conv.pad_left;
  c.groups = n.conv.groups;
  if (c.transposed) {  // end pads from the output size (output_padding shrinks them)
    c.pad_bottom =
        (c.in_h - 1) * c.stride_h + (c.kernel_h - 1) * c.dilation_h + 1 - c.pad_top - c.out_h;
    c.pad_right =
        (c.in_w - 1) * c.stride_w + (c.kernel_w - 1) * c.dilation_w + 1 - c.pad_left - c.out_w;
    if (c.pad_bottom < 0 || c.pad_right < 0) refuse(n, "output_padding larger than the end pads");
  } else {
    c.pad_bottom = n.conv.pad_bottom, c.pad_right = n.conv.pad_right;
  }
  check_conv_geometry(c, "node '" + n.name + "'");
  auto kernel = std::make_shared<Conv2d>(c);
  TensorId in = n.inputs[0], weight = n.inputs[1], out = n.outputs[0];
  TensorId bias = n.inputs.size() > 2 ? n.inputs[2] : -1;
  return [=] {
    kernel->run(plan->data(in), plan->data(weight), bias >= 0 ? plan->data(bias) : nullptr,
                plan->data(out), threads);
  };
}

Body pool_step(const Graph& g, const Node& n, const OnnxOperands& file, Plan* plan, int threads) {
  Dims x = dims(g, n.inputs.at(0)), y = dims(g, n.outputs[0]);
  if (x.size() != 4 || y.size() != 4) refuse(n, "a pool of this rank");
  TensorId in = n.inputs[0], out = n.outputs[0];
  if (n.kind == OpKind::GlobalAvgPool) {
    int64_t planes = x[0] * x[1], plane = x[2] * x[3];
    return [=] { plane_mean(plan->data(in), plan->data(out), planes, plane, threads); };
  }
  const OnnxNodeInfo* info = file.source_node(n);
  PoolGeometry p;
  p.batch = x[0], p.channels = x[1], p.in_h = x[2], p.in_w = x[3], p.out_h = y[2], p.out_w = y[3];
  p.kernel_h = n.pool.kernel_h, p.kernel_w = n.pool.kernel_w;
  p.stride_h = n.pool.stride_h, p.stride_w = n.pool.stride_w;
  p.pad_top = n.pool.pad_top, p.pad_left = n.pool.pad_left;
  p.pad_bottom = n.pool.pad_bottom, p.pad_right = n.pool.pad_right;
  if (info && info->ints.count("dilations")) {
    const auto& d = info->ints.at("dilations");
    p.dilation_h = d.size() == 2 ? d[0] : 1;
    p.dilation_w = d.back();
  }
  p.count_include_pad = int_attr(info, "count_include_pad", 0) != 0;
  // auto_pad SAME_* is resolved into n.pool's pads by the importer (onnx_lower.cc).
  for (int64_t v : {p.kernel_h, p.kernel_w, p.stride_h, p.stride_w, p.dilation_h, p.dilation_w})
    if (v <= 0) refuse(n, "a kernel, stride or dilation of " + std::to_string(v));
  if (n.kind == OpKind::MaxPool) {
    if (info && info->outputs.size() > 1 && !info->outputs[1].empty())
      refuse(n, "MaxPool's Indices output");
    return [=] { max_pool2d(plan->data(in), p, plan->data(out), threads); };
  }
  return [=] { avg_pool2d(plan->data(in), p, plan->data(out), threads); };
}

// Inference batch norm: mean and variance come from the file (the graph keeps scale and bias
// only); a zoo graph has none and uses mean 0, variance 1.
Body batchnorm_step(const Graph& g, const Node& n, const OnnxOperands& file,
                    const WeightStore& weights, Plan* plan, int threads) {
  Dims x = dims(g, n.inputs.at(0));
  if (x.size() < 2) refuse(n, "a batch norm over rank " + std::to_string(x.size()));
  const int64_t channels = x[1], inner = product(x, 2, x.size());
  const OnnxNodeInfo* info = file.source_node(n);
  auto stats = std::make_shared<std::vector<float>>(2 * static_cast<size_t>(channels), 0.0f);
  std::fill(stats->begin() + channels, stats->end(), 1.0f);
  float eps = 1e-5f;
  if (info) {
    if (int_attr(info, "training_mode", 0) != 0) refuse(n, "training-mode BatchNormalization");
    if (auto e = file.float_attr(*info, "epsilon")) eps = static_cast<float>(*e);
    for (size_t k = 0; k < 2; ++k) {
      const std::string& name = info->inputs.size() > 3 + k ? info->inputs[3 + k] : "";
      const StaticValue* v = file.static_input(*info, 3 + k);
      const std::vector<float>* loaded = weights.loaded_values(name, channels);
      if (v && static_cast<int64_t>(v->data.size()) == channels)
        for (int64_t c = 0; c < channels; ++c)
          (*stats)[static_cast<size_t>(k * channels + c)] = static_cast<float>(v->data[c]);
      else if (loaded)
        std::copy(loaded->begin(), loaded->end(), stats->begin() + k * channels);
      else
        refuse(n, std::string("a running ") + (k ? "variance" : "mean") + " '" + name +
                      "' that is missing or has other than " + std::to_string(channels) +
                      " values");
    }
  }
  TensorId in = n.inputs[0], out = n.outputs[0];
  TensorId gamma = n.inputs.size() > 1 ? n.inputs[1] : -1;
  TensorId beta = n.inputs.size() > 2 ? n.inputs[2] : -1;
  int64_t batch = x[0];
  return [=] {
    std::vector<float> scale(static_cast<size_t>(channels)), shift(scale.size());
    const float* gm = gamma >= 0 ? plan->data(gamma) : nullptr;
    const float* bt = beta >= 0 ? plan->data(beta) : nullptr;
    for (size_t c = 0; c < scale.size(); ++c) {
      float mean = (*stats)[c], var = (*stats)[scale.size() + c];
      scale[c] = (gm ? gm[c] : 1.0f) / std::sqrt(var + eps);
      shift[c] = (bt ? bt[c] : 0.0f) - mean * scale[c];
    }
    channel_affine(plan->data(in), scale.data(), shift.data(), plan->data(out), batch, channels,
                   inner, threads);
  };
}

Body pad_step(const Graph& g, const Node& n, const OnnxOperands& file, Plan* plan, int threads) {
  const OnnxNodeInfo* info = file.source_node(n);
  if (!info) refuse(n, "Pad without its ONNX operands");
  Dims x = dims(g, n.inputs.at(0)), y = dims(g, n.outputs[0]);
  const size_t rank = x.size();
  std::vector<int64_t> pads;
  if (info->inputs.size() > 1 && !info->inputs[1].empty()) {
    pads = file.static_ints(*info, 1);
  } else if (info->ints.count("pads")) {
    pads = info->ints.at("pads");
  }
  std::vector<int64_t> axes;
  if (info->inputs.size() > 3 && !info->inputs[3].empty()) axes = file.static_ints(*info, 3);
  if (axes.empty())
    for (size_t a = 0; a < rank; ++a) axes.push_back(static_cast<int64_t>(a));
  if (pads.size() != 2 * axes.size()) refuse(n, "pads of " + std::to_string(pads.size()));
  Dims begin(rank, 0);
  for (size_t k = 0; k < axes.size(); ++k) {
    int64_t a = axes[k] < 0 ? axes[k] + static_cast<int64_t>(rank) : axes[k];
    if (a < 0 || a >= static_cast<int64_t>(rank)) refuse(n, "a pad axis out of range");
    begin[static_cast<size_t>(a)] = pads[k];
  }
  std::string mode = string_attr(info, "mode");
  PadMode m = mode.empty() || mode == "constant" ? PadMode::Constant
              : mode == "edge"                   ? PadMode::Edge
              : mode == "reflect"                ? PadMode::Reflect
                                  : (refuse(n, "pad mode '" + mode + "'"), PadMode{});
  float value = scalar_operand(n, file, *info, 2, "value").value_or(0.0f);
  TensorId in = n.inputs[0], out = n.outputs[0];
  return [=] { pad_nd(plan->data(in), x, begin, m, value, plan->data(out), y, threads); };
}

Body clip_step(const Graph& g, const Node& n, const OnnxOperands& file, Plan* plan, int threads) {
  const OnnxNodeInfo* info = file.source_node(n);
  if (!info) refuse(n, "Clip without its ONNX bounds");
  float lo = scalar_operand(n, file, *info, 1, "min").value_or(-std::numeric_limits<float>::max());
  float hi = scalar_operand(n, file, *info, 2, "max").value_or(std::numeric_limits<float>::max());
  TensorId in = n.inputs[0], out = n.outputs[0];
  int64_t count = g.tensor(out).elements();
  return [=] { clip_values(plan->data(in), plan->data(out), count, lo, hi, threads); };
}

// LayerNorm over the trailing axes from `axis`, with gamma / beta optional (elementwise_affine
// off, or a decomposed form without them). Nullopt: the backend's own last-axis case applies.
std::optional<Body> layernorm_step(const Graph& g, const Node& n, const OnnxOperands& file,
                                   Plan* plan, int threads) {
  Dims x = dims(g, n.inputs.at(0));
  int64_t rank = static_cast<int64_t>(x.size());
  if (n.source_op == "InstanceNormalization") {
    if (rank < 3 || n.inputs.size() < 3) refuse(n, "an instance norm of this form");
    int64_t batch = x[0], channels = x[1], inner = product(x, 2, x.size());
    float eps = file.layernorm_epsilon(n);
    TensorId in = n.inputs[0], scale = n.inputs[1], shift = n.inputs[2], out = n.outputs[0];
    for (TensorId t : {scale, shift})
      if (g.tensor(t).elements() != channels) refuse(n, "a scale or bias not per channel");
    return [=] {
      instance_norm(plan->data(in), plan->data(scale), plan->data(shift), plan->data(out), batch,
                    channels, inner, eps, threads);
    };
  }
  int64_t axis = n.axis < 0 ? n.axis + rank : n.axis;
  if (axis < 0 || axis >= rank) refuse(n, "layernorm axis " + std::to_string(n.axis));
  if (n.inputs.size() >= 3 && axis == rank - 1) return std::nullopt;
  int64_t cols = product(x, static_cast<size_t>(axis), x.size());
  int64_t rows = g.tensor(n.inputs[0]).elements() / cols;
  float eps = file.layernorm_epsilon(n);
  TensorId in = n.inputs[0], out = n.outputs[0];
  TensorId gamma = n.inputs.size() > 1 ? n.inputs[1] : -1;
  TensorId beta = n.inputs.size() > 2 ? n.inputs[2] : -1;
  for (TensorId t : {gamma, beta})
    if (t >= 0 && g.tensor(t).elements() != cols) refuse(n, "a broadcast LayerNorm scale");
  auto ones = std::make_shared<std::vector<float>>(static_cast<size_t>(cols), 1.0f);
  auto zeros = std::make_shared<std::vector<float>>(static_cast<size_t>(cols), 0.0f);
  return [=] {
    layernorm_rows(plan->data(in), gamma >= 0 ? plan->data(gamma) : ones->data(),
                   beta >= 0 ? plan->data(beta) : zeros->data(), plan->data(out), rows, cols, eps,
                   threads);
  };
}

std::optional<Body> softmax_step(const Graph& g, const Node& n, Plan* plan, int threads) {
  Dims x = dims(g, n.inputs.at(0));
  int64_t rank = static_cast<int64_t>(x.size());
  int64_t axis = n.axis < 0 ? n.axis + rank : n.axis;
  bool log = n.source_op == "LogSoftmax";
  if (!log && axis == rank - 1) return std::nullopt;
  if (axis < 0 || axis >= rank) refuse(n, "softmax axis " + std::to_string(n.axis));
  size_t a = static_cast<size_t>(axis);
  int64_t outer = product(x, 0, a), extent = x[a], inner = product(x, a + 1, x.size());
  TensorId in = n.inputs[0], out = n.outputs[0];
  return [=] { softmax_axis(plan->data(in), plan->data(out), outer, extent, inner, log, threads); };
}

// ReduceMean over the file's axes (attribute, or input since opset 18), which must be adjacent.
std::optional<Body> reduce_mean_step(const Graph& g, const Node& n, const OnnxOperands& file,
                                     Plan* plan, int threads) {
  const OnnxNodeInfo* info = file.source_node(n);
  if (!info || info->op_type != "ReduceMean") return std::nullopt;
  Dims x = dims(g, n.inputs.at(0));
  int64_t rank = static_cast<int64_t>(x.size());
  std::vector<int64_t> axes;
  if (info->ints.count("axes")) axes = info->ints.at("axes");
  if (info->inputs.size() > 1 && !info->inputs[1].empty()) axes = file.static_ints(*info, 1);
  if (axes.empty()) {
    if (int_attr(info, "noop_with_empty_axes", 0)) refuse(n, "noop_with_empty_axes");
    for (int64_t a = 0; a < rank; ++a) axes.push_back(a);
  }
  for (int64_t& a : axes) a = a < 0 ? a + rank : a;
  std::sort(axes.begin(), axes.end());
  for (size_t k = 1; k < axes.size(); ++k)
    if (axes[k] != axes[k - 1] + 1) refuse(n, "a mean over non-adjacent axes");
  if (axes.front() < 0 || axes.back() >= rank) refuse(n, "a mean axis out of range");
  size_t first = static_cast<size_t>(axes.front()), last = static_cast<size_t>(axes.back()) + 1;
  int64_t outer = product(x, 0, first), extent = product(x, first, last),
          inner = product(x, last, x.size());
  TensorId in = n.inputs[0], out = n.outputs[0];
  if (inner == 1)  // a mean over the trailing axes: contiguous planes
    return [=] { plane_mean(plan->data(in), plan->data(out), outer, extent, threads); };
  return [=] { reduce_mean_axis(plan->data(in), outer, extent, inner, plan->data(out), threads); };
}

// HardSigmoid with the file's alpha/beta (ONNX default 0.2, PyTorch exports 1/6), alone or as
// the x * HardSigmoid(x) the importer fuses into a hard-swish.
std::optional<Body> hard_sigmoid_step(const Graph& g, const Node& n, const OnnxOperands& file,
                                      Plan* plan, int threads) {
  const OnnxNodeInfo* info = nullptr;
  if (n.source_op == "HardSigmoid") {
    info = file.source_node(n);
  } else if (n.kind == OpKind::HardSwish && file.statics() && n.source_op != "HardSwish") {
    const auto* found = file.statics()->find_ancestor(n.name, "HardSigmoid", 1);
    info = found ? &found->second : nullptr;
  }
  if (!info) return std::nullopt;
  float alpha = static_cast<float>(file.float_attr(*info, "alpha").value_or(0.2));
  float beta = static_cast<float>(file.float_attr(*info, "beta").value_or(0.5));
  bool times_x = n.kind == OpKind::HardSwish;
  TensorId in = n.inputs[0], out = n.outputs[0];
  int64_t count = g.tensor(out).elements();
  return
      [=] { hard_sigmoid(plan->data(in), plan->data(out), count, alpha, beta, times_x, threads); };
}

// An op the importer could not lower whose outputs depend only on constants and bound shapes
// (Equal on a causal buffer sliced to the sequence length of a dynamic-axes export): its values
// are evaluated from the file once and copied.
std::optional<Body> static_step(const Graph& g, const Node& n, const OnnxOperands& file,
                                Plan* plan) {
  const OnnxNodeInfo* info = file.source_node(n);
  if (!info || info->outputs.size() < n.outputs.size()) return std::nullopt;
  auto values = std::make_shared<std::vector<std::vector<float>>>();
  for (size_t i = 0; i < n.outputs.size(); ++i) {
    const StaticValue* v = file.static_named(info->outputs[i]);
    if (!v || static_cast<int64_t>(v->data.size()) != g.tensor(n.outputs[i]).elements())
      return std::nullopt;
    values->emplace_back(v->data.begin(), v->data.end());
  }
  std::vector<TensorId> outs = n.outputs;
  return [=] {
    for (size_t i = 0; i < outs.size(); ++i)
      std::copy((*values)[i].begin(), (*values)[i].end(), plan->data(outs[i]));
  };
}

// An Einsum operand whose batch label broadcasts: moved into [batch, M, K] / [batch, K, N] order,
// then expanded over the batch (the matmul kernel wants equal batch sizes).
std::optional<Body> einsum_broadcast_step(const Node& n, const OnnxOperands& file, Plan* plan,
                                          int threads) {
  std::optional<EinsumView> v = file.einsum_layout(n);
  if (!v || v->broadcast_dims.empty()) return std::nullopt;
  Dims moved;
  for (int64_t p : v->permutation) moved.push_back(v->in_dims[static_cast<size_t>(p)]);
  auto scratch =
      std::make_shared<std::vector<float>>(static_cast<size_t>(product(moved, 0, moved.size())));
  TensorId in = n.inputs[0], out = n.outputs[0];
  EinsumView view = *v;
  return [=] {
    transpose(plan->data(in), view.in_dims, view.permutation, scratch->data(), threads);
    broadcast_to(scratch->data(), moved, plan->data(out), view.broadcast_dims, threads);
  };
}

// Resize over H and W (interpolate): nearest or linear, with the file's coordinate mode.
Body resize_step(const Graph& g, const Node& n, const OnnxOperands& file, Plan* plan, int threads) {
  const OnnxNodeInfo* info = file.source_node(n);
  if (!info) refuse(n, "Resize without its ONNX attributes");
  Dims x = dims(g, n.inputs.at(0)), y = dims(g, n.outputs[0]);
  const size_t rank = x.size();
  if (rank < 2 || y.size() != rank) refuse(n, "a resize of this rank");
  for (size_t a = 0; a + 2 < rank; ++a)
    if (x[a] != y[a]) refuse(n, "a resize of the batch or channel axis");
  ResizeGeometry r;
  r.planes = product(x, 0, rank - 2);
  r.in_h = x[rank - 2], r.in_w = x[rank - 1], r.out_h = y[rank - 2], r.out_w = y[rank - 1];
  std::string mode = string_attr(info, "mode");
  if (mode == "linear")
    r.linear = true;
  else if (!mode.empty() && mode != "nearest")
    refuse(n, "resize mode '" + mode + "'");
  std::string coordinate = string_attr(info, "coordinate_transformation_mode");
  if (!coordinate.empty()) r.coordinate = coordinate;
  std::string nearest = string_attr(info, "nearest_mode");
  if (!nearest.empty()) r.nearest = nearest;
  const std::string coordinates[] = {"half_pixel", "pytorch_half_pixel", "align_corners",
                                     "asymmetric"};
  if (std::find(std::begin(coordinates), std::end(coordinates), r.coordinate) ==
      std::end(coordinates))
    refuse(n, "coordinate_transformation_mode '" + r.coordinate + "'");
  const std::string roundings[] = {"floor", "ceil", "round_prefer_floor", "round_prefer_ceil"};
  if (std::find(std::begin(roundings), std::end(roundings), r.nearest) == std::end(roundings))
    refuse(n, "nearest_mode '" + r.nearest + "'");
  // Scales (input 2 since opset 11, input 1 before): when given they set the coordinates, as
  // PyTorch's scale_factor does even where out / in rounds.
  size_t scales_input = info->inputs.size() > 2 ? 2 : 1;
  if (const StaticValue* s = file.static_input(*info, scales_input); s && s->data.size() == rank)
    r.scale_h = s->data[rank - 2], r.scale_w = s->data[rank - 1];
  TensorId in = n.inputs[0], out = n.outputs[0];
  return [=] { resize_2d(plan->data(in), r, plan->data(out), threads); };
}

// A binary op whose one operand is the output's shape and the other is constant over the
// trailing axes (x * gate[N, C, 1, 1], x + bias[C, 1, 1]): one value per plane. The generic
// broadcast kernel unravels every index; this is the squeeze-excite / per-channel fast path.
std::optional<Body> plane_broadcast_step(const Graph& g, const Node& n, Plan* plan, int threads) {
  if (n.inputs.size() != 2) return std::nullopt;
  const char op = n.kind == OpKind::Add   ? '+'
                  : n.kind == OpKind::Sub ? '-'
                  : n.kind == OpKind::Mul ? '*'
                                          : '/';
  Dims out = dims(g, n.outputs[0]);
  for (int side = 0; side < 2; ++side) {
    Dims full = dims(g, n.inputs[static_cast<size_t>(side)]);
    Dims part = dims(g, n.inputs[static_cast<size_t>(1 - side)]);
    if (full != out || part.size() > out.size()) continue;
    part.insert(part.begin(), out.size() - part.size(), 1);
    size_t lead = out.size();  // part is 1 on [lead, rank)
    while (lead > 0 && part[lead - 1] == 1) --lead;
    size_t first = lead;  // part equals out on [first, lead), is 1 before
    while (first > 0 && part[first - 1] == out[first - 1]) --first;
    bool ones_before = true;
    for (size_t a = 0; a < first; ++a) ones_before = ones_before && part[a] == 1;
    int64_t inner = product(out, lead, out.size());
    if (!ones_before || lead == out.size() || inner < 8) continue;
    int64_t planes = product(out, 0, lead), period = product(out, first, lead);
    TensorId x = n.inputs[static_cast<size_t>(side)], v = n.inputs[static_cast<size_t>(1 - side)];
    TensorId y = n.outputs[0];
    bool swap = side == 1;
    return [=] {
      plane_broadcast(plan->data(x), plan->data(v), plan->data(y), planes, period, inner, op, swap,
                      threads);
    };
  }
  return std::nullopt;
}

}  // namespace

bool computed_from_file(const Graph& g, const Node& n, const OnnxOperands& file,
                        const WeightStore& weights) {
  return n.kind == OpKind::Unsupported && (static_step(g, n, file, nullptr).has_value() ||
                                           unlowered_step(g, n, file, weights, nullptr, 1));
}

bool extra_step_kind(OpKind kind) {
  switch (kind) {
    case OpKind::Conv2d:
    case OpKind::ConvTranspose2d:
    case OpKind::MaxPool:
    case OpKind::AvgPool:
    case OpKind::GlobalAvgPool:
    case OpKind::BatchNorm:
    case OpKind::Clip:
      return true;
    default:
      return false;
  }
}

std::optional<Body> extra_step(const Graph& g, const Node& n, const OnnxOperands& file,
                               const WeightStore& weights, Plan* plan, int threads) {
  switch (n.kind) {
    case OpKind::Conv2d:
    case OpKind::ConvTranspose2d:
      return conv_step(g, n, plan, threads);
    case OpKind::MaxPool:
    case OpKind::AvgPool:
    case OpKind::GlobalAvgPool:
      return pool_step(g, n, file, plan, threads);
    case OpKind::BatchNorm:
      return batchnorm_step(g, n, file, weights, plan, threads);
    case OpKind::Clip:
      return clip_step(g, n, file, plan, threads);
    case OpKind::Concat:
      if (n.source_op == "Pad") return pad_step(g, n, file, plan, threads);
      return std::nullopt;
    case OpKind::LayerNorm:
      return layernorm_step(g, n, file, plan, threads);
    case OpKind::Softmax:
      return softmax_step(g, n, plan, threads);
    case OpKind::ReduceMean:
      return reduce_mean_step(g, n, file, plan, threads);
    case OpKind::HardSigmoid:
    case OpKind::HardSwish:
      return hard_sigmoid_step(g, n, file, plan, threads);
    case OpKind::MatMul:
      if (const OnnxNodeInfo* info = file.source_node(n); info && info->op_type == "Gemm")
        for (const char* k : {"alpha", "beta"})
          if (file.float_attr(*info, k).value_or(1.0) != 1.0)
            refuse(n, std::string("Gemm with ") + k + " != 1");
      return std::nullopt;
    case OpKind::Add:
    case OpKind::Sub:
    case OpKind::Mul:
    case OpKind::Div:
      return plane_broadcast_step(g, n, plan, threads);
    case OpKind::Unsupported:
      if (auto body = static_step(g, n, file, plan)) return body;
      return unlowered_step(g, n, file, weights, plan, threads);
    case OpKind::Scale:
      if (n.source_op == "Neg") {
        TensorId in = n.inputs.at(0), out = n.outputs[0];
        int64_t count = g.tensor(out).elements();
        return
            [=] { unary(OpKind::Scale, plan->data(in), plan->data(out), count, -1.0f, threads); };
      }
      return std::nullopt;
    case OpKind::Reshape:
      return einsum_broadcast_step(n, file, plan, threads);
    case OpKind::Expand:
      if (n.source_op == "Resize") return resize_step(g, n, file, plan, threads);
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

}  // namespace tessera::run
