// ONNX import (issue #3): load with libonnx + protobuf, infer shapes, lower to tessera's IR
// with roles. Declared here so resolve_model() can accept .onnx paths everywhere.
// Details and limits: docs/onnx.md.
#pragma once

#include <cstddef>
#include <string>

#include "tessera/model/graph.h"
#include "tessera/model/zoo.h"

namespace tessera::model {

// Imports an .onnx file. Weights are not read into memory (large initializer payloads are
// skipped; external data files are only checked for existence and size). Throws
// tessera::Error with one line for malformed, truncated or non-ONNX files, missing external
// data, unbound symbolic dimensions, inconsistent shapes and (with options.strict) unsupported
// ops.
Graph import_onnx(const std::string& path, const LoadOptions& options);

// The same from bytes in memory (fuzzing, tests). `name` labels errors; external data is
// looked up relative to `base_dir`.
Graph import_onnx_bytes(const void* data, size_t size, const std::string& name,
                        const LoadOptions& options, const std::string& base_dir = ".");

}  // namespace tessera::model
