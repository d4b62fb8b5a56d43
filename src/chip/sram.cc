// CACTI-style memory array model (sram.h).
#include "tessera/chip/sram.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "tessera/chip/circuits.h"
#include "tessera/core/error.h"

namespace tessera::chip {
namespace {

// Read bitline swing. The sense amplifier needs ~0.1 V (CACTI's sensing threshold), and the
// wordline pulse is timed (replica bitline, Amrutur & Horowitz, JSSC 35(2) 2000) so that the
// slowest cell of the array at its process corner develops it; a typical cell keeps
// discharging its bitline for the rest of the pulse and swings about twice that before the
// wordline closes and precharge restores it. The energy drawn is C_bl x Vdd x that swing.
constexpr double kSenseThresholdV = 0.1;
constexpr double kBitlineSwingV = 2 * kSenseThresholdV;
// Bitline load per cell beyond the wire: the access transistor's drain junction and the
// bitline contact, about one minimum gate capacitance (CACTI's C_drain of the pass gate).
constexpr double kDrainCapPerCellGates = 1.0;
// Column periphery that switches full rail on every access, per activated column: the
// precharge/equalise PMOS trio (3 gates of ~2x minimum) and the column-select / mux gate
// (2 gates), whose enable lines run across the subarray; the sense-amplifier enable and
// the latch itself (4 gate toggles per sensed bit, below).
constexpr double kColumnControlGates = 8.0;
// Read current of a 6T cell (tens of uA across nodes; CACTI's cell current tables).
constexpr double kCellCurrentA = 25e-6;
// Periphery of the first port: sense amplifier, precharge, column mux and write driver strip
// height, and decoder + wordline driver width, in cell pitches. A 512x512 subarray is then ~70 %
// cells and a 256x256 one ~53 %, within the 50-70 % array efficiency of CACTI layouts and
// compiled SRAM macros: at one port the strips stand for the whole macro's periphery (control,
// I/O, the rings that CACTI's mats omit; CACTI's own strips are 3.5x and 10x thinner, see
// docs/chip-model.md "CACTI side by side").
constexpr double kPeripheryRows = 100;
constexpr double kPeripheryColumns = 100;
// Every port beyond the first adds its own row decoder + wordline driver and its own column
// periphery (sense amplifiers, precharge, write drivers), strips of transistors sized in feature
// sizes F as in CACTI's mat (Thoziyoor et al., CACTI 5.1 HPL-2008-20; mat.cc: the row-decoder
// area x ports / subarray height, and compute_bit_mux_sa_precharge_sa_mux_wr_drv_wr_mux_h folding
// the transistors into cell.w / ports): CACTI 7's own 2-port, 100 KB mat at 40 nm
// (data/chip/cacti_reference.yaml, tmp_output.txt: MAT 0.3565 x 0.6612 mm around 2 x 2
// subarrays of 0.1568 x 0.3168 mm) has 21.5 um of column periphery and 13.8 um of decoder per
// subarray, 270 F and 170 F per port. The macro's control and I/O do not repeat per port; the
// earlier rule (another 100 pitches of the port-grown cell per port) made a 2-port array 3.3-17x
// CACTI's area.
constexpr double kExtraPortColumnPeripheryF = 270;
constexpr double kExtraPortRowPeripheryF = 170;
// eDRAM: retention 40 us, refresh energy ~ one full-swing bitline share per bit.
constexpr double kEdramRetentionS = 40e-6;

struct Geometry {
  double cell_w_m, cell_h_m;
};

Geometry cell_geometry(const Technology& t, CellKind cell, int ports) {
  const double area =
      (cell == CellKind::Edram ? t.edram_cell_area_um2 : t.sram_cell_area_um2) * 1e-12;
  double h = std::sqrt(area / t.sram_cell_aspect), w = area / h;
  // Each port beyond the first adds a wordline (height) and a bitline pair (width).
  w *= 1 + 0.5 * (ports - 1);
  h *= 1 + 0.4 * (ports - 1);
  return {w, h};
}

double gate_toggle_pj(const Technology& t) { return random_logic(t, 1, 1).energy_pj; }

ArrayResult dff_array(const Technology& t, const ArraySpec& spec, int ports) {
  ArrayResult r;
  const int64_t bits = spec.capacity_bytes * 8, width = spec.width_bytes * 8;
  const double words = std::max<double>(
      1, static_cast<double>(spec.capacity_bytes) / static_cast<double>(spec.width_bytes));
  const Block cells = flip_flops(t, bits);
  // A read mux tree of log2(words) levels per output bit and per read port.
  const Block mux = random_logic(t, static_cast<double>(bits) * ports * 1.0, 0);
  r.area_um2 = cells.area_um2 + mux.area_um2;
  const double side = std::sqrt(r.area_um2) * 1e-6;
  const Block route = wire(t, WireLayer::Local, side, width);
  r.read_energy_pj =
      static_cast<double>(width) * std::log2(words + 1) * gate_toggle_pj(t) + route.energy_pj;
  // Writing clocks only the addressed word (clock gating by word enable).
  r.write_energy_pj = flip_flops(t, width).energy_pj + route.energy_pj;
  r.leakage_w = cells.leakage_w + mux.leakage_w;
  r.access_time_s = std::log2(words + 1) * 1.5 * t.fo4() + route.delay_s + 3 * t.fo4();
  r.cycle_time_s = r.access_time_s;
  r.rows = static_cast<int64_t>(words);
  r.columns = width;
  return r;
}

}  // namespace

CellKind parse_cell_kind(const std::string& name) {
  if (name == "sram") return CellKind::Sram;
  if (name == "dff") return CellKind::Dff;
  if (name == "edram") return CellKind::Edram;
  throw Error("unknown memory cell '" + name + "' (expected sram, dff or edram)");
}

std::string_view cell_kind_name(CellKind kind) {
  switch (kind) {
    case CellKind::Sram:
      return "sram";
    case CellKind::Dff:
      return "dff";
    case CellKind::Edram:
      return "edram";
  }
  return "?";
}

std::string ArrayResult::organisation() const {
  return std::to_string(subarrays) + " x (" + std::to_string(rows) + "x" + std::to_string(columns) +
         ", mux " + std::to_string(mux) + ")";
}

ArrayResult memory_array(const Technology& t, const ArraySpec& spec) {
  if (spec.capacity_bytes <= 0) throw Error("memory capacity must be positive");
  if (spec.width_bytes <= 0) throw Error("memory access width must be positive");
  if (spec.width_bytes > spec.capacity_bytes)
    throw Error("memory access width " + std::to_string(spec.width_bytes) +
                " B exceeds its capacity " + std::to_string(spec.capacity_bytes) + " B");
  if (spec.read_ports < 0 || spec.write_ports < 0 || spec.read_ports + spec.write_ports < 1)
    throw Error("memory needs at least one port");
  const int ports = std::max(1, spec.read_ports + spec.write_ports);
  if (spec.cell == CellKind::Dff) return dff_array(t, spec, ports);

  const Geometry g = cell_geometry(t, spec.cell, ports);
  const double bits = static_cast<double>(spec.capacity_bytes) * 8;
  const double width = static_cast<double>(spec.width_bytes) * 8;
  const double c_drain = kDrainCapPerCellGates * t.gate_cap_f;
  const double v = t.vdd_v;
  const double toggle = gate_toggle_pj(t);
  const bool edram = spec.cell == CellKind::Edram;
  const double feature_m = static_cast<double>(t.node_nm) * 1e-9;
  const double column_periphery_m =
      kPeripheryRows * g.cell_h_m + kExtraPortColumnPeripheryF * feature_m * (ports - 1);
  const double row_periphery_m =
      kPeripheryColumns * g.cell_w_m + kExtraPortRowPeripheryF * feature_m * (ports - 1);

  ArrayResult best;
  double best_cost = std::numeric_limits<double>::infinity();
  // Bitlines and wordlines of at most 256 cells keep read margin and speed in compiled macros.
  for (int64_t rows = 8; rows <= 256; rows *= 2) {
    for (int64_t cols = 16; cols <= 256; cols *= 2) {
      for (int64_t mux = 1; mux <= 16; mux *= 2) {
        if (mux > cols) continue;
        // Column multiplexing only helps accesses narrower than a subarray row.
        if (mux > 1 && width >= static_cast<double>(cols)) break;
        const double sub_bits = static_cast<double>(rows * cols);
        const double out_per_sub = static_cast<double>(cols / mux);
        const double n_act = std::ceil(width / out_per_sub);
        // A wide access may need more subarrays than the capacity alone; allow up to 2x waste.
        const double n_sub = std::max(std::ceil(bits / sub_bits), n_act);
        if (n_sub * sub_bits > 2 * bits) continue;
        if (n_sub > 65536) continue;
        // An edge-fed array is one strip of subarrays that all deliver their bits each access;
        // it saves the H-tree that merges a word from several subarrays, so a word read from
        // one subarray (which has none) keeps the central organisation's I/O.
        if (spec.edge_port && (n_sub > n_act || n_act < 2)) continue;
        // Geometry.
        const double sub_w = static_cast<double>(cols) * g.cell_w_m + row_periphery_m;
        const double sub_h = static_cast<double>(rows) * g.cell_h_m + column_periphery_m;
        const double cells_area = n_sub * sub_w * sub_h;
        const double side = std::sqrt(cells_area);
        const double addr_bits = std::log2(bits / width + 1);
        // Central port: data and address travel from the bank's port to the subarrays and
        // back. The port sits at the middle of one edge: half a side to the tree's root at the
        // centre, then side/4 + side/4 + side/8 + side/8 + ... ~ one side down to a leaf
        // (CACTI's H-tree, Wilton & Jouppi): 1.5 sides per route, for data and address.
        // Edge-fed: each subarray's sense amplifiers and write drivers already sit in its
        // periphery strip at the edge, so a bit only crosses that strip into the consumer's
        // lane beside it (no data tracks over the arrays); the address is broadcast along the
        // strip, n_sub sub_w long.
        const double data_m = spec.edge_port ? column_periphery_m : 1.5 * side;
        const double addr_m = spec.edge_port ? n_sub * sub_w : 1.5 * side;
        const Block htree = wire(t, WireLayer::Global, data_m, static_cast<int64_t>(width));
        const Block addr = wire(t, WireLayer::Global, addr_m, static_cast<int64_t>(addr_bits + 1));
        // Data in, data out and address wires with their repeaters: ~3 track-widths per bit
        // over the route's span (a side for the H-tree, the strip for an edge-fed address).
        const double htree_area = spec.edge_port
                                      ? 3 * t.wire_pitch_global_m * (addr_bits + 1) * addr_m
                                      : width * t.wire_pitch_global_m * side * 3;
        const double area = cells_area + htree_area;
        // Energies (pJ).
        const double c_bl = static_cast<double>(rows) * (t.wire_cap_f_per_m * g.cell_h_m + c_drain);
        const double c_wl =
            static_cast<double>(cols) * (t.wire_cap_f_per_m * g.cell_w_m + 2 * t.gate_cap_f);
        const double e_dec = (20 * std::log2(rows * n_sub)) * toggle + addr.energy_pj;
        const double e_wl = n_act * c_wl * v * v * 1e12;
        const double swing = edram ? v / 2 : kBitlineSwingV;
        const double e_bl_read = n_act * static_cast<double>(cols) * c_bl * v * swing * 1e12;
        const double e_sa = width * 4 * toggle;
        const double e_bl_write =
            width * c_bl * v * v * 1e12 +
            (n_act * static_cast<double>(cols) - width) * c_bl * v * swing * 1e12;
        // Precharge, equalise and column-select lines: full swing once per access.
        const double e_col =
            n_act * static_cast<double>(cols) *
            (kColumnControlGates * t.gate_cap_f + t.wire_cap_f_per_m * g.cell_w_m) * v * v * 1e12;
        const double e_read = e_dec + e_wl + e_bl_read + e_col + e_sa + htree.energy_pj;
        const double e_write = e_dec + e_wl + e_bl_write + e_col + htree.energy_pj;
        // Delays.
        const double t_dec = (std::log(rows * n_sub) / std::log(4.0) + 3) * t.fo4();
        const double t_wl =
            elmore_delay_s(t, WireLayer::Local, static_cast<double>(cols) * g.cell_w_m,
                           min_driver_ohm(t) / 16, 0) +
            0.69 * (min_driver_ohm(t) / 16) * static_cast<double>(cols) * 2 * t.gate_cap_f;
        const double t_bl =
            c_bl * (edram ? swing : kSenseThresholdV) / kCellCurrentA * t.delay_factor();
        const double t_sa = 4 * t.fo4();
        const double access = t_dec + t_wl + t_bl + t_sa + htree.delay_s + addr.delay_s;
        const double cycle = std::max(t_dec, t_wl + 2 * t_bl + t_sa) + 2 * t.fo4();
        const double cost = area * std::sqrt(e_read * access);
        if (cost < best_cost) {
          best_cost = cost;
          best.area_um2 = area * 1e12;
          best.read_energy_pj = e_read;
          best.bitline_pj = e_bl_read;
          best.column_periphery_pj = e_col + e_sa;
          best.decoder_wordline_pj = e_dec - addr.energy_pj + e_wl;
          best.htree_pj = htree.energy_pj + addr.energy_pj;
          best.write_energy_pj = e_write;
          best.access_time_s = access;
          best.cycle_time_s = cycle;
          best.rows = rows, best.columns = cols, best.mux = mux;
          best.subarrays = static_cast<int64_t>(n_sub);
          const double periph_ge =
              (area - n_sub * static_cast<double>(rows * cols) * g.cell_w_m * g.cell_h_m) * 1e12 /
              t.nand2_area_um2 * 0.2;
          best.leakage_w = (bits * t.sram_leakage_w_per_bit * (1 + 0.3 * (ports - 1)) +
                            periph_ge * t.leakage_w_per_ge) *
                           t.leakage_factor();
          if (edram)
            best.leakage_w += bits * c_bl / static_cast<double>(rows) * v * v / kEdramRetentionS;
        }
      }
    }
  }
  if (!std::isfinite(best_cost))
    throw Error("no array organisation fits " + std::to_string(spec.capacity_bytes) + " B at " +
                std::to_string(spec.width_bytes) + " B per access");
  return best;
}

}  // namespace tessera::chip
