// Energies from the chip model: levels bound to chip memories by role, and the nest's energy
// equal to Σ accesses × the chip's energy per access on a nest small enough to count by hand.
#include "tessera/map/chip_energy.h"

#include <gtest/gtest.h>

#include <functional>

#include "tessera/chip/energy_export.h"
#include "tessera/chip/spec_parser.h"
#include "tessera/core/error.h"
#include "tessera/map/mapping.h"
#include "tessera/map/model_mapping.h"
#include "tessera/map/nest_analysis.h"
#include "tessera/map/reference_hardware.h"

namespace tessera::map {
namespace {

chip::ChipReport chip_report(const std::string& name) {
  return chip::evaluate_chip(chip::load_chip_spec(name));
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(ChipEnergy, RolesComeFromStructureNotNames) {
  const MapArch a = make_arch(gemmini_like_hardware());
  ASSERT_EQ(a.num_levels, 5);  // registers, accumulator, scratchpad, l2, dram
  EXPECT_EQ(level_role(a, 0), LevelRole::Registers);
  EXPECT_EQ(level_role(a, 1), LevelRole::Accumulator);
  EXPECT_EQ(level_role(a, 2), LevelRole::Scratchpad);
  EXPECT_EQ(level_role(a, 3), LevelRole::SharedBuffer);
  EXPECT_EQ(level_role(a, 4), LevelRole::Dram);
  // TPU v1 names its accumulator "accumulators": found by its width (256 int32 lanes).
  hw::Hardware renamed = gemmini_like_hardware();
  renamed.memory[1].name = "psum_sram";
  const MapArch r = make_arch(renamed);
  const ChipEnergyBinding b =
      bind_chip_energy(r, chip_report("tpu-v1"), {"scratchpad=unified_buffer", "l2=spec"});
  EXPECT_EQ(b.levels[1].level, "psum_sram");
  EXPECT_EQ(b.levels[1].source, "memory:accumulators");
  EXPECT_EQ(b.levels[4].source, "memory_controller");
}

// matmul 16×16×16 on gemmini-like: weights stationary in the PEs (M iterates inside them), K
// down the 16 rows, N across the 16 columns, nothing tiled above.
TEST(ChipEnergy, NestEnergyIsAccessesTimesChipEnergyOnAHandCountedNest) {
  const LoopProblem p = parse_loop_problem("matmul:m=16,k=16,n=16");
  const MapArch spec_arch = make_arch(gemmini_like_hardware());
  const chip::ChipReport report = chip_report("gemmini");
  const ChipEnergyBinding b = bind_chip_energy(spec_arch, report, {"l2=spec", "dram=spec"});
  const MapArch chip_arch = apply_chip_energy(spec_arch, b);
  const Mapping m = mapping_from_yaml(R"(levels:
  - {level: dram, keep: [weights, inputs, outputs]}
  - {level: l2, keep: []}
  - {level: scratchpad, keep: [weights, inputs]}
  - {level: accumulator, spatial_x: {N: 16}, spatial_y: {K: 16}, keep: [outputs]}
  - {level: registers, temporal: {M: 16}, order: [M], keep: [weights]})",
                                      p, spec_arch);
  const NestResult r = analyze_nest(p, chip_arch, m);
  ASSERT_TRUE(r.valid());

  // By hand. Weights: 256 B DRAM → scratchpad → PE registers (registers cost nothing extra: the
  // chip's per-MAC energy includes the cell's registers). Inputs: 256 B DRAM → scratchpad → the
  // array (each read once, multicast across the columns). Outputs: each of the 16×16 written
  // once into the accumulator (K is reduced in the array) and read once on its way to DRAM as
  // int32, leaving requantised to 1 B.
  const hw::EnergyTable t = chip::chip_energy_table(report);
  const double mac_pj = t.mac(model::DType::Int8);
  const double acc_pj = 256 * 4 * t.read("accumulator") + 256 * 4 * t.write("accumulator");
  const double spad_pj = 512 * t.read("scratchpad") + 512 * t.write("scratchpad");
  const double dram_pj = (512 + 256) * 160.0;  // spec energy, bound with dram=spec
  EXPECT_EQ(r.macs, 4096);
  EXPECT_NEAR(r.level_energy_pj[0], 0.0, 1e-12);
  EXPECT_NEAR(r.level_energy_pj[1], acc_pj, 1e-9 * acc_pj);
  EXPECT_NEAR(r.level_energy_pj[2], spad_pj, 1e-9 * spad_pj);
  EXPECT_NEAR(r.level_energy_pj[4], dram_pj, 1e-9 * dram_pj);
  EXPECT_NEAR(r.energy_pj, 4096 * mac_pj + acc_pj + spad_pj + dram_pj, 1e-6);

  // The spec's own table gives a different total, the same latency.
  const NestResult s = analyze_nest(p, spec_arch, m);
  EXPECT_EQ(s.cycles, r.cycles);
  EXPECT_NE(s.energy_pj, r.energy_pj);
  EXPECT_NEAR(s.level_energy_pj[1], 512 * 4 * 3.0, 1e-9);  // gemmini-like: 3 pJ/B accumulator
}

TEST(ChipEnergy, LevelsWithoutEnergyAreErrorsNamingTheLevel) {
  const MapArch a = make_arch(gemmini_like_hardware());
  const chip::ChipReport gemmini = chip_report("gemmini");
  // The Gemmini chip has no shared L2 and no DRAM interface.
  EXPECT_NE(error_of([&] { bind_chip_energy(a, gemmini); }).find("level 'l2'"), std::string::npos);
  EXPECT_NE(error_of([&] {
              bind_chip_energy(a, gemmini, {"l2=spec"});
            }).find("no DRAM interface (offchip.dram), so level 'dram'"),
            std::string::npos);
  // TPU v1 has two operand buffers: the scratchpad is ambiguous until bound.
  EXPECT_NE(error_of([&] {
              bind_chip_energy(a, chip_report("tpu-v1"), {"l2=spec"});
            }).find("matches 2 of the chip's memories"),
            std::string::npos);
  EXPECT_NE(error_of([&] { bind_chip_energy(a, gemmini, {"l3=spec"}); }).find("no level 'l3'"),
            std::string::npos);
  EXPECT_NE(error_of([&] { bind_chip_energy(a, gemmini, {"l2=sram"}); }).find("no memory 'sram'"),
            std::string::npos);
  EXPECT_NE(error_of([&] { bind_chip_energy(a, gemmini, {"l2"}); }).find("LEVEL=MEMORY"),
            std::string::npos);
}

TEST(ChipEnergy, WholeModelEnergyFollowsTheChip) {
  workload::Workload w;
  w.model = "two-matmuls";
  for (int i = 0; i < 2; ++i) {
    workload::Op op;
    op.name = "mm" + std::to_string(i);
    op.kind = model::OpKind::MatMul;
    op.problem.kind = workload::ProblemKind::Matmul;
    op.problem.matmul = {1, 64, 128, 64, true};
    op.macs = 64 * 128 * 64;
    w.ops.push_back(op);
  }
  SearchOptions o;
  o.objective = Objective::Latency;
  const hw::Hardware h = gemmini_like_hardware();
  const ModelMapping spec = map_workload(w, h, "heuristic", o);
  const ModelMapping chip =
      map_workload(w, h, "heuristic", o, {"gemmini", {"l2=spec", "dram=spec"}});
  EXPECT_DOUBLE_EQ(spec.latency_s, chip.latency_s);
  EXPECT_NE(spec.energy_j, chip.energy_j);
  EXPECT_THROW(map_workload(w, h, "heuristic", o, {"", {"l2=spec"}}), Error);
  // The mapped evaluator takes the same source.
  MappedEvaluator evaluator("heuristic", o, {"gemmini", {"l2=spec", "dram=spec"}});
  const perf::ModelCost mc = perf::evaluate_workload(evaluator, w, h);
  EXPECT_NEAR(mc.total.energy_j, chip.energy_j, chip.energy_j * 1e-9);
}

}  // namespace
}  // namespace tessera::map
