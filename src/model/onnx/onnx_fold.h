// Constant folding of shape-computation subgraphs (issue #3). Exporters compute reshape targets
// at run time (Shape -> Gather -> Div -> Unsqueeze -> Concat -> Reshape); ONNX's own data
// propagation covers only some of these ops, so tessera evaluates the small integer tensors
// itself, writes their values into the graph and re-runs shape inference until every shape
// that can be known is.
#pragma once

#include <onnx/onnx_pb.h>

#include <string>

#include "model/onnx/onnx_shapes.h"

namespace tessera::model::onnx_import {

// Returns the final shape map (after as many inference rounds as folding makes useful).
ShapeMap fold_and_infer(onnx::ModelProto& model, const std::string& name);

}  // namespace tessera::model::onnx_import
