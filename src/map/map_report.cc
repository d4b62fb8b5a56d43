#include "tessera/map/map_report.h"

#include <fmt/format.h>

#include "tessera/core/error.h"
#include "tessera/workload/analysis.h"

namespace tessera::map {

LoopProblem resolve_problem(const std::string& spec, const model::LoadOptions& load) {
  size_t hash = spec.find('#');
  if (hash == std::string::npos) return parse_loop_problem(spec);
  std::string model_spec = spec.substr(0, hash), op_name = spec.substr(hash + 1);
  if (op_name.empty()) throw Error("problem '" + spec + "': nothing after '#' (MODEL#OP)");
  model::Graph graph = model::load_model(model_spec, load);
  workload::Workload w = workload::analyze_graph(graph, workload::AnalysisOptions{});
  std::string candidates;
  for (size_t i = 0; i < w.ops.size(); ++i) {
    const workload::Op& op = w.ops[i];
    bool mappable = op.problem.kind == workload::ProblemKind::Matmul ||
                    op.problem.kind == workload::ProblemKind::Conv;
    if (op.name == op_name || std::to_string(i) == op_name) {
      LoopProblem p = loop_problem_from_op(op);
      return p;
    }
    if (mappable && candidates.size() < 200)
      candidates += (candidates.empty() ? "" : ", ") + op.name;
  }
  throw Error(fmt::format("problem '{}': model {} has no op '{}' (matmul/conv ops: {}{})", spec,
                          model_spec, op_name, candidates,
                          candidates.size() >= 200 ? ", ..." : ""));
}

nlohmann::json nest_json(const LoopProblem& problem, const MapArch& arch, const NestResult& r) {
  nlohmann::json j;
  j["valid"] = r.valid();
  j["cycles"] = r.cycles;
  j["compute_cycles"] = r.compute_cycles;
  j["overhead_cycles"] = r.overhead_cycles;
  j["latency_s"] = r.latency_s;
  j["energy_j"] = r.energy_j();
  j["edp"] = r.edp();
  j["utilization"] = r.utilization;
  j["macs"] = r.macs;
  nlohmann::json levels = nlohmann::json::array();
  for (int l = 0; l < arch.num_levels; ++l) {
    nlohmann::json lv;
    lv["level"] = arch.levels[l].name;
    lv["footprint_bytes"] = r.footprint_bytes[l];
    lv["bandwidth_cycles"] = r.level_cycles[l];
    lv["energy_j"] = r.level_energy_pj[l] * 1e-12;
    for (int t = 0; t < kTensors; ++t) {
      std::string name(tensor_name(t));
      lv["reads"][name] = r.reads[l][t];
      lv["writes"][name] = r.writes[l][t];
      lv["fills"][name] = r.fills[l][t];
    }
    lv["updates"]["outputs"] = r.updates[l];
    levels.push_back(lv);
  }
  j["levels"] = levels;
  (void)problem;
  return j;
}

nlohmann::json mapper_result_json(const LoopProblem& problem, const MapArch& arch,
                                  const MapperResult& result) {
  nlohmann::json j;
  j["problem"] = problem.spec;
  j["hardware"] = arch.name;
  j["mapper"] = result.mapper;
  j["evaluated"] = result.evaluated;
  j["valid"] = result.valid;
  j["mapspace_size"] = result.space_size;
  j["wall_s"] = result.wall_s;
  j["evaluations_per_s"] =
      result.wall_s > 0 ? static_cast<double>(result.evaluated) / result.wall_s : 0.0;
  if (result.found) {
    nlohmann::json best = nest_json(problem, arch, result.best_cost);
    best["mapping"] = mapping_to_yaml(problem, arch, result.best);
    best["loop_nest"] = format_loop_nest(problem, arch, result.best);
    j["best"] = best;
  }
  return j;
}

std::string mapper_result_table(const LoopProblem& problem, const MapArch& arch,
                                const MapperResult& r) {
  std::string out =
      fmt::format("problem   {}\nhardware  {}\nmapper    {}\n", problem.spec, arch.name, r.mapper);
  out += fmt::format("evaluated {} ({} valid) in {:.3f} s", r.evaluated, r.valid, r.wall_s);
  if (r.wall_s > 0) out += fmt::format(" = {:.3g} evaluations/s", r.evaluated / r.wall_s);
  out += "\n";
  if (!r.found) return out;
  const NestResult& c = r.best_cost;
  out += fmt::format(
      "best      {:.0f} cycles ({:.4g} s), energy {:.4g} J, EDP {:.4g} J*s, utilisation "
      "{:.1f}%\n\n",
      c.cycles, c.latency_s, c.energy_j(), c.edp(), 100 * c.utilization);
  out += format_loop_nest(problem, arch, r.best);
  out += fmt::format("\n{:<12} {:>12} {:>14} {:>14} {:>14} {:>12}\n", "level", "footprint_B",
                     "weights_rd", "inputs_rd", "outputs_wr", "bw_cycles");
  for (int l = 0; l < arch.num_levels; ++l)
    out += fmt::format("{:<12} {:>12} {:>14} {:>14} {:>14} {:>12.0f}\n", arch.levels[l].name,
                       c.footprint_bytes[l], c.reads[l][kWeights], c.reads[l][kInputs],
                       c.writes[l][kOutputs], c.level_cycles[l]);
  return out;
}

}  // namespace tessera::map
