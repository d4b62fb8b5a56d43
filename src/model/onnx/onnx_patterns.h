// Recognising decomposed ops in exported graphs (issue #3): exporters spell LayerNorm, GELU,
// swish and softmax as chains of elementwise ops and split a linear layer into MatMul + bias
// Add. Each recognised chain becomes one semantic op, so an exported network is analysed like
// the zoo network it came from (survey 001 Sec. 2.2.2 counts them as single ops).
#pragma once

#include <string>
#include <vector>

#include "model/onnx/onnx_view.h"
#include "tessera/model/op_kind.h"

namespace tessera::model::onnx_import {

struct FusedOp {
  OpKind kind = OpKind::Identity;
  int primary = -1;  // node lowered with the fusion's inputs (MatMul/Gemm for bias folding)
  int anchor = -1;   // node whose output is the fused op's output
  std::vector<std::string> inputs;
  std::vector<int> members;
};

struct Fusions {
  std::vector<int> fused_at;   // per node: index into ops when the node is an anchor, else -1
  std::vector<bool> absorbed;  // per node: part of a fused op
  std::vector<FusedOp> ops;
};

Fusions find_fusions(const GraphView& view);

}  // namespace tessera::model::onnx_import
