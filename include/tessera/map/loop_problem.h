// The loop-nest view of one op that the mapper tiles (survey 001 Sec. 5.1, Figs. 16-17): a
// rectangular iteration space of up to kMaxDims dimensions and three tensors (weights, inputs,
// outputs), each indexed by a subset of the dimensions. Convolution inputs are indexed through a
// sliding window (h = p*stride + r*dilation), which the nest analysis counts exactly.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "tessera/workload/op.h"

namespace tessera::map {

constexpr int kMaxDims = 8;
constexpr int kTensors = 3;
enum Tensor : int { kWeights = 0, kInputs = 1, kOutputs = 2 };
std::string_view tensor_name(int tensor);  // "weights", "inputs", "outputs"

// One sliding-window pair of a convolution input: extent = (out-1)*stride + (kernel-1)*dilation
// + 1.
struct Window {
  int out_dim = -1, kernel_dim = -1;
  int64_t stride = 1, dilation = 1;
};

struct LoopProblem {
  std::string spec;  // "matmul:m=512,k=768,n=3072" (round-trips)
  workload::ProblemKind kind = workload::ProblemKind::Matmul;
  int num_dims = 0;
  std::array<int64_t, kMaxDims> bound{};         // loop bounds, all >= 1
  std::array<const char*, kMaxDims> dim_name{};  // "M", "N", "K", ...
  std::array<uint32_t, kTensors> relevant{};     // bit d set: tensor indexed by dimension d
  std::array<Window, 2> windows{};               // conv inputs: (P,R) and (Q,S); unused for matmul
  int num_windows = 0;
  int64_t macs = 0;

  bool is_relevant(int tensor, int dim) const { return (relevant[tensor] >> dim) & 1u; }
  int dim_index(std::string_view name) const;  // -1 when absent
  // Elements of `tensor` in a tile whose extent along each dimension is `extent` (clamped).
  int64_t footprint(int tensor, const std::array<int64_t, kMaxDims>& extent) const;
  int64_t tensor_size(int tensor) const { return footprint(tensor, bound); }
};

// Matmul dims B, M, N, K: Outputs[b][m][n] += Inputs[b][m][k] * Weights[b][k][n] (001 Fig. 17).
LoopProblem matmul_problem(const workload::MatmulProblem& p);
// Conv dims G, N, K, C, P, Q, R, S (per group K and C), with the input's sliding windows.
LoopProblem conv_problem(const workload::ConvProblem& p);
// From a lowered op; throws tessera::Error for vector ops (nothing to map onto the array).
LoopProblem loop_problem_from_op(const workload::Op& op);
// Parses "matmul:m=512,k=768,n=3072[,b=1]" or "conv:n=1,k=512,c=512,p=7,q=7,r=3,s=3,stride=1
// [,dilation=1,groups=1]"; throws tessera::Error naming the bad field.
LoopProblem parse_loop_problem(const std::string& spec);

}  // namespace tessera::map
