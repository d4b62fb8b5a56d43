// Elementwise ONNX ops the importer does not lower (it keeps them as "unsupported" nodes, not
// costed) but whose meaning is plain: LeakyRelu, PRelu, Elu, Selu, Softplus, Exp, Log, Abs,
// Reciprocal, Min, Max, ... (issue #7: exported models run as the framework computes them).
// The node keeps only its activation inputs; constants and weights come from the ONNX file.
#pragma once

#include <functional>
#include <optional>

#include "run/onnx_operands.h"
#include "tessera/model/graph.h"
#include "tessera/run/backend.h"
#include "tessera/run/weights.h"

namespace tessera::run {

// The step body for an unsupported node whose ONNX op is one of these; nullopt otherwise (or
// when the graph lacks what it needs: the node's output shape, an operand's values).
std::optional<std::function<void()>> unlowered_step(const model::Graph& graph, const model::Node& n,
                                                    const OnnxOperands& file,
                                                    const WeightStore& weights, Plan* plan,
                                                    int threads);

}  // namespace tessera::run
