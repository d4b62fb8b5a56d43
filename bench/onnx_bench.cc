// ONNX import speed (issue #3): importing and analysing a 100-MB model must take well under a
// second beyond reading the file. The model (25 MatMul+Relu layers with 1024x1024 fp32 weights,
// 100 MB of initializers) is written once in the protobuf wire format by hand, so the bench
// needs no ONNX headers. BM_ReadWholeFile is the "reading the file" baseline; the importer
// itself skips the weight payloads (seeks past them), so it is expected to be far below it.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "tessera/core/atomic_file.h"
#include "tessera/model/onnx_import.h"
#include "tessera/workload/analysis.h"

namespace {

constexpr int kLayers = 25;
constexpr int kWidth = 1024;

void varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}
void tag(std::string& out, int field, int wire) { varint(out, (uint64_t(field) << 3) | wire); }
void bytes_field(std::string& out, int field, const std::string& value) {
  tag(out, field, 2);
  varint(out, value.size());
  out += value;
}
void int_field(std::string& out, int field, uint64_t value) {
  tag(out, field, 0);
  varint(out, value);
}

// ValueInfoProto for a float tensor [1, width].
std::string value_info(const std::string& name) {
  std::string shape, tensor, type, info;
  for (int64_t d : {1, kWidth}) {
    std::string dim;
    int_field(dim, 1, static_cast<uint64_t>(d));
    bytes_field(shape, 1, dim);
  }
  int_field(tensor, 1, 1);  // FLOAT
  bytes_field(tensor, 2, shape);
  bytes_field(type, 1, tensor);
  bytes_field(info, 1, name);
  bytes_field(info, 2, type);
  return info;
}

std::string node(const std::string& op, std::initializer_list<std::string> inputs,
                 const std::string& output) {
  std::string n;
  for (const auto& in : inputs) bytes_field(n, 1, in);
  bytes_field(n, 2, output);
  bytes_field(n, 3, output + "_node");
  bytes_field(n, 4, op);
  return n;
}

std::string big_model() {
  std::string graph;
  std::string x = "x";
  const std::string payload(size_t{kWidth} * kWidth * 4, '\0');
  for (int i = 0; i < kLayers; ++i) {
    std::string w = "w" + std::to_string(i), h = "h" + std::to_string(i),
                y = "y" + std::to_string(i);
    bytes_field(graph, 1, node("MatMul", {x, w}, h));
    bytes_field(graph, 1, node("Relu", {h}, y));
    std::string tensor;
    int_field(tensor, 1, kWidth);
    int_field(tensor, 1, kWidth);
    int_field(tensor, 2, 1);  // FLOAT
    bytes_field(tensor, 8, w);
    bytes_field(tensor, 9, payload);
    bytes_field(graph, 5, tensor);
    x = y;
  }
  bytes_field(graph, 2, "big");
  bytes_field(graph, 11, value_info("x"));
  bytes_field(graph, 12, value_info(x));
  std::string model, opset;
  int_field(model, 1, 8);  // ir_version
  int_field(opset, 2, 13);
  bytes_field(model, 8, opset);
  bytes_field(model, 7, graph);
  return model;
}

const std::string& model_path() {
  static const std::string path = [] {
    std::string p = (std::filesystem::temp_directory_path() /
                     ("tessera_onnx_bench_" + std::to_string(::getpid()) + ".onnx"))
                        .string();
    std::ofstream(p, std::ios::binary) << big_model();
    std::atexit([] { std::filesystem::remove(model_path()); });
    return p;
  }();
  return path;
}

void BM_ReadWholeFile(benchmark::State& state) {
  const std::string& path = model_path();
  for (auto _ : state) benchmark::DoNotOptimize(tessera::read_file(path));
  state.counters["MB"] = static_cast<double>(std::filesystem::file_size(path)) / 1e6;
}
BENCHMARK(BM_ReadWholeFile)->Unit(benchmark::kMillisecond);

void BM_ImportAndAnalyzeOnnx100MB(benchmark::State& state) {
  const std::string& path = model_path();
  int64_t macs = 0;
  for (auto _ : state) {
    tessera::model::Graph g = tessera::model::import_onnx(path, {});
    macs = tessera::workload::analyze_graph(g, {}).totals.macs;
    benchmark::DoNotOptimize(macs);
  }
  state.counters["MB"] = static_cast<double>(std::filesystem::file_size(path)) / 1e6;
  state.counters["MACs"] = static_cast<double>(macs);
}
BENCHMARK(BM_ImportAndAnalyzeOnnx100MB)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
