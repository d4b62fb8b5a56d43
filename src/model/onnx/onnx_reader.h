// Reading an ONNX ModelProto without loading its weights (issue #3): the file is streamed
// through protobuf's wire format and the payload of every large initializer is skipped (a seek,
// not a read), so a 1-GB model costs only its graph structure in memory. Small initializers keep
// their data: shape inference needs the int64 shape tensors. External-data initializers are
// checked for existence and size only.
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <string>
#include <unordered_map>

#include "tessera/model/graph.h"

namespace tessera::model::onnx_import {

// Initializer payloads up to this size are kept in memory; larger ones are skipped.
constexpr int64_t kKeptInitializerBytes = 64 * 1024;
// Integer and bool ones (masks, index tables) are kept up to this size.
constexpr int64_t kKeptStaticInitializerBytes = 4 * 1024 * 1024;

struct InitializerInfo {
  int64_t payload_bytes = 0;  // bytes of the data, inline or external
  bool data_kept = false;     // payload still in the TensorProto
  bool external = false;
  bool raw = false;  // payload is raw_data (its size must match the shape)
  // Where a skipped inline payload lies in the file (-1: kept, external or split over several
  // fields), so the runtime reads weights and large masks straight from it without a second
  // parse; `values_as_bytes`: raw_data, packed float_data or double_data, i.e. little-endian
  // values as they lie (int32_data / int64_data are varints).
  int64_t payload_offset = -1;
  bool values_as_bytes = false;
};

struct ReadModel {
  onnx::ModelProto proto;  // large initializer payloads removed
  std::unordered_map<std::string, InitializerInfo> initializers;
};

// Reads `path` (an .onnx file). Throws tessera::Error with one clear line for missing,
// truncated, malformed or non-ONNX files and missing or short external data files.
ReadModel read_onnx_file(const std::string& path);
// The same from bytes in memory (fuzzing, tests); external data is resolved against `base_dir`.
ReadModel read_onnx_bytes(const void* data, size_t size, const std::string& name,
                          const std::string& base_dir);

}  // namespace tessera::model::onnx_import
