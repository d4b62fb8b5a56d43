// Speed of the evaluators (issue #4): a roofline or analytical estimate of any zoo model
// should take < 50 ms; 1,000 hardware variants of the analytical model on BERT-Base < 2 s on
// 2 cores (OpenMP over variants; each variant writes only its own slot, so the results are the
// same for any thread count). Run: ./build/estimate_bench
#include <benchmark/benchmark.h>
#include <omp.h>

#include <vector>

#include "tessera/hw/spec_parser.h"
#include "tessera/perf/analytical.h"
#include "tessera/perf/roofline.h"
#include "tessera/workload/analysis.h"

namespace {

using namespace tessera;

const char* kModels[] = {"bert-base:seq=512", "bert-large:seq=512", "resnet50",
                         "efficientnet-b7",   "efficientnet-x-b7",  "gpt2"};

workload::Workload analyze(const std::string& model) {
  return workload::analyze_model(model::resolve_model(model), workload::AnalysisOptions{});
}

template <typename Evaluator>
void estimate(benchmark::State& state, const char* hw_name) {
  const std::string model = kModels[state.range(0)];
  workload::Workload w = analyze(model);
  hw::Hardware hw = hw::load_hardware(hw_name);
  Evaluator evaluator;
  for (auto _ : state) benchmark::DoNotOptimize(perf::evaluate_workload(evaluator, w, hw));
  state.SetLabel(model + " on " + hw_name + ", " + std::to_string(w.ops.size()) + " ops");
}
void BM_Roofline(benchmark::State& state) { estimate<perf::RooflineEvaluator>(state, "tpu-v3"); }
void BM_Analytical(benchmark::State& state) {
  estimate<perf::AnalyticalEvaluator>(state, "gemmini");
}
BENCHMARK(BM_Roofline)->DenseRange(0, 5)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Analytical)->DenseRange(0, 5)->Unit(benchmark::kMillisecond);

// The whole command: building and lowering the model plus the estimate.
void BM_AnalyzeAndEstimate(benchmark::State& state) {
  const std::string model = kModels[state.range(0)];
  hw::Hardware hw = hw::load_hardware("gemmini");
  for (auto _ : state)
    benchmark::DoNotOptimize(
        perf::evaluate_workload(perf::AnalyticalEvaluator(), analyze(model), hw));
  state.SetLabel(model);
}
BENCHMARK(BM_AnalyzeAndEstimate)->DenseRange(0, 5)->Unit(benchmark::kMillisecond);

// 1,000 variants: 5 scratchpads x 5 accumulators x 4 array sizes x 10 DRAM bandwidths.
std::vector<hw::Hardware> variants() {
  hw::Hardware base = hw::load_hardware("gemmini");
  std::vector<hw::Hardware> out;
  for (int64_t sp_kib : {32, 64, 128, 256, 512})
    for (int64_t acc_kib : {32, 64, 128, 256, 512})
      for (int64_t side : {8, 16, 32, 64})
        for (int bw = 1; bw <= 10; ++bw) {
          hw::Hardware v = base;
          for (auto& level : v.memory) {
            if (level.name == "scratchpad") level.capacity_bytes = sp_kib * 1024;
            if (level.name == "accumulator") level.capacity_bytes = acc_kib * 1024;
            if (level.name == "dram") level.bandwidth_bytes_per_s = 2e9 * bw;
          }
          v.pe_array->rows = v.pe_array->cols = side;
          v.pe_array->fill_drain_cycles = 2 * side;
          v.matrix.ops_per_s[model::DType::Int8] = 2.0 * side * side * v.clock_hz;
          out.push_back(std::move(v));
        }
  return out;
}

void BM_AnalyticalVariants(benchmark::State& state) {
  workload::Workload w = analyze("bert-base:seq=128");
  std::vector<hw::Hardware> hws = variants();
  std::vector<double> latency_s(hws.size());
  omp_set_num_threads(static_cast<int>(state.range(0)));
  perf::AnalyticalEvaluator evaluator;
  for (auto _ : state) {
#pragma omp parallel for schedule(dynamic, 8)
    for (int64_t i = 0; i < static_cast<int64_t>(hws.size()); ++i)
      latency_s[static_cast<size_t>(i)] =
          perf::evaluate_workload(evaluator, w, hws[static_cast<size_t>(i)]).total.latency_s;
    benchmark::DoNotOptimize(latency_s.data());
  }
  state.SetLabel(std::to_string(hws.size()) + " variants of gemmini, BERT-Base(128)");
}
BENCHMARK(BM_AnalyticalVariants)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
