// Technology level of the chip model (NeuroMeter 003 Sec. II-B): device and wire parameters of
// one process node at one supply voltage. Every circuit model (wires, SRAM arrays, logic units)
// reads its physics from here; nothing below this level knows a node by name.
//
// Sources of the per-node table (data/chip/technology.yaml holds the same numbers with
// citations): logic area scaling from Stillmaker & Baas 2017 (via hwcomponents' table),
// logic energy anchored on Horowitz ISSCC'14 (45 nm) and the TPUv4i 7 nm update (ISCA'21),
// SRAM bit cells from foundry ISSCC publications, wires from a constant ~0.2 fF/um.
#pragma once

#include <string>
#include <vector>

namespace tessera::chip {

enum class DeviceFlavor { HighPerformance, LowPower };

struct Technology {
  int node_nm = 28;
  DeviceFlavor flavor = DeviceFlavor::HighPerformance;
  double vdd_v = 0.9;          // operating supply
  double vdd_nominal_v = 0.9;  // where the energy/leakage anchors hold
  // Logic: area and energy relative to the Horowitz 45 nm / 0.9 V reference point.
  double logic_area_scale = 1;
  double logic_energy_scale = 1;  // at vdd_nominal_v
  double fo4_s = 14e-12;          // fan-out-of-4 inverter delay at vdd_nominal_v
  double nand2_area_um2 = 0.798;  // one gate equivalent (GE)
  double dff_area_um2 = 4.522;
  double gate_cap_f = 0.1e-15;    // input capacitance of a minimum inverter
  // Memory cells.
  double sram_cell_area_um2 = 0.296;
  double edram_cell_area_um2 = 0.1;
  double sram_cell_aspect = 2.0;  // width / height of a 6T cell
  // Wires.
  double wire_cap_f_per_m = 0.2e-9;  // ~0.2 fF/um at every node
  double wire_res_local_ohm_per_m = 2.2e6;
  double wire_res_global_ohm_per_m = 0.25e6;
  double wire_pitch_local_m = 0.14e-6;
  double wire_pitch_global_m = 0.56e-6;
  // Leakage at vdd_nominal_v and a hot (85 C) junction.
  double leakage_w_per_ge = 20e-9;
  double sram_leakage_w_per_bit = 30e-12;

  // Voltage factors at vdd_v, computed once by technology_for (they sit in every inner loop
  // of the circuit models): gate delay (alpha-power law, alpha = 1.3, Vth = 0.3 Vnom) and
  // leakage ((V/Vnom)^3 near nominal).
  double delay_scale = 1;
  double leakage_scale = 1;

  // Dynamic-energy factor of this node at vdd_v relative to Horowitz 45 nm / 0.9 V.
  double energy_factor() const;
  double leakage_factor() const { return leakage_scale; }
  double delay_factor() const { return delay_scale; }
  double fo4() const { return fo4_s * delay_factor(); }
  double ge_area_um2() const { return nand2_area_um2; }
  double vdd2() const { return vdd_v * vdd_v; }
};

// The built-in nodes: 65, 45, 28, 22, 16, 7 nm.
std::vector<int> known_nodes();
// The table entry for `node_nm` at `vdd_v` (0 = nominal). Throws tessera::Error naming the
// known nodes when the node is not one of them.
Technology technology_for(int node_nm, double vdd_v = 0,
                          DeviceFlavor flavor = DeviceFlavor::HighPerformance);
DeviceFlavor parse_device_flavor(const std::string& name);  // "hp" | "lp"

}  // namespace tessera::chip
