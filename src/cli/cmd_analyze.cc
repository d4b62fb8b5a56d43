// `tessera analyze MODEL`: FLOPs, bytes, intensity and params per op, group, layer and model
// (issue #2; survey 001 Sec. 2.2).
#include "cli/command.h"
#include "cli/output.h"
#include "tessera/core/error.h"
#include "tessera/report/workload_report.h"
#include "tessera/workload/analysis.h"

namespace tessera::cli {
namespace {

struct AnalyzeArgs {
  std::string model;
  std::string precision = "int8";
  std::string fusion = "none";
  std::string mode = "encoder";
  int64_t prompt = 0;
  int64_t generate = 0;
  int64_t position = 0;
  bool show_ops = false;
  ModelOptions model_options;
  OutputOptions output;
};

int run_analyze(const AnalyzeArgs& args) {
  workload::AnalysisOptions options;
  options.precision = workload::parse_precision(args.precision);
  options.fusion = workload::parse_fusion(args.fusion);
  options.mode = args.mode == "decoder" ? workload::Mode::Decoder : workload::Mode::Encoder;
  options.prompt = args.prompt;
  options.generate = args.generate;
  model::ModelHandle handle = model::resolve_model(args.model, to_load_options(args.model_options));
  workload::Workload w;
  if (args.position > 0) {
    w = workload::analyze_decoder(handle, options, args.position, args.position);
    w.model = handle.spec;
  } else {
    w = workload::analyze_model(handle, options);
  }
  if (args.output.format == "json")
    emit(args.output, report::workload_json(w).dump(2));
  else if (args.output.format == "csv")
    emit(args.output, report::workload_csv(w));
  else
    emit(args.output, report::workload_table(w, args.show_ops));
  return 0;
}

void setup(CLI::App& app, std::function<int()>& run) {
  auto args = std::make_shared<AnalyzeArgs>();
  app.add_option("model", args->model,
                 "Model: zoo name with overrides (bert-base:seq=512), a .yaml or .onnx file")
      ->required();
  app.add_option("--precision", args->precision,
                 "Bytes per value: int8 (survey default), fp16, fp32, ...")
      ->capture_default_str();
  app.add_option("--fusion", args->fusion,
                 "none; bn-relu (BatchNorm folded, ReLU fused: survey Table 4); fused (what "
                 "inference compilers fuse: epilogues, fused attention, add+LayerNorm)")
      ->check(CLI::IsMember({"none", "bn-relu", "unfused", "fused"}))
      ->capture_default_str();
  app.add_option("--mode", args->mode,
                 "encoder (all tokens at once) or decoder (KV-cache generation)")
      ->check(CLI::IsMember({"encoder", "decoder"}))
      ->capture_default_str();
  app.add_option("--prompt", args->prompt, "Decoder: prompt tokens prefilled before generation")
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 30));
  app.add_option("--generate", args->generate,
                 "Decoder: tokens to generate (default: the model's seq)")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 30));
  app.add_option("--position", args->position,
                 "Decoder: cost of one step with this many tokens in context")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 30));
  app.add_flag("--ops", args->show_ops, "Table output: list every op");
  add_model_options(app, args->model_options);
  add_output_options(app, args->output);
  run = [args] { return run_analyze(*args); };
}

RegisterCommand registration{
    {"analyze", "FLOPs, memory traffic and arithmetic intensity of a model", setup}};

}  // namespace
}  // namespace tessera::cli
