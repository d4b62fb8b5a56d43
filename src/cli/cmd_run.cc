// `tessera run MODEL`: fp32 CPU inference, op by op (baseline) or with NLP-Opt (issue #7;
// NLP-Fast 002 Sec. III-B/C, V-A).
#include "cli/command.h"
#include "cli/output.h"
#include "tessera/core/error.h"
#include "tessera/run/decode.h"
#include "tessera/run/engine.h"
#include "tessera/run/run_report.h"

namespace tessera::cli {
namespace {

struct RunArgs {
  std::string model;
  std::string opt = "none";
  int threads = 1;
  int repeat = 3;
  uint64_t seed = 1;
  double score_threshold = 0.0;
  double zero_ratio_threshold = 0.99;
  int64_t key_chunk = 256;
  int64_t ffn_chunk = 1024;
  int64_t row_block = 128;
  std::string schedule = "dynamic";
  std::string weights;
  std::string inputs, save_outputs;  // JSON tensor files (run/tensor_io.h)
  ModelOptions model_options;        // --batch, --dim, --strict (ONNX models)
  int64_t prompt = 8;
  int64_t generate = 0;
  OutputOptions output;
};

// GPT-2-style generation with the KV cache.
int run_decode(const RunArgs& a, const run::RunOptions& o) {
  run::DecodeOptions d;
  d.prompt = a.prompt;
  d.generate = a.generate;
  d.run = o;
  run::DecodeResult r = run::decode(a.model, d);
  nlohmann::json j = {{"model", r.model},
                      {"mode", "decode (KV cache, greedy)"},
                      {"threads", o.threads},
                      {"options", {{"opt", o.opt.describe()}, {"seed", o.seed}}},
                      {"prompt", r.prompt},
                      {"generate", r.generate},
                      {"prefill_s", r.prefill_s},
                      {"decode_s", r.decode_s},
                      {"median_s", run::median(r.step_s)},
                      {"tokens_per_s", r.tokens_per_s},
                      {"cache_bytes", r.cache_bytes},
                      {"tokens", r.tokens},
                      {"ops", nlohmann::json::array()}};
  if (a.output.format == "json") {
    emit(a.output, j.dump(2) + "\n");
  } else {
    char text[256];
    std::snprintf(text, sizeof(text),
                  "model %s: %lld prompt + %lld generated tokens, %d thread(s)\n"
                  "prefill %.4f s, decode %.4f s, %.1f tokens/s, KV cache %.1f MiB\n",
                  r.model.c_str(), static_cast<long long>(r.prompt),
                  static_cast<long long>(r.generate), o.threads, r.prefill_s, r.decode_s,
                  r.tokens_per_s, static_cast<double>(r.cache_bytes) / 1048576.0);
    emit(a.output, text);
  }
  return 0;
}

int run_run(const RunArgs& a) {
  run::RunOptions o;
  o.threads = a.threads;
  o.repeat = a.repeat;
  o.seed = a.seed;
  o.weights_file = a.weights;
  // An imported ONNX model runs with its own initializers unless --weights says otherwise.
  if (o.weights_file.empty() && a.model.size() > 5 &&
      a.model.compare(a.model.size() - 5, 5, ".onnx") == 0)
    o.weights_file = a.model;
  o.opt = run::parse_opt(a.opt, a.score_threshold, a.zero_ratio_threshold);
  o.opt.key_chunk = a.key_chunk;
  o.opt.ffn_chunk = a.ffn_chunk;
  o.opt.row_block = a.row_block;
  o.opt.schedule = run::parse_schedule(a.schedule);
  o.opt.schedule_seed = a.seed;
  if (a.generate > 0) {
    if (!a.inputs.empty() || !a.save_outputs.empty())
      throw Error("--inputs and --save-outputs are for single runs, not --generate");
    return run_decode(a, o);
  }
  if (!a.inputs.empty()) o.inputs = run::read_tensors_json(a.inputs);
  o.keep_outputs = !a.save_outputs.empty();
  model::Graph graph = run::resolve_graph(a.model, to_load_options(a.model_options));
  run::RunResult result = run::run_graph(graph, o);
  if (o.keep_outputs) {
    OutputOptions file;
    file.output = a.save_outputs;
    emit(file, run::tensors_json(result.outputs, "outputs"));
  }
  if (a.output.format == "json")
    emit(a.output, run::run_json(result, o).dump(2) + "\n");
  else if (a.output.format == "csv")
    emit(a.output, run::run_csv(result));
  else
    emit(a.output, run::run_table(result, o));
  return 0;
}

void setup(CLI::App& app, std::function<int()>& run) {
  auto a = std::make_shared<RunArgs>();
  app.add_option("model", a->model,
                 "Model: a zoo name with overrides (nlpfast-bert:layers=2,seq=64) or the "
                 "aliases nlp-fast-bert|nlp-fast-transformer|nlp-fast-memnet[:k=v,..]")
      ->required();
  app.add_option("--opt", a->opt, "NLP-Opt: none, mp, zs, all or a list of p,c,f,score,vs,qkv")
      ->capture_default_str();
  app.add_option("--threads", a->threads, "Threads")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  app.add_option("--repeat", a->repeat, "Timed runs (median reported)")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  app.add_option("--seed", a->seed, "Seed of random weights and inputs")
      ->check(not_negative())
      ->capture_default_str();
  app.add_option("--score-threshold", a->score_threshold, "Zero skipping: score threshold in [0,1]")
      ->capture_default_str();
  app.add_option("--zero-ratio-threshold", a->zero_ratio_threshold,
                 "V-Gen skipping: zero-ratio threshold in [0,1]")
      ->capture_default_str();
  app.add_option("--key-chunk", a->key_chunk, "Column-based algorithm: keys per chunk")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 30))
      ->capture_default_str();
  app.add_option("--ffn-chunk", a->ffn_chunk, "Feed-forward splitting: d_FF columns per chunk")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 30))
      ->capture_default_str();
  app.add_option("--row-block", a->row_block, "Rows per FFN / attention-FC work item")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 30))
      ->capture_default_str();
  app.add_option("--schedule", a->schedule, "dynamic, head-first, chunk-first or random")
      ->capture_default_str();
  app.add_option("--weights", a->weights,
                 "fp32 weights by tensor name: a .safetensors file or an .onnx file's "
                 "initializers (an .onnx MODEL uses its own by default)");
  app.add_option("--inputs", a->inputs,
                 "JSON file with every model input: {\"inputs\": {NAME: {\"shape\": [..], "
                 "\"data\": [..]}}} (default: random from --seed)");
  app.add_option("--save-outputs", a->save_outputs,
                 "Write every model output of the last run to this JSON file "
                 "({\"outputs\": {NAME: {\"shape\", \"data\"}}})")
      ->check(writable_file());
  add_model_options(app, a->model_options);
  app.add_option("--generate", a->generate,
                 "Decoders: generate this many tokens with the KV cache (greedy)")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 20));
  app.add_option("--prompt", a->prompt, "Decoders: prompt tokens fed before generation")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 20))
      ->capture_default_str();
  add_output_options(app, a->output);
  run = [a] { return run_run(*a); };
}

RegisterCommand registration{
    {"run", "Run a model on the CPU (baseline or NLP-Opt) and time it", setup}};

}  // namespace
}  // namespace tessera::cli
