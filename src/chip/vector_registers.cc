// Vector register file (NeuroMeter 003 Sec. II-A, III-A): the data exchange hub of a core.
// Two read ports and one write port per attached functional unit (each TU, RT and the VU);
// its width is the VU width. A multi-ported register file grows quadratically with ports.
#include <algorithm>
#include <cmath>

#include "chip/components.h"
#include "tessera/chip/circuits.h"
#include "tessera/chip/sram.h"

namespace tessera::chip {

ComponentReport vector_registers(const CoreContext& c) {
  const auto& vu = c.spec.vector_unit;
  const Technology& t = c.tech;
  int64_t units = (c.spec.tensor_unit.rows > 0 ? c.spec.tensor_unit.count : 0) +
                  (c.spec.reduction_tree.inputs > 0 ? c.spec.reduction_tree.count : 0);
  if (vu.port_groups > 0) units = std::min(units, vu.port_groups);
  units += vector_lanes(c.spec) > 0 ? 1 : 0;
  const int read_ports = static_cast<int>(2 * std::max<int64_t>(1, units));
  const int write_ports = static_cast<int>(std::max<int64_t>(1, units));
  const int ports = read_ports + write_ports;
  const int64_t lanes = std::max<int64_t>(1, vector_lanes(c.spec)) *
                        std::max<int64_t>(1, vu.sublanes);
  const int64_t width_bits = lanes * 32;
  const double entries = static_cast<double>(std::max<int64_t>(1, vu.vreg_entries));
  // The file is sliced per lane: each lane owns `entries` 32-bit registers next to its ALU,
  // so an access only crosses one slice. Register-file cell: a latch whose width and height
  // grow by one wire track per port (area ~ (w0 + p*pitch)(h0 + p*pitch)).
  const double base_w = std::sqrt(t.dff_area_um2) * 0.8, base_h = std::sqrt(t.dff_area_um2) * 0.6;
  const double track = t.wire_pitch_local_m * 1e6 * 2;
  const double cell_w = base_w + ports * track, cell_h = base_h + ports * track;
  const double slice_area = 32 * entries * cell_w * cell_h;
  const double cells_area = static_cast<double>(lanes) * slice_area;
  const double slice_side_m = std::sqrt(slice_area) * 1e-6;
  // A read: wordline across 32 bits, bitlines along the entries, full swing, per lane.
  const double c_bit = entries * (t.wire_cap_f_per_m * cell_h * 1e-6 + t.gate_cap_f);
  const double e_read = static_cast<double>(width_bits) * 0.5 * c_bit * t.vdd2() * 1e12 +
                        static_cast<double>(lanes) *
                            random_logic(t, 8 * std::log2(entries + 1), 1).energy_pj +
                        static_cast<double>(width_bits) * t.wire_cap_f_per_m * cell_w * 1e-6 *
                            t.vdd2() * 1e12;
  const double e_write = e_read * 1.2;
  const double bits = static_cast<double>(width_bits) * entries;
  ComponentReport r;
  r.name = "vector_registers";
  r.detail = std::to_string(vu.vreg_entries) + " x " + std::to_string(width_bits) + " b in " +
             std::to_string(lanes) + " lane slices, " +
             std::to_string(read_ports) + "R" + std::to_string(write_ports) + "W";
  r.energy_pj["read"] = e_read;
  r.energy_pj["write"] = e_write;
  r.dynamic_w = (read_ports * e_read + write_ports * e_write) * 1e-12 * c.clock_hz;
  r.area_mm2 = cells_area * 1e-6 * std_cell_area_factor() / 1.3;  // full-custom: no scan/grid
  r.leakage_w = bits * 3 * t.leakage_w_per_ge * t.leakage_factor();
  const double t_access = (std::log2(entries) + 4) * t.fo4() +
                          elmore_delay_s(t, WireLayer::Local, slice_side_m, min_driver_ohm(t) / 8,
                                         entries * t.gate_cap_f);
  r.critical_path_s = t_access;
  return r;
}

}  // namespace tessera::chip
