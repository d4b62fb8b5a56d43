// Golden: tessera's systolic-array timing (the analytical model's tiling, issue #4) side by side
// with SCALE-Sim's own reference reports (data/reference/scalesim_reference.yaml: the golden
// files scale-sim-v2's CI compares its runs against, repository paths and commits there).
//
// Each point is expressed on the `scalesim-32x32` preset (SCALE-Sim's default config: 32 x 32
// array, serial folds, 3 x 64 KB SRAMs, 1-byte words, 10 B/cycle DRAM) with the point's dataflow.
// Conventions converted here (docs/evaluators.md "SCALE-Sim side by side"):
// - SCALE-Sim's Total Cycles is the index of the last cycle: tessera's cycle count - 1.
// - SCALE-Sim never tiles the streamed dimension: its SRAM sizes change stalls and DRAM traffic,
//   not the folds. The compute comparison therefore gives tessera SRAMs that hold the whole
//   layer, so its one tile has exactly SCALE-Sim's folds; the memory comparison keeps the
//   64 KB SRAMs and is pinned (the two memory models differ; see there).
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <cstdio>
#include <string>
#include <vector>

#include "tessera/hw/spec_parser.h"
#include "tessera/map/arch.h"
#include "tessera/map/loop_problem.h"
#include "tessera/map/mapping.h"
#include "tessera/map/nest_analysis.h"
#include "tessera/perf/analytical.h"

namespace tessera::perf {
namespace {

struct Point {
  std::string name, dataflow;
  int64_t rows = 0, cols = 0, sr = 0, t = 0, sc = 0;  // GEMM [sr x t] x [t x sc]
  double total_cycles = 0, stall_cycles = 0, overall_util_pct = 0, mapping_eff_pct = 0;
  double dram_read_words = 0, dram_write_words = 0;
  double macs() const { return static_cast<double>(sr) * static_cast<double>(t) * sc; }
  double compute_cycles() const { return total_cycles - stall_cycles; }  // SCALE-Sim's index
};

std::vector<Point> load_points() {
  YAML::Node root =
      YAML::LoadFile(std::string(TESSERA_SOURCE_DIR) + "/data/reference/scalesim_reference.yaml");
  std::vector<Point> points;
  for (const auto& n : root["points"]) {
    Point p;
    p.name = n["name"].as<std::string>();
    p.rows = n["array"]["rows"].as<int64_t>();
    p.cols = n["array"]["cols"].as<int64_t>();
    p.dataflow = n["array"]["dataflow"].as<std::string>();
    p.sr = n["gemm"]["sr"].as<int64_t>();
    p.t = n["gemm"]["t"].as<int64_t>();
    p.sc = n["gemm"]["sc"].as<int64_t>();
    p.total_cycles = n["total_cycles"].as<double>();
    p.stall_cycles = n["stall_cycles"].as<double>();
    p.overall_util_pct = n["overall_util_pct"].as<double>();
    p.mapping_eff_pct = n["mapping_efficiency_pct"].as<double>();
    if (n["dram_reads"]) {  // the third-party sweep published compute reports only
      p.dram_read_words =
          n["dram_reads"]["ifmap"].as<double>() + n["dram_reads"]["filter"].as<double>();
      p.dram_write_words = n["dram_writes"]["ofmap"].as<double>();
    }
    points.push_back(p);
  }
  return points;
}

// 1-byte words throughout, as SCALE-Sim. Extra overrides on top of the point's array.
MatmulTiling tile(const Point& p, std::vector<std::string> overrides) {
  overrides.push_back("pe_array.dataflow=" + p.dataflow);
  overrides.push_back("pe_array.rows=" + std::to_string(p.rows));
  overrides.push_back("pe_array.cols=" + std::to_string(p.cols));
  hw::Hardware hw = hw::load_hardware("scalesim-32x32", overrides);
  const double m = static_cast<double>(p.sr), k = static_cast<double>(p.t),
               n = static_cast<double>(p.sc);
  return best_matmul_tiling(hw, 1, p.sr, p.t, p.sc, m * k, k * n, m * n, 1.0);
}

// Every layer of the reference networks, its GEMM built from the topology row with SCALE-Sim's
// conventions (output rows ceil((H - R + stride) / stride); Sr = output pixels, T = R*S*C,
// Sc = filters).
std::vector<Point> load_network_layers(std::string* network_name) {
  YAML::Node root =
      YAML::LoadFile(std::string(TESSERA_SOURCE_DIR) + "/data/reference/scalesim_reference.yaml");
  std::vector<Point> layers;
  for (const auto& net : root["networks"]) {
    *network_name = net["name"].as<std::string>();
    int index = 0;
    for (const auto& row : net["layers"]) {
      auto v = [&row](int i) { return row[i].as<int64_t>(); };
      const int64_t h = v(0), w = v(1), r = v(2), s = v(3), c = v(4), filters = v(5), stride = v(6);
      Point p;
      p.name = *network_name + " layer " + std::to_string(index++);
      p.rows = net["array"]["rows"].as<int64_t>();
      p.cols = net["array"]["cols"].as<int64_t>();
      p.dataflow = net["array"]["dataflow"].as<std::string>();
      const int64_t out_h = (h - r + stride + stride - 1) / stride;
      const int64_t out_w = (w - s + stride + stride - 1) / stride;
      p.sr = out_h * out_w;
      p.t = r * s * c;
      p.sc = filters;
      p.total_cycles = row[7].as<double>();
      p.stall_cycles = row[8].as<double>();
      p.overall_util_pct = row[9].as<double>();
      p.mapping_eff_pct = row[10].as<double>();
      layers.push_back(p);
    }
  }
  return layers;
}

// SRAMs that hold the whole layer: one tile, SCALE-Sim's folds.
const std::vector<std::string> kWholeLayer = {"scratchpad.capacity_bytes=67108864",
                                              "accumulator.capacity_bytes=67108864"};

TEST(ScaleSimSideBySide, ReferenceFileHasEveryDataflow) {
  std::vector<Point> points = load_points();
  ASSERT_EQ(points.size(), 10u);
  int ws = 0, os = 0, is = 0;
  for (const auto& p : points) {
    ws += p.dataflow == "ws";
    os += p.dataflow == "os";
    is += p.dataflow == "is";
  }
  EXPECT_EQ(ws, 8);
  EXPECT_EQ(os, 1);
  EXPECT_EQ(is, 1);
}

// Compute cycles and mapping efficiency: exact with serial folds (SCALE-Sim's schedule).
TEST(ScaleSimSideBySide, ComputeCyclesMatchWithSerialFolds) {
  std::printf("%-22s %10s %10s %10s %9s %9s\n", "point", "scalesim", "serial", "pipelined",
              "map.eff", "tessera");
  for (const Point& p : load_points()) {
    MatmulTiling serial = tile(p, kWholeLayer);
    std::vector<std::string> pipelined_overrides = kWholeLayer;
    pipelined_overrides.push_back("pe_array.fold_schedule=pipelined");
    MatmulTiling pipelined = tile(p, pipelined_overrides);
    ASSERT_EQ(serial.tile_m, p.sr) << p.name << ": one tile expected";
    ASSERT_EQ(serial.tile_n, p.sc) << p.name;
    ASSERT_EQ(serial.tile_k, p.t) << p.name;
    const double pes = static_cast<double>(p.rows * p.cols);
    const double mapping_eff_pct = 100.0 * p.macs() / (pes * serial.stream_cycles);
    std::printf("%-22s %10.0f %10.0f %10.0f %8.4f%% %8.4f%%\n", p.name.c_str(), p.compute_cycles(),
                serial.compute_cycles - 1, pipelined.compute_cycles - 1, p.mapping_eff_pct,
                mapping_eff_pct);
    EXPECT_DOUBLE_EQ(serial.compute_cycles - 1, p.compute_cycles()) << p.name;
    EXPECT_NEAR(mapping_eff_pct, p.mapping_eff_pct, 1e-9) << p.name;
    // The pipelined schedule (tessera's default: Gemmini/TPU-style preload behind the stream,
    // one fill/drain per tile) is faster by the per-fold preload and skew SCALE-Sim charges.
    const double preload = p.dataflow == "os" ? 0.0 : static_cast<double>(p.rows);
    const double per_fold = preload + static_cast<double>(p.rows + p.cols - 2);
    const double fill_once = static_cast<double>(p.rows + p.cols);  // fill_drain_cycles default
    EXPECT_DOUBLE_EQ(pipelined.compute_cycles,
                     serial.compute_cycles - serial.array_folds * per_fold + fill_once)
        << p.name;
  }
}

// The mapper (src/map) with SCALE-Sim's mapping of each dataflow: the stationary block on the
// array (WS: K down the rows, N across; OS: M down, N across; IS: K down, M across), the third
// dimension streamed through the PE registers, the folds in DRAM-level loops. Compute cycles
// plus the per-pass overhead equal SCALE-Sim's compute cycles + 1, as the tiling's do.
TEST(ScaleSimSideBySide, MapperCountsTheSameFolds) {
  struct MapperCase {
    const char* point;
    const char* mapping;
  };
  const MapperCase cases[] = {
      {"gemm-256x128x256-ws",
       "levels:\n"
       "  - {level: dram, temporal: {N: 4, K: 8}, order: [N, K], keep: [weights, inputs, "
       "outputs]}\n"
       "  - {level: scratchpad, keep: [weights, inputs]}\n"
       "  - {level: accumulator, spatial_x: {N: 32}, spatial_y: {K: 32}, keep: [outputs]}\n"
       "  - {level: pe_registers, temporal: {M: 256}, order: [M], keep: [weights]}\n"},
      {"gemm-256x128x256-os",
       "levels:\n"
       "  - {level: dram, temporal: {N: 4, M: 8}, order: [N, M], keep: [weights, inputs, "
       "outputs]}\n"
       "  - {level: scratchpad, keep: [weights, inputs]}\n"
       "  - {level: accumulator, spatial_x: {N: 32}, spatial_y: {M: 32}, keep: [outputs]}\n"
       "  - {level: pe_registers, temporal: {K: 256}, order: [K], keep: [outputs]}\n"},
      {"gemm-256x128x256-is",
       "levels:\n"
       "  - {level: dram, temporal: {M: 8, K: 8}, order: [M, K], keep: [weights, inputs, "
       "outputs]}\n"
       "  - {level: scratchpad, keep: [weights, inputs]}\n"
       "  - {level: accumulator, spatial_x: {M: 32}, spatial_y: {K: 32}, keep: [outputs]}\n"
       "  - {level: pe_registers, temporal: {N: 128}, order: [N], keep: [inputs]}\n"},
  };
  int checked = 0;
  for (const Point& p : load_points()) {
    for (const MapperCase& c : cases) {
      if (p.name != c.point) continue;
      ++checked;
      map::MapArch arch =
          map::make_arch(hw::load_hardware("scalesim-32x32", {"pe_array.dataflow=" + p.dataflow}));
      map::LoopProblem problem =
          map::parse_loop_problem("matmul:m=" + std::to_string(p.sr) + ",k=" + std::to_string(p.t) +
                                  ",n=" + std::to_string(p.sc));
      map::NestResult r =
          map::analyze_nest(problem, arch, map::mapping_from_yaml(c.mapping, problem, arch));
      ASSERT_TRUE(r.valid()) << p.name << ": " << map::validity_name(r.validity);
      std::printf("%s: mapper %.0f + %.0f - 1, scalesim %.0f\n", p.name.c_str(), r.compute_cycles,
                  r.overhead_cycles, p.compute_cycles());
      EXPECT_DOUBLE_EQ(r.compute_cycles + r.overhead_cycles - 1, p.compute_cycles()) << p.name;
    }
  }
  EXPECT_EQ(checked, 3);
}

// A whole network (MLPerf Tiny VWW on a 4 x 4 edge-TPU-like array, SCALE-Sim v3): every layer's
// compute cycles, mapping efficiency and utilisation, and the network total.
TEST(ScaleSimSideBySide, WholeNetworkLayerByLayer) {
  std::string network;
  std::vector<Point> layers = load_network_layers(&network);
  ASSERT_EQ(layers.size(), 29u);
  double scalesim_total = 0, serial_total = 0, pipelined_total = 0;
  for (const Point& p : layers) {
    MatmulTiling serial = tile(p, kWholeLayer);
    std::vector<std::string> pipelined_overrides = kWholeLayer;
    pipelined_overrides.push_back("pe_array.fold_schedule=pipelined");
    MatmulTiling pipelined = tile(p, pipelined_overrides);
    const double pes = static_cast<double>(p.rows * p.cols);
    EXPECT_DOUBLE_EQ(serial.compute_cycles - 1, p.compute_cycles()) << p.name;
    EXPECT_NEAR(100.0 * p.macs() / (pes * serial.stream_cycles), p.mapping_eff_pct, 1e-9) << p.name;
    EXPECT_NEAR(100.0 * p.macs() / (pes * (serial.compute_cycles - 1)), p.overall_util_pct, 1e-9)
        << p.name;
    scalesim_total += p.total_cycles;
    serial_total += serial.compute_cycles - 1;
    pipelined_total += pipelined.compute_cycles - 1;
  }
  std::printf("%s: scalesim %.0f cycles, tessera serial %.0f, pipelined %.0f\n", network.c_str(),
              scalesim_total, serial_total, pipelined_total);
  EXPECT_DOUBLE_EQ(serial_total, scalesim_total);
  // Pipelined (pinned): each fold costs max(T, rows) with the 4-cycle preload hidden and one
  // 8-cycle fill/drain per layer, 21% less than SCALE-Sim's serial folds (10 extra cycles per
  // fold; the late layers stream only T = 1 to 36 output pixels per fold).
  EXPECT_DOUBLE_EQ(pipelined_total, 573651);
}

// Overall utilisation where SCALE-Sim saw no stalls: MACs / (PEs x cycles), same on both sides.
TEST(ScaleSimSideBySide, OverallUtilisationWithoutStalls) {
  for (const Point& p : load_points()) {
    if (p.stall_cycles != 0) continue;
    MatmulTiling serial = tile(p, kWholeLayer);
    const double util_pct =
        100.0 * p.macs() / (static_cast<double>(p.rows * p.cols) * (serial.compute_cycles - 1));
    std::printf("%s: overall utilisation scalesim %.6f%% tessera %.6f%%\n", p.name.c_str(),
                p.overall_util_pct, util_pct);
    EXPECT_NEAR(util_pct, p.overall_util_pct, 1e-9) << p.name;
  }
}

// With SCALE-Sim's own 64 KB SRAMs and 10 B/cycle DRAM. Pinned, not matched: the memory models
// differ, and tessera is the optimistic one (2.1x fewer cycles on the WS and OS runs).
// - SCALE-Sim's read buffer is a window (the active 32 KB half) sliding circularly over the
//   operand in prefetch order; a miss advances it until it hits, wrapping round the operand if
//   needed (scalesim/memory/read_buffer.py service_reads). The 64 KB ifmap of the 256x128x256
//   GEMM comes from DRAM 8 times in WS and OS (524,320 words) where 4 column folds need 4, twice
//   in IS (131,080). WS and IS
//   write every row fold's partial outputs (1 byte each) to DRAM (262,144 words = 8 x 32,768).
//   Each of the ifmap, filter and ofmap interfaces has its own 10 words/cycle
//   (single_layer_sim.py: all three backing bandwidths = the user bandwidth), and the final
//   write-back is left out of Total Cycles (WS: DRAM OFMAP stop cycle 55,725 > 52,447), which is
//   why the IS run, with 2.5x less ifmap traffic, finishes first (19,984).
// - tessera tiles the layer to fit its SRAMs (128 x 256 x 128 here: A read once, B twice,
//   outputs accumulate on chip and are written once: 163,840 bytes), counts reads and writes on
//   one 10 B/cycle channel, overlaps memory with compute and adds the first tile's load and the
//   last tile's store: 16,384 + 6,554 + 1,638 = 24,576 cycles, the same for every dataflow
//   because memory bounds all three.
// - AlexNet conv1's reference run estimated bandwidth instead of stalling (no user bandwidth):
//   its 112,283 cycles are the compute cycles matched above; tessera's cycles at 10 B/cycle and
//   its traffic (the 3025 x 363 im2col matrix read once, the weights once per 160-row tile,
//   19 times; outputs once) are pinned for regressions only.
TEST(ScaleSimSideBySide, MemoryBoundRunsPinned) {
  struct Pin {
    const char* name;
    double tessera_cycles, tessera_traffic_bytes;
  };
  const Pin pins[] = {{"gemm-256x128x256-ws", 24576, 163840},
                      {"gemm-256x128x256-os", 24576, 163840},
                      {"gemm-256x128x256-is", 24576, 163840},
                      {"alexnet-conv1-ws", 213148.3, 2050587}};
  std::printf("%-22s %10s %10s %12s %12s\n", "point", "scalesim", "tessera", "dram(ss)",
              "dram(tessera)");
  int pinned = 0;
  for (const Point& p : load_points()) {
    if (p.dram_read_words == 0) continue;
    MatmulTiling t = tile(p, {});
    const double cycles = t.latency_s * 1e9;
    std::printf("%-22s %10.0f %10.1f %12.0f %12.0f  tile %lldx%lldx%lld\n", p.name.c_str(),
                p.total_cycles, cycles, p.dram_read_words + p.dram_write_words, t.traffic_bytes,
                static_cast<long long>(t.tile_m), static_cast<long long>(t.tile_k),
                static_cast<long long>(t.tile_n));
    for (const Pin& pin : pins) {
      if (p.name != pin.name) continue;
      ++pinned;
      EXPECT_NEAR(cycles, pin.tessera_cycles, 0.5) << p.name;
      EXPECT_NEAR(t.traffic_bytes, pin.tessera_traffic_bytes, 0.5) << p.name;
    }
    // Never below the ideal traffic: each operand read once, each output written once.
    EXPECT_GE(t.traffic_bytes, static_cast<double>(p.sr * p.t + p.t * p.sc + p.sr * p.sc));
  }
  EXPECT_EQ(pinned, 4);
}

}  // namespace
}  // namespace tessera::perf
