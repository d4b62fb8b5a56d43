// Weights: deterministic random values by (seed, name), and safetensors files (written here, so
// no fixture is committed) loaded by tensor name with shape checks and clear errors.
#include "tessera/run/weights.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

#include "tessera/core/error.h"
#include "tessera/model/graph_builder.h"
#include "tessera/run/engine.h"

namespace tessera::run {
namespace {

std::string write_safetensors(const std::string& name, const std::string& header,
                              const std::vector<float>& data) {
  std::string path = ::testing::TempDir() + name;
  std::ofstream out(path, std::ios::binary);
  uint64_t size = header.size();
  for (int i = 0; i < 8; ++i) out.put(static_cast<char>((size >> (8 * i)) & 0xff));
  out << header;
  out.write(reinterpret_cast<const char*>(data.data()),
            static_cast<std::streamsize>(data.size() * 4));
  return path;
}

model::Graph linear_graph() {
  model::GraphBuilder b("tiny", model::Domain::Transformer);
  model::TensorId x = b.input("x", {1, 2});
  b.mark_output(b.linear("fc", model::Role::Classifier, x, 3, /*bias=*/false));
  return std::move(b).finish();
}

TEST(RunWeights, RandomWeightsDependOnSeedAndNameOnly) {
  model::Graph g = linear_graph();
  WeightStore a(5), b(5), c(6);
  EXPECT_EQ(a.get(g, 1), b.get(g, 1));
  EXPECT_NE(a.get(g, 1), c.get(g, 1));
}

TEST(RunWeights, SafetensorsValuesAreUsedByTheEngine) {
  std::vector<float> w = {1, 2, 3, 4, 5, 6};
  std::string path = write_safetensors(
      "w.safetensors",
      R"({"__metadata__":{"format":"pt"},"fc.weight":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]}})",
      w);
  model::Graph g = linear_graph();
  WeightStore store(1);
  store.load_safetensors(path);
  EXPECT_EQ(store.get(g, 1), w);
  RunOptions o;
  o.repeat = 1;
  o.weights_file = path;
  RunResult r = run_graph(g, o);
  RunResult random = run_graph(g, RunOptions{});
  // y = x W with the file's W, for the input the engine generates from the seed.
  std::vector<float> x(2);
  fill_random(x, o.seed ^ 0x9e3779b9ULL, "x", 1.0f);
  ASSERT_EQ(r.output.size(), 3u);
  for (int c = 0; c < 3; ++c) EXPECT_NEAR(r.output[c], x[0] * w[c] + x[1] * w[3 + c], 1e-5);
  EXPECT_NE(r.output, random.output);
}

TEST(RunWeights, BadFilesAreClearErrors) {
  model::Graph g = linear_graph();
  WeightStore store(1);
  EXPECT_THROW(store.load_safetensors("/nonexistent.safetensors"), Error);
  std::string bad_json = write_safetensors("bad.safetensors", "{not json", {});
  EXPECT_THROW(store.load_safetensors(bad_json), Error);
  std::string bad_offsets = write_safetensors(
      "offsets.safetensors", R"({"fc.weight":{"dtype":"F32","shape":[2,3],"data_offsets":[0,99]}})",
      {1, 2, 3, 4, 5, 6});
  EXPECT_THROW(store.load_safetensors(bad_offsets), Error);
  std::string f16 = write_safetensors(
      "f16.safetensors", R"({"fc.weight":{"dtype":"F16","shape":[2,3],"data_offsets":[0,12]}})",
      {1, 2, 3});
  EXPECT_THROW(store.load_safetensors(f16), Error);
  std::string wrong_shape = write_safetensors(
      "shape.safetensors", R"({"fc.weight":{"dtype":"F32","shape":[3,2],"data_offsets":[0,24]}})",
      {1, 2, 3, 4, 5, 6});
  WeightStore other(1);
  other.load_safetensors(wrong_shape);
  EXPECT_THROW(other.get(g, 1), Error);
}

}  // namespace
}  // namespace tessera::run
