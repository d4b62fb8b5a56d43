// Chip model vs published silicon (NeuroMeter 003 Sec. II-C, Figs. 3-5). Reference numbers
// and their sources are in data/chip/calibration.yaml; every gap is explained beside its test.
// NeuroMeter's own errors: <=10 % power and <=17 % area on TPU-v1/-v2/Eyeriss.
#include <gtest/gtest.h>

#include <cstdio>

#include "tessera/chip/chip_model.h"
#include "tessera/chip/spec_parser.h"
#include "tessera/perf/runtime_power.h"

namespace tessera::chip {
namespace {

ChipReport preset(const std::string& name) { return evaluate_chip(load_chip_spec(name)); }

// What tessera computes (pinned; see each test for the published value and the gap).
constexpr double kTpuV1TdpW = 56.7;
constexpr double kTpuV2PackageTdpW = 139.2;
constexpr double kEyerissConv1W = 0.223;
constexpr double kEyerissConv5W = 0.166;

TEST(ChipValidation, TpuV1AreaAndTdp) {
  const auto r = preset("tpu-v1");
  EXPECT_NEAR(r.peak_tops, 91.75, 0.1);
  // Published: die < 331 mm^2 (an upper bound, ISCA'17). tessera: ~175 mm^2 with 21 % white
  // space (194 before memory port routes got the buses' track share, 185 before the UB,
  // accumulators and weight FIFO got distributed ports, 2026-11). The gap to the bound
  // (NeuroMeter: within 10 % of 331) is mostly the MXU, which tessera builds bottom-up from
  // Horowitz/Aladdin arithmetic cells: 48 mm^2 against ~79 mm^2 (24 % of 331) on the floorplan. We
  // do not scale logic per chip to close it.
  EXPECT_LE(r.area_mm2, 331);
  EXPECT_GE(r.area_mm2, 0.5 * 331);
  // TDP 75 W published (NeuroMeter: < 5 %). tessera, McPAT's TDP convention (every unit at
  // its peak access rate with random data, leakage at 85 C; chip_model.h): kTpuV1TdpW
  // below. The DDR3 devices are on the board, so the package TDP is the die's. The gap is
  // discussed in docs/chip-model.md (Validation); pinned (+-5 %), direction checked. (56.0 W
  // until 2026-11, when the weight shift register of every WS cell, which carries the next
  // tile down the column while the current one computes, was counted as switching at the
  // peak rate instead of held: +3.3 W. TPU-v2 +3.2 W, the held-out TPUv4i +6.0 W. 58.9 ->
  // 56.7 W when the UB, accumulators and weight FIFO got distributed ports: no H-tree merging
  // their 256 B - 1 KiB words, -2.2 W with the shorter CDB links to the smaller memories.)
  EXPECT_NEAR(r.tdp_w, kTpuV1TdpW, 0.05 * kTpuV1TdpW);
  EXPECT_DOUBLE_EQ(r.package_tdp_w, r.tdp_w);
  EXPECT_LT(r.package_tdp_w, 75);
  EXPECT_GT(r.package_tdp_w, 0.6 * 75);
  EXPECT_NEAR(r.tdp_share("clock_network"), 0.025, 0.01);
  // The systolic array is the largest consumer (NeuroMeter: 56 % of TDP; tessera 61 %).
  EXPECT_NEAR(r.tdp_share("tensor_unit"), 0.56, 0.1);
}

TEST(ChipValidation, TpuV1AreaBreakdown) {
  const auto r = preset("tpu-v1");
  // Published floorplan shares (ISCA'17 Fig. 2 as quoted by NeuroMeter): UB 29 %, MXU 24 %,
  // accumulators 6 %, DRAM port 2.8 %, PCIe 1.8 %. Within 5 percentage points each (tessera:
  // 31.6 / 27.4 / 5.7 / 3.5 / 2.3 %; the accumulators were 7.6 % with a central port, their
  // 1 KiB word merged by an H-tree, and are 64 distributed slices along the MXU now).
  EXPECT_NEAR(r.area_share("memory:unified_buffer"), 0.29, 0.05);
  EXPECT_NEAR(r.area_share("tensor_unit"), 0.24, 0.05);
  EXPECT_NEAR(r.area_share("memory:accumulators"), 0.06, 0.05);
  EXPECT_NEAR(r.area_share("memory:accumulators"), 0.057, 0.005);  // pinned
  EXPECT_NEAR(r.area_share("memory_controller"), 0.028, 0.02);
  EXPECT_NEAR(r.area_share("pcie"), 0.018, 0.02);
  EXPECT_NEAR(r.white_space_mm2 / r.area_mm2, 0.21, 1e-9);
}

TEST(ChipValidation, TpuV2AreaAndTdp) {
  const auto r = preset("tpu-v2");
  EXPECT_NEAR(r.peak_tops, 45.9, 0.1);
  // Published: < 611 mm^2 (NeuroMeter 513 mm^2). tessera ~335 mm^2, same MXU gap as TPU-v1.
  EXPECT_LE(r.area_mm2, 611);
  EXPECT_GE(r.area_mm2, 0.5 * 611);
  // Published TDP 280 W (NeuroMeter 255 W). tessera, same convention as TPU-v1: the die
  // (two 128x128 bf16 arrays, 1024 fp32 VU lanes, a VMem banked for one full vreg load and
  // store per cycle, HBM and ICI PHYs, the clock network) plus the four HBM stacks under the
  // package lid at full bandwidth (700 GB/s x 3.9 pJ/bit = 21.8 W, Chatterjee MICRO'17):
  // kTpuV2PackageTdpW. 280 W is a training chip's design power whose composition is not
  // published; pinned (+-10 %) with the direction checked (docs/chip-model.md).
  EXPECT_NEAR(r.in_package_dram_w, 700e9 * 8 * 3.9e-12, 1e-6);
  EXPECT_NEAR(r.package_tdp_w, kTpuV2PackageTdpW, 0.1 * kTpuV2PackageTdpW);
  EXPECT_LT(r.package_tdp_w, 280);
  // NeuroMeter found VMem needs 4 banks of 2R+1W for its throughput; tessera banks it 64 x 1RW
  // for the VPU's 4 KiB loads and stores per cycle (plus the MXU's 256 B).
  EXPECT_GE(r.find("memory:vmem")->tdp_w, 0.15 * r.tdp_w);
  // Published shares: ICI 5 % (NeuroMeter 12 %), HBM ports 5 % (NeuroMeter 9 %), PCIe 2 %.
  EXPECT_NEAR(r.area_share("chip_links"), 0.05, 0.07);
  EXPECT_NEAR(r.area_share("memory_controller"), 0.05, 0.08);
  EXPECT_NEAR(r.area_share("pcie"), 0.02, 0.02);
}

TEST(ChipValidation, EyerissArea) {
  const auto r = preset("eyeriss");
  EXPECT_NEAR(r.peak_tops, 0.0672, 1e-3);
  // Core 3.5 x 3.5 = 12.25 mm^2 (JSSC'17; the 16 mm^2 die adds the pad ring, not modelled).
  // NeuroMeter: within 15 %. tessera: 12.0 mm^2, -2 % (+17 % before round 3, when
  // the GLB's second port repeated the 100-pitch macro periphery); checked within 20 %.
  EXPECT_NEAR(r.area_mm2, 12.25, 0.2 * 12.25);
  // The PE array dominates (spads in every PE), then the global buffer.
  EXPECT_GT(r.area_share("tensor_unit"), r.area_share("memory:global_buffer"));
}

// Activity from the published per-layer statistics, as NeuroMeter does (003 Sec. II-C,
// footnote 3: processing time, active PEs, zeros in the ifmaps, global-buffer accesses).
// Eyeriss JSSC'17 Table V (AlexNet CONV layers, 1 V, 200 MHz, batch 4); recalled, and
// cross-checked by the table's own sums against the abstract (data/chip/calibration.yaml):
// the five latencies add up to 115.3 ms = 4 frames at 34.7 fps ("35 frames/s") and the
// latency-weighted mean of the five powers is 278 mW ("278 mW").
struct EyerissLayer {
  double power_w, latency_s, macs, active_pes, zero_fraction, glb_bytes;
};
constexpr EyerissLayer kConv1{0.332, 20.9e-3, 4.0 * 55 * 55 * 96 * 363, 154, 0.0001, 18.5e6};
constexpr EyerissLayer kConv5{0.236, 10.5e-3, 4.0 * 13 * 13 * 256 * 1728, 156, 0.776, 24.9e6};

perf::RuntimePower eyeriss_layer(const EyerissLayer& l) {
  const auto chip = preset("eyeriss");
  perf::Activity a;
  a.seconds = l.latency_s;
  a.macs = l.macs * (1 - l.zero_fraction);  // zero ifmaps gate the MAC and the spad reads
  a.busy_cell_cycles = l.active_pes * chip.clock_hz * l.latency_s;
  a.read_bytes["global_buffer"] = l.glb_bytes * 0.75;  // read/write split assumed
  a.write_bytes["global_buffer"] = l.glb_bytes * 0.25;
  return perf::runtime_power(chip, a);
}

TEST(ChipValidation, EyerissLayerStatisticsAreConsistent) {
  // The MAC counts are AlexNet's shapes (CONV1 422 M, CONV5 299 M in the table).
  EXPECT_NEAR(kConv1.macs / 1e6, 422, 1);
  EXPECT_NEAR(kConv5.macs / 1e6, 299, 1);
  // Table V's five layers (power mW, latency ms) against the abstract (verified): 35 frames/s
  // at batch 4 and 278 mW on AlexNet's CONV layers.
  const double power_mw[] = {332, 288, 266, 235, 236},
               latency_ms[] = {20.9, 41.9, 23.6, 18.4, 10.5};
  double total_ms = 0, energy = 0;
  for (int i = 0; i < 5; ++i) total_ms += latency_ms[i], energy += power_mw[i] * latency_ms[i];
  EXPECT_NEAR(4 / (total_ms * 1e-3), 35, 0.5);
  EXPECT_NEAR(energy / total_ms, 278, 1);
  EXPECT_DOUBLE_EQ(latency_ms[0] * 1e-3, kConv1.latency_s);
  EXPECT_DOUBLE_EQ(latency_ms[4] * 1e-3, kConv5.latency_s);
}

TEST(ChipValidation, EyerissRuntimePowerAlexNet) {
  const auto conv1 = eyeriss_layer(kConv1);
  const auto conv5 = eyeriss_layer(kConv5);
  // Published 332 mW and 236 mW (NeuroMeter: +11 % and -13 %). The measured energy is
  // 16.4 pJ per MAC in CONV1 (332 mW x 20.9 ms / 422 M) where tessera's per-action energies
  // give 11.0 pJ for the whole chip: -33 % and -31 %. Those per-action energies are checked
  // against published anchors in chip_energy_anchors_test.cc (16-bit MAC 1.35 pJ at 65 nm /
  // 1.0 V; spad, NoC and GLB at 1.2x, 2.5x and 3.2x a MAC against Eyeriss's own 1x, 2x, 6x).
  // Before the 65 nm logic energy was taken from Stillmaker & Baas (x1.96 at 1.1 V instead of
  // the extrapolated (65/45)^0.6 = 1.25) the chip gave 171 / 133 mW (-48 / -44 %). The rest
  // is what the anchors do not cover: the clock network (27 mW from wires and buffers) and the
  // PE control/buses per active PE-cycle are tessera's estimates, and NeuroMeter's empirical
  // MAC/spad fits and clock amortisation are not published. Spad reads and the MAC are
  // charged per non-zero MAC (zero gating), registers, PE control, buses and the clock per
  // active PE-cycle, so CONV5's 77.6 % zeros lower its power: 0.74x CONV1's (measured 0.71x).
  // Not tuned to Eyeriss; pinned (+-10 %) so that model changes are seen, directions checked.
  std::printf("eyeriss conv1 %.3f W conv5 %.3f W\n", conv1.total_w, conv5.total_w);
  for (const auto& [name, w] : conv1.by_component_w)
    std::printf("  conv1 %s %.4f W\n", name.c_str(), w);
  EXPECT_NEAR(conv1.total_w, kEyerissConv1W, 0.1 * kEyerissConv1W);
  EXPECT_NEAR(conv5.total_w, kEyerissConv5W, 0.1 * kEyerissConv5W);
  EXPECT_NEAR(conv1.by_component_w.at("clock_network"), 0.027, 0.005);
  EXPECT_LT(conv1.total_w, kConv1.power_w);
  EXPECT_LT(conv5.total_w, kConv5.power_w);
  EXPECT_GT(conv1.total_w, 1.15 * conv5.total_w);
}

// NVDLA open-source configurations (nvdla.org primer table, 28 nm synthesis area including
// the convolution buffer; clock not published, 1 GHz assumed). The MAC array is a set of
// Atomic-K dot-product units of Atomic-C inputs: reduction trees. Looser tolerance (35 %):
// the primer's areas include the SDP/PDP/CDP post-processors and DMA we only approximate.
ChipSpec nvdla(int64_t atomic_c, int64_t atomic_k, int64_t cbuf_kib) {
  ChipSpec s;
  s.name = "nvdla";
  s.technology.node_nm = 28;
  s.clock_hz = 1e9;
  s.reduction_tree = {atomic_c, atomic_k, model::DType::Int8, model::DType::Int32};
  s.vector_unit.lanes = atomic_k;
  s.vector_unit.dtype = model::DType::Int32;
  s.vector_unit.vreg_entries = 4;
  s.vector_unit.port_groups = 1;  // the feature vector is broadcast to every Atomic-K unit
  MemorySpec cbuf;
  cbuf.name = "cbuf";
  cbuf.capacity_bytes = cbuf_kib * 1024;
  // The feature vector is broadcast to all Atomic-K units; weights stream in alongside.
  cbuf.read_bytes_per_cycle = static_cast<double>(2 * atomic_c);
  cbuf.write_bytes_per_cycle = static_cast<double>(atomic_k);
  s.memories.push_back(cbuf);
  s.scalar_unit = false;
  return s;
}

TEST(ChipValidation, NvdlaConfigurations) {
  struct Row {
    int64_t c, k, cbuf_kib;
    double area_mm2;
  };
  for (const Row& row :
       {Row{64, 32, 512, 5.5}, Row{32, 16, 256, 2.3}, Row{16, 8, 256, 1.4}, Row{8, 4, 128, 0.85}}) {
    const auto r = evaluate_chip(nvdla(row.c, row.k, row.cbuf_kib));
    std::printf("nvdla %lld MACs: %.2f mm2\n", static_cast<long long>(row.c * row.k), r.area_mm2);
    EXPECT_NEAR(r.area_mm2, row.area_mm2, 0.35 * row.area_mm2)
        << row.c * row.k << " MACs, " << row.cbuf_kib << " KiB";
  }
}

}  // namespace
}  // namespace tessera::chip
