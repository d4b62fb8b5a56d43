// Running a model end to end (issue #7): resolve the model, prepare a plan on the CPU backend,
// execute it `repeat` times and report medians, per-op medians and what NLP-Opt skipped.
// The value calibrator of NLP-Perf (002 Sec. IV) is FTZ/DAZ: intermediates never become
// denormals, which cost 100x on CPUs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tessera/model/graph.h"
#include "tessera/model/zoo.h"
#include "tessera/run/backend.h"
#include "tessera/run/tensor_io.h"

namespace tessera::run {

struct RunOptions {
  int threads = 1;
  int repeat = 3;
  uint64_t seed = 1;
  OptOptions opt;
  std::string weights_file;       // .safetensors or .onnx; empty = random from the seed
  bool flush_denormals = true;    // value calibrator
  bool measure_deviation = true;  // with skipping on, compare against the exact output
  // Values of the graph inputs by name (all of them, shapes as bound); empty = random from seed.
  std::vector<NamedTensor> inputs;
  bool keep_outputs = false;  // fill RunResult::outputs with every graph output
};

struct OpTiming {
  std::string name, role;
  double median_s = 0.0;
  int64_t flops = 0;
};

struct RunResult {
  std::string model;
  double median_s = 0.0;
  std::vector<double> runs_s;
  // Process CPU time per run (all threads): on a shared, loaded machine wall time includes
  // waiting for a core; CPU time of a 1-thread run does not.
  double cpu_median_s = 0.0;
  std::vector<double> runs_cpu_s;
  std::vector<OpTiming> ops;  // one per step, in execution order
  OptStats stats;             // of one run
  int64_t flops = 0;          // dense FLOPs of the graph (MAC = 2 FLOPs)
  int64_t activation_bytes = 0;
  bool denormals_flushed = false;
  // With zero skipping: max |y - y_exact| / max |y_exact| over the outputs (-1 if not measured).
  double output_deviation = -1.0;
  std::vector<float> output;         // the first graph output
  std::vector<NamedTensor> outputs;  // every graph output, with keep_outputs
};

// Anything model::load_model resolves (zoo, YAML, ONNX). The aliases nlp-fast-bert
// (= nlpfast-bert:layers=12), nlp-fast-transformer (= nlpfast-transformer, 6+6 layers) and
// nlp-fast-memnet (= memnet:memory=4096) take the zoo family's overrides ("nlp-fast-bert:seq=64").
model::Graph resolve_graph(const std::string& spec, const model::LoadOptions& load = {});
// The zoo spec an alias stands for; other specs are returned unchanged.
std::string expand_model_alias(const std::string& spec);

RunResult run_graph(const model::Graph& graph, const RunOptions& options,
                    ExecutionListener* listener = nullptr);

// Sets FTZ/DAZ on the calling thread and every OpenMP worker; returns true when set.
bool set_flush_denormals(int threads);

double median(std::vector<double> values);

}  // namespace tessera::run
