// On-chip memory (NeuroMeter 003 Sec. II-A "Mem"): a scratchpad (or cache data array) of DFF,
// SRAM or eDRAM cells, multi-banked automatically: the banks and ports per bank are the
// cheapest organisation whose bank cycle meets the clock, whose access meets the latency
// target, and whose ports sustain the read/write throughput the functional units need.
#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>
#include <vector>

#include "chip/components.h"
#include "tessera/chip/circuits.h"
#include "tessera/core/error.h"

namespace tessera::chip {
namespace {

struct PortConfig {
  int read, write;  // write 0 = one shared read/write port
};
constexpr PortConfig kPortConfigs[] = {{1, 0}, {1, 1}, {2, 1}, {2, 2}};

std::string port_name(const PortConfig& p) {
  if (p.write == 0) return "1RW";
  return std::to_string(p.read) + "R" + std::to_string(p.write) + "W";
}

}  // namespace

ComponentReport memory(const CoreContext& c, const MemorySpec& m) {
  const Technology& t = c.tech;
  const auto& tu = c.spec.tensor_unit;
  const auto& rt = c.spec.reduction_tree;
  const double period = 1.0 / c.clock_hz;
  const int64_t instances = m.per_core ? c.spec.cores : 1;
  const int64_t capacity = m.capacity_bytes / instances;
  const std::string where = "memory '" + m.name + "'";
  if (capacity <= 0) throw Error(where + ": capacity per instance must be positive");

  // Derived access width and throughput: one operand vector in and one result vector out
  // per cycle for every tensor unit / reduction tree the memory feeds.
  int64_t in_vector = 0, out_vector = 0, units = 0;
  if (tu.rows > 0) {
    in_vector = tu.rows * model::dtype_bytes(tu.dtype);
    out_vector = tu.cols * model::dtype_bytes(tu.dtype);
    units = tu.count;
  } else if (rt.inputs > 0) {
    in_vector = rt.inputs * model::dtype_bytes(rt.dtype);
    out_vector = model::dtype_bytes(rt.dtype);
    units = rt.count;
  }
  int64_t width = m.width_bytes > 0 ? m.width_bytes : std::max<int64_t>(8, in_vector);
  width = std::min(width, capacity);
  const double per_instance_units = m.per_core ? 1.0 : static_cast<double>(c.spec.cores);
  // The vector unit loads one vector and stores one per cycle too (NeuroMeter sizes Mem for
  // the throughput of every unit it feeds; TPU-v2's VPU loads/stores whole vregs from VMem).
  const int64_t vu_vector = vector_lanes(c.spec) *
                            std::max<int64_t>(1, c.spec.vector_unit.sublanes) *
                            model::dtype_bytes(c.spec.vector_unit.dtype);
  const double read_bpc =
      m.read_bytes_per_cycle >= 0
          ? m.read_bytes_per_cycle
          : static_cast<double>(units * in_vector + vu_vector) * per_instance_units;
  const double write_bpc =
      m.write_bytes_per_cycle >= 0
          ? m.write_bytes_per_cycle
          : static_cast<double>(units * out_vector + vu_vector) * per_instance_units;
  const double reads = read_bpc / static_cast<double>(width);
  const double writes = write_bpc / static_cast<double>(width);

  struct Choice {
    ArrayResult bank;
    int64_t banks = 0;
    PortConfig ports{1, 0};
    double cost = std::numeric_limits<double>::infinity();
    double route_pj = 0, route_delay = 0, area_um2 = 0;
    int64_t slices = 1;
    bool edge = false, edge_arrays = false;
  } best;
  std::string why_not = "no organisation evaluated";
  std::vector<int64_t> candidates;
  if (m.banks > 0) candidates.push_back(m.banks);
  for (int64_t b = 1; m.banks == 0 && b <= 4096 && capacity / b >= width; b *= 2)
    candidates.push_back(b);
  // A wide access may also be sliced across `slices` arrays side by side, each delivering
  // width/slices bytes (the TPU accumulators are 256 narrow column memories, not one wide one).
  for (const int64_t banks : candidates) {
    // More banks than 2x the best feasible count only add periphery: stop searching there.
    if (best.banks > 0 && banks > 2 * best.banks) break;
    for (int64_t slices = 1; slices <= 64 && (slices == 1 || width / slices >= 8); slices *= 4) {
      const int64_t slice_capacity = capacity / banks / slices;
      const int64_t slice_width = width / slices;
      if (slice_capacity < slice_width) break;
      // The cheapest port configuration that sustains the throughput with this bank count
      // (or the one the spec fixes).
      const double b = static_cast<double>(banks);
      const PortConfig* chosen = nullptr;
      for (const auto& pc : kPortConfigs) {
        if (m.read_ports > 0 && (pc.read != m.read_ports || pc.write != m.write_ports)) continue;
        const bool enough = pc.write == 0 ? b >= std::ceil(reads + writes - 1e-9)
                                          : (b * pc.read >= std::ceil(reads - 1e-9) &&
                                             b * pc.write >= std::ceil(writes - 1e-9));
        if (enough || m.banks > 0) {
          chosen = &pc;
          break;
        }
      }
      if (chosen == nullptr) {
        why_not = "throughput " + std::to_string(read_bpc) + " B/cycle read + " +
                  std::to_string(write_bpc) + " B/cycle write needs more banks or ports";
        continue;
      }
      // (distributed, edge-fed arrays): central; distributed slices of central arrays;
      // distributed slices of edge-fed arrays.
      for (const auto& [edge, edge_arrays] :
           {std::pair{false, false}, {true, false}, {true, true}}) {
        if (edge ? m.port == MemoryPort::Central : m.port == MemoryPort::Distributed) continue;
        if (edge && !edge_arrays && slices == 1) continue;  // same as central
        const PortConfig& p = *chosen;
        ArrayResult bank;
        try {
          bank =
              memory_array(t, {slice_capacity, slice_width, p.read, p.write, m.cell, edge_arrays});
        } catch (const Error& e) {
          why_not = e.what();
          continue;
        }
        const double arrays = b * static_cast<double>(slices);
        const double area = bank.area_um2 * arrays;
        // Central port: each slice's data travels from its array to the port, half the
        // memory's side. Distributed: the slices lie side by side along the consumer's edge
        // and each drives its own bits into the lanes in front of it; only the banks stacked
        // behind the first one send their data across the nearer ones (on average half the
        // depth beyond the first bank). Either route runs over the arrays on the upper global
        // layers like any bus (bus_track_share of its tracks).
        const double route_m = 0.5 * std::sqrt(area) * 1e-6 * (edge ? 1 - 1 / b : 1);
        const Block route = wire(t, WireLayer::Global, route_m, width * 8);
        const double route_area = bus_track_share() * route.area_um2;
        if (bank.cycle_time_s > period) {
          why_not = "bank cycle time " + std::to_string(bank.cycle_time_s * 1e9) +
                    " ns exceeds the clock period " + std::to_string(period * 1e9) + " ns";
          continue;
        }
        if (bank.access_time_s + route.delay_s > m.latency_cycles * period) {
          why_not = "access time " + std::to_string((bank.access_time_s + route.delay_s) * 1e9) +
                    " ns exceeds the latency target of " + std::to_string(m.latency_cycles) +
                    " cycles";
          continue;
        }
        const double slices_d = static_cast<double>(slices);
        const double e_read = slices_d * bank.read_energy_pj + route.energy_pj;
        const double cost = (area + route_area) * std::sqrt(e_read);
        if (cost < best.cost) {
          ArrayResult whole = bank;
          whole.read_energy_pj = slices_d * bank.read_energy_pj;
          whole.write_energy_pj = slices_d * bank.write_energy_pj;
          whole.area_um2 = bank.area_um2 * slices_d;
          whole.leakage_w = bank.leakage_w * slices_d;
          best = {whole, banks, p, cost, route.energy_pj, route.delay_s, area + route_area};
          best.slices = slices;
          best.edge = edge;
          best.edge_arrays = edge_arrays;
        }
      }
    }
  }
  if (best.banks == 0)
    throw Error(where + ": " + why_not +
                (m.port == MemoryPort::Distributed
                     ? " (port: distributed needs width slices or a word spread over >= 2 "
                       "subarrays; central has neither restriction)"
                     : ""));

  ComponentReport r;
  r.name = "memory:" + m.name;
  r.instances = instances;
  r.detail = std::to_string(capacity) + " B " + std::string(cell_kind_name(m.cell)) + ", " +
             std::to_string(best.banks) + " banks x " + port_name(best.ports) + ", " +
             std::to_string(width) + " B wide in " + std::to_string(best.slices) +
             (best.edge ? " distributed slice(s) of " : " slice(s) of ") +
             best.bank.organisation() + (best.edge_arrays ? " edge-fed" : "");
  const double e_read = best.bank.read_energy_pj + best.route_pj;
  const double e_write = best.bank.write_energy_pj + best.route_pj;
  r.energy_pj["read_access"] = e_read;
  r.energy_pj["write_access"] = e_write;
  r.energy_pj["read_byte"] = e_read / static_cast<double>(width);
  r.energy_pj["write_byte"] = e_write / static_cast<double>(width);
  r.dynamic_w = (reads * e_read + writes * e_write) * 1e-12 * c.clock_hz;
  r.area_mm2 = best.area_um2 * 1e-6;
  r.leakage_w = best.bank.leakage_w * static_cast<double>(best.banks);
  r.critical_path_s = best.bank.cycle_time_s;
  r.pipeline_stages =
      static_cast<int64_t>(std::ceil((best.bank.access_time_s + best.route_delay) / period));
  return r;
}

}  // namespace tessera::chip
