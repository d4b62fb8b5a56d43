// GraphBuilder: records ops into a Graph, checking shapes and computing output shapes
// (ggml-style: build = check + record). Every method throws tessera::Error naming the op when
// shapes do not fit.
#pragma once

#include <string>

#include "tessera/model/graph.h"

namespace tessera::model {

class GraphBuilder {
 public:
  GraphBuilder(std::string name, Domain domain, DType dtype = DType::Fp32);

  // Tensors without producers.
  TensorId input(const std::string& name, Shape shape);
  TensorId weight(const std::string& name, Shape shape);
  TensorId kv_cache(const std::string& name, Shape shape);
  TensorId constant(const std::string& name, Shape shape);

  // Context for following ops: layer index and name prefix ("layer3.").
  void set_layer(int32_t layer, std::string prefix);

  // [.., M, K] x [.., K, N] -> [.., M, N] with numpy-style batch broadcasting.
  TensorId matmul(const std::string& name, Role role, TensorId a, TensorId b,
                  bool transpose_b = false, int32_t heads = 0);
  // Activation x weight [K, N], plus an optional bias [N] folded into the op.
  TensorId linear(const std::string& name, Role role, TensorId x, int64_t out_features,
                  bool bias = true);
  // NCHW convolution; creates its weight [K, C/groups, R, S] (and bias when asked).
  TensorId conv2d(const std::string& name, Role role, TensorId x, int64_t out_channels,
                  int64_t kernel_h, int64_t kernel_w, const ConvAttrs& attrs, bool bias = false);
  // Convolution with "same"-style symmetric padding (kernel/2, TF-style for stride > 1).
  TensorId conv2d_same(const std::string& name, Role role, TensorId x, int64_t out_channels,
                       int64_t kernel, int64_t stride, int64_t groups = 1, bool bias = false);
  TensorId pool(const std::string& name, OpKind kind, TensorId x, const PoolAttrs& attrs);
  TensorId global_avg_pool(const std::string& name, TensorId x);
  TensorId batchnorm(const std::string& name, TensorId x);  // creates scale/shift weights [C]
  TensorId layernorm(const std::string& name, TensorId x);  // over the last axis, weights [d]
  TensorId softmax(const std::string& name, TensorId x, Role role = Role::Softmax);
  // Unary elementwise op (Relu, Gelu, Sigmoid, Swish, Tanh, Scale, ...).
  TensorId unary(const std::string& name, OpKind kind, Role role, TensorId x);
  // Binary elementwise op with numpy broadcasting (Add, Sub, Mul, Div, Pow).
  TensorId binary(const std::string& name, OpKind kind, Role role, TensorId a, TensorId b);
  TensorId embedding(const std::string& name, TensorId ids, int64_t vocab, int64_t dim);
  TensorId reshape(const std::string& name, TensorId x, Shape shape);
  TensorId transpose(const std::string& name, TensorId x, std::vector<int64_t> permutation);
  TensorId concat(const std::string& name, const std::vector<TensorId>& xs, int64_t axis);
  // Generic recorder for ops with given output shapes (used by importers).
  NodeId add_node(Node node, const std::vector<Shape>& output_shapes);

  void mark_output(TensorId t);
  const Graph& graph() const { return graph_; }
  Graph& mutable_graph() { return graph_; }
  Graph finish() &&;

  const Shape& shape(TensorId t) const { return graph_.tensor(t).shape; }

 private:
  TensorId new_tensor(const std::string& name, Shape shape, TensorClass cls, NodeId producer);
  TensorId record(const std::string& name, OpKind kind, Role role, std::vector<TensorId> inputs,
                  Shape output_shape, Node extra = {});
  std::string qualified(const std::string& name) const { return prefix_ + name; }

  Graph graph_;
  DType dtype_;
  int32_t layer_ = -1;
  std::string prefix_;
};

// Numpy broadcasting of two shapes; throws tessera::Error with `what` in the message.
Shape broadcast_shapes(const Shape& a, const Shape& b, const std::string& what);

}  // namespace tessera::model
