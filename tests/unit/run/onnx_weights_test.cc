// ONNX initializers as weights (issue #7): tiny ONNX files are written here with the ONNX
// protobuf classes, imported, and run with their own initializers; the result must equal the
// hand computation and the same values given as safetensors. Missing initializers, other shapes
// and other dtypes are one clear error each (exit code 2).
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <fstream>
#include <string>

#include "tessera/core/error.h"
#include "tessera/model/onnx_import.h"
#include "tessera/model/zoo.h"
#include "tessera/run/engine.h"
#include "tessera/run/weights.h"

namespace tessera::run {
namespace {

const std::vector<float> kW = {0.5f, -1.0f, 2.0f, 1.5f, 0.25f, -0.75f};  // [2, 3]
const std::vector<float> kB = {0.1f, 0.2f, -0.3f};

void value_info(onnx::ValueInfoProto* v, const std::string& name, std::vector<int64_t> dims) {
  v->set_name(name);
  auto* t = v->mutable_type()->mutable_tensor_type();
  t->set_elem_type(onnx::TensorProto::FLOAT);
  for (int64_t d : dims) t->mutable_shape()->add_dim()->set_dim_value(d);
}

// y[1,3] = x[1,2] * w[2,3] + b[3]; `w_type`/`w_dims` let a test break the weight, raw_data
// stores w as bytes (as exporters do), float_data as a repeated field.
std::string write_model(const std::string& name, int32_t w_type = onnx::TensorProto::FLOAT,
                        std::vector<int64_t> w_dims = {2, 3}, bool raw = true) {
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.add_opset_import()->set_version(17);
  onnx::GraphProto* g = m.mutable_graph();
  g->set_name("tiny_linear");
  onnx::NodeProto* mm = g->add_node();
  mm->set_op_type("MatMul");
  mm->set_name("fc");
  mm->add_input("x"), mm->add_input("w"), mm->add_output("h");
  onnx::NodeProto* add = g->add_node();
  add->set_op_type("Add");
  add->set_name("fc_bias");
  add->add_input("h"), add->add_input("b"), add->add_output("y");
  onnx::TensorProto* w = g->add_initializer();
  w->set_name("w");
  w->set_data_type(w_type);
  for (int64_t d : w_dims) w->add_dims(d);
  if (w_type != onnx::TensorProto::FLOAT) {
    for (size_t i = 0; i < kW.size(); ++i) w->add_int64_data(static_cast<int64_t>(i));
  } else if (raw) {
    w->set_raw_data(std::string(reinterpret_cast<const char*>(kW.data()), kW.size() * 4));
  } else {
    for (float v : kW) w->add_float_data(v);
  }
  onnx::TensorProto* b = g->add_initializer();
  b->set_name("b");
  b->set_data_type(onnx::TensorProto::FLOAT);
  b->add_dims(3);
  for (float v : kB) b->add_float_data(v);
  value_info(g->add_input(), "x", {1, 2});
  value_info(g->add_output(), "y", {1, 3});
  std::string path = ::testing::TempDir() + name;
  std::ofstream out(path, std::ios::binary);
  m.SerializeToOstream(&out);
  return path;
}

std::string write_safetensors(const std::string& name) {
  std::string header = R"({"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},)"
                       R"("b":{"dtype":"F32","shape":[3],"data_offsets":[24,36]}})";
  std::string path = ::testing::TempDir() + name;
  std::ofstream out(path, std::ios::binary);
  uint64_t size = header.size();
  for (int i = 0; i < 8; ++i) out.put(static_cast<char>((size >> (8 * i)) & 0xff));
  out << header;
  out.write(reinterpret_cast<const char*>(kW.data()), 24);
  out.write(reinterpret_cast<const char*>(kB.data()), 12);
  return path;
}

RunResult run_with(const model::Graph& g, const std::string& weights) {
  RunOptions o;
  o.repeat = 1;
  o.weights_file = weights;
  return run_graph(g, o);
}

void expect_error(const model::Graph& g, const std::string& weights, const std::string& words) {
  try {
    run_with(g, weights);
    FAIL() << "expected an error mentioning " << words;
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
    EXPECT_EQ(e.exit_code(), 2);
  }
}

TEST(RunOnnxWeights, InitializersAreTheWeights) {
  for (bool raw : {true, false}) {
    std::string path =
        write_model(raw ? "raw.onnx" : "floats.onnx", onnx::TensorProto::FLOAT, {2, 3}, raw);
    model::Graph g = model::import_onnx(path, {});
    RunResult r = run_with(g, path);
    std::vector<float> x(2);
    fill_random(x, RunOptions{}.seed ^ 0x9e3779b9ULL, "x", 1.0f);
    ASSERT_EQ(r.output.size(), 3u);
    for (int c = 0; c < 3; ++c)
      EXPECT_NEAR(r.output[c], x[0] * kW[c] + x[1] * kW[3 + c] + kB[c], 1e-6);
    EXPECT_EQ(r.output, run_with(g, write_safetensors("same.safetensors")).output);
    EXPECT_NE(r.output, run_with(g, "").output);  // random weights differ
  }
}

TEST(RunOnnxWeights, BadInitializersAreClearErrors) {
  model::Graph g = model::import_onnx(write_model("good.onnx"), {});
  expect_error(g, write_model("int64.onnx", onnx::TensorProto::INT64), "INT64");
  expect_error(g, write_model("shape.onnx", onnx::TensorProto::FLOAT, {3, 2}), "[3,2]");
  // A zoo model whose weights the file does not name.
  model::Graph zoo = model::load_model("bert-base:layers=1,seq=8,d=32,heads=2,ffn=64,vocab=16");
  expect_error(zoo, write_model("other.onnx"), "has no initializer named");
  expect_error(g, ::testing::TempDir() + "missing.onnx", "cannot open");
  std::string garbage = ::testing::TempDir() + "garbage.onnx";
  std::ofstream(garbage) << "not a model";
  expect_error(g, garbage, "not a readable ONNX model");
}

}  // namespace
}  // namespace tessera::run
