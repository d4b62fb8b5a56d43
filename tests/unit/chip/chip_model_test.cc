// Unit tests of the chip model's levels: technology table, logic fits, SRAM arrays, parser.
#include <gtest/gtest.h>

#include "tessera/chip/chip_model.h"
#include "tessera/chip/circuits.h"
#include "tessera/chip/energy_export.h"
#include "tessera/chip/spec_parser.h"
#include "tessera/chip/sram.h"
#include "tessera/core/error.h"

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
  const double ratio = multiplier(t, model::DType::Bf16).energy_pj /
                       multiplier(t, model::DType::Fp16).energy_pj;
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
  EXPECT_THROW(parse_chip_spec("name: x\ntechnology: {node_nm: 28}\nclock_mhz: 700\nbogus: 1\n", "t"),
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

TEST(ChipModel, EnergyTableExport) {
  const auto r = evaluate_chip(load_chip_spec("tpu-v1"));
  const auto table = chip_energy_table(r);
  EXPECT_GT(table.mac(model::DType::Int8), 0.1);
  EXPECT_LT(table.mac(model::DType::Int8), 2.0);
  EXPECT_GT(table.read("unified_buffer"), 0);
  EXPECT_GT(table.read("dram"), table.read("unified_buffer"));
}

}  // namespace
}  // namespace tessera::chip
