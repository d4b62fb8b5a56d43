// The mapper driver (001 Sec. 5.3): next → construct → capacity check → nest analysis → report,
// in one short loop over parallel batches; plus the one-call entry point `map_problem` used by
// the CLI, the whole-model mapper and the mapped evaluator.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "tessera/map/constraints.h"
#include "tessera/map/search.h"

namespace tessera::map {

struct MapperResult {
  std::string mapper;
  int64_t evaluated = 0, valid = 0;
  double space_size = 0;
  bool found = false;
  Mapping best;
  NestResult best_cost;
  double wall_s = 0;
};

// Called after every batch with (evaluated so far, valid so far).
using ProgressFn = std::function<void(int64_t evaluated, int64_t valid)>;

// Runs `search` over `space`. If `samples` is given, every counted valid outcome is appended.
MapperResult run_search(const MapSpace& space, Search& search, const SearchOptions& options,
                        std::vector<Outcome>* samples = nullptr,
                        const ProgressFn& progress = nullptr);

// Maps one problem with the named mapper; throws tessera::Error when no valid mapping exists,
// naming the level that cannot hold even the smallest tile.
MapperResult map_problem(const LoopProblem& problem, const MapArch& arch,
                         const MapConstraints& constraints, const std::string& mapper,
                         const SearchOptions& options, const ProgressFn& progress = nullptr);

// Throws when the smallest possible tile does not fit (no valid mapping can exist).
void check_feasible(const LoopProblem& problem, const MapArch& arch, const MapConstraints& c);

// Gemmini's default tiling (001 Sec. 5.5.2): spatial reduction × output channels, then greedily
// grow each local tile factor (round robin) while the buffers still fit; i-j-k loops in DRAM.
// `pinned_dims` (bit per dim) are grown to their full bound first (fusion: whole rows resident).
Mapping heuristic_mapping(const LoopProblem& problem, const MapArch& arch,
                          const MapConstraints& constraints, uint32_t pinned_dims = 0);

}  // namespace tessera::map
