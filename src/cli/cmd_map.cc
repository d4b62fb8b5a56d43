// `tessera map PROBLEM --hw HW --mapper NAME`: find a mapping of one matmul/conv onto a hardware
// spec (issue #5; survey 001 Sec. 5), characterise its mapspace (--distribution, Figs. 18-20),
// map a whole model (--model) or run the fusion study (--fusion-study, Figs. 21-22).
#include <fmt/format.h>
#include <omp.h>
#include <unistd.h>

#include <iostream>

#include "cli/command.h"
#include "cli/output.h"
#include "tessera/core/atomic_file.h"
#include "tessera/core/error.h"
#include "tessera/map/distribution.h"
#include "tessera/map/fusion.h"
#include "tessera/map/map_report.h"
#include "tessera/map/model_mapping.h"
#include "tessera/map/reference_hardware.h"
#include "tessera/workload/analysis.h"

namespace tessera::cli {
namespace {

struct MapArgs {
  std::string problem, hw = "gemmini", mapper = "genetic", objective = "edp";
  std::string constraints, mapping, dataflow, csv, svg, model;
  map::EnergySource energy;  // --chip, --chip-level
  int64_t samples = 10000, max_evals = 5'000'000, distribution = 0;
  int population = 100, generations = 100, threads = 0;
  uint64_t seed = 1;
  bool fusion_study = false, list = false, hw_given = false, full_array = false;
  OutputOptions output;
  ModelOptions model_options;  // MODEL#OP and --model: --batch, --dim, --strict
};

map::SearchOptions search_options(const MapArgs& a) {
  map::SearchOptions o;
  o.objective = map::parse_objective(a.objective);
  o.seed = a.seed;
  o.samples = a.samples;
  o.max_evaluations = a.max_evals;
  o.population = a.population;
  o.generations = a.generations;
  return o;
}

map::ProgressFn progress_printer() {
  if (!isatty(STDERR_FILENO)) return nullptr;  // quiet when piped
  return [](int64_t evaluated, int64_t valid) {
    std::cerr << fmt::format("\r  evaluated {:>10}  valid {:>10}", evaluated, valid) << std::flush;
  };
}

map::MapConstraints load_constraints(const MapArgs& a, const map::LoopProblem& p,
                                     const map::MapArch& arch) {
  map::MapConstraints c = map::default_constraints(p, arch);
  if (!a.dataflow.empty()) c = map::apply_constraints_yaml("dataflow: " + a.dataflow, p, arch, c);
  if (a.full_array) map::pin_full_array(p, arch, c);
  if (!a.constraints.empty()) c = map::apply_constraints_yaml(read_file(a.constraints), p, arch, c);
  return c;
}

int run_distribution(const MapArgs& a, const map::LoopProblem& p, const map::MapArch& arch) {
  map::MapConstraints c = load_constraints(a, p, arch);
  map::check_feasible(p, arch, c);
  map::SearchOptions o = search_options(a);
  o.samples = a.distribution;
  map::MapSpace space(p, arch, c);
  auto search = map::make_search("random", space, o);
  std::vector<map::Outcome> samples;
  map::MapperResult r = map::run_search(space, *search, o, &samples, progress_printer());
  if (isatty(STDERR_FILENO)) std::cerr << "\n";
  map::EdpDistribution d = map::make_distribution(p.spec, samples);
  if (!a.csv.empty()) write_file_atomically(a.csv, map::distribution_csv({d}));
  if (!a.svg.empty()) write_file_atomically(a.svg, map::distribution_svg({d}));
  nlohmann::json j = map::mapper_result_json(p, arch, r);
  j["distribution"] = {{"samples", d.relative_edp.size()},
                       {"p10_relative_edp", d.p10},
                       {"within_3x_share", d.within_3x},
                       {"max_relative_edp", d.max_relative},
                       {"best_edp", d.best_edp}};
  if (a.output.format == "json") {
    emit(a.output, j.dump(2));
  } else {
    emit(a.output, fmt::format("{}: {} valid of {} random mappings in {:.3f} s\n"
                               "10th-percentile relative EDP {:.2f}; within 3x of best {:.2f}%; "
                               "worst {:.3g}x\n",
                               p.spec, d.relative_edp.size(), r.evaluated, r.wall_s, d.p10,
                               100 * d.within_3x, d.max_relative));
  }
  return 0;
}

int run_map(const MapArgs& a) {
  if (a.threads > 0) omp_set_num_threads(a.threads);
  if (a.list) {
    std::string out;
    for (const auto& m : map::mapper_list())
      out += fmt::format("{:<12} {}\n", m.name, m.description);
    emit(a.output, out);
    return 0;
  }
  // The fusion study needs normalisation units: its default is the Transformer Gemmini.
  hw::Hardware hardware =
      map::resolve_hardware(a.fusion_study && !a.hw_given ? "gemmini-transformer" : a.hw);
  if (a.fusion_study) {
    auto study = map::fusion_study(hardware);
    emit(a.output, a.output.format == "json" ? map::fusion_study_json(study).dump(2)
                                             : map::fusion_study_table(study));
    return 0;
  }
  map::MapArch arch = map::make_arch_with_energy(hardware, a.energy);
  // Which chip component each level's energy came from (printed with the result).
  std::string energy_note;
  nlohmann::json energy_json;
  if (!a.energy.chip.empty()) {
    const map::ChipEnergyBinding b =
        map::chip_energy_for(map::make_arch(hardware), a.energy.chip, a.energy.level_bindings);
    energy_note = map::chip_energy_table_text(b);
    energy_json = {{"chip", b.chip}, {"mac_pj", b.mac_pj}};
    for (const auto& l : b.levels)
      energy_json["levels"].push_back({{"level", l.level},
                                       {"role", std::string(map::level_role_name(l.role))},
                                       {"source", l.source},
                                       {"read_pj_per_byte", l.read_pj_per_byte},
                                       {"write_pj_per_byte", l.write_pj_per_byte}});
  }
  if (!a.model.empty()) {
    model::ModelHandle handle = model::resolve_model(a.model, to_load_options(a.model_options));
    workload::Workload w = workload::analyze_model(handle, workload::AnalysisOptions{});
    map::ModelMapping mm = map::map_workload(w, hardware, a.mapper, search_options(a), a.energy);
    emit(a.output, a.output.format == "json" ? map::model_mapping_json(mm).dump(2)
                                             : map::model_mapping_table(mm));
    return 0;
  }
  if (a.problem.empty()) throw Error("map: give a PROBLEM, --model MODEL or --fusion-study");
  map::LoopProblem p = map::resolve_problem(a.problem, to_load_options(a.model_options));
  if (a.distribution > 0) return run_distribution(a, p, arch);
  map::MapperResult r;
  if (!a.mapping.empty()) {
    r.mapper = "given";
    r.best = map::mapping_from_yaml(read_file(a.mapping), p, arch);
    r.best_cost = map::analyze_nest(p, arch, r.best);
    r.evaluated = 1;
    if (!r.best_cost.valid())
      throw Error(fmt::format("mapping {}: {}{}", a.mapping,
                              map::validity_name(r.best_cost.validity),
                              r.best_cost.failing_level >= 0
                                  ? " at level " + arch.levels[r.best_cost.failing_level].name
                                  : ""));
    r.valid = 1;
    r.found = true;
  } else {
    r = map::map_problem(p, arch, load_constraints(a, p, arch), a.mapper, search_options(a),
                         progress_printer());
    if (isatty(STDERR_FILENO)) std::cerr << "\n";
  }
  if (a.output.format == "json") {
    nlohmann::json j = map::mapper_result_json(p, arch, r);
    if (!energy_json.is_null()) j["energy_source"] = energy_json;
    emit(a.output, j.dump(2));
  } else if (a.output.format == "yaml") {
    emit(a.output, map::mapping_to_yaml(p, arch, r.best));
  } else {
    emit(a.output, map::mapper_result_table(p, arch, r) + energy_note);
  }
  return 0;
}

void setup(CLI::App& app, std::function<int()>& run) {
  auto a = std::make_shared<MapArgs>();
  app.add_option(
      "problem", a->problem,
      "matmul:m=512,k=768,n=3072 | conv:n=1,k=512,c=512,p=7,q=7,r=3,s=3,stride=1 | MODEL#OP");
  app.add_option("--hw", a->hw, "Hardware preset or spec file")
      ->capture_default_str()
      ->each([a](const std::string&) { a->hw_given = true; });
  app.add_option("--mapper", a->mapper, "exhaustive, random, heuristic, genetic")
      ->capture_default_str();
  app.add_option("--objective", a->objective, "latency, energy or edp")->capture_default_str();
  app.add_option("--samples", a->samples, "random: valid mappings to sample")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 40));
  app.add_option("--max-evals", a->max_evals, "stop any search after this many points")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 40));
  app.add_option("--population", a->population, "genetic: population")
      ->check(CLI::Range(4, 1 << 20));
  app.add_option("--generations", a->generations, "genetic: generations")
      ->check(CLI::Range(1, 1 << 20));
  app.add_option("--seed", a->seed, "random seed (same seed, same result on any thread count)")
      ->check(not_negative());
  app.add_option("--threads", a->threads, "OpenMP threads (default: all)")
      ->check(CLI::Range(0, 4096));
  app.add_option("--constraints", a->constraints, "YAML constraints file");
  app.add_option("--dataflow", a->dataflow, "ws, os or is (default: the hardware's)")
      ->check(CLI::IsMember({"ws", "os", "is"}));
  app.add_option("--mapping", a->mapping, "evaluate this YAML mapping instead of searching");
  app.add_option("--distribution", a->distribution,
                 "sample N random valid mappings (EDP distribution)")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 32));
  app.add_option("--csv", a->csv, "--distribution: histogram and CDF as CSV")
      ->check(writable_file());
  app.add_option("--svg", a->svg, "--distribution: histogram and CDF as SVG")
      ->check(writable_file());
  app.add_option("--model", a->model, "map every op of a model (bert-base:seq=512, file.onnx)");
  app.add_flag("--fusion-study", a->fusion_study,
               "matmul + Softmax/LayerNorm fusion study (Figs. 21-22)");
  app.add_flag(
      "--full-array", a->full_array,
      "pin the array's spatial factors (Gemmini DIMxDIM tiles, as Timeloop's Gemmini spec)");
  app.add_flag("--list", a->list, "list the mappers");
  app.add_option("--chip", a->energy.chip,
                 "take energies from this chip model (preset or YAML; levels bound by role)");
  app.add_option("--chip-level", a->energy.level_bindings,
                 "bind a level to a chip memory: LEVEL=MEMORY|dram|spec (repeatable)");
  add_model_options(app, a->model_options);
  app.add_option("--format", a->output.format, "table, json or yaml (the best mapping)")
      ->check(CLI::IsMember({"table", "json", "yaml"}))
      ->capture_default_str();
  app.add_option("-o,--output", a->output.output, "Write to FILE instead of standard output")
      ->check(writable_file());
  run = [a] { return run_map(*a); };
}

RegisterCommand registration{{"map", "Map a matmul/conv (or a whole model) onto hardware", setup}};

}  // namespace
}  // namespace tessera::cli
