// NLP-Perf (002 Sec. III-A, IV, Fig. 4 and 8b): every combination of models and
// configurations is run `repeat` times; each step's latency (median) and event counts (mean per
// run) are grouped into Table II's operations. Modes: default (latency), cachestat (LLC misses)
// and custom (named events). The value calibrator flushes denormals (FTZ/DAZ).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "tessera/run/engine.h"

namespace tessera::run {

enum class ProfileMode : uint8_t { Default, CacheStat, Custom };
ProfileMode parse_profile_mode(const std::string& name);

struct ProfileOptions {
  ProfileMode mode = ProfileMode::Default;
  std::vector<std::string> events;  // custom mode
  RunOptions run;
};

// Table II's operations (plus layernorm, residual, data movement and other), in chart order.
const std::vector<std::string>& table2_operations();
// The Table II operation a step role belongs to ("Q-Gen", "dot product", ...).
std::string table2_operation(const std::string& step_role);

// "base", "S-4x", "H-4x", "F-4x" (Table IV scalings of s, d_H, d_FF) or custom overrides
// "k=v,k=v"; returns the model spec with the configuration applied.
std::string apply_config(const std::string& model, const std::string& config);

struct ProfileRow {
  std::string model, config, spec;
  double total_s = 0.0;
  std::map<std::string, double> latency_s;                      // per operation
  std::map<std::string, std::map<std::string, double>> counts;  // operation -> event -> count
};

struct ProfileResult {
  std::vector<ProfileRow> rows;
  std::vector<std::string> events;  // events actually counted
  std::string counter_note;         // why some events were dropped (said once)
  bool denormals_flushed = false;
  int threads = 1, repeat = 1;
};

ProfileResult profile(const std::vector<std::string>& models,
                      const std::vector<std::string>& configs, const ProfileOptions& options);

}  // namespace tessera::run
