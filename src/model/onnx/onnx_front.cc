// The importer's front half as a public entry point (include/tessera/model/onnx_front.h).
#include "tessera/model/onnx_front.h"

#include "model/onnx/onnx_fold.h"
#include "model/onnx/onnx_reader.h"
#include "model/onnx/onnx_view.h"

namespace tessera::model {

PreparedOnnx prepare_onnx(const std::string& path, const LoadOptions& options) {
  using namespace onnx_import;
  PreparedOnnx out;
  out.proto = std::move(read_onnx_file(path).proto);
  normalize_graph(*out.proto.mutable_graph(), path);
  bind_dimensions(out.proto, options, path);
  ShapeMap shapes = fold_and_infer(out.proto, path);
  for (const auto& [name, shape] : shapes)
    if (shape.known) out.shapes[name] = shape.dims;
  return out;
}

}  // namespace tessera::model
