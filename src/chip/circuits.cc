// Wires, arithmetic units, flip-flops and random logic (circuits.h).
#include "tessera/chip/circuits.h"

#include <algorithm>
#include <cmath>

#include "tessera/chip/logic_fits.h"

namespace tessera::chip {
namespace {

// A placed-and-routed standard-cell block is larger than the sum of its cells: ~70 %
// placement utilisation (typical sign-off density) and clock tree, scan and power grid add
// about 30 % on top. Global constant, documented in docs/chip-model.md.
constexpr double kPlacementUtilisation = 0.7;
constexpr double kClockScanPowerGrid = 1.3;
// Horowitz's cell areas are tighter than synthesized units: the Aladdin 40 nm library
// (Design Compiler) gives a 32-bit multiplier of 4600 um^2 vs Horowitz's 3495 um^2 at 45 nm,
// i.e. 1.66x after scaling 40 -> 45 nm (data/chip/logic_fits.yaml).
constexpr double kSynthesisAreaRatio = 1.66;
// Aladdin 40 nm table: a 1-bit register costs 0.009 pJ per clocked cycle (data + clock);
// about half is the clock pin (McPAT's flop model splits it similarly).
constexpr double kRegisterBitPj45 = 0.009;
constexpr double kClockFraction = 0.5;
// Energy of one gate-equivalent toggle at 45 nm / 0.9 V: a 32-bit adder (0.1 pJ, 171 GE)
// toggles about a quarter of its gates per op with random data -> ~2.3 fJ.
constexpr double kGateTogglePj45 = 0.0023;
// Buses run over the blocks on ~4 upper global layers: a quarter of their tracks is area.
constexpr double kBusTrackShare = 0.25;

double log2d(double x) { return std::log2(std::max(x, 1.0)); }

double int_adder_fo4(double width) { return 2 * log2d(width) + 4; }
double int_multiplier_fo4(double width) { return 3 * log2d(width) + int_adder_fo4(2 * width); }

}  // namespace

double std_cell_area_factor() { return kClockScanPowerGrid / kPlacementUtilisation; }
double synthesized_area_ratio() { return kSynthesisAreaRatio; }
double clock_energy_fraction() { return kClockFraction; }
double bus_track_share() { return kBusTrackShare; }

double min_driver_ohm(const Technology& t) {
  // FO4 = 0.69 R0 (4 C0 + C0): R0 = FO4 / (3.45 C0).
  return t.fo4() / (3.45 * t.gate_cap_f);
}

double elmore_delay_s(const Technology& t, WireLayer layer, double length_m, double drive_ohm,
                      double load_f) {
  const double r =
      layer == WireLayer::Local ? t.wire_res_local_ohm_per_m : t.wire_res_global_ohm_per_m;
  const double rw = r * length_m, cw = t.wire_cap_f_per_m * length_m;
  return 0.69 * drive_ohm * (cw + load_f) + 0.38 * rw * cw + 0.69 * rw * load_f;
}

Block wire(const Technology& t, WireLayer layer, double length_m, int64_t bits) {
  Block b;
  if (length_m <= 0 || bits <= 0) return b;
  const double r =
      layer == WireLayer::Local ? t.wire_res_local_ohm_per_m : t.wire_res_global_ohm_per_m;
  const double c = t.wire_cap_f_per_m;
  const double pitch = layer == WireLayer::Local ? t.wire_pitch_local_m : t.wire_pitch_global_m;
  // Unrepeated: a 4x driver into a 4x receiver.
  const double drive = min_driver_ohm(t) / 4, load = 4 * t.gate_cap_f;
  const double unrepeated = elmore_delay_s(t, layer, length_m, drive, load);
  // Bakoglu optimal repeaters: t/L = 2.5 sqrt(R0 C0 r c).
  const double r0c0 = t.fo4() / 3.45;
  const double repeated = 2.5 * length_m * std::sqrt(r0c0 * r * c);
  double cap = c * length_m + load;
  if (repeated < unrepeated) {
    b.delay_s = repeated;
    cap *= 1.4;  // repeater input/output capacitance adds ~40 % at the optimum size
    // Repeaters: one every L_opt = sqrt(2 R0 C0 / (r c)), each ~40x minimum (~20 GE).
    const double l_opt = std::sqrt(2 * r0c0 / (r * c));
    const double repeaters = std::ceil(length_m / l_opt) * static_cast<double>(bits);
    b.area_um2 += repeaters * 20 * t.nand2_area_um2;
    b.leakage_w += repeaters * 20 * t.leakage_w_per_ge * t.leakage_factor();
  } else {
    b.delay_s = unrepeated;
  }
  b.energy_pj = 0.5 * static_cast<double>(bits) * cap * t.vdd2() * 1e12;
  b.area_um2 += static_cast<double>(bits) * pitch * length_m * 1e12;  // routing track area
  return b;
}

Block adder(const Technology& t, model::DType type) {
  const auto fit = logic_fit_for(type, LogicKind::Adder);
  Block b;
  b.area_um2 = fit.area_um2_45 * t.logic_area_scale * kSynthesisAreaRatio * std_cell_area_factor();
  b.energy_pj = fit.energy_pj_45 * t.energy_factor();
  b.leakage_w = b.area_um2 / t.nand2_area_um2 * t.leakage_w_per_ge * t.leakage_factor();
  const double w = fit.width_bits;
  const double fo4 = fit.floating ? 2 * int_adder_fo4(w) + 2 * log2d(w) + 6 : int_adder_fo4(w);
  b.delay_s = fo4 * t.fo4();
  return b;
}

Block multiplier(const Technology& t, model::DType type) {
  const auto fit = logic_fit_for(type, LogicKind::Multiplier);
  Block b;
  b.area_um2 = fit.area_um2_45 * t.logic_area_scale * kSynthesisAreaRatio * std_cell_area_factor();
  b.energy_pj = fit.energy_pj_45 * t.energy_factor();
  b.leakage_w = b.area_um2 / t.nand2_area_um2 * t.leakage_w_per_ge * t.leakage_factor();
  const double w = fit.width_bits;
  b.delay_s = (int_multiplier_fo4(w) + (fit.floating ? 6 : 0)) * t.fo4();
  return b;
}

Block mac(const Technology& t, model::DType operand, model::DType accumulator) {
  const Block m = multiplier(t, operand), a = adder(t, accumulator);
  return {m.area_um2 + a.area_um2, m.energy_pj + a.energy_pj, m.leakage_w + a.leakage_w,
          m.delay_s + a.delay_s};
}

Block flip_flops(const Technology& t, int64_t bits) {
  Block b;
  const double n = static_cast<double>(bits);
  b.area_um2 = n * t.dff_area_um2 * std_cell_area_factor();
  b.energy_pj = n * kRegisterBitPj45 * t.energy_factor();
  b.leakage_w = n * 4.5 * t.leakage_w_per_ge * t.leakage_factor();  // a DFF is ~4.5 GE
  b.delay_s = 3 * t.fo4();                                          // clock-to-q + setup
  return b;
}

Block random_logic(const Technology& t, double gates, double activity) {
  Block b;
  b.area_um2 = gates * t.nand2_area_um2 * std_cell_area_factor();
  b.energy_pj = gates * activity * kGateTogglePj45 * t.energy_factor();
  b.leakage_w = gates * t.leakage_w_per_ge * t.leakage_factor();
  b.delay_s = 10 * t.fo4();
  return b;
}

}  // namespace tessera::chip
