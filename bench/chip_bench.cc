// Chip model speed (issue #6): one chip evaluation (area, TDP, timing, clock search) should
// take under 1 ms; the whole Table I sweep with the performance model under 10 s on 2 cores.
#include <benchmark/benchmark.h>

#include "tessera/chip/chip_model.h"
#include "tessera/chip/spec_parser.h"
#include "tessera/explore/brawny_wimpy.h"
#include "tessera/explore/cnn_performance.h"

namespace {

void BM_EvaluateTpuV1(benchmark::State& state) {
  const auto spec = tessera::chip::load_chip_spec("tpu-v1");
  for (auto _ : state) benchmark::DoNotOptimize(tessera::chip::evaluate_chip(spec));
}
BENCHMARK(BM_EvaluateTpuV1)->Unit(benchmark::kMillisecond);

void BM_ClockSearchTpuV2(benchmark::State& state) {
  auto spec = tessera::chip::load_chip_spec("tpu-v2");
  spec.clock_hz = 0;
  spec.target_tops = 40;
  for (auto _ : state) benchmark::DoNotOptimize(tessera::chip::evaluate_chip(spec));
}
BENCHMARK(BM_ClockSearchTpuV2)->Unit(benchmark::kMillisecond);

void BM_BrawnyWimpySweep(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(tessera::explore::brawny_wimpy_sweep());
}
BENCHMARK(BM_BrawnyWimpySweep)->Unit(benchmark::kMillisecond)->Iterations(1);

// One design point's CNN run through the analytical evaluator (the sweep's inner step).
void BM_RunCnnResNet50OnDesignPoint(benchmark::State& state) {
  const auto chip = tessera::chip::evaluate_chip(tessera::explore::datacenter_spec({32, 4, 4, 4}));
  const auto model = tessera::explore::load_cnn("resnet50");
  for (auto _ : state) benchmark::DoNotOptimize(tessera::explore::run_cnn(chip, model, 16));
}
BENCHMARK(BM_RunCnnResNet50OnDesignPoint)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
