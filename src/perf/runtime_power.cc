// Runtime power from activity (runtime_power.h).
#include "tessera/perf/runtime_power.h"

#include <algorithm>

#include "tessera/core/error.h"

namespace tessera::perf {

RuntimePower runtime_power(const chip::ChipReport& chip, const Activity& a) {
  if (!(a.seconds > 0)) throw Error("runtime power: activity duration must be positive");
  if (a.macs < 0 || a.busy_cell_cycles < 0 || a.vector_lane_ops < 0 || a.bus_transfers < 0 || a.noc_flit_hops < 0)
    throw Error("runtime power: activity counts must not be negative");
  RuntimePower p;
  auto add = [&](const std::string& name, double energy_pj, double leak) {
    const double w = energy_pj * 1e-12 / a.seconds + leak;
    p.by_component_w[name] += w;
    p.total_w += w;
    p.leakage_w += leak;
  };
  const double clock = chip.clock_hz;
  const double macs_per_cycle = static_cast<double>(chip.spec.macs_per_cycle());
  for (const auto& c : chip.components) {
    double e = 0;
    if (c.name == "tensor_unit") {
      const double cell_cycles = a.busy_cell_cycles > 0 ? a.busy_cell_cycles : a.macs;
      e = a.macs * c.energy_pj.at("mac_datapath") + cell_cycles * c.energy_pj.at("cell_cycle");
    } else if (c.name == "reduction_tree") {
      e = a.macs * c.energy_pj.at("mac");
    } else if (c.name.rfind("memory:", 0) == 0) {
      const std::string level = c.name.substr(7);
      auto r = a.read_bytes.find(level), w = a.write_bytes.find(level);
      if (r != a.read_bytes.end()) e += r->second * c.energy_pj.at("read_byte");
      if (w != a.write_bytes.end()) e += w->second * c.energy_pj.at("write_byte");
    } else if (c.name == "vector_unit") {
      e = a.vector_lane_ops * c.energy_pj.at("lane_op");
    } else if (c.name == "central_data_bus") {
      const double busy_cycles = a.bus_transfers > 0 ? a.bus_transfers
                                                     : a.macs / std::max(1.0, macs_per_cycle) *
                                                           static_cast<double>(chip.spec.cores);
      e = busy_cycles / static_cast<double>(c.instances) * c.energy_pj.at("cycle");
    } else if (c.name == "noc") {
      e = a.noc_flit_hops * c.energy_pj.at("flit_hop");
    } else if (c.name == "memory_controller") {
      double bytes = 0;
      if (auto r = a.read_bytes.find("dram"); r != a.read_bytes.end()) bytes += r->second;
      if (auto w = a.write_bytes.find("dram"); w != a.write_bytes.end()) bytes += w->second;
      e = bytes * 8 * c.energy_pj.at("bit");
    } else if (c.energy_pj.count("cycle")) {
      // Control: clocked for the whole duration at its per-cycle energy.
      e = a.seconds * clock * c.energy_pj.at("cycle") * static_cast<double>(c.instances);
    }
    add(c.name, e, c.leakage_w);
  }
  for (const auto* m : {&a.read_bytes, &a.write_bytes})
    for (const auto& [level, bytes] : *m) {
      if (bytes < 0) throw Error("runtime power: negative traffic at '" + level + "'");
      if (level != "dram" && chip.find("memory:" + level) == nullptr)
        throw Error("runtime power: the chip has no memory named '" + level + "'");
    }
  p.energy_j = p.total_w * a.seconds;
  return p;
}

Activity activity_from_cost(const chip::ChipReport& chip, const Cost& cost) {
  Activity a;
  a.seconds = cost.latency_s;
  a.macs = cost.utilization * static_cast<double>(chip.spec.macs_per_cycle()) * chip.clock_hz *
           cost.latency_s;
  for (const auto& t : cost.traffic) {
    const bool known = t.level == "dram" || chip.find("memory:" + t.level) != nullptr;
    if (!known) continue;  // levels the chip does not model (e.g. registers) carry no energy here
    a.read_bytes[t.level] += static_cast<double>(t.read_bytes);
    a.write_bytes[t.level] += static_cast<double>(t.write_bytes);
  }
  return a;
}

}  // namespace tessera::perf
