// Engine speed (issue #7; NLP-Fast 002 Sec. VI-B, Fig. 10): the GEMM peak of this machine, and
// the three NLP-Fast models (Table IV base sizes) on the framework-style baseline and with each
// NLP-Opt switch alone and together, on 1 and 2 threads. Counters: GFLOP/s (dense FLOPs, MAC = 2)
// and, for models, the fraction of the measured GEMM peak.
//   build/bench/run_bench --benchmark_filter=... (see docs/runtime.md for the full command)
#include <benchmark/benchmark.h>
#include <omp.h>

#include <string>
#include <vector>

#include "tessera/run/engine.h"
#include "tessera/run/gemm.h"

namespace {

using tessera::run::RunOptions;

void sgemm_bench(benchmark::State& state) {
  int64_t n = state.range(0);
  int threads = static_cast<int>(state.range(1));
  std::vector<float> a(static_cast<size_t>(n * n), 0.5f), b(a), c(a);
  omp_set_num_threads(threads);
  for (auto _ : state) {
    tessera::run::sgemm(false, false, n, n, n, 1.0f, a.data(), n, b.data(), n, 0.0f, c.data(), n);
    benchmark::DoNotOptimize(c.data());
  }
  state.counters["GFLOP/s"] = benchmark::Counter(2.0 * static_cast<double>(n * n * n),
                                                 benchmark::Counter::kIsIterationInvariantRate,
                                                 benchmark::Counter::kIs1000);
}

void model_bench(benchmark::State& state, std::string spec, std::string opt) {
  RunOptions o;
  o.threads = static_cast<int>(state.range(0));
  o.repeat = 1;
  o.measure_deviation = false;
  o.opt = tessera::run::parse_opt(opt, 0.0, 0.99);
  tessera::model::Graph graph = tessera::run::resolve_graph(spec);
  int64_t flops = 0;
  double seconds = 0, cpu_seconds = 0;
  for (auto _ : state) {
    tessera::run::RunResult r = tessera::run::run_graph(graph, o);
    state.SetIterationTime(r.median_s);
    flops = r.flops;
    seconds += r.median_s;
    cpu_seconds += r.cpu_median_s;
  }
  state.counters["cpu_ms"] =
      benchmark::Counter(1e3 * cpu_seconds / static_cast<double>(state.iterations()));
  state.counters["GFLOP/s"] = benchmark::Counter(
      static_cast<double>(flops) * static_cast<double>(state.iterations()) / seconds / 1e9);
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::RegisterBenchmark("sgemm", sgemm_bench)
      ->ArgsProduct({{512, 1024, 2048}, {1, 2}})
      ->Unit(benchmark::kMillisecond);
  // The zoo's Table IV base sizes; BERT with 2 layers and the Transformer with 1+1 (per-layer
  // cost is what the ratios compare), MemNet with n_s scaled from 100M to 16384 slots so it
  // fits and 64 questions answered together.
  const std::vector<std::pair<std::string, std::string>> models = {
      {"bert", "nlpfast-bert:layers=2"},
      {"transformer", "nlpfast-transformer:enc_layers=1,dec_layers=1"},
      {"memnet", "memnet:memory=16384,batch=64"},
      {"bert-s4096", "nlpfast-bert:layers=1,seq=4096"}};
  const std::vector<std::string> opts = {"none", "p", "c", "f", "mp", "score", "vs", "all"};
  for (auto& [label, spec] : models)
    for (const std::string& opt : opts)
      benchmark::RegisterBenchmark(("model/" + label + "/" + opt).c_str(), model_bench, spec, opt)
          ->Arg(1)
          ->Arg(2)
          ->UseManualTime()
          ->Iterations(3)
          ->Unit(benchmark::kMillisecond);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
