// Whole-model mapping (what Timeloop cannot do in one run): every matmul and conv of a workload
// is mapped once per distinct problem shape (cached), vector ops are costed on the special-
// function units or the vector peak; latency, energy and EDP roll up. MappedEvaluator is the
// third perf::Evaluator (DESIGN.md: it lives in map, perf never includes map).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tessera/map/chip_energy.h"
#include "tessera/map/mapper.h"
#include "tessera/perf/evaluator.h"
#include "tessera/workload/analysis.h"

namespace tessera::map {

// Thread-safe cache of the best mapping per (problem spec, hardware) pair.
class MappingCache {
 public:
  MappingCache(std::string mapper, SearchOptions options)
      : mapper_(std::move(mapper)), options_(options) {}
  // Maps `problem` on `arch` (or returns the cached result); `hit` says which.
  MapperResult get(const LoopProblem& problem, const MapArch& arch, bool* hit = nullptr);
  size_t size() const;

 private:
  std::string mapper_;
  SearchOptions options_;
  mutable std::mutex mutex_;
  std::map<std::string, MapperResult> results_;
};

struct OpMapping {
  size_t op_index = 0;
  std::string op_name, problem;  // problem empty for vector ops
  bool cached = false;
  perf::Cost cost;
};

struct ModelMapping {
  std::string model, hardware, mapper;
  std::vector<OpMapping> ops;
  size_t distinct_problems = 0;
  double latency_s = 0, energy_j = 0, wall_s = 0;
  double edp() const { return latency_s * energy_j; }
};

// Cost of one nest-analysis result as a perf::Cost (traffic per level in bytes).
perf::Cost cost_from_nest(const MapArch& arch, const NestResult& r);
// Cost of a vector op (Softmax, LayerNorm, ...): the analytical evaluator's (special units,
// vector peak or host offload).
perf::Cost vector_op_cost(const workload::Op& op, const hw::Hardware& hw,
                          const perf::EvalContext& context);

// Where the mapper's energies come from: the hardware spec (chip empty) or a chip model
// (preset or YAML) bound to the spec's levels by role (chip_energy.h).
struct EnergySource {
  std::string chip;
  std::vector<std::string> level_bindings;  // LEVEL=MEMORY|dram|spec
};
// The spec's arch with the energy source's energies.
MapArch make_arch_with_energy(const hw::Hardware& hw, const EnergySource& energy);

ModelMapping map_workload(const workload::Workload& w, const hw::Hardware& hw,
                          const std::string& mapper, const SearchOptions& options,
                          const EnergySource& energy = {});
nlohmann::json model_mapping_json(const ModelMapping& m);
std::string model_mapping_table(const ModelMapping& m);

class MappedEvaluator final : public perf::Evaluator {
 public:
  explicit MappedEvaluator(std::string mapper = "genetic", SearchOptions options = {},
                           EnergySource energy = {});
  std::string_view name() const override { return "mapped"; }
  perf::Cost evaluate(const workload::Op& op, const hw::Hardware& hw,
                      const perf::EvalContext& context) const override;

 private:
  mutable MappingCache cache_;
  EnergySource energy_;
  mutable std::mutex binding_mutex_;  // the chip is evaluated once per hardware, not per op
  mutable std::map<std::string, ChipEnergyBinding> bindings_;
};

}  // namespace tessera::map
