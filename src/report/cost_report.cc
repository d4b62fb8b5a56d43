// Cost reports: see include/tessera/report/cost_report.h.
#include "tessera/report/cost_report.h"

#include <cmath>
#include <sstream>

#include "tessera/core/text_table.h"
#include "tessera/report/workload_report.h"

namespace tessera::report {
namespace {

nlohmann::json cost_fields(const perf::Cost& c, double total_latency_s) {
  nlohmann::json j;
  j["latency_s"] = c.latency_s;
  j["latency_share"] = total_latency_s > 0 ? c.latency_s / total_latency_s : 0.0;
  if (c.cycles > 0) j["cycles"] = c.cycles;
  j["energy_j"] = c.has_energy() ? nlohmann::json(c.energy_j) : nlohmann::json(nullptr);
  j["utilization"] = c.utilization;
  j["breakdown_s"] = c.breakdown_s;
  if (!c.energy_by_component_j.empty()) j["energy_by_component_j"] = c.energy_by_component_j;
  nlohmann::json traffic = nlohmann::json::array();
  for (const auto& t : c.traffic)
    traffic.push_back(
        {{"level", t.level}, {"read_bytes", t.read_bytes}, {"write_bytes", t.write_bytes}});
  j["traffic"] = traffic;
  return j;
}

// Off-chip traffic only: evaluators differ in which levels they report (the mapped evaluator
// reports every level), and the reports' intensity is the survey's DRAM-traffic intensity.
double dram_bytes(const perf::Cost& c, const std::string& dram_level) {
  double total = 0;
  for (const auto& t : c.traffic)
    if (t.level == dram_level) total += static_cast<double>(t.read_bytes + t.write_bytes);
  return total;
}

std::string scaled(double value, const char* unit) {
  static const char* kPrefix[] = {"", "m", "u", "n", "p"};
  int index = 0;
  double magnitude = std::fabs(value);
  while (magnitude > 0 && magnitude < 1.0 && index < 4) {
    magnitude *= 1000;
    value *= 1000;
    ++index;
  }
  return format_si(value) + " " + kPrefix[index] + unit;
}

}  // namespace

std::string format_seconds(double seconds) { return scaled(seconds, "s"); }
std::string format_joules(double joules) { return scaled(joules, "J"); }

size_t unsupported_op_count(const perf::ModelCost& cost) {
  size_t n = 0;
  for (const auto& oc : cost.ops) n += oc.cost.supported() ? 0 : 1;
  return n;
}

nlohmann::json cost_json(const perf::ModelCost& cost, const workload::Workload& w,
                         const hw::Hardware& hw, const nlohmann::json& extra_assumptions) {
  nlohmann::json j;
  j["model"] = w.model;
  j["domain"] = model::domain_name(w.domain);
  nlohmann::json a = assumptions_json(w);
  a["evaluator"] = cost.evaluator;
  a["hardware"] = hw.name;
  a["hardware_description"] = hw.description;
  if (!hw.efficiency.empty()) a["efficiency"] = hw.efficiency;
  a["execution"] = "ops run one after another; per-op latency sums to the total";
  if (extra_assumptions.is_object())
    for (const auto& [k, v] : extra_assumptions.items()) a[k] = v;
  j["assumptions"] = a;
  const double total_s = cost.total.latency_s;
  nlohmann::json totals = cost_fields(cost.total, total_s);
  totals.erase("latency_share");
  totals["flops"] = w.totals.flops;
  double bytes = dram_bytes(cost.total, hw.dram().name);
  totals["traffic_bytes"] = bytes;
  totals["intensity"] = bytes > 0 ? static_cast<double>(w.totals.flops) / bytes : 0.0;
  totals["throughput_ops_per_s"] =
      total_s > 0 ? static_cast<double>(w.totals.flops) / total_s : 0.0;
  totals["unsupported_ops"] = unsupported_op_count(cost);
  j["totals"] = totals;
  j["groups"] = nlohmann::json::array();
  for (const auto& [name, c] : cost.groups) {
    nlohmann::json g = cost_fields(c, total_s);
    g["name"] = name;
    j["groups"].push_back(g);
  }
  j["ops"] = nlohmann::json::array();
  for (const auto& oc : cost.ops) {
    const workload::Op& op = w.ops[oc.op_index];
    nlohmann::json o = cost_fields(oc.cost, total_s);
    o["name"] = op.name;
    o["kind"] = model::op_kind_name(op.kind);
    o["role"] = model::role_name(op.role);
    o["group"] = op.group;
    o["flops"] = op.flops;
    o["unit"] = oc.cost.unit;
    o["bound"] = perf::bound_name(oc.cost.bound);
    o["intensity"] = oc.cost.intensity;
    o["attainable_ops_per_s"] = oc.cost.attainable_ops_per_s;
    if (!oc.cost.note.empty()) o["note"] = oc.cost.note;
    j["ops"].push_back(std::move(o));
  }
  return j;
}

std::string cost_table(const perf::ModelCost& cost, const workload::Workload& w,
                       const hw::Hardware& hw, bool show_ops) {
  std::ostringstream out;
  const double total_s = cost.total.latency_s;
  out << "model: " << w.model << "   hardware: " << hw.name << "   evaluator: " << cost.evaluator
      << "\n";
  out << "assumptions: " << w.options.precision.name << ", fusion "
      << workload::fusion_name(w.options.fusion) << ", ops run sequentially, 1 MAC = 2 FLOPs\n\n";
  TextTable groups({"group", "latency", "% time", "util", "energy", "DRAM bytes", "intensity"});
  auto row = [&](const std::string& name, const perf::Cost& c, double flops) {
    double bytes = dram_bytes(c, hw.dram().name);
    groups.add_row({name, format_seconds(c.latency_s),
                    format_percent(total_s > 0 ? c.latency_s / total_s : 0),
                    format_percent(c.utilization), c.has_energy() ? format_joules(c.energy_j) : "-",
                    format_si(bytes), format_fixed(bytes > 0 ? flops / bytes : 0, 2)});
  };
  std::map<std::string, double> group_flops;
  for (const auto& op : w.ops) group_flops[op.group] += static_cast<double>(op.flops);
  for (const auto& [name, c] : cost.groups) row(name, c, group_flops[name]);
  groups.add_separator();
  row("total", cost.total, static_cast<double>(w.totals.flops));
  out << groups.render();
  out << "\nlatency: " << format_seconds(total_s) << "   throughput: "
      << format_si(total_s > 0 ? static_cast<double>(w.totals.flops) / total_s : 0) << "FLOP/s\n";
  size_t unsupported = unsupported_op_count(cost);
  if (unsupported > 0) {
    out << "warning: " << unsupported << " op(s) cannot run on " << hw.name
        << " and are NOT in the total:";
    for (const auto& oc : cost.ops)
      if (!oc.cost.supported()) out << " " << w.ops[oc.op_index].name;
    out << "\n";
  }
  if (show_ops) {
    TextTable ops({"op", "kind", "unit", "bound", "latency", "util", "intensity", "note"});
    for (const auto& oc : cost.ops) {
      const auto& op = w.ops[oc.op_index];
      ops.add_row({op.name, std::string(model::op_kind_name(op.kind)), oc.cost.unit,
                   std::string(perf::bound_name(oc.cost.bound)), format_seconds(oc.cost.latency_s),
                   format_percent(oc.cost.utilization), format_fixed(oc.cost.intensity, 2),
                   oc.cost.note});
    }
    out << "\n" << ops.render();
  }
  return out.str();
}

std::string cost_csv(const perf::ModelCost& cost, const workload::Workload& w) {
  std::ostringstream out;
  out.precision(9);
  out << "name,kind,role,group,unit,bound,latency_s,energy_j,utilization,intensity,flops,"
         "dram_read_bytes,dram_write_bytes\n";
  for (const auto& oc : cost.ops) {
    const auto& op = w.ops[oc.op_index];
    int64_t r = 0, wr = 0;
    for (const auto& t : oc.cost.traffic) r += t.read_bytes, wr += t.write_bytes;
    out << op.name << ',' << model::op_kind_name(op.kind) << ',' << model::role_name(op.role) << ','
        << op.group << ',' << oc.cost.unit << ',' << perf::bound_name(oc.cost.bound) << ','
        << oc.cost.latency_s << ',' << (oc.cost.has_energy() ? oc.cost.energy_j : -1) << ','
        << oc.cost.utilization << ',' << oc.cost.intensity << ',' << op.flops << ',' << r << ','
        << wr << '\n';
  }
  return out.str();
}

}  // namespace tessera::report
