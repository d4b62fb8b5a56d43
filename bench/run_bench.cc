// Engine speed (issue #7; NLP-Fast 002 Sec. VI-B, Fig. 10): the GEMM peak of this machine, and
// the three NLP-Fast models (Table IV base sizes) on the framework-style baseline and with each
// NLP-Opt switch alone and together, on 1 and 2 threads. Counters: GFLOP/s (dense FLOPs, MAC = 2)
// and, for models, the fraction of the measured GEMM peak.
//   build/bench/run_bench --benchmark_filter=... (see docs/runtime.md for the full command)
#include <benchmark/benchmark.h>
#include <omp.h>
#include <time.h>

#include <algorithm>
#include <string>
#include <vector>

#include "tessera/run/backend.h"
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

double clock_s(clockid_t clock) {
  timespec t{};
  clock_gettime(clock, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

double median_of(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// The speed-up table of docs/runtime.md: one plan per option (weights shared, so every plan
// computes with the same values), executed in interleaved rounds so that every option sees the
// same machine state; counters are the baseline's median wall and CPU ms and, per option,
// baseline median / option median (wall `x_<opt>` and process CPU time `cpu_x_<opt>`). On a
// shared machine read the CPU-time ratios: a thread waiting for a core accumulates none.
void speedup_bench(benchmark::State& state, std::string spec, std::vector<std::string> opts) {
  int threads = static_cast<int>(state.range(0));
  int rounds = static_cast<int>(state.range(1));
  tessera::model::Graph graph = tessera::run::resolve_graph(spec);
  auto backend = tessera::run::make_cpu_backend();
  auto weights = std::make_shared<tessera::run::WeightStore>(1);
  std::vector<std::unique_ptr<tessera::run::Plan>> plans;
  for (const std::string& opt : opts) {
    tessera::run::PrepareOptions prepare;
    prepare.threads = threads;
    prepare.opt = tessera::run::parse_opt(opt, 0.0, 0.99);
    prepare.weights = weights;
    plans.push_back(backend->prepare(graph, prepare));
    backend->execute(*plans.back());  // warm-up
  }
  std::vector<std::vector<double>> wall(opts.size()), cpu(opts.size());
  for (auto _ : state) {
    for (int r = 0; r < rounds; ++r)
      for (size_t i = 0; i < opts.size(); ++i) {
        double c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID), w0 = clock_s(CLOCK_MONOTONIC);
        backend->execute(*plans[i]);
        wall[i].push_back(clock_s(CLOCK_MONOTONIC) - w0);
        cpu[i].push_back(clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0);
      }
    state.SetIterationTime(median_of(wall[0]));
  }
  state.counters["base_ms"] = 1e3 * median_of(wall[0]);
  state.counters["base_cpu_ms"] = 1e3 * median_of(cpu[0]);
  for (size_t i = 1; i < opts.size(); ++i) {
    state.counters["x_" + opts[i]] = median_of(wall[0]) / median_of(wall[i]);
    state.counters["cpu_x_" + opts[i]] = median_of(cpu[0]) / median_of(cpu[i]);
  }
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
  // Speed-ups from one process: base configurations of 002 Table IV (BERT 2 layers, the
  // Transformer 1+1 layers, MemNet with n_s scaled to 16384) and the S-4x scaling, where the
  // baseline's score matrices outgrow the caches. Args: threads, rounds.
  const std::vector<std::string> all_opts = {"none",  "p",  "c",   "f",   "mp",
                                             "score", "vs", "all", "qkv", "mp,qkv"};
  const std::vector<std::pair<std::string, std::string>> speedup_models = {
      {"bert", "nlpfast-bert:layers=2"},
      {"transformer", "nlpfast-transformer:enc_layers=1,dec_layers=1"},
      {"memnet", "memnet:memory=16384,batch=64"},
      {"bert-S4x", "nlpfast-bert:layers=1,seq=1024"},
      {"transformer-S4x", "nlpfast-transformer:enc_layers=1,dec_layers=1,seq=1024,src_seq=1024"},
      {"memnet-S4x", "memnet:memory=65536,batch=64"}};
  for (auto& [label, spec] : speedup_models)
    benchmark::RegisterBenchmark(("speedup/" + label).c_str(), speedup_bench, spec, all_opts)
        ->Args({1, 7})
        ->Args({2, 7})
        ->UseManualTime()
        ->Iterations(1)
        ->Unit(benchmark::kMillisecond);
  // BERT at s = 4096 (one layer, ~1.3 s per run on one core): the baseline's 1 GiB score
  // matrix per layer against the column-based tiles. Fewer options and rounds to keep it short.
  benchmark::RegisterBenchmark("speedup/bert-s4096", speedup_bench,
                               std::string("nlpfast-bert:layers=1,seq=4096"),
                               std::vector<std::string>{"none", "p", "c", "f", "mp", "mp,qkv"})
      ->Args({1, 3})
      ->Args({2, 3})
      ->UseManualTime()
      ->Iterations(1)
      ->Unit(benchmark::kMillisecond);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
