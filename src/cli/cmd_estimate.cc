// `tessera estimate MODEL --hw HW`: latency, energy and bottlenecks of a model on a piece of
// hardware with a chosen evaluator (issue #4; 004 Eq. 1, 001 Sec. 3.3).
#include "cli/command.h"
#include "cli/evaluators.h"
#include "cli/output.h"
#include "tessera/core/error.h"
#include "tessera/perf/evaluator.h"
#include "tessera/report/cost_report.h"

namespace tessera::cli {
namespace {

struct EstimateArgs {
  CostSetup setup;
  std::string evaluator = "roofline";
  bool show_ops = false;
  std::string chip;                      // --evaluator mapped: energies from this chip model
  std::vector<std::string> chip_levels;  // LEVEL=MEMORY|dram|spec
  OutputOptions output;
};

int run_estimate(const EstimateArgs& args) {
  EvaluatorOptions options;
  options.analytical.fuse_nonlinear = args.setup.fuse_nonlinear;
  if ((!args.chip.empty() || !args.chip_levels.empty()) && args.evaluator != "mapped")
    throw Error("--chip and --chip-level apply to --evaluator mapped only");
  if (args.chip.empty() && !args.chip_levels.empty())
    throw Error("--chip-level given without --chip NAME|FILE");
  options.mapped_chip = args.chip;
  options.mapped_chip_levels = args.chip_levels;
  auto evaluator = make_evaluator(args.evaluator, options);
  CostInputs in = load_cost_inputs(args.setup);
  perf::ModelCost cost = perf::evaluate_workload(*evaluator, in.workload, in.hardware);
  const auto& f = args.output.format;
  if (f == "json")
    emit(args.output, report::cost_json(cost, in.workload, in.hardware, in.assumptions).dump(2));
  else if (f == "csv")
    emit(args.output, report::cost_csv(cost, in.workload));
  else
    emit(args.output, report::cost_table(cost, in.workload, in.hardware, args.show_ops));
  return 0;
}

void setup(CLI::App& app, std::function<int()>& run) {
  auto args = std::make_shared<EstimateArgs>();
  add_cost_options(app, args->setup);
  // Checked by make_evaluator (one error line naming the choices), not by CLI11.
  app.add_option("--evaluator", args->evaluator, "Evaluator:\n" + evaluator_help())
      ->capture_default_str();
  app.add_flag("--ops", args->show_ops, "Table output: list every op");
  app.add_option("--chip", args->chip,
                 "--evaluator mapped: energies from this chip model (preset or YAML)");
  app.add_option("--chip-level", args->chip_levels,
                 "--evaluator mapped: bind a level to a chip memory, LEVEL=MEMORY|dram|spec");
  add_output_options(app, args->output);
  run = [args] { return run_estimate(*args); };
}

RegisterCommand registration{
    {"estimate", "Latency and energy of a model on hardware (roofline or analytical model)",
     setup}};

}  // namespace
}  // namespace tessera::cli
