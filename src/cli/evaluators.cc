#include "cli/evaluators.h"

#include "tessera/core/error.h"
#include "tessera/hw/host_detect.h"
#include "tessera/hw/spec_parser.h"
#include "tessera/map/model_mapping.h"
#include "tessera/model/model_params.h"
#include "tessera/perf/analytical.h"
#include "tessera/perf/roofline.h"

namespace tessera::cli {
namespace {

struct EvaluatorEntry {
  const char* name;
  const char* help;
  std::unique_ptr<perf::Evaluator> (*make)(const EvaluatorOptions& options);
};

#define TESSERA_EVALUATOR(NAME, HELP, FACTORY)                                            \
  {#NAME, HELP, [](const EvaluatorOptions& options) -> std::unique_ptr<perf::Evaluator> { \
     (void)options;                                                                       \
     return FACTORY;                                                                      \
   }},
const EvaluatorEntry kEvaluators[] = {
#include "cli/evaluators.def"
};
#undef TESSERA_EVALUATOR

}  // namespace

std::vector<std::string> evaluator_names() {
  std::vector<std::string> names;
  for (const auto& e : kEvaluators) names.emplace_back(e.name);
  return names;
}

std::string evaluator_help() {
  std::string out;
  for (const auto& e : kEvaluators) out += std::string(e.name) + ": " + e.help + "\n";
  return out;
}

std::unique_ptr<perf::Evaluator> make_evaluator(const std::string& name,
                                                const EvaluatorOptions& options) {
  for (const auto& e : kEvaluators)
    if (name == e.name) return e.make(options);
  std::string list;
  for (const auto& e : kEvaluators) list += (list.empty() ? "" : ", ") + std::string(e.name);
  throw Error("unknown evaluator '" + name + "' (expected " + list + ")");
}

void add_cost_options(CLI::App& app, CostSetup& s) {
  app.add_option("model", s.model,
                 "Model: zoo name with overrides (bert-base:seq=512), .yaml or .onnx")
      ->required();
  app.add_option("--hw", s.hardware, "Hardware: preset name (tessera hw list) or a YAML spec")
      ->required();
  app.add_option("--set", s.overrides,
                 "Override a hardware field: PATH=VALUE, e.g. scratchpad.capacity_bytes=65536 "
                 "(repeatable)");
  app.add_option("--efficiency", s.efficiency,
                 "Execution efficiency E per op class: CLASS=E with CLASS in matmul, conv, "
                 "depthwise, vector, default (repeatable)");
  app.add_option("--precision", s.precision,
                 "Bytes per value: int8 (survey default), fp16, bf16, fp32")
      ->capture_default_str();
  app.add_option("--fusion", s.fusion,
                 "none; bn-relu (BatchNorm folded, ReLU fused: survey Table 4); fused (what "
                 "inference compilers fuse: epilogues, fused attention, add+LayerNorm)")
      ->check(CLI::IsMember({"none", "bn-relu", "unfused", "fused"}))
      ->capture_default_str();
  app.add_flag("--fuse-nonlinear", s.fuse_nonlinear,
               "Analytical: nonlinear ops on special units read the matmul's accumulator directly");
  app.add_flag("--measure", s.measure, "--hw host: measure DRAM bandwidth instead of assuming it");
  add_model_options(app, s.model_options);
}

CostInputs load_cost_inputs(const CostSetup& s) {
  CostInputs in;
  if (s.measure && s.hardware != "host")
    throw Error("--measure applies to --hw host only, not '" + s.hardware + "'");
  if (s.hardware == "host" && s.measure) {
    hw::HostDetectOptions detect;
    detect.measure_bandwidth = true;
    in.hardware = hw::parse_hardware_yaml(
        hw::apply_hardware_overrides(hw::hardware_to_yaml(hw::detect_host(detect)), s.overrides),
        "host (measured)");
  } else {
    in.hardware = hw::load_hardware(s.hardware, s.overrides);
  }
  for (const std::string& item : s.efficiency) {
    size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0)
      throw Error("--efficiency '" + item + "' is not CLASS=E (e.g. matmul=0.6)");
    std::string op_class = item.substr(0, eq);
    double e = 0;
    try {
      size_t used = 0;
      e = std::stod(item.substr(eq + 1), &used);
      if (used != item.size() - eq - 1) throw std::invalid_argument("trailing");
    } catch (const std::exception&) {
      throw Error("--efficiency " + op_class + ": '" + item.substr(eq + 1) + "' is not a number");
    }
    in.hardware.efficiency[op_class] = e;
  }
  if (!s.efficiency.empty()) hw::validate_hardware(in.hardware, "--efficiency");
  workload::AnalysisOptions options;
  options.precision = workload::parse_precision(s.precision);
  options.fusion = workload::parse_fusion(s.fusion);
  model::ModelHandle handle = model::resolve_model(s.model, to_load_options(s.model_options));
  in.workload = workload::analyze_model(handle, options);
  in.assumptions = nlohmann::json::object();
  if (!s.overrides.empty()) in.assumptions["hardware_overrides"] = s.overrides;
  if (s.fuse_nonlinear) in.assumptions["fuse_nonlinear"] = true;
  return in;
}

}  // namespace tessera::cli
