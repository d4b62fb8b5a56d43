// The graph IR: typed ops over tensors. A graph records; it computes nothing (STYLE.md example
// 2). Counting (workload/), evaluators (perf/, map/) and the engine (run/) all walk the same
// node list, which is in topological order by construction.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "tessera/model/dtype.h"
#include "tessera/model/op_kind.h"
#include "tessera/model/role.h"

namespace tessera::model {

using TensorId = int32_t;
using NodeId = int32_t;
using Shape = std::vector<int64_t>;

// What a tensor is for; the workload analysis uses it to pick a precision and to tell
// projections (activation x weight) from act-to-act matmuls.
enum class TensorClass : uint8_t {
  Activation,  // produced at run time (includes graph inputs)
  Weight,      // parameters: counted in #params
  KvCache,     // decoder state read from memory each step (survey Sec. 2.2.1)
  Constant,    // non-parameter constants (masks, shape tensors)
};

struct Tensor {
  std::string name;
  Shape shape;
  DType dtype = DType::Fp32;
  TensorClass tensor_class = TensorClass::Activation;
  NodeId producer = -1;      // -1 for graph inputs, weights and constants
  int64_t elements() const;  // overflow-checked product of the shape
};

// Typed attributes. Only the fields that matter for an op's kind are set.
struct ConvAttrs {
  int64_t stride_h = 1, stride_w = 1;
  int64_t pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  int64_t dilation_h = 1, dilation_w = 1;
  int64_t groups = 1;
};
struct PoolAttrs {
  int64_t kernel_h = 1, kernel_w = 1;
  int64_t stride_h = 1, stride_w = 1;
  int64_t pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
};
struct MatMulAttrs {
  bool transpose_b = false;  // B given as [.., N, K]
};

struct Node {
  std::string name;
  OpKind kind = OpKind::Identity;
  Role role = Role::Other;
  std::vector<TensorId> inputs;
  std::vector<TensorId> outputs;
  ConvAttrs conv;                    // Conv2d, ConvTranspose2d
  PoolAttrs pool;                    // MaxPool, AvgPool
  MatMulAttrs matmul;                // MatMul
  int64_t axis = -1;                 // Softmax, LayerNorm, Concat, Split, ReduceMean
  int32_t layer = -1;                // transformer layer / CNN block index, -1 if none
  int32_t heads = 0;                 // attention ops: number of heads folded into the batch dims
  std::string source_op;             // imported models: the original op type (e.g. "Einsum")
  std::vector<int64_t> permutation;  // Transpose: output axis i is input axis permutation[i]
};

struct Graph {
  std::string name;  // e.g. "bert-base:seq=512"
  Domain domain = Domain::Other;
  std::vector<Tensor> tensors;
  std::vector<Node> nodes;  // topological order
  std::vector<TensorId> inputs;
  std::vector<TensorId> outputs;
  // Free-form description of the configuration (e.g. {"seq": "512", "heads": "12"}).
  std::map<std::string, std::string> config;
  // Imported models (ONNX): op types tessera cannot cost, with their node counts, and the number
  // of nodes in the source file, so reports can say what share was not costed.
  std::map<std::string, int64_t> unsupported_ops;
  int64_t source_nodes = 0;

  const Tensor& tensor(TensorId id) const { return tensors.at(static_cast<size_t>(id)); }
  int64_t parameter_count() const;  // elements of all Weight tensors
};

}  // namespace tessera::model
