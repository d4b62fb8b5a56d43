// `tessera estimate MODEL --hw HW`: latency, energy and bottlenecks of a model on a piece of
// hardware with a chosen evaluator (issue #4; 004 Eq. 1, 001 Sec. 3.3).
#include "cli/command.h"
#include "cli/evaluators.h"
#include "cli/output.h"
#include "tessera/perf/evaluator.h"
#include "tessera/report/cost_report.h"

namespace tessera::cli {
namespace {

struct EstimateArgs {
  CostSetup setup;
  std::string evaluator = "roofline";
  bool show_ops = false;
  OutputOptions output;
};

int run_estimate(const EstimateArgs& args) {
  EvaluatorOptions options;
  options.analytical.fuse_nonlinear = args.setup.fuse_nonlinear;
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
  add_output_options(app, args->output);
  run = [args] { return run_estimate(*args); };
}

RegisterCommand registration{
    {"estimate", "Latency and energy of a model on hardware (roofline or analytical model)",
     setup}};

}  // namespace
}  // namespace tessera::cli
