// ONNX import (issue #3) on the tiny committed fixtures (tests/fixtures/onnx/make_small.py):
// dimension binding, bias folding, unsupported ops, external data and every kind of bad file.
#include "tessera/model/onnx_import.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "tessera/core/error.h"
#include "tessera/workload/analysis.h"

namespace tessera::model {
namespace {

std::string fixture(const std::string& name) {
  return std::string(TESSERA_SOURCE_DIR) + "/tests/fixtures/onnx/" + name;
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

LoadOptions seq(int64_t n, int64_t batch = 0) {
  LoadOptions o;
  o.dims["seq"] = n;
  o.batch = batch;
  return o;
}

workload::Workload analyze(const Graph& g) { return workload::analyze_graph(g, {}); }

TEST(OnnxImport, TinyMlpCountsMatchTheHandCount) {
  Graph g = import_onnx(fixture("tiny_mlp.onnx"), seq(4));
  // fc1 (bias folded) -> relu -> fc2: three ops, no separate bias add.
  ASSERT_EQ(g.nodes.size(), 3u);
  EXPECT_EQ(g.nodes[0].kind, OpKind::MatMul);
  EXPECT_EQ(g.nodes[0].inputs.size(), 3u);
  EXPECT_EQ(g.nodes[1].kind, OpKind::Relu);
  EXPECT_EQ(g.nodes[1].role, Role::Activation);
  EXPECT_EQ(g.parameter_count(), 16 * 32 + 32 + 32 * 8);
  workload::Workload w = analyze(g);
  EXPECT_EQ(w.totals.macs, 4 * 16 * 32 + 4 * 32 * 8);
  EXPECT_EQ(w.source_nodes, 4);
  EXPECT_TRUE(w.unsupported_ops.empty());
}

TEST(OnnxImport, DecomposedOpsBecomeSemanticOps) {
  Graph g = import_onnx(fixture("tiny_patterns.onnx"), {});
  ASSERT_EQ(g.nodes.size(), 4u);
  EXPECT_EQ(g.nodes[0].kind, OpKind::LayerNorm);
  EXPECT_EQ(g.nodes[0].role, Role::LayerNorm);
  EXPECT_EQ(g.nodes[0].inputs.size(), 3u);  // x, gamma, beta
  EXPECT_EQ(g.nodes[1].kind, OpKind::Softmax);
  EXPECT_EQ(g.nodes[2].kind, OpKind::Swish);
  EXPECT_EQ(g.nodes[3].kind, OpKind::HardSwish);
  EXPECT_EQ(g.parameter_count(), 32);  // gamma and beta; eps and axes are constants
  EXPECT_TRUE(g.unsupported_ops.empty());
}

TEST(OnnxImport, BatchAndSymbolicDimsScaleTheWork) {
  workload::Workload one = analyze(import_onnx(fixture("tiny_mlp.onnx"), seq(4)));
  workload::Workload three = analyze(import_onnx(fixture("tiny_mlp.onnx"), seq(4, 3)));
  workload::Workload longer = analyze(import_onnx(fixture("tiny_mlp.onnx"), seq(8)));
  EXPECT_EQ(three.totals.macs, 3 * one.totals.macs);
  EXPECT_EQ(longer.totals.macs, 2 * one.totals.macs);
  EXPECT_EQ(three.totals.params, one.totals.params);
}

TEST(OnnxImport, UnboundAndUnknownDimensionsAreNamed) {
  try {
    import_onnx(fixture("tiny_mlp.onnx"), {});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("seq"), std::string::npos) << e.what();
    EXPECT_EQ(e.exit_code(), 2);
  }
  LoadOptions typo = seq(4);
  typo.dims["sequence"] = 4;
  EXPECT_THROW(import_onnx(fixture("tiny_mlp.onnx"), typo), Error);
}

TEST(OnnxImport, UnsupportedOpsAreListedAndStrictRejectsThem) {
  Graph g = import_onnx(fixture("tiny_custom.onnx"), seq(4));
  ASSERT_EQ(g.unsupported_ops.count("FooOp"), 1u);
  EXPECT_EQ(g.unsupported_ops.at("FooOp"), 1);
  workload::Workload w = analyze(g);
  EXPECT_EQ(w.unsupported_ops.at("FooOp"), 1);
  EXPECT_GT(w.totals.macs, 0);  // the ops before the custom op are still costed
  LoadOptions strict = seq(4);
  strict.strict = true;
  try {
    import_onnx(fixture("tiny_custom.onnx"), strict);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("FooOp"), std::string::npos) << e.what();
  }
}

TEST(OnnxImport, ExternalDataIsCheckedNotRead) {
  Graph g = import_onnx(fixture("tiny_ext.onnx"), {});
  EXPECT_EQ(g.parameter_count(), 16 * 32);
  try {
    import_onnx(fixture("tiny_ext_missing.onnx"), {});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("does_not_exist.bin"), std::string::npos) << e.what();
  }
}

TEST(OnnxImport, InconsistentShapesAreAnError) {
  try {
    import_onnx(fixture("tiny_bad_shape.onnx"), seq(4));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("inconsistent shapes"), std::string::npos) << e.what();
  }
}

TEST(OnnxImport, BadFilesAreOneCleanError) {
  EXPECT_THROW(import_onnx(fixture("no_such_model.onnx"), {}), Error);
  EXPECT_THROW(import_onnx(fixture(""), {}), Error);  // a directory
  for (std::string bytes : {std::string(), std::string("not an onnx model at all\n"),
                            std::string("\x08\x07\x3a\xff\xff\xff\xff\x0f", 8)})
    EXPECT_THROW(import_onnx_bytes(bytes.data(), bytes.size(), "bytes", seq(4)), Error);
}

// Every truncation of a valid file fails cleanly (or, for a prefix that is itself a complete
// model, loads); nothing else escapes.
TEST(OnnxImport, EveryTruncationFailsCleanly) {
  const std::string bytes = read_bytes(fixture("tiny_mlp.onnx"));
  ASSERT_GT(bytes.size(), 100u);
  for (size_t n = 0; n < bytes.size(); n += 7) {
    try {
      import_onnx_bytes(bytes.data(), n, "prefix", seq(4));
    } catch (const Error&) {
    }
  }
  SUCCEED();
}

// The fuzz corpus (tests/fuzz/corpus) doubles as a regression suite in every build.
TEST(OnnxImport, FuzzCorpusLoadsOrFailsCleanly) {
  const std::filesystem::path dir = std::string(TESSERA_SOURCE_DIR) + "/tests/fuzz/corpus";
  if (!std::filesystem::is_directory(dir)) GTEST_SKIP() << "no corpus";
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string bytes = read_bytes(entry.path().string());
    ++files;
    try {
      import_onnx_bytes(bytes.data(), bytes.size(), entry.path().filename().string(), seq(4));
    } catch (const Error&) {
    }
  }
  EXPECT_GT(files, 0);
}

}  // namespace
}  // namespace tessera::model
