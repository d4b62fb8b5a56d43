// Steps the Transformer engine of 002 did not need (issue #7: exported models run as the framework
// computes them): CNN ops (convolutions through oneDNN, pools, batch norm, Pad) and ops whose
// exported form differs from the zoo's convention (Clip bounds, hard-sigmoid alpha/beta,
// LayerNorm without affine or over several axes, log-softmax and softmax over another axis,
// ReduceMean over several axes), with their operands read from the ONNX file.
#pragma once

#include <functional>
#include <optional>

#include "run/onnx_operands.h"
#include "tessera/model/graph.h"
#include "tessera/run/backend.h"
#include "tessera/run/weights.h"

namespace tessera::run {

// Kinds only these steps compute (the backend's own switch has no case for them).
bool extra_step_kind(model::OpKind kind);

// An op the importer kept as unsupported that the engine computes anyway: its outputs follow from
// the file's constants, or it is a plain elementwise op (run/unlowered_steps.h).
bool computed_from_file(const model::Graph& graph, const model::Node& n, const OnnxOperands& file,
                        const WeightStore& weights);

// The body of the step computing `n`, or nullopt when the backend's own case computes it as the
// graph says. Throws tessera::Error (one line naming the node) for operands or attributes the
// cpu backend does not support. Pointers are fetched from `plan` at run time.
std::optional<std::function<void()>> extra_step(const model::Graph& graph, const model::Node& n,
                                                const OnnxOperands& file,
                                                const WeightStore& weights, Plan* plan,
                                                int threads);

}  // namespace tessera::run
