// The constant folder sizes the outputs of common ops itself within one fold-and-infer round
// (src/model/onnx/onnx_local_shapes.cc). tiny_reshape_chain.onnx (make_small.py) chains 300
// blocks of GPT-2's Conv1D reshapes, each block's targets computed from the previous block's
// shape: with one inference round per block the folder's 256-round limit left the last 44 blocks
// unsized (and took 20 s); now every block is costed.
#include <gtest/gtest.h>

#include <string>

#include "tessera/model/onnx_import.h"
#include "tessera/workload/analysis.h"

namespace tessera::model {
namespace {

TEST(OnnxReshapeChain, EveryBlockOfADeepShapeChainIsSized) {
  LoadOptions options;
  options.dims["seq"] = 5;
  Graph g = import_onnx(
      std::string(TESSERA_SOURCE_DIR) + "/tests/fixtures/onnx/tiny_reshape_chain.onnx", options);
  EXPECT_TRUE(g.unsupported_ops.empty());
  int matmuls = 0;
  for (const Node& n : g.nodes) matmuls += n.kind == OpKind::MatMul;
  EXPECT_EQ(matmuls, 300);
  workload::Workload w = workload::analyze_graph(g, {});
  EXPECT_EQ(w.totals.macs, 300 * 5 * 8 * 8);  // [5, 8] x [8, 8] per block
  ASSERT_EQ(g.outputs.size(), 1u);
  EXPECT_EQ(g.tensor(g.outputs[0]).shape, (Shape{1, 5, 8}));
}

}  // namespace
}  // namespace tessera::model
