// Placeholder until the ONNX importer (issue #3) lands: a clear error, never a crash.
#include "tessera/model/onnx_import.h"

#include "tessera/core/error.h"

namespace tessera::model {

Graph import_onnx(const std::string& path, const LoadOptions&) {
  throw Error(path + ": ONNX import is not available in this build");
}

}  // namespace tessera::model
