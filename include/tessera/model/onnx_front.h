// The ONNX importer's front half (issue #3, docs/onnx.md): read the file, normalise the graph,
// bind symbolic dimensions, fold constants and infer shapes — the steps import_onnx() runs
// before lowering. For consumers that need the file's own operands beside the lowered graph
// (the runtime reads slice starts, permutations and constant masks from it), so that nothing
// outside the model module reaches into src/model/onnx. read_onnx() walks the file once; the
// runtime shares that one read between its weights, output names and static operands.
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "tessera/model/zoo.h"

namespace tessera::model {

// An initializer payload the reader left in the file (weights, masks over 4 MiB): where it
// lies, so that a consumer reads it straight into its own buffer.
struct OnnxPayload {
  int64_t offset = 0;  // bytes from the start of the .onnx file
  int64_t bytes = 0;
  // raw_data, packed float_data or double_data: little-endian values as they lie (false:
  // varint-encoded int32_data / int64_data, which cannot be read in place).
  bool values_as_bytes = true;
};

// A file as read once: the ModelProto without its large payloads, and where those lie.
struct OnnxFile {
  std::string path;
  onnx::ModelProto proto;                       // as written, large initializer payloads cut
  std::map<std::string, OnnxPayload> payloads;  // by initializer name
};

struct PreparedOnnx {
  onnx::ModelProto proto;  // normalised, dimensions bound, constants folded; large payloads cut
  std::map<std::string, std::vector<int64_t>> shapes;  // values whose static shape is known
};

// Bytes per element of an ONNX TensorProto data type; 0 for strings and unknown types.
int64_t onnx_element_bytes(int32_t type);
// The integer and bool types whose initializers are masks and index tables the importer keeps
// and the runtime evaluates (bool, int8, uint8, int16, int32, int64).
bool onnx_is_static_integer(int32_t type);

// Throws tessera::Error (one line) for missing, truncated, malformed or non-ONNX files.
OnnxFile read_onnx(const std::string& path);
// Throws tessera::Error (one line) for the same bad files import_onnx() rejects.
PreparedOnnx prepare_onnx(const std::string& path, const LoadOptions& options);
// The same from a file already read (its proto is copied: structure only, no weights).
PreparedOnnx prepare_onnx(const OnnxFile& file, const LoadOptions& options);

}  // namespace tessera::model
