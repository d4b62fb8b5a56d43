// `tessera chip show|validate|sweep`: the chip model (NeuroMeter 003 Sec. II) from the command
// line. SPEC is a preset name (tpu-v1, tpu-v2, eyeriss, gemmini) or a YAML file.
#include <iostream>

#include "cli/command.h"
#include "cli/output.h"
#include "tessera/chip/chip_report_format.h"
#include "tessera/chip/spec_parser.h"
#include "tessera/core/error.h"

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
  run = [opts, show, validate]() -> int {
    if (show->parsed()) return run_show(*opts);
    if (validate->parsed()) return run_validate(*opts);
    return 2;
  };
}

RegisterCommand registration{{"chip", "Chip model: area, power, timing (NeuroMeter)", setup}};

}  // namespace
}  // namespace tessera::cli
