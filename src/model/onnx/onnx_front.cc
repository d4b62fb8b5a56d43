// The importer's front half as a public entry point (include/tessera/model/onnx_front.h).
#include "tessera/model/onnx_front.h"

#include "model/onnx/onnx_fold.h"
#include "model/onnx/onnx_reader.h"
#include "model/onnx/onnx_view.h"

namespace tessera::model {
namespace {

PreparedOnnx prepare_proto(onnx::ModelProto proto, const std::string& path,
                           const LoadOptions& options) {
  using namespace onnx_import;
  PreparedOnnx out;
  out.proto = std::move(proto);
  normalize_graph(*out.proto.mutable_graph(), path);
  bind_dimensions(out.proto, options, path);
  ShapeMap shapes = fold_and_infer(out.proto, path);
  for (const auto& [name, shape] : shapes)
    if (shape.known) out.shapes[name] = shape.dims;
  return out;
}

}  // namespace

OnnxFile read_onnx(const std::string& path) {
  onnx_import::ReadModel read = onnx_import::read_onnx_file(path);
  OnnxFile file;
  file.path = path;
  file.proto = std::move(read.proto);
  for (const auto& [name, info] : read.initializers)
    if (!info.data_kept && !info.external && info.payload_offset >= 0)
      file.payloads[name] = {info.payload_offset, info.payload_bytes, info.values_as_bytes};
  return file;
}

PreparedOnnx prepare_onnx(const std::string& path, const LoadOptions& options) {
  return prepare_proto(std::move(onnx_import::read_onnx_file(path).proto), path, options);
}

PreparedOnnx prepare_onnx(const OnnxFile& file, const LoadOptions& options) {
  return prepare_proto(file.proto, file.path, options);
}

}  // namespace tessera::model
