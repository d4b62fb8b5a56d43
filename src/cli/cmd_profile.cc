// `tessera profile MODEL... [--configs base,S-4x,H-4x,F-4x]`: NLP-Perf's per-operation
// latency breakdown with optional event counts (issue #7; NLP-Fast 002 Sec. III-A, IV, Fig. 4).
#include <sstream>

#include "cli/command.h"
#include "cli/output.h"
#include "tessera/core/atomic_file.h"
#include "tessera/core/error.h"
#include "tessera/run/profile_report.h"

namespace tessera::cli {
namespace {

struct ProfileArgs {
  std::vector<std::string> models;
  std::vector<std::string> configs = {"base"};
  std::string mode = "default";
  std::vector<std::string> events;
  std::string opt = "none";
  int threads = 1;
  int repeat = 3;
  uint64_t seed = 1;
  std::string svg;
  OutputOptions output;
};

int run_profile(const ProfileArgs& a) {
  run::ProfileOptions o;
  o.mode = run::parse_profile_mode(a.mode);
  o.events = a.events;
  o.run.threads = a.threads;
  o.run.repeat = a.repeat;
  o.run.seed = a.seed;
  o.run.opt = run::parse_opt(a.opt, 0.0, 0.99);
  if (o.mode != run::ProfileMode::Custom && !a.events.empty())
    throw Error("--events needs --mode custom");
  run::ProfileResult result = run::profile(a.models, a.configs, o);
  if (!result.counter_note.empty() && a.output.format != "table")
    std::fprintf(stderr, "tessera: note: %s\n", result.counter_note.c_str());
  if (!a.svg.empty()) write_file_atomically(a.svg, run::profile_svg(result));
  if (a.output.format == "json")
    emit(a.output, run::profile_json(result).dump(2) + "\n");
  else if (a.output.format == "csv")
    emit(a.output, run::profile_csv(result));
  else
    emit(a.output, run::profile_table(result));
  return 0;
}

void setup(CLI::App& app, std::function<int()>& run) {
  auto a = std::make_shared<ProfileArgs>();
  app.add_option("models", a->models,
                 "Models (nlp-fast-bert, nlp-fast-transformer, "
                 "nlp-fast-memnet or zoo names with overrides)")
      ->required();
  app.add_option("--configs", a->configs,
                 "Configurations: base, S-4x, H-4x, F-4x (Table IV scalings) or k=v overrides")
      ->delimiter(';')
      ->capture_default_str();
  app.add_option("--mode", a->mode, "default (latency), cachestat (LLC misses), custom (--events)")
      ->capture_default_str();
  app.add_option("--events", a->events,
                 "Custom mode: event names (task-clock, page-faults, "
                 "cycles, LLC-load-misses or libpfm4 names)")
      ->delimiter(',');
  app.add_option("--opt", a->opt, "NLP-Opt switches of the profiled runs")->capture_default_str();
  app.add_option("--threads", a->threads, "Threads")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  app.add_option("--repeat", a->repeat, "Runs per combination (medians reported)")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  app.add_option("--seed", a->seed, "Seed of random weights and inputs")->capture_default_str();
  app.add_option("--svg", a->svg, "Also write the stacked breakdown chart (SVG) to this file");
  add_output_options(app, a->output);
  run = [a] { return run_profile(*a); };
}

RegisterCommand registration{
    {"profile", "NLP-Perf: per-operation latency and event breakdown", setup}};

}  // namespace
}  // namespace tessera::cli
