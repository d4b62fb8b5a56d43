// Unit tests of the chip model's levels: technology table, logic fits, SRAM arrays, parser.
#include "tessera/chip/chip_model.h"

#include <gtest/gtest.h>

#include "tessera/chip/circuits.h"
#include "tessera/chip/energy_export.h"
#include "tessera/chip/spec_parser.h"
#include "tessera/chip/sram.h"
#include "tessera/core/error.h"
#include "tessera/perf/runtime_power.h"

namespace tessera::chip {
namespace {

TEST(ChipTechnology, KnownNodesAndUnknownNodeError) {
  EXPECT_EQ(known_nodes().size(), 6u);
  EXPECT_THROW(technology_for(13), Error);
  try {
    technology_for(13);
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("unknown technology node 13"), std::string::npos);
  }
  EXPECT_LT(technology_for(7).energy_factor(), technology_for(28).energy_factor());
}

TEST(ChipCircuits, HorowitzFitsAt45nm) {
  const auto t = technology_for(45);
  // The fits reproduce their own anchors (45 nm, 0.9 V) within 15 %.
  EXPECT_NEAR(multiplier(t, model::DType::Int8).energy_pj, 0.2, 0.03);
  EXPECT_NEAR(adder(t, model::DType::Int32).energy_pj, 0.1, 0.015);
  EXPECT_NEAR(multiplier(t, model::DType::Fp32).energy_pj, 3.7, 0.3);
  // bf16 multiply ~0.62x fp16 (TPUv4i 7 nm ratio 0.21/0.34): a check, not a fit point.
  const double ratio =
      multiplier(t, model::DType::Bf16).energy_pj / multiplier(t, model::DType::Fp16).energy_pj;
  EXPECT_NEAR(ratio, 0.62, 0.1);
}

TEST(ChipSram, HorowitzCacheReadEnergies) {
  const auto t = technology_for(45);
  // Horowitz 45 nm: 64-bit read of an 8 KB array ~10 pJ, of 1 MB ~100 pJ. Within 3x: these
  // are cache numbers (tags, ECC) and tessera models a bare scratchpad array.
  const auto small = memory_array(t, {8 * 1024, 8, 1, 0, CellKind::Sram});
  const auto big = memory_array(t, {1 << 20, 8, 1, 0, CellKind::Sram});
  EXPECT_GT(small.read_energy_pj, 10.0 / 3);
  EXPECT_LT(small.read_energy_pj, 10.0 * 3);
  EXPECT_GT(big.read_energy_pj, small.read_energy_pj * 2);
  EXPECT_LT(big.read_energy_pj, 100.0 * 3);
  EXPECT_THROW(memory_array(t, {0, 8, 1, 0, CellKind::Sram}), Error);
}

TEST(ChipParser, StrictKeysAndPresets) {
  EXPECT_THROW(
      parse_chip_spec("name: x\ntechnology: {node_nm: 28}\nclock_mhz: 700\nbogus: 1\n", "t"),
      Error);
  try {
    parse_chip_spec("name: x\ntechnology: {node_nm: 28, vddd: 1}\nclock_mhz: 7\n", "t.yaml");
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("technology.vddd: unknown key"), std::string::npos);
  }
  for (const auto& p : chip_presets()) {
    const auto r = evaluate_chip(parse_chip_spec(p.yaml, p.name));
    EXPECT_GT(r.area_mm2, 0) << p.name;
    EXPECT_GT(r.tdp_w, 0) << p.name;
  }
}

TEST(ChipModel, ClockSearchAndImpossibleTargets) {
  auto spec = load_chip_spec("tpu-v1");
  spec.clock_hz = 0;
  spec.target_tops = 46;
  const auto r = evaluate_chip(spec);
  EXPECT_NEAR(r.clock_hz, 46e12 / (2.0 * 65536), 1);
  spec.target_tops = 1000;  // needs 7.6 GHz
  EXPECT_THROW(evaluate_chip(spec), Error);
  spec = load_chip_spec("tpu-v1");
  spec.target_tops = 200;  // contradicts 700 MHz
  EXPECT_THROW(evaluate_chip(spec), Error);
  spec = load_chip_spec("tpu-v1");
  spec.area_budget_mm2 = 50;
  EXPECT_THROW(evaluate_chip(spec), Error);
}

// A memory read 2 bytes at a time (ShiDianNao's synapse buffer broadcasts one 16-bit weight
// per cycle) used to find no organisation at all: the width-slicing search started at 8 B.
TEST(ChipModel, NarrowMemoryHasAnOrganisation) {
  const auto r = evaluate_chip(parse_chip_spec(R"(
name: narrow
technology: {node_nm: 65}
clock_mhz: 500
tensor_unit: {rows: 8, cols: 8, dtype: int16, accumulator: int16}
vector_unit: {lanes: 0}
memories:
  - {name: sb, capacity_kib: 128, width_bytes: 2, read_bytes_per_cycle: 2, write_bytes_per_cycle: 2}
  - {name: wide, capacity_kib: 128, width_bytes: 64, read_bytes_per_cycle: 2, write_bytes_per_cycle: 2}
)",
                                               "narrow"));
  const auto* sb = r.find("memory:sb");
  ASSERT_NE(sb, nullptr);
  EXPECT_GT(sb->area_mm2, 0);
  // A 2-byte word costs less per access than a 64-byte one in the same capacity.
  EXPECT_LT(sb->energy_pj.at("read_access"), r.find("memory:wide")->energy_pj.at("read_access"));
}

// A wide, shallow word (DianNao's SB: 64 words of 4096 bits) read through an edge-fed strip of
// subarrays has no H-tree merging the word, so it is much smaller than with a central port.
// An edge-fed array is one strip of >= 2 subarrays that all take part in each access.
TEST(ChipSram, EdgeFedWideWordSavesTheHtree) {
  const Technology t = technology_for(65);
  const auto central = memory_array(t, {16 * 1024, 512, 1, 0, CellKind::Sram, false});
  const auto edge = memory_array(t, {16 * 1024, 512, 1, 0, CellKind::Sram, true});
  EXPECT_LT(edge.area_um2, 0.5 * central.area_um2);
  EXPECT_LT(edge.read_energy_pj, central.read_energy_pj);
  EXPECT_EQ(edge.subarrays * edge.columns / edge.mux, 4096);  // one strip, every subarray read
  EXPECT_GE(edge.subarrays, 2);
}

// port: distributed drops the merge of the slices' words into one port; central (the default)
// keeps CACTI's organisation; auto takes the cheaper. Unknown values are errors naming the key.
TEST(ChipModel, DistributedMemoryPorts) {
  auto spec = [](const std::string& port) {
    return parse_chip_spec(R"(name: t
technology: {node_nm: 65}
clock_mhz: 500
reduction_tree: {inputs: 16, count: 16, dtype: int16, accumulator: int16}
vector_unit: {lanes: 0}
memories:
  - {name: sb, capacity_kib: 32, width_bytes: 512, read_bytes_per_cycle: 512, write_bytes_per_cycle: 32)" +
                               port + "}\n",
                           "t");
  };
  const auto central = evaluate_chip(spec(""));
  const auto dist = evaluate_chip(spec(", port: distributed"));
  const auto automatic = evaluate_chip(spec(", port: auto"));
  EXPECT_EQ(central.find("memory:sb")->detail.find("distributed"), std::string::npos);
  EXPECT_NE(dist.find("memory:sb")->detail.find("distributed"), std::string::npos);
  EXPECT_LT(dist.find("memory:sb")->area_mm2, 0.5 * central.find("memory:sb")->area_mm2);
  EXPECT_LE(automatic.find("memory:sb")->area_mm2, central.find("memory:sb")->area_mm2);
  try {
    spec(", port: sideways");
    FAIL() << "port: sideways accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("memories[0].port"), std::string::npos) << e.what();
  }
}

// The route from a memory's arrays to its port is a bus over the arrays: like the CDB and the
// NoC links it is charged bus_track_share() of its routing tracks (circuits.h).
TEST(ChipCircuits, BusTrackShareIsOneGlobalLayerInFour) {
  EXPECT_DOUBLE_EQ(bus_track_share(), 0.25);
}

TEST(ChipModel, EnergyTableExport) {
  const auto r = evaluate_chip(load_chip_spec("tpu-v1"));
  const auto table = chip_energy_table(r);
  EXPECT_GT(table.mac(model::DType::Int8), 0.1);
  EXPECT_LT(table.mac(model::DType::Int8), 2.0);
  EXPECT_GT(table.read("unified_buffer"), 0);
  EXPECT_GT(table.read("dram"), table.read("unified_buffer"));
  const auto hw = chip_hardware(r);
  EXPECT_NEAR(hw.matrix.at(model::DType::Int8), 91.75e12, 1e11);
  ASSERT_EQ(hw.memory.size(), 4u);  // UB, accumulators, weight FIFO, DRAM
  EXPECT_TRUE(hw.memory.back().off_chip);
  EXPECT_NEAR(hw.memory[0].bandwidth_bytes_per_s, 256 * 700e6, 1);
  ASSERT_TRUE(hw.pe_array.has_value());
  EXPECT_EQ(hw.pe_array->rows, 256);
}

}  // namespace
}  // namespace tessera::chip

namespace tessera::chip {
namespace {

TEST(ChipRuntimePower, FullActivityMatchesComponentDynamicPower) {
  const auto r = evaluate_chip(load_chip_spec("tpu-v1"));
  perf::Activity a;
  a.seconds = 1e-3;
  a.macs = static_cast<double>(r.spec.macs_per_cycle()) * r.clock_hz * a.seconds;
  const auto p = perf::runtime_power(r, a);
  const auto* tu = r.find("tensor_unit");
  // Busy every cycle with random data = the component's dynamic power, and so its TDP
  // (McPAT's convention: peak access rate, random data, plus leakage).
  EXPECT_NEAR(p.by_component_w.at("tensor_unit"), tu->dynamic_w + tu->leakage_w,
              1e-6 * tu->dynamic_w);
  EXPECT_NEAR(p.by_component_w.at("tensor_unit"), tu->tdp_w, 1e-6 * tu->tdp_w);
  EXPECT_LT(p.total_w, r.tdp_w);
  a.read_bytes["no_such_memory"] = 1;
  EXPECT_THROW(perf::runtime_power(r, a), Error);
  a.read_bytes.clear();
  a.seconds = 0;
  EXPECT_THROW(perf::runtime_power(r, a), Error);
}

TEST(ChipModel, TdpConventionAndInPackageDram) {
  auto spec = load_chip_spec("tpu-v2");
  const auto r = evaluate_chip(spec);
  double sum = 0;
  for (const auto& c : r.components) {
    // One activity convention for every component: no data factor at TDP.
    EXPECT_NEAR(c.tdp_w, c.dynamic_w + c.leakage_w, 1e-9 * c.tdp_w) << c.name;
    sum += c.tdp_w;
  }
  EXPECT_NEAR(r.tdp_w, sum, 1e-9 * sum);
  // The HBM2 stacks sit in the package: full bandwidth x 3.9 pJ/bit on top of the die.
  EXPECT_NEAR(r.in_package_dram_w, spec.offchip.dram_gbps * 8e9 * 3.9e-12, 1e-9);
  EXPECT_NEAR(r.package_tdp_w, r.tdp_w + r.in_package_dram_w, 1e-9);
  // Board DRAM (DDR4 here, DDR3 on TPU-v1) is outside the package; the die is unchanged.
  spec.offchip.dram = DramKind::Ddr4;
  spec.offchip.dram_gbps = 51.2;
  const auto board = evaluate_chip(spec);
  EXPECT_EQ(board.in_package_dram_w, 0);
  EXPECT_DOUBLE_EQ(board.package_tdp_w, board.tdp_w);
  const auto v1 = evaluate_chip(load_chip_spec("tpu-v1"));
  EXPECT_EQ(v1.in_package_dram_w, 0);
}

TEST(ChipClockNetwork, GrowsWithDieAndClockAndRunsEveryCycle) {
  auto spec = load_chip_spec("tpu-v1");
  const auto base = evaluate_chip(spec);
  const auto* clk = base.find("clock_network");
  ASSERT_NE(clk, nullptr);
  // Activity 1: the TDP is its dynamic power plus leakage.
  EXPECT_NEAR(clk->tdp_w, clk->dynamic_w + clk->leakage_w, 1e-12);
  EXPECT_NEAR(clk->dynamic_w, clk->energy_pj.at("cycle") * 1e-12 * base.clock_hz, 1e-9);
  spec.clock_hz /= 2;
  const auto slow = evaluate_chip(spec);
  EXPECT_NEAR(slow.find("clock_network")->dynamic_w, clk->dynamic_w / 2, 1e-3 * clk->dynamic_w);
  spec.clock_hz = base.clock_hz;
  spec.cores = 2;  // twice the logic and die: a longer tree
  const auto big = evaluate_chip(spec);
  EXPECT_GT(big.find("clock_network")->dynamic_w, 1.5 * clk->dynamic_w);
  // Charged for the whole runtime, busy or idle.
  perf::Activity idle;
  idle.seconds = 1e-3;
  const auto p = perf::runtime_power(base, idle);
  EXPECT_NEAR(p.by_component_w.at("clock_network"), clk->dynamic_w + clk->leakage_w,
              1e-6 * clk->dynamic_w);
}

}  // namespace
}  // namespace tessera::chip
