#include "tessera/run/nlp_opt.h"

#include <array>
#include <sstream>

#include "tessera/core/error.h"

namespace tessera::run {
namespace {

constexpr std::array<std::string_view, static_cast<size_t>(Schedule::kCount)> kScheduleNames = {
    "dynamic", "head-first", "chunk-first", "random"};

void check_unit_interval(double value, const std::string& what) {
  if (!(value >= 0.0 && value <= 1.0))
    throw Error(what + " " + std::to_string(value) + " is outside [0, 1]");
}

}  // namespace

std::string_view schedule_name(Schedule schedule) {
  return kScheduleNames.at(static_cast<size_t>(schedule));
}

Schedule parse_schedule(const std::string& name) {
  for (size_t i = 0; i < kScheduleNames.size(); ++i)
    if (kScheduleNames[i] == name) return static_cast<Schedule>(i);
  throw Error("unknown schedule '" + name + "' (choose dynamic, head-first, chunk-first, random)");
}

OptOptions parse_opt(const std::string& text, double score_threshold, double zero_ratio_threshold) {
  check_unit_interval(score_threshold, "score threshold");
  check_unit_interval(zero_ratio_threshold, "zero-ratio threshold");
  if (text.empty())
    throw Error("empty --opt (choose none, mp, zs, all or a list of p, c, f, score, vs, qkv)");
  OptOptions o;
  o.score_threshold = score_threshold;
  o.zero_ratio_threshold = zero_ratio_threshold;
  std::stringstream list(text);
  std::string item;
  while (std::getline(list, item, ',')) {
    if (item == "none") continue;
    if (item == "mp" || item == "all") o.partial_head = o.column_based = o.ffn_split = true;
    if (item == "zs" || item == "all") o.zero_skip = o.vgen_skip = true;
    if (item == "p")
      o.partial_head = true;
    else if (item == "c")
      o.column_based = true;
    else if (item == "f")
      o.ffn_split = true;
    else if (item == "score")
      o.zero_skip = true;
    else if (item == "vs")
      o.zero_skip = o.vgen_skip = true;
    else if (item == "qkv")
      o.qkv_fused = true;
    else if (item != "mp" && item != "zs" && item != "all")
      throw Error("unknown --opt item '" + item +
                  "' (choose none, mp, zs, all or a list of p, c, f, score, vs, qkv)");
  }
  return o;
}

std::string OptOptions::describe() const {
  if (!any()) return "none";
  std::string mp, out;
  if (partial_head) mp += "P";
  if (column_based) mp += mp.empty() ? "C" : ",C";
  if (ffn_split) mp += mp.empty() ? "F" : ",F";
  if (qkv_fused) mp += mp.empty() ? "QKV" : ",QKV";
  if (!mp.empty()) out = "mp(" + mp + ")";
  if (zero_skip) {
    std::ostringstream zs;
    zs << "zs(score>=" << score_threshold;
    if (vgen_skip) zs << ",vgen>" << zero_ratio_threshold;
    zs << ")";
    out += (out.empty() ? "" : "+") + zs.str();
  }
  return out + "/" + std::string(schedule_name(schedule));
}

double OptStats::utilization() const {
  return makespan_s > 0 ? busy_s / (threads * makespan_s) : 0.0;
}

void OptStats::add(const OptStats& o) {
  exp_total += o.exp_total, exp_needed += o.exp_needed;
  wsum_macs_total += o.wsum_macs_total, wsum_macs_needed += o.wsum_macs_needed;
  wsum_macs_done += o.wsum_macs_done;
  vgen_rows_total += o.vgen_rows_total, vgen_rows_done += o.vgen_rows_done;
  empty_rows += o.empty_rows;
  busy_s += o.busy_s, makespan_s += o.makespan_s;
}

}  // namespace tessera::run
