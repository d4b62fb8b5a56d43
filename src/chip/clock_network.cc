// Global clock distribution (McPAT's clock network, Li et al. MICRO 2009 Sec. 4; NeuroMeter
// 003 amortises it into the components instead, Sec. II-C). The clock pins of the flip-flops
// are already in every register's per-cycle energy (circuits.cc: half of the Aladdin 1-bit
// register energy); what is missing there is the wiring that brings the clock to them:
// - an H-tree over the die on global wires with Bakoglu repeaters, from the PLL down to
//   leaf clusters of kLeafGates gate equivalents of logic (the fanout of one local clock
//   buffer: ~30 flip-flops with their logic);
// - in every leaf, a local spine plus stubs of ~2 cluster sides on local wires.
// A clock switches every cycle (activity 1, one full C V^2 per cycle) whatever the data, so
// it is charged for the whole runtime, busy or not.
#include <cmath>

#include "chip/components.h"
#include "tessera/chip/circuits.h"

namespace tessera::chip {
namespace {

// Gate equivalents under one local clock buffer: a buffer drives ~20-30 flip-flop clock pins
// (typical CTS max fanout), each flop with its ~60 GE of surrounding logic.
constexpr double kLeafGates = 2000;

}  // namespace

ComponentReport clock_network(const CoreContext& c, double die_mm2, double logic_mm2) {
  const Technology& t = c.tech;
  ComponentReport r;
  r.name = "clock_network";
  if (die_mm2 <= 0 || logic_mm2 <= 0) return r;
  const double leaf_um2 = kLeafGates * t.nand2_area_um2 * std_cell_area_factor();
  const double leaves = std::max(1.0, logic_mm2 * 1e6 / leaf_um2);
  const int levels = static_cast<int>(std::ceil(std::log2(leaves)));
  const double side_m = std::sqrt(die_mm2) * 1e-3;
  // H-tree level i (1-based) has 2^(i-1) segments of side / 2^ceil(i/2).
  double tree_m = 0, longest_m = 0;
  for (int i = 1; i <= levels; ++i) {
    const double segment = side_m / std::pow(2.0, std::ceil(i / 2.0));
    tree_m += std::pow(2.0, i - 1) * segment;
    longest_m += segment;
  }
  const double leaf_side_m = std::sqrt(leaf_um2) * 1e-6;
  const Block tree = wire(t, WireLayer::Global, tree_m, 1);
  const Block local = wire(t, WireLayer::Local, 2 * leaf_side_m * leaves, 1);
  // wire() energies are half a C V^2 per transfer (random data); a clock costs a full C V^2.
  const double pj_per_cycle = 2 * (tree.energy_pj + local.energy_pj);
  r.energy_pj["cycle"] = pj_per_cycle;
  r.dynamic_w = pj_per_cycle * 1e-12 * c.clock_hz;
  r.leakage_w = tree.leakage_w + local.leakage_w;
  // Routing tracks are on dedicated layers above the cells: only repeater area counts.
  const double track_um2 =
      (tree_m * t.wire_pitch_global_m + 2 * leaf_side_m * leaves * t.wire_pitch_local_m) * 1e12;
  r.area_mm2 = std::max(0.0, tree.area_um2 + local.area_um2 - track_um2) * 1e-6;
  // Skew is balanced, not on the data path: the insertion delay limits nothing here.
  const Block root = wire(t, WireLayer::Global, longest_m, 1);
  r.detail = "H-tree " + std::to_string(levels) + " levels, " + std::to_string(tree_m * 1e3) +
             " mm global + " + std::to_string(2 * leaf_side_m * leaves * 1e3) +
             " mm local wire, insertion " + std::to_string(root.delay_s * 1e9) + " ns";
  return r;
}

}  // namespace tessera::chip
