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

// What tessera computes (pinned +-5 %).
constexpr double kDianNaoAreaMm2 = 7.89, kDianNaoTdpW = 1.97;
constexpr double kShiDianNaoAreaMm2 = 4.57, kShiDianNaoTdpW = 0.556;
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
  // Area 2.6x the layout's: the SB (32 KB read 512 B at a time, 64 words deep) is 4.4 mm^2 of
  // tessera's 7.9. tessera's SRAM model routes every access through an H-tree to one port
  // (3 tracks per bit, CACTI-style), so a 4096-bit word costs more in tracks than in cells
  // whatever the organisation (the search settles on 128 arrays of 32x64 cells); DianNao's
  // SB is an array as wide as the NFU it feeds, with no such tree. Counting no tree inside an
  // access group would give 5.2 mm^2 (+72 %) but also move ShiDianNao to -30 %, NVDLA to
  // -8..-45 % and the TPUs further below their bounds (docs/chip-model.md, Validation); not
  // applied. Power 4.1x the published 485 mW: tessera's TDP charges random data (activity
  // 0.5) at the peak rate; the 256 16-bit MACs alone take 0.55 W at Horowitz's energies x
  // Stillmaker's 65 nm factor (2.2 pJ per MAC with operand registers) and the 4096-bit SB word
  // 0.95 W, where DianNao's 485 mW (1.9 pJ per MAC for the whole chip) is a layout power with
  // benchmark activity.
  EXPECT_LT(r.area_mm2, 3 * p.area_mm2);
  EXPECT_GT(r.area_mm2, p.area_mm2);
  EXPECT_GT(r.tdp_w, p.power_w);
  EXPECT_GT(r.area_share("memory:sb"), 0.5);
}

TEST(ChipHeldout, ShiDianNao) {
  const auto r = evaluate("shidiannao");
  const Published p{"ShiDianNao", 4.86, 0.320};
  print_errors(p, r.area_mm2, r.tdp_w);
  EXPECT_NEAR(r.peak_tops, 0.128, 0.001);
  EXPECT_NEAR(r.area_mm2, kShiDianNaoAreaMm2, 0.05 * kShiDianNaoAreaMm2);
  EXPECT_NEAR(r.tdp_w, kShiDianNaoTdpW, 0.05 * kShiDianNaoTdpW);
  // Area -6 %: the 288 KB of SRAM is 3.3 mm^2 (cells 1.2 mm^2); the PEs' input FIFOs
  // (FIFO-H/FIFO-V), the pooling/activation ALU and the decoder are only tessera's generic
  // IFU/LSU and DMA. Power +74 %: the same TDP-vs-layout-power caveat as DianNao (every
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
