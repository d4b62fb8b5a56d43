// Analysis time of every CNN zoo preset: build the graph, lower it, roll it up (the work of
// `tessera analyze MODEL`), and the peak activation footprint. Target: well under 100 ms each.
#include <benchmark/benchmark.h>

#include <string>

#include "tessera/model/zoo.h"
#include "tessera/workload/analysis.h"
#include "tessera/workload/footprint.h"

namespace {

using tessera::model::Domain;

void BM_AnalyzeCnnPreset(benchmark::State& state, const std::string& name) {
  tessera::model::ModelHandle handle = tessera::model::resolve_model(name);
  tessera::workload::AnalysisOptions options;
  for (auto _ : state) {
    tessera::workload::Workload w = tessera::workload::analyze_model(handle, options);
    benchmark::DoNotOptimize(w.totals.flops);
  }
}

void BM_FootprintCnnPreset(benchmark::State& state, const std::string& name) {
  tessera::model::Graph graph = tessera::model::load_model(name);
  for (auto _ : state) {
    auto result = tessera::workload::activation_footprint(graph);
    benchmark::DoNotOptimize(result.peak_bytes);
  }
}

// Registers one benchmark per CNN preset of the zoo, so new presets are measured automatically.
const bool registered = [] {
  for (const auto& preset : tessera::model::zoo_presets()) {
    if (tessera::model::find_family(preset.family).domain != Domain::Cnn) continue;
    if (preset.family == "cnn-stages") continue;  // needs a stage table
    benchmark::RegisterBenchmark(("analyze/" + preset.name).c_str(), BM_AnalyzeCnnPreset,
                                 preset.name)
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("footprint/" + preset.name).c_str(), BM_FootprintCnnPreset,
                                 preset.name)
        ->Unit(benchmark::kMillisecond);
  }
  return true;
}();

}  // namespace

BENCHMARK_MAIN();
