#include "tessera/map/mapper.h"

#include <fmt/format.h>

#include <chrono>

#include "tessera/core/error.h"
#include "tessera/map/mip_mapper.h"

namespace tessera::map {

MapperResult run_search(const MapSpace& space, Search& search, const SearchOptions& options,
                        std::vector<Outcome>* samples, const ProgressFn& progress) {
  auto start = std::chrono::steady_clock::now();
  MapperResult result;
  result.mapper = std::string(search.name());
  result.space_size = space.size();
  std::vector<MapId> batch;
  std::vector<Outcome> outcomes;
  double best_value = std::numeric_limits<double>::infinity();
  size_t best_index = 0;
  MapId best_id;
  while (search.next(batch)) {
    outcomes.assign(batch.size(), Outcome{});
// Small batches (a genetic generation) run serially: waking threads would cost more.
#pragma omp parallel if (batch.size() >= 512)
    {
      Mapping mapping;
      NestResult cost;
#pragma omp for schedule(dynamic, 256)
      for (size_t i = 0; i < batch.size(); ++i) {
        space.construct(batch[i], mapping);
        analyze_nest(space.problem(), space.arch(), mapping, cost);
        Outcome& o = outcomes[i];
        o.validity = cost.validity;
        if (!cost.valid()) continue;
        o.value = objective_value(cost, options.objective);
        o.latency_s = cost.latency_s;
        o.energy_j = cost.energy_j();
      }
    }
    size_t counted = search.report(batch, outcomes);
    for (size_t i = 0; i < counted; ++i) {  // in order: ties go to the earliest point
      ++result.evaluated;
      if (!outcomes[i].valid()) continue;
      ++result.valid;
      if (samples) samples->push_back(outcomes[i]);
      if (outcomes[i].value < best_value) {
        best_value = outcomes[i].value;
        best_id = batch[i];
        best_index = i;
        result.found = true;
      }
    }
    (void)best_index;
    if (progress) progress(result.evaluated, result.valid);
  }
  if (result.found) {
    result.best = space.construct(best_id);
    result.best_cost = analyze_nest(space.problem(), space.arch(), result.best);
  }
  result.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

void check_feasible(const LoopProblem& problem, const MapArch& arch, const MapConstraints& c) {
  // The smallest tile: every loop in DRAM, only the forced keeps and the fixed factors.
  Mapping m = trivial_mapping(problem, arch);
  for (int l = 0; l < arch.num_levels; ++l) {
    m.keep[l] = static_cast<uint8_t>(c.keep_forced[l] & arch.levels[l].may_hold);
    for (int d = 0; d < problem.num_dims; ++d)
      if (c.fixed_temporal[l][d] > 0 && l < arch.num_levels - 1)
        m.temporal[l][d] = c.fixed_temporal[l][d];
  }
  m.keep[arch.num_levels - 1] = 0b111;
  for (int d = 0; d < problem.num_dims; ++d) {
    if (c.fixed_spatial_x[d] > 0) m.spatial_x[d] = c.fixed_spatial_x[d];
    if (c.fixed_spatial_y[d] > 0) m.spatial_y[d] = c.fixed_spatial_y[d];
  }
  complete_outer_factors(problem, arch, m);
  int failing = -1;
  Validity v = check_mapping(problem, arch, m, &failing);
  if (v == Validity::OverCapacity) {
    const ArchLevel& level = arch.levels[failing];
    throw Error(fmt::format(
        "no valid mapping: {} holds {} bytes per instance but the smallest tile the constraints "
        "allow needs {} bytes",
        level.name, level.capacity_bytes, level_footprint_bytes(problem, arch, m, failing)));
  }
  NestResult r;
  r.validity = v;
  if (!r.valid())
    throw Error(fmt::format("no valid mapping: constraints are {}", validity_name(r.validity)));
}

MapperResult map_problem(const LoopProblem& problem, const MapArch& arch,
                         const MapConstraints& constraints, const std::string& mapper,
                         const SearchOptions& options, const ProgressFn& progress) {
  validate_constraints(problem, arch, constraints);
  check_feasible(problem, arch, constraints);
  if (mapper == "heuristic") {
    auto start = std::chrono::steady_clock::now();
    MapperResult r;
    r.mapper = mapper;
    r.best = heuristic_mapping(problem, arch, constraints);
    r.best_cost = analyze_nest(problem, arch, r.best);
    r.evaluated = 1;
    r.valid = r.best_cost.valid() ? 1 : 0;
    r.found = r.valid == 1;
    r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!r.found)
      throw Error(fmt::format("heuristic mapping is {}", validity_name(r.best_cost.validity)));
    return r;
  }
  if (mapper == "mip") return mip_mapping(problem, arch, constraints, options);
  MapSpace space(problem, arch, constraints);
  std::unique_ptr<Search> search = make_search(mapper, space, options);
  MapperResult r = run_search(space, *search, options, nullptr, progress);
  if (!r.found)
    throw Error(fmt::format(
        "no valid mapping among {} evaluated points of {} on {} (buffers too small for every "
        "tiling tried; try more samples or looser constraints)",
        r.evaluated, problem.spec, arch.name));
  return r;
}

}  // namespace tessera::map
