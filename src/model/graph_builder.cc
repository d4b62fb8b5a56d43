#include "tessera/model/graph_builder.h"

#include <algorithm>

#include "tessera/core/checked_math.h"
#include "tessera/core/error.h"

namespace tessera::model {
namespace {

std::string shape_text(const Shape& s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? "," : "") + std::to_string(s[i]);
  return out + "]";
}

void require_positive(const Shape& s, const std::string& what) {
  for (int64_t d : s)
    if (d <= 0)
      throw Error(what + ": dimension " + std::to_string(d) + " in " + shape_text(s) +
                  " must be positive");
}

int64_t conv_output_size(int64_t in, int64_t kernel, int64_t stride, int64_t dilation,
                         int64_t pad_begin, int64_t pad_end, const std::string& what) {
  if (stride <= 0 || dilation <= 0 || kernel <= 0)
    throw Error(what + ": kernel, stride and dilation must be positive");
  int64_t effective = dilation * (kernel - 1) + 1;
  int64_t span = in + pad_begin + pad_end - effective;
  if (span < 0)
    throw Error(what + ": kernel " + std::to_string(kernel) + " larger than padded input " +
                std::to_string(in + pad_begin + pad_end));
  return span / stride + 1;
}

}  // namespace

Shape broadcast_shapes(const Shape& a, const Shape& b, const std::string& what) {
  size_t rank = std::max(a.size(), b.size());
  Shape out(rank, 1);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1)
      throw Error(what + ": shapes " + shape_text(a) + " and " + shape_text(b) +
                  " do not broadcast");
    out[i] = std::max(da, db);
  }
  return out;
}

GraphBuilder::GraphBuilder(std::string name, Domain domain, DType dtype) : dtype_(dtype) {
  graph_.name = std::move(name);
  graph_.domain = domain;
}

TensorId GraphBuilder::new_tensor(const std::string& name, Shape shape, TensorClass cls,
                                  NodeId producer) {
  require_positive(shape, name);
  Tensor t;
  t.name = name;
  t.shape = std::move(shape);
  t.dtype = dtype_;
  t.tensor_class = cls;
  t.producer = producer;
  try {
    (void)t.elements();  // rejects shapes whose element count overflows
  } catch (...) {
    rethrow_with_context(name + " " + shape_text(t.shape));
  }
  graph_.tensors.push_back(std::move(t));
  return static_cast<TensorId>(graph_.tensors.size() - 1);
}

TensorId GraphBuilder::input(const std::string& name, Shape shape) {
  TensorId id = new_tensor(name, std::move(shape), TensorClass::Activation, -1);
  graph_.inputs.push_back(id);
  return id;
}
TensorId GraphBuilder::weight(const std::string& name, Shape shape) {
  return new_tensor(qualified(name), std::move(shape), TensorClass::Weight, -1);
}
TensorId GraphBuilder::kv_cache(const std::string& name, Shape shape) {
  return new_tensor(qualified(name), std::move(shape), TensorClass::KvCache, -1);
}
TensorId GraphBuilder::constant(const std::string& name, Shape shape) {
  return new_tensor(qualified(name), std::move(shape), TensorClass::Constant, -1);
}

void GraphBuilder::set_layer(int32_t layer, std::string prefix) {
  layer_ = layer;
  prefix_ = std::move(prefix);
}

TensorId GraphBuilder::record(const std::string& name, OpKind kind, Role role,
                              std::vector<TensorId> inputs, Shape output_shape, Node extra) {
  Node node = std::move(extra);
  node.name = qualified(name);
  node.kind = kind;
  node.role = role;
  node.inputs = std::move(inputs);
  node.layer = layer_;
  NodeId id = static_cast<NodeId>(graph_.nodes.size());
  TensorId out =
      new_tensor(node.name + ":out", std::move(output_shape), TensorClass::Activation, id);
  node.outputs = {out};
  graph_.nodes.push_back(std::move(node));
  return out;
}

NodeId GraphBuilder::add_node(Node node, const std::vector<Shape>& output_shapes) {
  NodeId id = static_cast<NodeId>(graph_.nodes.size());
  node.outputs.clear();
  for (size_t i = 0; i < output_shapes.size(); ++i)
    node.outputs.push_back(new_tensor(node.name + ":out" + (i ? std::to_string(i) : ""),
                                      output_shapes[i], TensorClass::Activation, id));
  if (node.layer < 0) node.layer = layer_;
  graph_.nodes.push_back(std::move(node));
  return id;
}

// Every builder below copies its input shapes: `shape(x)` refers into graph_.tensors, which
// weight() and record() grow, so a reference taken before them dangles after a reallocation.
TensorId GraphBuilder::matmul(const std::string& name, Role role, TensorId a, TensorId b,
                              bool transpose_b, int32_t heads) {
  const Shape sa = shape(a);
  const Shape sb = shape(b);
  std::string what = qualified(name);
  if (sa.size() < 2 || sb.size() < 2) throw Error(what + ": matmul operands need rank >= 2");
  int64_t m = sa[sa.size() - 2], k = sa.back();
  int64_t kb = transpose_b ? sb.back() : sb[sb.size() - 2];
  int64_t n = transpose_b ? sb[sb.size() - 2] : sb.back();
  if (k != kb)
    throw Error(what + ": inner dimensions differ (" + shape_text(sa) + " x " + shape_text(sb) +
                (transpose_b ? "^T" : "") + ")");
  Shape batch =
      broadcast_shapes(Shape(sa.begin(), sa.end() - 2), Shape(sb.begin(), sb.end() - 2), what);
  batch.push_back(m);
  batch.push_back(n);
  Node extra;
  extra.matmul.transpose_b = transpose_b;
  extra.heads = heads;
  return record(name, OpKind::MatMul, role, {a, b}, std::move(batch), std::move(extra));
}

TensorId GraphBuilder::linear(const std::string& name, Role role, TensorId x, int64_t out_features,
                              bool bias) {
  const Shape sx = shape(x);
  if (sx.empty()) throw Error(qualified(name) + ": linear input needs rank >= 1");
  TensorId w = weight(name + ".weight", {sx.back(), out_features});
  TensorId out = matmul(name, role, x, w);
  if (bias) {
    TensorId b = weight(name + ".bias", {out_features});
    graph_.nodes.back().inputs.push_back(b);
  }
  return out;
}

TensorId GraphBuilder::conv2d(const std::string& name, Role role, TensorId x, int64_t out_channels,
                              int64_t kernel_h, int64_t kernel_w, const ConvAttrs& attrs,
                              bool bias) {
  const Shape sx = shape(x);
  std::string what = qualified(name);
  if (sx.size() != 4) throw Error(what + ": conv2d input must be NCHW");
  if (attrs.groups <= 0 || sx[1] % attrs.groups != 0 || out_channels % attrs.groups != 0)
    throw Error(what + ": groups " + std::to_string(attrs.groups) +
                " must divide input and output channels");
  int64_t p = conv_output_size(sx[2], kernel_h, attrs.stride_h, attrs.dilation_h, attrs.pad_top,
                               attrs.pad_bottom, what);
  int64_t q = conv_output_size(sx[3], kernel_w, attrs.stride_w, attrs.dilation_w, attrs.pad_left,
                               attrs.pad_right, what);
  TensorId w = weight(name + ".weight", {out_channels, sx[1] / attrs.groups, kernel_h, kernel_w});
  std::vector<TensorId> inputs = {x, w};
  if (bias) inputs.push_back(weight(name + ".bias", {out_channels}));
  Node extra;
  extra.conv = attrs;
  return record(name, OpKind::Conv2d, role, std::move(inputs), {sx[0], out_channels, p, q},
                std::move(extra));
}

TensorId GraphBuilder::conv2d_same(const std::string& name, Role role, TensorId x,
                                   int64_t out_channels, int64_t kernel, int64_t stride,
                                   int64_t groups, bool bias) {
  const Shape sx = shape(x);
  ConvAttrs attrs;
  attrs.stride_h = attrs.stride_w = stride;
  attrs.groups = groups;
  // TensorFlow "SAME": output = ceil(in / stride); pad the rest, extra on the bottom/right.
  auto pads = [&](int64_t in, int64_t& begin, int64_t& end) {
    int64_t out = ceil_div(in, stride);
    int64_t total = std::max<int64_t>(0, (out - 1) * stride + kernel - in);
    begin = total / 2;
    end = total - begin;
  };
  if (sx.size() == 4) {
    pads(sx[2], attrs.pad_top, attrs.pad_bottom);
    pads(sx[3], attrs.pad_left, attrs.pad_right);
  }
  return conv2d(name, role, x, out_channels, kernel, kernel, attrs, bias);
}

TensorId GraphBuilder::pool(const std::string& name, OpKind kind, TensorId x,
                            const PoolAttrs& attrs) {
  const Shape sx = shape(x);
  std::string what = qualified(name);
  if (sx.size() != 4) throw Error(what + ": pooling input must be NCHW");
  int64_t p = conv_output_size(sx[2], attrs.kernel_h, attrs.stride_h, 1, attrs.pad_top,
                               attrs.pad_bottom, what);
  int64_t q = conv_output_size(sx[3], attrs.kernel_w, attrs.stride_w, 1, attrs.pad_left,
                               attrs.pad_right, what);
  Node extra;
  extra.pool = attrs;
  return record(name, kind, Role::Pooling, {x}, {sx[0], sx[1], p, q}, std::move(extra));
}

TensorId GraphBuilder::global_avg_pool(const std::string& name, TensorId x) {
  const Shape sx = shape(x);
  if (sx.size() != 4) throw Error(qualified(name) + ": global pooling input must be NCHW");
  Node extra;
  extra.pool.kernel_h = sx[2];
  extra.pool.kernel_w = sx[3];
  return record(name, OpKind::GlobalAvgPool, Role::Pooling, {x}, {sx[0], sx[1], 1, 1},
                std::move(extra));
}

TensorId GraphBuilder::batchnorm(const std::string& name, TensorId x) {
  const Shape sx = shape(x);
  if (sx.size() < 2) throw Error(qualified(name) + ": batchnorm input needs a channel axis");
  TensorId scale = weight(name + ".scale", {sx[1]});
  TensorId shift = weight(name + ".shift", {sx[1]});
  Node extra;
  extra.axis = 1;
  return record(name, OpKind::BatchNorm, Role::BatchNorm, {x, scale, shift}, sx, std::move(extra));
}

TensorId GraphBuilder::layernorm(const std::string& name, TensorId x) {
  const Shape sx = shape(x);
  TensorId gamma = weight(name + ".gamma", {sx.back()});
  TensorId beta = weight(name + ".beta", {sx.back()});
  Node extra;
  extra.axis = -1;
  return record(name, OpKind::LayerNorm, Role::LayerNorm, {x, gamma, beta}, sx, std::move(extra));
}

TensorId GraphBuilder::softmax(const std::string& name, TensorId x, Role role) {
  Node extra;
  extra.axis = -1;
  return record(name, OpKind::Softmax, role, {x}, shape(x), std::move(extra));
}

TensorId GraphBuilder::unary(const std::string& name, OpKind kind, Role role, TensorId x) {
  return record(name, kind, role, {x}, shape(x));
}

TensorId GraphBuilder::binary(const std::string& name, OpKind kind, Role role, TensorId a,
                              TensorId b) {
  Shape out = broadcast_shapes(shape(a), shape(b), qualified(name));
  return record(name, kind, role, {a, b}, std::move(out));
}

TensorId GraphBuilder::embedding(const std::string& name, TensorId ids, int64_t vocab,
                                 int64_t dim) {
  TensorId table = weight(name + ".table", {vocab, dim});
  Shape out = shape(ids);
  out.push_back(dim);
  return record(name, OpKind::Embedding, Role::Embedding, {ids, table}, std::move(out));
}

TensorId GraphBuilder::reshape(const std::string& name, TensorId x, Shape new_shape) {
  int64_t n = 1;
  for (int64_t d : new_shape) n = checked_mul(n, d, "reshape size");
  if (n != graph_.tensor(x).elements())
    throw Error(qualified(name) + ": reshape from " + shape_text(shape(x)) + " to " +
                shape_text(new_shape) + " changes the element count");
  return record(name, OpKind::Reshape, Role::DataMovement, {x}, std::move(new_shape));
}

TensorId GraphBuilder::transpose(const std::string& name, TensorId x,
                                 std::vector<int64_t> permutation) {
  const Shape sx = shape(x);
  if (permutation.size() != sx.size())
    throw Error(qualified(name) + ": permutation rank differs from tensor rank");
  Shape out(sx.size());
  for (size_t i = 0; i < permutation.size(); ++i)
    out[i] = sx.at(static_cast<size_t>(permutation[i]));
  Node extra;
  extra.permutation = std::move(permutation);
  return record(name, OpKind::Transpose, Role::DataMovement, {x}, std::move(out), std::move(extra));
}

TensorId GraphBuilder::concat(const std::string& name, const std::vector<TensorId>& xs,
                              int64_t axis) {
  if (xs.empty()) throw Error(qualified(name) + ": concat of nothing");
  Shape out = shape(xs[0]);
  size_t a = static_cast<size_t>(axis < 0 ? static_cast<int64_t>(out.size()) + axis : axis);
  if (a >= out.size()) throw Error(qualified(name) + ": concat axis out of range");
  for (size_t i = 1; i < xs.size(); ++i) {
    const Shape s = shape(xs[i]);
    if (s.size() != out.size()) throw Error(qualified(name) + ": concat of different ranks");
    out[a] += s[a];
  }
  Node extra;
  extra.axis = axis;
  return record(name, OpKind::Concat, Role::DataMovement, xs, std::move(out), std::move(extra));
}

void GraphBuilder::mark_output(TensorId t) { graph_.outputs.push_back(t); }

Graph GraphBuilder::finish() && { return std::move(graph_); }

}  // namespace tessera::model
