#include "tessera/run/run_report.h"

#include <cstdio>
#include <map>
#include <sstream>

#include "tessera/run/gemm.h"

namespace tessera::run {
namespace {

nlohmann::json options_json(const RunOptions& o) {
  const OptOptions& p = o.opt;
  return {{"opt", p.describe()},
          {"partial_head", p.partial_head},
          {"column_based", p.column_based},
          {"ffn_split", p.ffn_split},
          {"zero_skip", p.zero_skip},
          {"vgen_skip", p.vgen_skip},
          {"qkv_fused", p.qkv_fused},
          {"score_threshold", p.score_threshold},
          {"zero_ratio_threshold", p.zero_ratio_threshold},
          {"key_chunk", p.key_chunk},
          {"ffn_chunk", p.ffn_chunk},
          {"row_block", p.row_block},
          {"schedule", std::string(schedule_name(p.schedule))},
          {"seed", o.seed},
          {"repeat", o.repeat},
          {"weights", o.weights_file.empty() ? "random" : o.weights_file}};
}

// Share of work that was executed; 1 (nothing skipped) when there was no such work.
double ratio(int64_t part, int64_t whole) {
  return whole > 0 ? static_cast<double>(part) / static_cast<double>(whole) : 1.0;
}

}  // namespace

nlohmann::json run_json(const RunResult& r, const RunOptions& o) {
  nlohmann::json ops = nlohmann::json::array();
  for (const OpTiming& op : r.ops)
    ops.push_back(
        {{"name", op.name}, {"role", op.role}, {"median_s", op.median_s}, {"flops", op.flops}});
  const OptStats& s = r.stats;
  nlohmann::json out = {
      {"model", r.model},
      {"engine", "cpu fp32"},
      {"gemm_library", std::string(gemm_library())},
      {"threads", o.threads},
      {"options", options_json(o)},
      {"median_s", r.median_s},
      {"runs_s", r.runs_s},
      {"cpu_median_s", r.cpu_median_s},
      {"runs_cpu_s", r.runs_cpu_s},
      {"flops", r.flops},
      {"flops_note", "dense FLOPs of the graph, a MAC is 2 FLOPs"},
      {"gflops_per_s", r.median_s > 0 ? static_cast<double>(r.flops) / r.median_s / 1e9 : 0.0},
      {"activation_bytes", r.activation_bytes},
      {"denormals_flushed", r.denormals_flushed},
      {"ops", ops}};
  if (o.opt.any()) {
    out["nlp_opt"] = {
        {"exp_reduction", 1.0 - ratio(s.exp_needed, s.exp_total)},
        {"weighted_sum_reduction_needed", 1.0 - ratio(s.wsum_macs_needed, s.wsum_macs_total)},
        {"weighted_sum_reduction_done", 1.0 - ratio(s.wsum_macs_done, s.wsum_macs_total)},
        {"vgen_reduction", 1.0 - ratio(s.vgen_rows_done, s.vgen_rows_total)},
        {"empty_rows", s.empty_rows},
        {"scheduler_utilization", s.utilization()},
        {"output_deviation", r.output_deviation}};
  }
  return out;
}

std::string run_table(const RunResult& r, const RunOptions& o) {
  std::ostringstream out;
  char line[256];
  out << "model " << r.model << "  (cpu fp32, " << gemm_library() << " GEMMs, " << o.threads
      << " thread" << (o.threads > 1 ? "s" : "") << ", opt " << o.opt.describe() << ")\n";
  std::snprintf(line, sizeof(line), "median %.6f s over %d runs, %.1f GFLOP/s (MAC = 2 FLOPs)\n",
                r.median_s, o.repeat,
                r.median_s > 0 ? static_cast<double>(r.flops) / r.median_s / 1e9 : 0.0);
  out << line;
  std::snprintf(line, sizeof(line), "cpu time median %.6f s (all threads)\n", r.cpu_median_s);
  out << line;
  out << "denormals " << (r.denormals_flushed ? "flushed (FTZ/DAZ)" : "not flushed") << "\n";
  if (o.opt.any()) {
    const OptStats& s = r.stats;
    std::snprintf(line, sizeof(line),
                  "skipped: exp %.1f%%, weighted sum %.1f%% (executed %.1f%%), V-Gen %.1f%%; "
                  "scheduler utilisation %.1f%%; output deviation %.3g\n",
                  100 * (1 - ratio(s.exp_needed, s.exp_total)),
                  100 * (1 - ratio(s.wsum_macs_needed, s.wsum_macs_total)),
                  100 * (1 - ratio(s.wsum_macs_done, s.wsum_macs_total)),
                  100 * (1 - ratio(s.vgen_rows_done, s.vgen_rows_total)), 100 * s.utilization(),
                  r.output_deviation);
    out << line;
  }
  std::map<std::string, double> by_role;
  for (const OpTiming& op : r.ops) by_role[op.role] += op.median_s;
  out << "\nrole                 median_s   share\n";
  double total = 0;
  for (auto& [role, t] : by_role) total += t;
  for (auto& [role, t] : by_role) {
    std::snprintf(line, sizeof(line), "%-20s %9.6f  %5.1f%%\n", role.c_str(), t,
                  total > 0 ? 100 * t / total : 0.0);
    out << line;
  }
  return out.str();
}

std::string run_csv(const RunResult& r) {
  std::ostringstream out;
  out << "name,role,median_s,flops\n";
  for (const OpTiming& op : r.ops)
    out << op.name << "," << op.role << "," << op.median_s << "," << op.flops << "\n";
  return out.str();
}

}  // namespace tessera::run
