// The built-in technology table. Each column is cited in data/chip/technology.yaml and
// docs/chip-model.md; the numbers are the same (a unit test keeps them in step).
#include "tessera/chip/technology.h"

#include <cmath>
#include <string>

#include "tessera/core/error.h"

namespace tessera::chip {
namespace {

struct NodeRow {
  int node_nm;
  double vdd_nominal_v;
  double logic_area_scale;  // Stillmaker & Baas 2017, 45 nm -> node (hwcomponents table)
  // At the node's nominal Vdd, relative to Horowitz 45 nm / 0.9 V. Scaled nodes: (node/45)^0.6
  // through Horowitz (45 nm) and TPUv4i (7 nm). 65 nm: Stillmaker & Baas's 45 -> 65 nm factor
  // at a fixed 1.0 V (1.31) times (1.1 V / 0.9 V)^2 for the higher nominal supply = 1.96; the
  // power law extrapolated to 65 nm (1.25) implied a smaller switched capacitance than at
  // 45 nm once the supply is factored out, against the node's own 1.44x gate capacitance.
  double logic_energy_scale;
  double fo4_ps;
  double gate_cap_ff;
  double sram_cell_um2;  // high-density 6T cell, ISSCC/IEDM foundry reports
  double edram_cell_um2;
  double wire_res_local_ohm_per_um;
  double wire_res_global_ohm_per_um;
  double wire_pitch_local_um;
  double leakage_nw_per_ge;  // HP devices, 85 C
  double sram_leakage_pw_per_bit;
};

constexpr NodeRow kNodes[] = {
    {65, 1.1, 1.50, 1.96, 20.0, 0.13, 0.525, 0.150, 1.0, 0.15, 0.20, 25.0, 60.0},
    {45, 0.9, 1.00, 1.00, 14.0, 0.09, 0.346, 0.067, 2.2, 0.25, 0.14, 20.0, 40.0},
    {28, 0.9, 0.38, 0.75, 10.0, 0.06, 0.127, 0.040, 5.0, 0.55, 0.09, 12.0, 25.0},
    {22, 0.85, 0.25, 0.65, 8.5, 0.05, 0.092, 0.029, 8.0, 0.80, 0.08, 10.0, 20.0},
    {16, 0.8, 0.19, 0.54, 7.0, 0.04, 0.074, 0.020, 12.0, 1.20, 0.064, 4.0, 8.0},
    {7, 0.75, 0.059, 0.33, 4.5, 0.025, 0.027, 0.010, 40.0, 4.00, 0.040, 3.0, 6.0},
};

// FreePDK45/Nangate 45 nm cell areas: NAND2_X1 0.798 um^2, DFF_X1 4.522 um^2.
constexpr double kNand2Area45Um2 = 0.798;
constexpr double kDffArea45Um2 = 4.522;
// Low-power (LP/LSTP) devices: ~50x less leakage, ~1.5x slower gates (ITRS LSTP vs HP).
constexpr double kLowPowerLeakage = 0.02;
constexpr double kLowPowerDelay = 1.5;

}  // namespace

double Technology::energy_factor() const {
  return logic_energy_scale * (vdd_v / vdd_nominal_v) * (vdd_v / vdd_nominal_v);
}

std::vector<int> known_nodes() {
  std::vector<int> nodes;
  for (const auto& row : kNodes) nodes.push_back(row.node_nm);
  return nodes;
}

DeviceFlavor parse_device_flavor(const std::string& name) {
  if (name == "hp") return DeviceFlavor::HighPerformance;
  if (name == "lp") return DeviceFlavor::LowPower;
  throw Error("unknown device flavor '" + name + "' (expected hp or lp)");
}

Technology technology_for(int node_nm, double vdd_v, DeviceFlavor flavor) {
  const NodeRow* row = nullptr;
  for (const auto& r : kNodes)
    if (r.node_nm == node_nm) row = &r;
  if (row == nullptr) {
    std::string known;
    for (int n : known_nodes()) known += (known.empty() ? "" : ", ") + std::to_string(n);
    throw Error("unknown technology node " + std::to_string(node_nm) + " nm (known: " + known +
                " nm; define other nodes with technology.base and overrides)");
  }
  if (vdd_v < 0) throw Error("technology.vdd_v must be positive");
  Technology t;
  t.node_nm = node_nm;
  t.flavor = flavor;
  t.vdd_nominal_v = row->vdd_nominal_v;
  t.vdd_v = vdd_v > 0 ? vdd_v : row->vdd_nominal_v;
  if (t.vdd_v < 0.4 * t.vdd_nominal_v || t.vdd_v > 1.5 * t.vdd_nominal_v)
    throw Error("technology.vdd_v " + std::to_string(t.vdd_v) +
                " V is outside the modelled range " + "for " + std::to_string(node_nm) +
                " nm (0.4-1.5x nominal " + std::to_string(row->vdd_nominal_v) + " V)");
  t.logic_area_scale = row->logic_area_scale;
  t.logic_energy_scale = row->logic_energy_scale;
  t.fo4_s = row->fo4_ps * 1e-12;
  t.nand2_area_um2 = kNand2Area45Um2 * row->logic_area_scale;
  t.dff_area_um2 = kDffArea45Um2 * row->logic_area_scale;
  t.gate_cap_f = row->gate_cap_ff * 1e-15;
  t.sram_cell_area_um2 = row->sram_cell_um2;
  t.edram_cell_area_um2 = row->edram_cell_um2;
  t.wire_res_local_ohm_per_m = row->wire_res_local_ohm_per_um * 1e6;
  t.wire_res_global_ohm_per_m = row->wire_res_global_ohm_per_um * 1e6;
  t.wire_pitch_local_m = row->wire_pitch_local_um * 1e-6;
  t.wire_pitch_global_m = 4 * t.wire_pitch_local_m;
  t.leakage_w_per_ge = row->leakage_nw_per_ge * 1e-9;
  t.sram_leakage_w_per_bit = row->sram_leakage_pw_per_bit * 1e-12;
  // Alpha-power law: t ~ V / (V - Vth)^1.3, Vth = 0.3 * Vnom, normalised at Vnom.
  const double vth = 0.3 * t.vdd_nominal_v;
  auto gate = [&](double v) { return v / std::pow(v - vth, 1.3); };
  t.delay_scale = gate(t.vdd_v) / gate(t.vdd_nominal_v);
  t.leakage_scale = std::pow(t.vdd_v / t.vdd_nominal_v, 3.0);
  if (flavor == DeviceFlavor::LowPower) {
    t.leakage_w_per_ge *= kLowPowerLeakage;
    t.sram_leakage_w_per_bit *= kLowPowerLeakage;
    t.fo4_s *= kLowPowerDelay;
  }
  return t;
}

}  // namespace tessera::chip
