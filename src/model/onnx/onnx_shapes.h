// Binding symbolic dimensions and running ONNX shape inference (issue #3): the user binds
// `--dim seq=512` and `--batch 8`; every tensor then gets a static shape or is marked unknown.
#pragma once

#include <onnx/onnx_pb.h>

#include <string>
#include <unordered_map>

#include "tessera/model/graph.h"
#include "tessera/model/zoo.h"

namespace tessera::model::onnx_import {

struct ValueShape {
  bool known = false;  // every dimension is a positive number
  Shape dims;
  int32_t elem_type = 0;  // onnx::TensorProto::DataType
};
using ShapeMap = std::unordered_map<std::string, ValueShape>;

// Substitutes bound symbolic dimensions in the graph's inputs, outputs and value_info. A
// symbolic leading dimension of an input is the batch (options.batch, default 1); every other
// symbolic dimension must be bound in options.dims. Throws tessera::Error naming unbound or
// unknown dimensions and fixed batch dimensions that differ from options.batch.
void bind_dimensions(onnx::ModelProto& model, const LoadOptions& options, const std::string& name);

// Runs ONNX shape inference (with data propagation for shape subgraphs) and collects the
// shape of every named value. Throws tessera::Error on inconsistent shapes.
ShapeMap infer_shapes(onnx::ModelProto& model, const std::string& name);

}  // namespace tessera::model::onnx_import
