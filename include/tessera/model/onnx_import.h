// ONNX import (issue #3): load with libonnx + protobuf, infer shapes, lower to tessera's IR
// with roles. Declared here so resolve_model() can accept .onnx paths everywhere.
#pragma once

#include <string>

#include "tessera/model/graph.h"
#include "tessera/model/zoo.h"

namespace tessera::model {

Graph import_onnx(const std::string& path, const LoadOptions& options);

}  // namespace tessera::model
