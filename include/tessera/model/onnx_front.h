// The ONNX importer's front half (issue #3, docs/onnx.md): read the file, normalise the graph,
// bind symbolic dimensions, fold constants and infer shapes — the steps import_onnx() runs
// before lowering. For consumers that need the file's own operands beside the lowered graph
// (the runtime reads slice starts, permutations and constant masks from it), so that nothing
// outside the model module reaches into src/model/onnx.
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "tessera/model/zoo.h"

namespace tessera::model {

struct PreparedOnnx {
  onnx::ModelProto proto;  // normalised, dimensions bound, constants folded; large payloads cut
  std::map<std::string, std::vector<int64_t>> shapes;  // values whose static shape is known
};

// Throws tessera::Error (one line) for the same bad files import_onnx() rejects.
PreparedOnnx prepare_onnx(const std::string& path, const LoadOptions& options);

}  // namespace tessera::model
