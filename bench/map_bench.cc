// Mapper speed (issue #5): nest-analysis evaluations per second per core on BERT-Base FFN W1
// (matmul m=512,k=768,n=3072) on the Gemmini preset (target >= 1,000,000), a 100,000-sample
// random distribution (target < 1 s on 2 cores) and whole-model mapping of BERT-Base (< 10 s).
#include <benchmark/benchmark.h>
#include <omp.h>

#include "tessera/core/rng.h"
#include "tessera/map/mapper.h"
#include "tessera/map/model_mapping.h"
#include "tessera/map/reference_hardware.h"
#include "tessera/workload/analysis.h"

namespace tessera::map {
namespace {

struct Setup {
  LoopProblem problem = parse_loop_problem("matmul:m=512,k=768,n=3072");
  hw::Hardware hw = resolve_hardware("gemmini");
  MapArch arch = make_arch(hw);
  MapConstraints constraints = default_constraints(problem, arch);
};

// One core: construct + capacity check + full nest analysis of random mapspace points.
void BM_EvaluationsPerCore(benchmark::State& state) {
  Setup s;
  MapSpace space(s.problem, s.arch, s.constraints);
  std::vector<MapId> ids;
  for (uint64_t i = 0; i < 4096; ++i) {
    RandomStream rng(1, i);
    ids.push_back(space.random_id(rng));
  }
  Mapping m;
  NestResult r;
  size_t i = 0;
  for (auto _ : state) {
    space.construct(ids[i++ & 4095], m);
    analyze_nest(s.problem, s.arch, m, r);
    benchmark::DoNotOptimize(r.cycles);
  }
  state.counters["evals_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_EvaluationsPerCore);

// 100,000 random valid mappings on 2 threads (the distribution mode).
void BM_Distribution100k(benchmark::State& state) {
  Setup s;
  omp_set_num_threads(2);
  MapSpace space(s.problem, s.arch, s.constraints);
  SearchOptions o;
  o.samples = 100000;
  for (auto _ : state) {
    auto search = make_search("random", space, o);
    std::vector<Outcome> samples;
    MapperResult r = run_search(space, *search, o, &samples);
    benchmark::DoNotOptimize(r.best_cost.cycles);
  }
}
BENCHMARK(BM_Distribution100k)->Unit(benchmark::kMillisecond)->Iterations(1);

// Every op of BERT-Base (seq 512) mapped with the default genetic mapper, 2 threads.
void BM_WholeModelBertBase(benchmark::State& state) {
  Setup s;
  omp_set_num_threads(2);
  workload::Workload w = workload::analyze_model(model::resolve_model("bert-base:seq=512"),
                                                 workload::AnalysisOptions{});
  for (auto _ : state) {
    ModelMapping mm = map_workload(w, s.hw, "genetic", SearchOptions{});
    benchmark::DoNotOptimize(mm.latency_s);
  }
}
BENCHMARK(BM_WholeModelBertBase)->Unit(benchmark::kMillisecond)->Iterations(1);

// The CoSA-style MIP mapper on BERT-Base FFN W1: GLPK solves + decoding + order choice.
void BM_MipBertFfnW1(benchmark::State& state) {
  Setup s;
  for (auto _ : state) {
    MapperResult r = map_problem(s.problem, s.arch, s.constraints, "mip", SearchOptions{});
    benchmark::DoNotOptimize(r.best_cost.cycles);
  }
}
BENCHMARK(BM_MipBertFfnW1)->Unit(benchmark::kMillisecond);

// Whole BERT-Base with energies from the Gemmini chip model (L2 and DRAM keep the spec's).
void BM_WholeModelBertBaseChipEnergy(benchmark::State& state) {
  Setup s;
  omp_set_num_threads(2);
  workload::Workload w = workload::analyze_model(model::resolve_model("bert-base:seq=512"),
                                                 workload::AnalysisOptions{});
  for (auto _ : state) {
    ModelMapping mm =
        map_workload(w, s.hw, "genetic", SearchOptions{}, {"gemmini", {"l2=spec", "dram=spec"}});
    benchmark::DoNotOptimize(mm.energy_j);
  }
}
BENCHMARK(BM_WholeModelBertBaseChipEnergy)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
}  // namespace tessera::map

BENCHMARK_MAIN();
