// Central Data Bus and Network-on-Chip (NeuroMeter 003 Sec. II-A, Fig. 2(b)). The CDB joins
// the VReg to the TUs, VU and Mem; its wires route around each unit, so a link is as long as
// the square root of the unit's area, and it is pipelined when one cycle is too short. The NoC
// joins the cores (bus, ring, 2-D mesh or H-tree) with routers (input buffers, crossbar,
// allocator) and links sized by the bisection bandwidth.
#include <algorithm>
#include <cmath>

#include "chip/components.h"
#include "tessera/chip/circuits.h"
#include "tessera/chip/sram.h"

namespace tessera::chip {
namespace {
const double kBusTrackShare = bus_track_share();
}  // namespace

ComponentReport central_data_bus(const CoreContext& c, const std::vector<BusLink>& links) {
  const Technology& t = c.tech;
  const double period = 1.0 / c.clock_hz;
  ComponentReport r;
  r.name = "central_data_bus";
  double energy = 0, area = 0, leak = 0, path = 0;
  int64_t stages_max = 1, bits_total = 0;
  for (const auto& l : links) {
    // Wires route around the unit: a link is as long as the square root of its area.
    const double length_m = std::sqrt(l.unit_area_mm2) * 1e-3;
    const Block w = wire(t, WireLayer::Global, length_m, l.bits);
    const Block reg = flip_flops(t, l.bits);
    const int64_t stages = std::max<int64_t>(
        1, static_cast<int64_t>(std::ceil(w.delay_s / std::max(period - reg.delay_s, period / 4))));
    const Block pipe = flip_flops(t, (stages - 1) * l.bits);
    energy += l.transfers_per_cycle * (w.energy_pj + pipe.energy_pj);
    // Bus tracks run on the upper metal over the units they join; only a quarter of their
    // track area (one of ~4 global layers) is charged as dedicated routing.
    area += kBusTrackShare * w.area_um2 + pipe.area_um2;
    leak += w.leakage_w + pipe.leakage_w;
    path = std::max(path, w.delay_s / static_cast<double>(stages) + reg.delay_s);
    stages_max = std::max(stages_max, stages);
    bits_total += l.bits;
  }
  r.detail = std::to_string(links.size()) + " links, " + std::to_string(bits_total) +
             " b in total, up to " + std::to_string(stages_max) + " stages";
  r.energy_pj["cycle"] = energy;
  r.dynamic_w = energy * 1e-12 * c.clock_hz;
  r.area_mm2 = area * 1e-6;
  r.leakage_w = leak;
  r.critical_path_s = path;
  r.pipeline_stages = stages_max;
  return r;
}

ComponentReport noc(const CoreContext& c, double tile_area_mm2) {
  const Technology& t = c.tech;
  const int64_t cores = c.spec.cores;
  NocTopology topo = c.spec.noc.topology;
  if (c.spec.noc.derived)
    topo = cores <= 1 ? NocTopology::None : cores <= 4 ? NocTopology::Ring : NocTopology::Mesh;
  ComponentReport r;
  r.name = "noc";
  if (topo == NocTopology::None || cores <= 1) {
    r.detail = "none";
    return r;
  }
  const int64_t ty = int64_t{1} << static_cast<int>(std::ceil(std::log2(std::sqrt(double(cores)))));
  const int64_t tx = std::max<int64_t>(1, cores / ty);
  double cut_links = 1, links = 1, ports = 2;
  const char* name = "bus";
  switch (topo) {
    case NocTopology::Mesh:
      cut_links = double(std::min(tx, ty)), ports = 5, name = "mesh";
      links = 2.0 * double(tx * (ty - 1) + ty * (tx - 1));
      break;
    case NocTopology::Ring:
      cut_links = 2, ports = 3, name = "ring", links = 2.0 * double(cores);
      break;
    case NocTopology::HTree:
      cut_links = 1, ports = 3, name = "htree", links = 2.0 * double(cores - 1);
      break;
    default:
      cut_links = 1, ports = 2, name = "bus", links = 1;
      break;
  }
  const double bis_bytes_s = c.spec.noc.bisection_gbps * 1e9;
  int64_t flit = 128;
  if (bis_bytes_s > 0)
    flit = std::max<int64_t>(
        32,
        static_cast<int64_t>(std::ceil(bis_bytes_s * 8 / (cut_links * c.clock_hz) / 32.0)) * 32);
  const double pitch_m = std::sqrt(tile_area_mm2) * 1e-3;
  const double link_len = topo == NocTopology::Bus ? pitch_m * double(cores) : pitch_m;
  const Block link = wire(t, WireLayer::Global, link_len, flit);
  const int64_t link_stages = std::max<int64_t>(1, int64_t(std::ceil(link.delay_s * c.clock_hz)));
  // Router: 2 VCs x 4 flits per input port, a crossbar, a separable allocator.
  const auto buffers = memory_array(t, {8 * flit / 8, flit / 8, 1, 1, CellKind::Dff});
  const double xbar_side_m = ports * double(flit) * t.wire_pitch_local_m * 2;
  const Block xbar = wire(t, WireLayer::Local, xbar_side_m, flit);
  const Block alloc = random_logic(t, 200 * ports * ports, 0.2);
  const double routers = topo == NocTopology::Bus ? 0 : double(cores);
  const double router_area =
      ports * buffers.area_um2 + xbar_side_m * xbar_side_m * 1e12 + alloc.area_um2;
  const double e_hop =
      buffers.write_energy_pj + buffers.read_energy_pj + xbar.energy_pj + link.energy_pj;
  r.detail = std::string(name) + " " + std::to_string(tx) + "x" + std::to_string(ty) + ", " +
             std::to_string(flit) + " b flits, link " + std::to_string(link_len * 1e3) + " mm";
  r.energy_pj["flit_hop"] = e_hop;
  r.energy_pj["byte_hop"] = e_hop / (double(flit) / 8);
  r.dynamic_w = links * e_hop * 1e-12 * c.clock_hz;
  // Links run on the upper global layers over the tiles they join, like the CDB's tracks:
  // the same quarter of their track area is charged as dedicated routing.
  r.area_mm2 = (routers * router_area + links * kBusTrackShare * link.area_um2) * 1e-6;
  r.leakage_w = routers * (ports * buffers.leakage_w + alloc.leakage_w) + links * link.leakage_w;
  r.critical_path_s = std::max(link.delay_s / double(link_stages), buffers.cycle_time_s);
  r.pipeline_stages = link_stages + 2;
  return r;
}

}  // namespace tessera::chip
