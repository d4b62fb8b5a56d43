// Kernel fusion as inference compilers do it (XLA, TensorRT, oneDNN post-ops), for
// `--fusion fused`: which intermediate tensors stay on chip between a producer and its one
// consumer. 001 Sec. 2.2.2 (fusion removes the intermediate's memory traffic, not its FLOPs) and
// 004 Sec. 2 (Table 3 was measured through XLA, which fuses this way).
#pragma once

#include <vector>

#include "tessera/model/graph.h"
#include "tessera/workload/op.h"

namespace tessera::workload {

// Applies to `ops` (one per graph node, in graph order):
//  - BatchNorm after a conv is folded into its weights (no FLOPs, no traffic);
//  - epilogues: unary elementwise ops (activations, scales, casts) and binary ones with a
//    constant/weight operand (bias, mask) on a matmul/conv output, chained; on a conv output
//    also the residual add (conv + BN + add + ReLU as one kernel);
//  - fused attention (FlashAttention-style): Q x K^T, its scale/mask epilogue, the softmax and
//    the probabilities read by softmax x V never leave the chip;
//  - a residual add feeding a LayerNorm runs in the LayerNorm's pass.
// An intermediate stays on chip only when it has exactly one consumer and is not a graph
// output. Matmul + LayerNorm (whole-row tiles) is not fused: that is the mapper's fusion study.
void apply_compiler_fusion(const model::Graph& graph, std::vector<Op>& ops);

}  // namespace tessera::workload
