#include "tessera/map/model_mapping.h"

#include <fmt/format.h>

#include <chrono>

#include "tessera/core/error.h"
#include "tessera/map/reference_hardware.h"
#include "tessera/perf/analytical.h"

namespace tessera::map {

MapperResult MappingCache::get(const LoopProblem& problem, const MapArch& arch, bool* hit) {
  std::string key =
      problem.spec + "@" + arch.name + "/" + std::to_string(arch.levels[0].capacity_bytes);
  for (int l = 0; l < arch.num_levels; ++l)
    key += "," + std::to_string(arch.levels[l].capacity_bytes);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = results_.find(key);
    if (it != results_.end()) {
      if (hit) *hit = true;
      return it->second;
    }
  }
  MapperResult r =
      map_problem(problem, arch, default_constraints(problem, arch), mapper_, options_);
  std::lock_guard<std::mutex> lock(mutex_);
  if (hit) *hit = false;
  return results_.emplace(key, std::move(r)).first->second;
}

size_t MappingCache::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return results_.size();
}

perf::Cost cost_from_nest(const MapArch& arch, const NestResult& r) {
  perf::Cost c;
  c.cycles = r.cycles;
  c.latency_s = r.latency_s;
  c.energy_j = r.energy_j();
  c.energy_by_component_j["mac"] = r.mac_energy_pj * 1e-12;
  for (int l = 0; l < arch.num_levels; ++l) {
    c.energy_by_component_j[arch.levels[l].name] = r.level_energy_pj[l] * 1e-12;
    perf::LevelTraffic t;
    t.level = arch.levels[l].name;
    for (int k = 0; k < kTensors; ++k) {
      int64_t bytes = k == kOutputs ? arch.accumulator_bytes : arch.operand_bytes;
      t.read_bytes += r.reads[l][k] * bytes;
      t.write_bytes += r.writes[l][k] * bytes;
    }
    c.traffic.push_back(t);
  }
  c.utilization = r.utilization;
  c.unit = "matrix";
  double slowest_memory = 0;
  for (int l = 0; l < arch.num_levels; ++l)
    slowest_memory = std::max(slowest_memory, r.level_cycles[l]);
  c.bound = slowest_memory > r.compute_cycles ? perf::Bound::Memory : perf::Bound::Compute;
  c.breakdown_s["compute"] = r.compute_cycles / arch.clock_hz;
  c.breakdown_s["memory"] = slowest_memory / arch.clock_hz;
  c.breakdown_s["overhead"] = r.overhead_cycles / arch.clock_hz;
  return c;
}

// Nonlinear and elementwise ops have no loop nest to map: they are costed exactly as the
// analytical evaluator costs them (special-function units, vector peak, or host offload with
// quantise/dequantise), so the evaluators disagree only where mapping matters.
perf::Cost vector_op_cost(const workload::Op& op, const hw::Hardware& hw,
                          const perf::EvalContext& context) {
  return perf::AnalyticalEvaluator().evaluate(op, hw, context);
}

MapArch make_arch_with_energy(const hw::Hardware& hw, const EnergySource& energy) {
  MapArch arch = make_arch(hw);
  if (energy.chip.empty()) {
    if (!energy.level_bindings.empty())
      throw Error("chip level bindings given without a chip (--chip NAME|FILE)");
    return arch;
  }
  return apply_chip_energy(arch, chip_energy_for(arch, energy.chip, energy.level_bindings));
}

ModelMapping map_workload(const workload::Workload& w, const hw::Hardware& hw,
                          const std::string& mapper, const SearchOptions& options,
                          const EnergySource& energy) {
  auto start = std::chrono::steady_clock::now();
  const MapArch arch = make_arch_with_energy(hw, energy);
  ModelMapping mm;
  mm.model = w.model;
  mm.hardware = arch.name;
  mm.mapper = mapper;
  MappingCache cache(mapper, options);
  for (size_t i = 0; i < w.ops.size(); ++i) {
    const workload::Op& op = w.ops[i];
    OpMapping om;
    om.op_index = i;
    om.op_name = op.name;
    if (op.problem.kind == workload::ProblemKind::Matmul ||
        op.problem.kind == workload::ProblemKind::Conv) {
      LoopProblem p = loop_problem_from_op(op);
      om.problem = p.spec;
      MapperResult r = cache.get(p, arch, &om.cached);
      om.cost = cost_from_nest(arch, r.best_cost);
    } else {
      om.cost = vector_op_cost(op, hw, perf::EvalContext{&w, i});
    }
    mm.latency_s += om.cost.latency_s;
    mm.energy_j += std::max(0.0, om.cost.energy_j);
    mm.ops.push_back(std::move(om));
  }
  mm.distinct_problems = cache.size();
  mm.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return mm;
}

nlohmann::json model_mapping_json(const ModelMapping& m) {
  nlohmann::json j;
  j["model"] = m.model;
  j["hardware"] = m.hardware;
  j["mapper"] = m.mapper;
  j["distinct_problems"] = m.distinct_problems;
  j["latency_s"] = m.latency_s;
  j["energy_j"] = m.energy_j;
  j["edp"] = m.edp();
  j["wall_s"] = m.wall_s;
  nlohmann::json ops = nlohmann::json::array();
  for (const OpMapping& o : m.ops)
    ops.push_back({{"op", o.op_name},
                   {"problem", o.problem},
                   {"cached", o.cached},
                   {"latency_s", o.cost.latency_s},
                   {"energy_j", o.cost.energy_j},
                   {"utilization", o.cost.utilization},
                   {"unit", o.cost.unit}});
  j["ops"] = ops;
  return j;
}

std::string model_mapping_table(const ModelMapping& m) {
  std::string out = fmt::format("{:<40} {:<44} {:>12} {:>12} {:>6}\n", "op", "problem", "latency_s",
                                "energy_j", "util%");
  for (const OpMapping& o : m.ops)
    out += fmt::format("{:<40} {:<44} {:>12.4g} {:>12.4g} {:>6.1f}\n", o.op_name.substr(0, 40),
                       o.problem.substr(0, 44), o.cost.latency_s, o.cost.energy_j,
                       100 * o.cost.utilization);
  out += fmt::format(
      "\n{} on {} ({} mapper): latency {:.4g} s, energy {:.4g} J, EDP {:.4g} J*s; {} distinct "
      "problems mapped in {:.2f} s\n",
      m.model, m.hardware, m.mapper, m.latency_s, m.energy_j, m.edp(), m.distinct_problems,
      m.wall_s);
  return out;
}

MappedEvaluator::MappedEvaluator(std::string mapper, SearchOptions options, EnergySource energy)
    : cache_(std::move(mapper), options), energy_(std::move(energy)) {}

perf::Cost MappedEvaluator::evaluate(const workload::Op& op, const hw::Hardware& hw,
                                     const perf::EvalContext& context) const {
  MapArch arch = make_arch(hw);
  if (!energy_.chip.empty()) {
    std::lock_guard<std::mutex> lock(binding_mutex_);
    auto it = bindings_.find(hw.name);
    if (it == bindings_.end())
      it = bindings_.emplace(hw.name, chip_energy_for(arch, energy_.chip, energy_.level_bindings))
               .first;
    arch = apply_chip_energy(arch, it->second);
  }
  if (op.problem.kind == workload::ProblemKind::Matmul ||
      op.problem.kind == workload::ProblemKind::Conv) {
    if (!hw.pe_array && arch.num_levels < 2) {
      perf::Cost c;
      c.bound = perf::Bound::Unsupported;
      c.note = "hardware has no memory hierarchy to map onto";
      return c;
    }
    MapperResult r = cache_.get(loop_problem_from_op(op), arch);
    return cost_from_nest(arch, r.best_cost);
  }
  return vector_op_cost(op, hw, context);
}

}  // namespace tessera::map
