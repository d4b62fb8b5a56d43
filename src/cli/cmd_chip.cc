// `tessera chip show|validate|sweep|sparsity`: the chip model (NeuroMeter 003 Sec. II-IV) from
// the command line. SPEC is a preset name (chip::chip_presets(), compiled from
// data/chip/presets/: tpu-v1, tpu-v2, eyeriss, gemmini and the held-out validation chips
// diannao, shidiannao, tpu-v4i) or a YAML file.
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/command.h"
#include "cli/output.h"
#include "tessera/chip/chip_report_format.h"
#include "tessera/chip/spec_parser.h"
#include "tessera/core/error.h"
#include "tessera/core/text_table.h"
#include "tessera/explore/brawny_wimpy.h"
#include "tessera/explore/sparsity.h"

namespace tessera::cli {
namespace {

struct ChipOptions {
  std::string spec;
  OutputOptions output;
  bool parts = false;
};

int run_show(const ChipOptions& o) {
  const auto report = chip::evaluate_chip(chip::load_chip_spec(o.spec));
  if (o.output.format == "json")
    emit(o.output, chip::chip_report_json(report).dump(2));
  else if (o.output.format == "csv")
    emit(o.output, chip::chip_report_csv(report));
  else
    emit(o.output, chip::chip_report_table(report, o.parts));
  return 0;
}

int run_validate(const ChipOptions& o) {
  const auto report = chip::evaluate_chip(chip::load_chip_spec(o.spec));
  emit(o.output, "ok: " + report.spec.name + " meets its clock (" +
                     std::to_string(report.clock_hz / 1e6) + " MHz, max " +
                     std::to_string(report.max_clock_hz / 1e6) + " MHz) and budgets\n");
  return 0;
}

constexpr const char* kScenarioNames[3] = {"batch 1", "latency-bounded (10 ms)", "batch 256"};
constexpr const char* kPaperWinners =
    "paper (Fig. 10): throughput (64,2,2,4); utilisation (8,4,4,8); TOPS/W 64x64 at bs 1, "
    "32x32 at medium/large batch; TOPS/TCO (64,4,1,2), trading <16 % of the throughput for "
    "2.1x cost efficiency at batch 1.";

// The points the paper names (Fig. 9-10), evaluated whether or not the sweep's core-count rule
// produces them: throughput optimum, TOPS/TCO optimum, utilisation optimum.
std::vector<explore::DesignResult> paper_points() {
  std::vector<explore::CnnModel> models;
  for (const auto& name : explore::SweepOptions{}.models) models.push_back(explore::load_cnn(name));
  std::vector<explore::DesignResult> out;
  for (const auto& p : {explore::DesignPoint{64, 2, 2, 4}, explore::DesignPoint{64, 4, 1, 2},
                        explore::DesignPoint{8, 4, 4, 8}})
    out.push_back(explore::evaluate_design(p, models));
  return out;
}

nlohmann::json workload_json(const explore::WorkloadResult& w) {
  return {{"model", w.model},
          {"batch", w.batch},
          {"latency_s", w.latency_s},
          {"achieved_tops", w.achieved_tops},
          {"utilization", w.utilization},
          {"tops_per_w", w.tops_per_w},
          {"tops_per_tco", w.tops_per_tco}};
}

nlohmann::json point_json(const explore::DesignResult& d) {
  nlohmann::json p = {{"point", d.point.label()}, {"x", d.point.x},
                      {"n", d.point.n},           {"tx", d.point.tx},
                      {"ty", d.point.ty},         {"area_mm2", d.area_mm2},
                      {"tdp_w", d.tdp_w},         {"peak_tops", d.peak_tops}};
  for (const auto& [name, v] : d.area_breakdown_mm2) p["area_breakdown_mm2"][name] = v;
  for (const auto& [name, v] : d.tdp_breakdown_w) p["tdp_breakdown_w"][name] = v;
  for (const auto& w : d.workloads) p["workloads"].push_back(workload_json(w));
  for (int s = 0; s < 3; ++s) p["average"][kScenarioNames[s]] = workload_json(d.average(s));
  return p;
}

std::string sweep_json(const std::vector<explore::DesignResult>& results,
                       const std::vector<explore::DesignResult>& named) {
  nlohmann::json j;
  j["study"] = "NeuroMeter 003 Sec. III, Table I";
  j["performance_model"] = "tessera analytical evaluator (explore/cnn_performance.h)";
  j["paper_winners"] = kPaperWinners;
  for (const auto& d : results) j["points"].push_back(point_json(d));
  for (const auto& d : named) j["paper_points"].push_back(point_json(d));
  // Fig. 9: throughput and latency against the batch on (64,2,2,4).
  for (const auto& name : explore::SweepOptions{}.models)
    for (const auto& w : explore::batch_series({64, 2, 2, 4}, explore::load_cnn(name)))
      j["fig9_64_2_2_4"].push_back(workload_json(w));
  for (int s = 0; s < 3; ++s) {
    const auto w = explore::study_winners(results, s);
    const auto& fast = results[w.throughput];
    const auto& cheap = results[w.tops_per_tco];
    j["winners"][kScenarioNames[s]] = {
        {"throughput", fast.point.label()},
        {"utilization", results[w.utilization].point.label()},
        {"tops_per_w", results[w.tops_per_w].point.label()},
        {"tops_per_tco", cheap.point.label()},
        {"tco_winner_throughput_loss",
         1 - cheap.average(s).achieved_tops / fast.average(s).achieved_tops},
        {"tco_winner_cost_efficiency_gain",
         cheap.average(s).tops_per_tco / fast.average(s).tops_per_tco},
        {"tops_per_tco_within_16pct", results[w.tops_per_tco_within_16pct].point.label()},
        {"within_16pct_throughput_loss",
         1 - results[w.tops_per_tco_within_16pct].average(s).achieved_tops /
                 fast.average(s).achieved_tops},
        {"within_16pct_cost_efficiency_gain",
         results[w.tops_per_tco_within_16pct].average(s).tops_per_tco /
             fast.average(s).tops_per_tco}};
  }
  return j.dump(2) + "\n";
}

int run_sweep(const ChipOptions& o) {
  const auto results = explore::brawny_wimpy_sweep();
  if (results.empty()) throw Error("chip sweep: no design point meets the Table I budgets");
  const auto named = paper_points();
  if (o.output.format == "json") {
    emit(o.output, sweep_json(results, named));
    return 0;
  }
  std::ostringstream out;
  out << "Brawny/wimpy sweep (NeuroMeter 003 Table I: 28 nm, 700 MHz, <=500 mm2, <=300 W, "
         "<=92 TOPS, 32 MiB, HBM 700 GB/s).\nArea and TDP from the chip model (Fig. 8); "
         "throughput from tessera's analytical evaluator over resnet50, inception-v3 and "
         "nasnet-a-large (Figs. 9-10: arithmetic mean of TOPS, geometric mean of ratios). "
         "1 MAC = 2 ops; TOPS/TCO = TOPS / (mm^4 x W).\n";
  TextTable area({"point", "area_mm2", "tdp_w", "peak_tops", "peak_tops/w", "peak_tops/tco_e-6"});
  for (const auto& d : results)
    area.add_row({d.point.label(), format_fixed(d.area_mm2, 1), format_fixed(d.tdp_w, 1),
                  format_fixed(d.peak_tops, 1), format_fixed(d.peak_tops / d.tdp_w, 3),
                  format_fixed(d.peak_tops / (d.area_mm2 * d.area_mm2 * d.tdp_w) * 1e6, 3)});
  out << "\n" << area.render();
  for (int s = 0; s < 3; ++s) {
    TextTable t({"point", "tops", "util", "tops/w", "tops/tco_e-6", "latency_ms"});
    for (const auto& d : results) {
      const auto a = d.average(s);
      t.add_row({d.point.label(), format_fixed(a.achieved_tops, 2), format_percent(a.utilization),
                 format_fixed(a.tops_per_w, 3), format_fixed(a.tops_per_tco * 1e6, 3),
                 format_fixed(a.latency_s * 1e3, 2)});
    }
    const auto w = explore::study_winners(results, s);
    const auto fast = results[w.throughput].average(s), cheap = results[w.tops_per_tco].average(s);
    out << "\n"
        << kScenarioNames[s] << ":\n"
        << t.render() << "best: throughput " << results[w.throughput].point.label()
        << ", utilisation " << results[w.utilization].point.label() << ", TOPS/W "
        << results[w.tops_per_w].point.label() << ", TOPS/TCO "
        << results[w.tops_per_tco].point.label() << " ("
        << format_percent(1 - cheap.achieved_tops / fast.achieved_tops)
        << " less throughput than the throughput winner for "
        << format_fixed(cheap.tops_per_tco / fast.tops_per_tco, 2) << "x TOPS/TCO)\n";
    const auto near = results[w.tops_per_tco_within_16pct].average(s);
    out << "best TOPS/TCO within 16 % of the top throughput: "
        << results[w.tops_per_tco_within_16pct].point.label() << " ("
        << format_percent(1 - near.achieved_tops / fast.achieved_tops) << " less throughput, "
        << format_fixed(near.tops_per_tco / fast.tops_per_tco, 2) << "x TOPS/TCO)\n";
  }
  out << kPaperWinners << "\n";
  out << "\nThe paper's named points in tessera (average TOPS / TOPS/TCO e-6 per scenario):\n";
  TextTable t({"point", "area_mm2", "tdp_w", "peak_tops", "bs1", "bounded", "bs256"});
  for (const auto& d : named) {
    std::vector<std::string> row = {d.point.label(), format_fixed(d.area_mm2, 1),
                                    format_fixed(d.tdp_w, 1), format_fixed(d.peak_tops, 1)};
    for (int s = 0; s < 3; ++s)
      row.push_back(format_fixed(d.average(s).achieved_tops, 2) + " / " +
                    format_fixed(d.average(s).tops_per_tco * 1e6, 2));
    t.add_row(row);
  }
  const auto fast = named[0].average(0), cheap = named[1].average(0);
  out << t.render() << "(64,2,2,4) -> (64,4,1,2) at batch 1: "
      << format_percent(1 - cheap.achieved_tops / fast.achieved_tops) << " less throughput, "
      << format_fixed(cheap.tops_per_tco / fast.tops_per_tco, 2) << "x TOPS/TCO, "
      << format_fixed(cheap.tops_per_w / fast.tops_per_w, 2)
      << "x TOPS/W (paper: <16 %, 2.1x, 1.3x)\n";
  emit(o.output, out.str());
  return 0;
}

int run_sparsity(const ChipOptions& o) {
  const auto curves = explore::sparsity_study();
  if (o.output.format == "json") {
    nlohmann::json j;
    j["study"] = "NeuroMeter 003 Sec. IV, Fig. 11";
    for (const auto& c : curves) {
      nlohmann::json jc = {{"arch", c.arch}};
      for (const auto& p : c.points)
        jc["points"].push_back({{"sparsity", p.sparsity},
                                {"skip_factor_y", p.skip_factor_y},
                                {"beta", p.beta},
                                {"gain", p.gain}});
      j["curves"].push_back(jc);
    }
    emit(o.output, j.dump(2) + "\n");
    return 0;
  }
  std::vector<std::string> header = {"sparsity"};
  for (const auto& c : curves) header.push_back(c.arch + "_gain");
  TextTable t(header);
  for (size_t i = 0; i < curves[0].points.size(); ++i) {
    std::vector<std::string> row = {format_fixed(curves[0].points[i].sparsity, 2)};
    for (const auto& c : curves) row.push_back(format_fixed(c.points[i].gain, 3));
    t.add_row(row);
  }
  emit(o.output,
       "Energy-efficiency gain of CSR SpMV over dense MV (NeuroMeter Sec. IV, Fig. 11; "
       "1024x1024 int8 weights, batch 32, HBM 700 GB/s)\n" +
           t.render());
  return 0;
}

void setup(CLI::App& app, std::function<int()>& run) {
  auto opts = std::make_shared<ChipOptions>();
  app.require_subcommand(1);
  auto* show = app.add_subcommand("show", "Area, TDP, timing and per-component breakdown");
  show->add_option("spec", opts->spec, "Preset name or chip YAML file")->required();
  show->add_flag("--parts", opts->parts, "Also list the parts of each component");
  add_output_options(*show, opts->output);
  auto* validate = app.add_subcommand("validate", "Check a chip spec: timing, budgets, sizes");
  validate->add_option("spec", opts->spec, "Preset name or chip YAML file")->required();
  add_output_options(*validate, opts->output, false);
  auto* sweep = app.add_subcommand("sweep", "Brawny/wimpy design-space study (Table I)");
  add_output_options(*sweep, opts->output, false);
  auto* sparsity = app.add_subcommand("sparsity", "Sparsity mini-study (Sec. IV, Fig. 11)");
  add_output_options(*sparsity, opts->output, false);
  run = [opts, show, validate, sweep, sparsity]() -> int {
    if (show->parsed()) return run_show(*opts);
    if (validate->parsed()) return run_validate(*opts);
    if (sweep->parsed()) return run_sweep(*opts);
    if (sparsity->parsed()) return run_sparsity(*opts);
    return 2;
  };
}

RegisterCommand registration{{"chip", "Chip model: area, power, timing (NeuroMeter)", setup}};

}  // namespace
}  // namespace tessera::cli
