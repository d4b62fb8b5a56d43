// What an op computes (its mathematical kind), independent of where it sits in the model.
// The role (role.h) says where it sits. Names come from one table guarded by a static_assert
// (STYLE.md example 3); JSON output uses these names.
#pragma once

#include <cstdint>
#include <string_view>

namespace tessera::model {

enum class OpKind : uint8_t {
  MatMul,           // [.., M, K] x [.., K, N] (B may be a weight: a projection)
  Conv2d,           // NCHW, weight [K, C/groups, R, S]
  ConvTranspose2d,  // NCHW, weight [C, K/groups, R, S]
  MaxPool,
  AvgPool,
  GlobalAvgPool,
  BatchNorm,
  LayerNorm,
  Softmax,
  Gelu,
  Relu,
  Relu6,
  Sigmoid,
  Swish,  // x * sigmoid(x)
  HardSigmoid,
  HardSwish,
  Tanh,
  Add,
  Sub,
  Mul,
  Div,
  Pow,
  Sqrt,
  Erf,
  ReduceMean,
  Scale,      // multiply by a constant (attention 1/sqrt(d))
  Embedding,  // table [V, d] gathered by token ids
  Reshape,    // no data movement
  Transpose,  // moves data
  Concat,
  Split,
  Slice,
  Gather,
  Cast,
  Clip,
  Where,
  Expand,
  Identity,
  Unsupported,  // imported op tessera cannot cost; kept so reports can list it
  kCount
};

std::string_view op_kind_name(OpKind kind);
// Throws tessera::Error for an unknown name.
OpKind parse_op_kind(std::string_view name);

}  // namespace tessera::model
