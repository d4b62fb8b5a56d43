// Output shapes of common ops computed by the constant folder itself, between two libonnx
// inference rounds (issue #3). Without them every Reshape whose target the folder has just
// written hides its output shape until the next round, and a framework export that recomputes
// shapes in every block (Hugging Face GPT-2's Conv1D: x.view(-1, x.size(-1)), then
// view(x.size()[:-1] + (nf,))) needs one fork-and-infer round per Reshape: 86 rounds for the
// 12 blocks of GPT-2 small. libonnx still infers every shape afterwards; these only let the
// folder see through one round's Reshapes, elementwise ops, matmuls and the like.
#pragma once

#include <onnx/onnx_pb.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "tessera/model/graph.h"

namespace tessera::model::onnx_import {

// Looks up a value's shape (null when unknown) and a folded integer value (null when not).
using ShapeLookup = std::function<const Shape*(const std::string&)>;
using IntsLookup = std::function<std::optional<std::vector<int64_t>>(const std::string&)>;

// The shapes of `node`'s outputs (one entry per output, nullopt where no rule applies or an
// input is unknown). Every dimension of a returned shape is positive.
std::vector<std::optional<Shape>> local_output_shapes(const onnx::NodeProto& node,
                                                      const ShapeLookup& shape_of,
                                                      const IntsLookup& ints_of);

}  // namespace tessera::model::onnx_import
