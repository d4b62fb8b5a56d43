// A lookup whose indices are static in the file but beyond the runtime's static evaluator
// (tiny_tiled_lookup.onnx: Tile of a constant) is one clear error naming the tensor, not a silent
// fill of every index with 1 (how the Hugging Face BERT token-type lookup went wrong before the
// evaluator learnt Expand; docs/onnx.md, "Full-size exports").
#include <gtest/gtest.h>

#include <string>

#include "tessera/core/error.h"
#include "tessera/model/onnx_import.h"
#include "tessera/run/backend.h"
#include "tessera/run/weights.h"

namespace tessera::run {
namespace {

TEST(OnnxUnevaluable, LookupIndicesTheBackendCannotEvaluateAreAnError) {
  const std::string path =
      std::string(TESSERA_SOURCE_DIR) + "/tests/fixtures/onnx/tiny_tiled_lookup.onnx";
  model::Graph graph = model::import_onnx(path, {});
  PrepareOptions prepare;
  prepare.weights = std::make_shared<WeightStore>(1);
  prepare.weights->load_onnx(path);
  try {
    make_cpu_backend()->prepare(graph, prepare);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("indices 'tiled'"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace tessera::run
