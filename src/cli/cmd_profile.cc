// `tessera profile MODEL... [--configs base,S-4x,H-4x,F-4x]`: NLP-Perf's per-operation
// latency breakdown with optional event counts (issue #7; NLP-Fast 002 Sec. III-A, IV, Fig. 4).
#include <sstream>

#include "cli/command.h"
#include "cli/evaluators.h"
#include "cli/output.h"
#include "tessera/core/atomic_file.h"
#include "tessera/core/error.h"
#include "tessera/hw/spec_parser.h"
#include "tessera/model/role.h"
#include "tessera/perf/evaluator.h"
#include "tessera/run/engine.h"
#include "tessera/run/profile_report.h"
#include "tessera/workload/analysis.h"

namespace tessera::cli {
namespace {

struct ProfileArgs {
  std::vector<std::string> models;
  std::vector<std::string> configs = {"base"};
  std::string mode = "default";
  std::vector<std::string> events;
  std::string opt = "none";
  int threads = 1;
  int repeat = 3;
  uint64_t seed = 1;
  std::string svg;
  std::string estimate_hw;  // join with `tessera estimate` on this hardware ("" = off)
  std::string evaluator = "roofline";
  OutputOptions output;
};

// The join with `tessera estimate` (issue #7): the same graph, lowered at fp32 and evaluated on
// the given hardware (the `host` preset by default), grouped into the same Table II operations.
nlohmann::json estimate_rows(const run::ProfileResult& result, const ProfileArgs& a) {
  hw::Hardware hardware = hw::load_hardware(a.estimate_hw);
  auto evaluator = make_evaluator(a.evaluator, EvaluatorOptions{});
  nlohmann::json rows = nlohmann::json::array();
  for (const run::ProfileRow& row : result.rows) {
    model::Graph graph = run::resolve_graph(row.spec);
    workload::AnalysisOptions options;
    options.precision = workload::parse_precision("fp32");
    workload::Workload w = workload::analyze_graph(graph, options);
    perf::ModelCost cost = perf::evaluate_workload(*evaluator, w, hardware);
    std::map<std::string, double> estimated;
    for (const perf::OpCost& op : cost.ops)
      estimated[run::table2_operation(std::string(model::role_name(w.ops[op.op_index].role)))] +=
          op.cost.latency_s;
    nlohmann::json ops = nlohmann::json::array();
    for (const std::string& name : run::table2_operations()) {
      double measured = row.latency_s.count(name) ? row.latency_s.at(name) : 0.0;
      double est = estimated.count(name) ? estimated.at(name) : 0.0;
      if (measured == 0.0 && est == 0.0) continue;
      ops.push_back({{"operation", name},
                     {"measured_s", measured},
                     {"estimated_s", est},
                     {"measured_over_estimated", est > 0 ? measured / est : 0.0}});
    }
    rows.push_back({{"model", row.model},
                    {"config", row.config},
                    {"hardware", a.estimate_hw},
                    {"evaluator", a.evaluator},
                    {"measured_s", row.total_s},
                    {"estimated_s", cost.total.latency_s},
                    {"ops", ops}});
  }
  return rows;
}

std::string estimate_table(const nlohmann::json& rows) {
  std::string out = "\nmeasured vs estimated (fp32 workload):\n";
  char line[256];
  for (const auto& row : rows) {
    std::snprintf(line, sizeof(line), "%s/%s on %s (%s): measured %.5f s, estimated %.5f s\n",
                  row["model"].get<std::string>().c_str(), row["config"].get<std::string>().c_str(),
                  row["hardware"].get<std::string>().c_str(),
                  row["evaluator"].get<std::string>().c_str(), row["measured_s"].get<double>(),
                  row["estimated_s"].get<double>());
    out += line;
    for (const auto& op : row["ops"]) {
      std::snprintf(line, sizeof(line), "  %-22s %10.6f %10.6f  x%.2f\n",
                    op["operation"].get<std::string>().c_str(), op["measured_s"].get<double>(),
                    op["estimated_s"].get<double>(), op["measured_over_estimated"].get<double>());
      out += line;
    }
  }
  return out;
}

int run_profile(const ProfileArgs& a) {
  run::ProfileOptions o;
  o.mode = run::parse_profile_mode(a.mode);
  o.events = a.events;
  o.run.threads = a.threads;
  o.run.repeat = a.repeat;
  o.run.seed = a.seed;
  o.run.opt = run::parse_opt(a.opt, 0.0, 0.99);
  if (o.mode != run::ProfileMode::Custom && !a.events.empty())
    throw Error("--events needs --mode custom");
  // Check the join's hardware and evaluator before the (long) measured runs, not after them.
  if (!a.estimate_hw.empty()) {
    hw::load_hardware(a.estimate_hw);
    make_evaluator(a.evaluator, EvaluatorOptions{});
  }
  run::ProfileResult result = run::profile(a.models, a.configs, o);
  if (!result.counter_note.empty() && a.output.format != "table")
    std::fprintf(stderr, "tessera: note: %s\n", result.counter_note.c_str());
  nlohmann::json joined;
  if (!a.estimate_hw.empty()) joined = estimate_rows(result, a);
  if (!a.svg.empty()) write_file_atomically(a.svg, run::profile_svg(result));
  if (a.output.format == "json") {
    nlohmann::json j = run::profile_json(result);
    if (!joined.is_null()) j["estimate"] = joined;
    emit(a.output, j.dump(2) + "\n");
  } else if (a.output.format == "csv") {
    emit(a.output, run::profile_csv(result));
  } else {
    emit(a.output, run::profile_table(result) + (joined.is_null() ? "" : estimate_table(joined)));
  }
  return 0;
}

void setup(CLI::App& app, std::function<int()>& run) {
  auto a = std::make_shared<ProfileArgs>();
  app.add_option("models", a->models,
                 "Models: zoo names with overrides or the aliases nlp-fast-bert, "
                 "nlp-fast-transformer, nlp-fast-memnet")
      ->required();
  app.add_option("--configs", a->configs,
                 "Configurations: base, S-4x, H-4x, F-4x (Table IV scalings) or k=v overrides")
      ->delimiter(';')
      ->capture_default_str();
  app.add_option("--mode", a->mode, "default (latency), cachestat (LLC misses), custom (--events)")
      ->capture_default_str();
  app.add_option("--events", a->events,
                 "Custom mode: event names (task-clock, page-faults, "
                 "cycles, LLC-load-misses or libpfm4 names)")
      ->delimiter(',');
  app.add_option("--opt", a->opt, "NLP-Opt switches of the profiled runs")->capture_default_str();
  app.add_option("--threads", a->threads, "Threads")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  app.add_option("--repeat", a->repeat, "Runs per combination (medians reported)")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  app.add_option("--seed", a->seed, "Seed of random weights and inputs")
      ->check(not_negative())
      ->capture_default_str();
  app.add_option("--svg", a->svg, "Also write the stacked breakdown chart (SVG) to this file")
      ->check(writable_file());
  app.add_option("--estimate", a->estimate_hw,
                 "Join with `tessera estimate` on this hardware (e.g. host): measured vs "
                 "estimated per operation");
  app.add_option("--evaluator", a->evaluator, "Evaluator of the join (roofline, analytical)")
      ->capture_default_str();
  add_output_options(app, a->output);
  run = [a] { return run_profile(*a); };
}

RegisterCommand registration{
    {"profile", "NLP-Perf: per-operation latency and event breakdown", setup}};

}  // namespace
}  // namespace tessera::cli
