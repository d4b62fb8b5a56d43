// `tessera roofline MODEL --hw HW`: each op and the whole model on the hardware's roofline
// (004 Sec. 2, Fig. 2; 003 Sec. IV): prints per-op and end-to-end figures, writes the chart
// (SVG: matrix and vector roofs, ridge point, one point per op) and its data (CSV).
#include <algorithm>
#include <iostream>
#include <sstream>

#include "cli/command.h"
#include "cli/evaluators.h"
#include "tessera/core/atomic_file.h"
#include "tessera/core/text_table.h"
#include "tessera/perf/placement.h"
#include "tessera/perf/roofline.h"
#include "tessera/report/cost_report.h"
#include "tessera/report/svg_plot.h"

namespace tessera::cli {
namespace {

struct RooflineArgs {
  CostSetup setup;
  std::string svg = "roofline.svg";
  std::string data = "roofline.csv";
  bool show_ops = false;
};

std::vector<report::PlotPoint> roof_line(double peak, double bandwidth, double lo, double hi) {
  double ridge = peak / bandwidth;
  std::vector<report::PlotPoint> pts = {{lo, lo * bandwidth, ""}};
  if (ridge > lo && ridge < hi) pts.push_back({ridge, peak, ""});
  pts.push_back({hi, std::min(peak, hi * bandwidth), ""});
  return pts;
}

int run_roofline(const RooflineArgs& args) {
  CostInputs in = load_cost_inputs(args.setup);
  const hw::Hardware& hw = in.hardware;
  perf::RooflineEvaluator evaluator;
  perf::ModelCost cost = perf::evaluate_workload(evaluator, in.workload, hw);
  perf::Roofs roofs = perf::roofs_of(hw, perf::workload_dtype(&in.workload));

  std::ostringstream csv;
  csv.precision(9);
  csv << "series,name,unit,intensity_ops_per_byte,attainable_ops_per_s,latency_s,bound\n";
  std::vector<report::PlotPoint> matrix_pts, vector_pts, other_pts;
  double lo = 1e300, hi = 0;
  for (const auto& oc : cost.ops) {
    const auto& op = in.workload.ops[oc.op_index];
    const perf::Cost& c = oc.cost;
    if (op.flops == 0 || c.intensity <= 0 || !c.supported()) continue;
    lo = std::min(lo, c.intensity);
    hi = std::max(hi, c.intensity);
    report::PlotPoint p{c.intensity, c.attainable_ops_per_s, op.name};
    (c.unit == "matrix" ? matrix_pts : c.unit == "vector" ? vector_pts : other_pts).push_back(p);
    csv << "op," << op.name << ',' << c.unit << ',' << c.intensity << ',' << c.attainable_ops_per_s
        << ',' << c.latency_s << ',' << perf::bound_name(c.bound) << '\n';
  }
  const double flops = static_cast<double>(in.workload.totals.flops);
  const double bytes = static_cast<double>(in.workload.totals.bytes);
  const double model_i = bytes > 0 ? flops / bytes : 0;
  const double model_rate = cost.total.latency_s > 0 ? flops / cost.total.latency_s : 0;
  csv << "model," << in.workload.model << ",all," << model_i << ',' << model_rate << ','
      << cost.total.latency_s << ",\n";
  csv << "roof,matrix,matrix,," << roofs.matrix_ops_per_s << ",,\n";
  csv << "roof,vector,vector,," << roofs.vector_ops_per_s << ",,\n";
  csv << "roof,bandwidth_bytes_per_s,dram,," << roofs.bandwidth_bytes_per_s << ",,\n";
  csv << "ridge,matrix,matrix," << roofs.ridge_intensity() << ',' << roofs.matrix_ops_per_s
      << ",,\n";

  lo = std::min({lo, model_i, roofs.ridge_intensity()}) / 4;
  hi = std::max({hi, model_i, roofs.ridge_intensity()}) * 4;
  if (!(lo > 0)) lo = 0.01;
  report::SvgPlot plot(in.workload.model + " on " + hw.name + " (roofline, 004 Eq. 1)",
                       "operational intensity (ops/byte)", "attainable ops/s", true, true);
  plot.add_line(roof_line(roofs.matrix_ops_per_s, roofs.bandwidth_bytes_per_s, lo, hi),
                "matrix roof", "#1f5fbf");
  if (roofs.vector_ops_per_s > 0 && roofs.vector_ops_per_s != roofs.matrix_ops_per_s)
    plot.add_line(roof_line(roofs.vector_ops_per_s, roofs.bandwidth_bytes_per_s, lo, hi),
                  "vector roof", "#bf5f1f", true);
  plot.add_vertical_marker(roofs.ridge_intensity(),
                           "ridge " + format_fixed(roofs.ridge_intensity(), 1), "#555");
  plot.add_scatter(matrix_pts, "ops on matrix unit", "#1f5fbf");
  plot.add_scatter(vector_pts, "ops on vector unit", "#bf5f1f");
  plot.add_scatter(other_pts, "ops on special/host/dma", "#2f9f4f");
  plot.add_scatter({{model_i, model_rate, "whole model"}}, "whole model", "#c00000");

  // Write both files only once everything has been computed: bad input leaves no file.
  write_file_atomically(args.svg, plot.render());
  write_file_atomically(args.data, csv.str());

  std::cout << "model: " << in.workload.model << "   hardware: " << hw.name << "\n";
  std::cout << "roofs: matrix " << format_si(roofs.matrix_ops_per_s) << "OP/s, vector "
            << format_si(roofs.vector_ops_per_s) << "OP/s, " << hw.dram().name << " "
            << format_si(roofs.bandwidth_bytes_per_s) << "B/s, ridge point "
            << format_fixed(roofs.ridge_intensity(), 1) << " ops/byte\n";
  std::cout << "end to end: " << format_si(flops) << "FLOPs, intensity " << format_fixed(model_i, 2)
            << " ops/byte, latency " << report::format_seconds(cost.total.latency_s) << ", "
            << format_si(model_rate) << "OP/s ("
            << format_percent(roofs.matrix_ops_per_s > 0 ? model_rate / roofs.matrix_ops_per_s : 0)
            << " of matrix peak)\n";
  if (args.show_ops)
    std::cout << "\n" << report::cost_table(cost, in.workload, hw, true);
  else
    std::cout << "\n" << report::cost_table(cost, in.workload, hw, false);
  std::cout << "\nwrote " << args.svg << " and " << args.data << "\n";
  return 0;
}

void setup(CLI::App& app, std::function<int()>& run) {
  auto args = std::make_shared<RooflineArgs>();
  add_cost_options(app, args->setup);
  app.add_option("--svg", args->svg, "Chart file (SVG)")
      ->check(writable_file())
      ->capture_default_str();
  app.add_option("--data", args->data, "Chart data file (CSV)")
      ->check(writable_file())
      ->capture_default_str();
  app.add_flag("--ops", args->show_ops, "List every op");
  run = [args] { return run_roofline(*args); };
}

RegisterCommand registration{
    {"roofline", "Roofline chart (SVG + CSV) and per-op figures of a model on hardware", setup}};

}  // namespace
}  // namespace tessera::cli
