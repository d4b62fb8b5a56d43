// A lowered op: what the hardware sees (DESIGN.md "Workload"). Each graph node becomes a
// loop-nest problem (matmul M×K×N, 7-loop conv, or a vector pass) with its ideal counts:
// FLOPs (a MAC = 2 FLOPs, survey 001 Sec. 2.2.1) and bytes under the survey's assumption that
// each op reads its inputs and writes its outputs exactly once.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tessera/model/graph.h"

namespace tessera::workload {

enum class ProblemKind : uint8_t { Matmul, Conv, Vector, None };
std::string_view problem_kind_name(ProblemKind kind);

// batch independent [M x K] x [K x N] products.
struct MatmulProblem {
  int64_t batch = 1, m = 1, k = 1, n = 1;
  bool b_is_weight = false;  // projection (activation x weight) vs act-to-act
};

// The 7-loop convolution nest N,K,C,P,Q,R,S (001 Sec. 5.1). c is the full input channel count;
// each output channel sees c / groups of them.
struct ConvProblem {
  int64_t n = 1, k = 1, c = 1, p = 1, q = 1, r = 1, s = 1;
  int64_t stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1, groups = 1;
  int64_t h = 1, w = 1;  // input height and width (padding included implicitly)
  bool transposed = false;
};

// One pass over `elements` values at `flops_per_element`.
struct VectorProblem {
  int64_t elements = 0;
  double flops_per_element = 0;
};

struct Problem {
  ProblemKind kind = ProblemKind::None;
  MatmulProblem matmul;
  ConvProblem conv;
  VectorProblem vector;
};

// Bytes one op moves for one of its tensors.
struct TensorTraffic {
  model::TensorId tensor = -1;
  model::TensorClass tensor_class = model::TensorClass::Activation;
  bool is_output = false;
  int64_t elements = 0;
  int64_t bytes = 0;
};

struct Op {
  std::string name;
  model::OpKind kind = model::OpKind::Identity;
  model::Role role = model::Role::Other;
  std::string group;  // role group (model::role_group)
  int32_t layer = -1;
  int32_t heads = 0;
  model::NodeId node = -1;
  Problem problem;
  int64_t flops = 0;
  int64_t macs = 0;    // multiply-accumulates of matmul and conv work only
  int64_t params = 0;  // weight elements this op owns
  int64_t bytes_read = 0;
  int64_t bytes_written = 0;
  std::vector<TensorTraffic> traffic;
  bool fused = false;        // folded/fused into its producer: no memory traffic of its own
  bool unsupported = false;  // imported op tessera cannot cost
  std::vector<model::Shape> input_shapes, output_shapes;

  int64_t bytes() const { return bytes_read + bytes_written; }
  double intensity() const { return bytes() ? static_cast<double>(flops) / bytes() : 0.0; }
};

}  // namespace tessera::workload
