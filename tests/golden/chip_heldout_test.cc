// Held-out validation of the chip model (NeuroMeter 003 Sec. II-C method) on published silicon
// that NeuroMeter did not validate against and that no tessera constant was derived from:
// DianNao (ASPLOS'14), ShiDianNao (ISCA'15) and TPUv4i (ISCA'21). Each chip is described only
// by its published organisation (units, memories, clock, node) in data/chip/presets/
// (diannao, shidiannao, tpu-v4i; `tessera chip show <name>`); no per-chip factor. Sources,
// and which numbers were checked (V) or are recalled from the papers (R), are in
// data/chip/calibration.yaml (section heldout). tessera's numbers are pinned (+-5 %) so that
// model changes show; the published figure and the error are printed and documented in
// docs/chip-model.md (Validation). NeuroMeter's own errors on its three chips: <= 10 % power,
// <= 17 % area.
#include <gtest/gtest.h>

#include <cstdio>

#include "tessera/chip/chip_model.h"
#include "tessera/chip/spec_parser.h"

namespace tessera::chip {
namespace {

struct Published {
  const char* chip;
  double area_mm2, power_w;
};

ChipReport evaluate(const char* preset) { return evaluate_chip(load_chip_spec(preset)); }

void print_errors(const Published& p, double area_mm2, double power_w) {
  std::printf("  %-11s area %7.2f mm2 vs %7.2f (%+4.0f %%)  power %7.3f W vs %7.3f (%+4.0f %%)\n",
              p.chip, area_mm2, p.area_mm2, 100 * (area_mm2 / p.area_mm2 - 1), power_w, p.power_w,
              100 * (power_w / p.power_w - 1));
}

// The three specs (data/chip/presets/*.yaml, with their sources):
// - DianNao: 65 nm, 0.98 GHz; NFU of Tn = 16 neurons x 16 synapses of 16-bit fixed point as 16
//   reduction trees of 16 inputs; NBin 2 KB, NBout 2 KB, SB 32 KB, the NFU reading a 512 B
//   synapse block and a 32 B neuron vector per cycle. Published after layout: 3.02 mm^2,
//   485 mW (V); organisation (R).
// - ShiDianNao: 65 nm, 1 GHz; 8x8 output-stationary mesh of 16-bit PEs, the kernel value
//   broadcast; NBin 64 KB, NBout 64 KB, SB 128 KB, IB 32 KB. Published after layout: 4.86 mm^2,
//   320 mW (V); organisation (R).
// - TPUv4i: 7 nm, 1050 MHz, one TensorCore with four 128x128 bf16 MXUs (138 TOPS), a 128x8-lane
//   VPU, 16 MiB VMem, 128 MiB CMEM, 2 HBM2 stacks (614 GB/s), 2 ICI links, PCIe Gen4; die
//   < 400 mm^2, TDP 175 W (V via a secondary copy of Table 1; the VPU width, the links and PCIe
//   are R). 21 % white space as TPU-v1/-v2; the package TDP includes the HBM stacks.

// What tessera computes (pinned +-5 %). Round 3 (CACTI side by side: a port beyond the first
// adds CACTI's transistor-sized decoder and column periphery instead of another 100-pitch
// macro periphery) moved DianNao from 4.40 mm^2 / 1.28 W (its SB is now one 1R1W bank instead
// of two 1RW banks, its DMA staging buffer smaller) and ShiDianNao from 4.57 mm^2 / 0.556 W.
constexpr double kDianNaoAreaMm2 = 4.45, kDianNaoTdpW = 1.14;
constexpr double kShiDianNaoAreaMm2 = 4.45, kShiDianNaoTdpW = 0.548;
constexpr double kTpuV4iAreaMm2 = 238.0, kTpuV4iPackageTdpW = 154.8;

TEST(ChipHeldout, DianNao) {
  const auto r = evaluate("diannao");
  const Published p{"DianNao", 3.02, 0.485};
  print_errors(p, r.area_mm2, r.tdp_w);
  // 256 16-bit MACs at 0.98 GHz: 502 GOP/s counting a MAC as 2 ops; DianNao quotes 452 GOP/s
  // for its own op count (multiplications + adder-tree additions).
  EXPECT_NEAR(r.peak_tops, 0.502, 0.001);
  EXPECT_NEAR(r.area_mm2, kDianNaoAreaMm2, 0.05 * kDianNaoAreaMm2);
  EXPECT_NEAR(r.tdp_w, kDianNaoTdpW, 0.05 * kDianNaoTdpW);
  // Area 1.47x the layout's. The buffers are distributed (the preset's port: distributed):
  // each word is one operand vector handed lane by lane to the NFU, so the SB (32 KB, 64 words
  // of 4096 bits) is a strip of 16 edge-fed 64x256 subarrays (one 1R1W bank) whose sense
  // amplifiers drive the multipliers in front of them, 1.36 mm^2. With CACTI's central port (the
  // default) the 4096-bit word was merged by an H-tree (3 tracks per bit) and the search settled on
  // 128 arrays of 32x64 cells: 4.4 mm^2, the chip 7.9 mm^2 (+161 %). What remains above the layout:
  // the 256 16-bit multipliers and 16 adder trees (2.1 mm^2: Horowitz's 16-bit multiplier
  // area interpolated, x 1.66 synthesis, x 1.86 placement/clock/grid, x 1.50 for 65 nm), the
  // generic IFU/LSU and DMA (0.9 mm^2, each with a small SRAM whose 100-pitch periphery
  // dominates) and the SB's periphery (its cells are 0.14 mm^2). Power 2.35x the published
  // 485 mW: tessera's TDP charges random data (activity 0.5) at the peak rate; the 256 16-bit
  // MACs alone take 0.55 W at Horowitz's energies x Stillmaker's 65 nm factor (2.2 pJ per MAC
  // with operand registers), where DianNao's 485 mW (1.9 pJ per MAC for the whole chip) is a
  // layout power with benchmark activity.
  EXPECT_LT(r.area_mm2, 1.6 * p.area_mm2);
  EXPECT_GT(r.area_mm2, p.area_mm2);
  EXPECT_GT(r.tdp_w, p.power_w);
  EXPECT_NEAR(r.area_share("memory:sb"), 0.31, 0.05);
  EXPECT_NEAR(r.area_share("reduction_tree"), 0.48, 0.05);
  // The same spec with CACTI's central ports everywhere: the wide SB word's H-tree.
  auto central = load_chip_spec("diannao");
  for (auto& m : central.memories) m.port = MemoryPort::Central;
  const auto c = evaluate_chip(central);
  EXPECT_NEAR(c.area_mm2, 7.89, 0.05 * 7.89);
  EXPECT_NEAR(c.find("memory:sb")->area_mm2, 4.37, 0.05 * 4.37);
}

TEST(ChipHeldout, ShiDianNao) {
  const auto r = evaluate("shidiannao");
  const Published p{"ShiDianNao", 4.86, 0.320};
  print_errors(p, r.area_mm2, r.tdp_w);
  EXPECT_NEAR(r.peak_tops, 0.128, 0.001);
  EXPECT_NEAR(r.area_mm2, kShiDianNaoAreaMm2, 0.05 * kShiDianNaoAreaMm2);
  EXPECT_NEAR(r.tdp_w, kShiDianNaoTdpW, 0.05 * kShiDianNaoTdpW);
  // Area -8 %: the 288 KB of SRAM is 3.3 mm^2 (cells 1.2 mm^2); the PEs' input FIFOs
  // (FIFO-H/FIFO-V), the pooling/activation ALU and the decoder are only tessera's generic
  // IFU/LSU and DMA. Power +71 %: the same TDP-vs-layout-power caveat as DianNao (every
  // memory at its peak rate: NBin and NBout read and write 16 B every cycle, 0.16 W).
  EXPECT_NEAR(r.area_mm2, p.area_mm2, 0.17 * p.area_mm2);  // NeuroMeter's area bound
  EXPECT_GT(r.tdp_w, p.power_w);
  EXPECT_LT(r.tdp_w, 2 * p.power_w);
}

TEST(ChipHeldout, TpuV4i) {
  const auto r = evaluate("tpu-v4i");
  const Published p{"TPUv4i", 400, 175};
  print_errors(p, r.area_mm2, r.package_tdp_w);
  EXPECT_NEAR(r.peak_tops, 137.6, 0.1);
  EXPECT_NEAR(r.area_mm2, kTpuV4iAreaMm2, 0.05 * kTpuV4iAreaMm2);
  EXPECT_NEAR(r.package_tdp_w, kTpuV4iPackageTdpW, 0.05 * kTpuV4iPackageTdpW);
  // Area 0.59x the published bound (TPU-v1 0.56x, TPU-v2 0.55x: the same pattern on all three
  // Google dies, whose sizes are published only as upper bounds). TDP -12 %: the per-op
  // energies at 7 nm are TPUv4i's own (chip_energy_anchors_test.cc), so the remainder is
  // structure and margin, as for TPU-v1 (-21 %).
  EXPECT_LT(r.area_mm2, p.area_mm2);
  EXPECT_GT(r.area_mm2, 0.5 * p.area_mm2);
  EXPECT_LT(r.package_tdp_w, p.power_w);
  EXPECT_GT(r.package_tdp_w, 0.75 * p.power_w);
}

}  // namespace
}  // namespace tessera::chip
