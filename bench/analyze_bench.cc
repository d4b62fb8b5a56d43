// Speed of `tessera analyze` on the Transformer zoo (issue #2): building and analysing every
// Transformer/MemNet preset, and GPT-2 decoding whose cost must not grow with the number of
// generated tokens (closed form over the KV cache: 1K and 32K tokens cost the same).
#include <benchmark/benchmark.h>

#include <string>

#include "tessera/model/zoo.h"
#include "tessera/workload/analysis.h"

namespace {

using tessera::workload::AnalysisOptions;
using tessera::workload::Mode;

void analyze_preset(benchmark::State& state, const std::string& name) {
  tessera::model::ModelHandle handle = tessera::model::resolve_model(name);
  for (auto _ : state) {
    tessera::workload::Workload w = tessera::workload::analyze_model(handle, {});
    benchmark::DoNotOptimize(w.totals.flops);
  }
}

void BM_Gpt2Decode(benchmark::State& state) {
  tessera::model::ModelHandle gpt2 = tessera::model::resolve_model("gpt2");
  AnalysisOptions options;
  options.mode = Mode::Decoder;
  options.generate = state.range(0);
  for (auto _ : state) {
    tessera::workload::Workload w = tessera::workload::analyze_model(gpt2, options);
    benchmark::DoNotOptimize(w.totals.bytes);
  }
  state.SetLabel(std::to_string(state.range(0)) + " generated tokens");
}
BENCHMARK(BM_Gpt2Decode)->Arg(1024)->Arg(32768)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  for (const auto& preset : tessera::model::zoo_presets()) {
    if (preset.family.rfind("transformer-", 0) != 0 && preset.family != "memnet") continue;
    benchmark::RegisterBenchmark(("BM_AnalyzePreset/" + preset.name).c_str(), analyze_preset,
                                 preset.name)
        ->Unit(benchmark::kMillisecond);
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
