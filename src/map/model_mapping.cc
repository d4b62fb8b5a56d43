#include "tessera/map/model_mapping.h"

#include <fmt/format.h>

#include <chrono>

#include "tessera/core/error.h"
#include "tessera/map/reference_hardware.h"

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

perf::Cost vector_op_cost(const workload::Op& op, const hw::Hardware& hw, const MapArch& arch) {
  perf::Cost c;
  if (op.fused) {
    c.note = "fused into its producer";
    c.energy_j = 0;
    c.unit = "none";
    return c;
  }
  double bytes = static_cast<double>(op.bytes());
  const ArchLevel& dram = arch.levels[arch.num_levels - 1];
  double memory_s = dram.bytes_per_cycle > 0 ? bytes / (dram.bytes_per_cycle * arch.clock_hz) : 0;
  double compute_s = 0;
  const hw::SpecialFunctionUnit* unit = nullptr;
  for (const auto& u : hw.special_units)
    for (model::OpKind k : u.ops)
      if (k == op.kind) unit = &u;
  int64_t elements =
      op.problem.kind == workload::ProblemKind::Vector ? op.problem.vector.elements : 0;
  if (unit && elements > 0) {
    compute_s = static_cast<double>(elements) / (unit->elements_per_cycle * arch.clock_hz);
    c.unit = "special";
  } else if (hw.vector.at(model::DType::Int8) > 0 || hw.vector.at(model::DType::Fp32) > 0) {
    double peak = std::max(hw.vector.at(model::DType::Int8), hw.vector.at(model::DType::Fp32));
    compute_s = static_cast<double>(op.flops) / peak;
    c.unit = "vector";
  } else if (hw.host && hw.host->peak_flops_per_s > 0) {
    compute_s = static_cast<double>(op.flops) / hw.host->peak_flops_per_s;
    c.unit = "host";
    c.bound = perf::Bound::Host;
  } else {
    // A pass through the PE array's vector path: one row of the array per cycle.
    compute_s =
        static_cast<double>(op.flops) / (static_cast<double>(arch.array_cols) * arch.clock_hz);
    c.unit = "matrix";
  }
  c.latency_s = std::max(memory_s, compute_s);
  c.cycles = c.latency_s * arch.clock_hz;
  if (c.bound != perf::Bound::Host)
    c.bound = memory_s > compute_s ? perf::Bound::Memory : perf::Bound::Compute;
  c.energy_j = (bytes * (dram.read_pj_per_byte + dram.write_pj_per_byte) / 2 +
                static_cast<double>(op.flops) * arch.mac_pj / 2) *
               1e-12;
  c.breakdown_s["compute"] = compute_s;
  c.breakdown_s["memory"] = memory_s;
  return c;
}

ModelMapping map_workload(const workload::Workload& w, const hw::Hardware& hw,
                          const std::string& mapper, const SearchOptions& options) {
  auto start = std::chrono::steady_clock::now();
  const MapArch arch = make_arch(hw);
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
      om.cost = vector_op_cost(op, hw, arch);
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

MappedEvaluator::MappedEvaluator(std::string mapper, SearchOptions options)
    : cache_(std::move(mapper), options) {}

perf::Cost MappedEvaluator::evaluate(const workload::Op& op, const hw::Hardware& hw,
                                     const perf::EvalContext&) const {
  MapArch arch = make_arch(hw);
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
  return vector_op_cost(op, hw, arch);
}

}  // namespace tessera::map
