// `tessera chip show|validate|sweep`: the chip model (NeuroMeter 003 Sec. II) from the command
// line. SPEC is a preset name (tpu-v1, tpu-v2, eyeriss, gemmini) or a YAML file.
#include <iostream>

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
  if (o.output.format == "json") emit(o.output, chip::chip_report_json(report).dump(2));
  else if (o.output.format == "csv") emit(o.output, chip::chip_report_csv(report));
  else emit(o.output, chip::chip_report_table(report, o.parts));
  return 0;
}

int run_validate(const ChipOptions& o) {
  const auto report = chip::evaluate_chip(chip::load_chip_spec(o.spec));
  emit(o.output, "ok: " + report.spec.name + " meets its clock (" +
                     std::to_string(report.clock_hz / 1e6) + " MHz, max " +
                     std::to_string(report.max_clock_hz / 1e6) + " MHz) and budgets\n");
  return 0;
}

int run_sweep(const ChipOptions& o) {
  const auto results = explore::brawny_wimpy_sweep();
  TextTable t({"point", "area_mm2", "tdp_w", "peak_tops", "bs1_tops", "bs1_util", "lat_bs",
               "lat_tops", "lat_util", "bs256_tops", "bs256_util", "tops/w", "tops/tco_e-6"});
  for (const auto& d : results) {
    const auto& w = d.workloads;
    t.add_row({d.point.label(), format_fixed(d.area_mm2, 1), format_fixed(d.tdp_w, 1),
               format_fixed(d.peak_tops, 1), format_fixed(w[0].achieved_tops, 2),
               format_percent(w[0].utilization), std::to_string(w[1].batch),
               format_fixed(w[1].achieved_tops, 2), format_percent(w[1].utilization),
               format_fixed(w[2].achieved_tops, 2), format_percent(w[2].utilization),
               format_fixed(w[1].tops_per_w, 3), format_fixed(w[1].tops_per_tco * 1e6, 3)});
  }
  emit(o.output, "Brawny/wimpy sweep (NeuroMeter Table I: 28 nm, 700 MHz, <=500 mm2, <=300 W, "
                 "<=92 TOPS, 32 MiB, HBM 700 GB/s); ResNet-50, TU-utilisation model; efficiency at "
                 "the 10 ms latency-bounded batch. 1 MAC = 2 ops.\n" + t.render());
  return 0;
}

int run_sparsity(const ChipOptions& o) {
  const auto curves = explore::sparsity_study();
  std::vector<std::string> header = {"sparsity"};
  for (const auto& c : curves) header.push_back(c.arch + "_gain");
  TextTable t(header);
  for (size_t i = 0; i < curves[0].points.size(); ++i) {
    std::vector<std::string> row = {format_fixed(curves[0].points[i].sparsity, 2)};
    for (const auto& c : curves) row.push_back(format_fixed(c.points[i].gain, 3));
    t.add_row(row);
  }
  emit(o.output, "Energy-efficiency gain of CSR SpMV over dense MV (NeuroMeter Sec. IV, Fig. 11; "
                 "1024x1024 int8 weights, batch 32, HBM 700 GB/s)\n" + t.render());
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
