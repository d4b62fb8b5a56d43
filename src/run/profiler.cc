#include "tessera/run/profiler.h"

#include <memory>

#include "tessera/core/error.h"
#include "tessera/model/role.h"
#include "tessera/model/zoo.h"
#include "tessera/run/perf_counters.h"

namespace tessera::run {
namespace {

// Per-step event deltas, summed over repeats; observes execute, never edits kernels.
class CounterListener : public ExecutionListener {
 public:
  CounterListener(const CounterSet& set, size_t steps)
      : set_(set), sums_(steps, std::vector<double>(set.events().size(), 0.0)) {}
  void on_step_begin(const Step&, size_t) override { begin_ = set_.read(); }
  void on_step_end(const Step&, size_t index) override {
    std::vector<uint64_t> end = set_.read();
    if (index >= sums_.size()) sums_.resize(index + 1, std::vector<double>(end.size(), 0.0));
    for (size_t e = 0; e < end.size(); ++e)
      sums_[index][e] += static_cast<double>(end[e] - begin_[e]);
  }
  const std::vector<std::vector<double>>& sums() const { return sums_; }

 private:
  const CounterSet& set_;
  std::vector<uint64_t> begin_;
  std::vector<std::vector<double>> sums_;
};

// A configuration scales every size parameter of a group that the model's zoo family has
// (002 Table IV: S-4x scales the sequence, MemNet's n_s; H-4x scales d_H with the head size
// kept; F-4x scales d_FF), read from the resolved spec so an explicit override is the base.
std::string scaled_overrides(const std::string& model, const std::vector<std::string>& scaled,
                             const std::vector<std::string>& kept, const std::string& what) {
  model::ModelHandle handle = model::resolve_model(expand_model_alias(model));
  std::string extra;
  auto append = [&](const std::string& key, int64_t value) {
    extra += (extra.empty() ? "" : ",") + key + "=" + std::to_string(value);
  };
  for (const std::string& key : scaled)
    if (handle.params.has(key)) append(key, handle.params.get_int(key) * 4);
  if (extra.empty()) {
    std::string tried;
    for (const std::string& key : scaled) tried += (tried.empty() ? "" : ", ") + key;
    throw Error("model '" + model + "' has no " + what + " parameter (tried " + tried + ")");
  }
  // Sizes derived from a scaled one (the FFN defaults to 4*d) stay at their base value.
  for (const std::string& key : kept)
    if (handle.params.has(key)) append(key, handle.params.get_int(key));
  return extra;
}

}  // namespace

ProfileMode parse_profile_mode(const std::string& name) {
  if (name == "default") return ProfileMode::Default;
  if (name == "cachestat") return ProfileMode::CacheStat;
  if (name == "custom") return ProfileMode::Custom;
  throw Error("unknown profile mode '" + name + "' (default, cachestat, custom)");
}

const std::vector<std::string>& table2_operations() {
  static const std::vector<std::string> ops = {
      "Q-Gen",     "K-Gen",        "V-Gen",         "dot product",
      "softmax",   "weighted sum", "attention FC",  "attention (fused)",
      "linear-1",  "activation",   "linear-2",      "feed-forward (fused)",
      "layernorm", "residual",     "data movement", "other"};
  return ops;
}

std::string table2_operation(const std::string& role) {
  using model::Role;
  if (role == "attention_block" || role == "attention_core") return "attention (fused)";
  if (role == "ffn_block") return "feed-forward (fused)";
  Role r;
  try {
    r = model::parse_role(role);
  } catch (const Error&) {
    return "other";
  }
  switch (r) {
    case Role::QueryProjection:
      return "Q-Gen";
    case Role::KeyProjection:
      return "K-Gen";
    case Role::ValueProjection:
      return "V-Gen";
    case Role::AttentionScore:
    case Role::AttentionScale:
      return "dot product";
    case Role::Softmax:
      return "softmax";
    case Role::AttentionContext:
      return "weighted sum";
    case Role::OutputProjection:
      return "attention FC";
    case Role::Ffn1:
      return "linear-1";
    case Role::Activation:
      return "activation";
    case Role::Ffn2:
      return "linear-2";
    case Role::LayerNorm:
      return "layernorm";
    case Role::Residual:
      return "residual";
    case Role::DataMovement:
      return "data movement";
    default:
      return "other";
  }
}

std::string apply_config(const std::string& model, const std::string& config) {
  std::string extra;
  if (config == "base") return model;
  if (config == "S-4x")
    extra = scaled_overrides(model, {"seq", "src_seq", "memory"}, {}, "sequence-length");
  else if (config == "H-4x")
    extra = scaled_overrides(model, {"d", "heads"}, {"ffn"}, "hidden-size");
  else if (config == "F-4x")
    extra = scaled_overrides(model, {"ffn"}, {}, "feed-forward");
  else if (config.find('=') != std::string::npos)
    extra = config;
  else
    throw Error("unknown configuration '" + config + "' (base, S-4x, H-4x, F-4x or k=v,...)");
  return model + (model.find(':') == std::string::npos ? ":" : ",") + extra;
}

ProfileResult profile(const std::vector<std::string>& models,
                      const std::vector<std::string>& configs, const ProfileOptions& o) {
  if (models.empty()) throw Error("profile: no models given");
  ProfileResult result;
  result.threads = o.run.threads;
  result.repeat = o.run.repeat;
  std::vector<EventSpec> wanted;
  std::string why;
  bool hardware = hardware_events_available(&why);
  if (o.mode == ProfileMode::CacheStat) {
    if (hardware) {
      wanted = {resolve_event("LLC-load-misses"), resolve_event("LLC-loads")};
    } else {
      result.counter_note =
          "LLC events unavailable (" + why + "); cachestat falls back to software events";
      wanted = {resolve_event("task-clock"), resolve_event("page-faults"),
                resolve_event("context-switches")};
    }
  } else if (o.mode == ProfileMode::Custom) {
    if (o.events.empty()) throw Error("profile: custom mode needs --events");
    for (const std::string& name : o.events) {
      EventSpec e = resolve_event(name);  // unknown names are errors even without a PMU
      if (e.hardware && !hardware) {
        if (result.counter_note.empty())
          result.counter_note = "hardware events unavailable (" + why + "); dropped:";
        result.counter_note += " " + name;
        continue;
      }
      wanted.push_back(e);
    }
  }
  // Resolve every spec first so a bad one fails before any long run.
  std::vector<std::tuple<std::string, std::string, std::string>> jobs;
  for (const std::string& m : models)
    for (const std::string& c : configs) jobs.emplace_back(m, c, apply_config(m, c));
  RunOptions run = o.run;
  run.measure_deviation = false;
  result.denormals_flushed = run.flush_denormals && set_flush_denormals(run.threads);
  std::unique_ptr<CounterSet> counters;
  if (!wanted.empty()) {
    counters = std::make_unique<CounterSet>(wanted, run.threads);
    for (const std::string& d : counters->dropped())
      result.counter_note += (result.counter_note.empty() ? "could not open:" : "") + (" " + d);
    for (const EventSpec& e : counters->events()) result.events.push_back(e.name);
  }
  for (auto& [m, c, spec] : jobs) {
    model::Graph graph = resolve_graph(spec);
    ProfileRow row{m, c, spec, 0.0, {}, {}};
    std::unique_ptr<CounterListener> listener;
    if (counters) listener = std::make_unique<CounterListener>(*counters, graph.nodes.size());
    RunResult r = run_graph(graph, run, listener.get());
    row.total_s = r.median_s;
    for (size_t i = 0; i < r.ops.size(); ++i) {
      std::string op = table2_operation(r.ops[i].role);
      row.latency_s[op] += r.ops[i].median_s;
      if (!listener) continue;
      for (size_t e = 0; e < result.events.size(); ++e)
        row.counts[op][result.events[e]] += listener->sums()[i][e] / run.repeat;
    }
    result.rows.push_back(std::move(row));
  }
  return result;
}

}  // namespace tessera::run
