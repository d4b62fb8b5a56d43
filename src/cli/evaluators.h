// The evaluator factory of the CLI (from evaluators.def) and the options `estimate` and
// `roofline` share: model, hardware (with --set overrides and --efficiency calibration),
// precision and fusion.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/output.h"
#include "tessera/hw/hardware.h"
#include "tessera/perf/analytical.h"
#include "tessera/perf/evaluator.h"
#include "tessera/workload/analysis.h"

namespace tessera::cli {

struct EvaluatorOptions {
  perf::AnalyticalOptions analytical;
  // mapped: energies from a chip model (map/chip_energy.h), levels bound LEVEL=MEMORY|dram|spec.
  std::string mapped_chip;
  std::vector<std::string> mapped_chip_levels;
};

std::vector<std::string> evaluator_names();
std::string evaluator_help();  // "roofline: ...\nanalytical: ..."
// Throws tessera::Error for an unknown name.
std::unique_ptr<perf::Evaluator> make_evaluator(const std::string& name,
                                                const EvaluatorOptions& options);

// What a cost command needs to evaluate one model on one piece of hardware.
struct CostSetup {
  std::string model;
  std::string hardware;
  std::vector<std::string> overrides;   // --set PATH=VALUE
  std::vector<std::string> efficiency;  // --efficiency CLASS=E
  std::string precision = "int8";
  std::string fusion = "none";
  bool fuse_nonlinear = false;
  bool measure = false;
  ModelOptions model_options;
};
void add_cost_options(CLI::App& app, CostSetup& setup);

struct CostInputs {
  workload::Workload workload;
  hw::Hardware hardware;
  nlohmann::json assumptions;  // overrides and calibration, for the report
};
CostInputs load_cost_inputs(const CostSetup& setup);

}  // namespace tessera::cli
