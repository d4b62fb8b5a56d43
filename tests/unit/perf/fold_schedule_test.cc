// The PE array's fold schedule (hw::FoldSchedule; docs/evaluators.md "SCALE-Sim side by side"):
// serial folds pay the stationary preload and the full skew each (SCALE-Sim, ISPASS 2020:
// 2R + C + T - 2 per fold), pipelined folds run back to back with one fill/drain per tile; the
// field parses, round-trips and rejects unknown values.
#include <gtest/gtest.h>

#include <string>

#include "tessera/core/error.h"
#include "tessera/hw/spec_parser.h"
#include "tessera/perf/analytical.h"

namespace tessera::perf {
namespace {

// An 8 x 4 array with memories far larger than the test GEMMs: one tile, every fold visible.
hw::Hardware array(const std::string& dataflow, const std::string& schedule) {
  return hw::parse_hardware_yaml(
      "name: a\nkind: accelerator\nclock_hz: 1.0e9\n"
      "memory:\n"
      "  - {name: accumulator, capacity_bytes: 67108864, bandwidth_bytes_per_s: 1.0e12,"
      " holds: [outputs]}\n"
      "  - {name: scratchpad, capacity_bytes: 67108864, bandwidth_bytes_per_s: 1.0e12,"
      " holds: [weights, inputs]}\n"
      "  - {name: dram, bandwidth_bytes_per_s: 1.0e12, off_chip: true}\n"
      "pe_array: {rows: 8, cols: 4, dataflow: " +
          dataflow + ", fold_schedule: " + schedule + "}\n",
      "test");
}

MatmulTiling run(const hw::Hardware& hw, int64_t m, int64_t k, int64_t n) {
  const double md = static_cast<double>(m), kd = static_cast<double>(k),
               nd = static_cast<double>(n);
  return best_matmul_tiling(hw, 1, m, k, n, md * kd, kd * nd, md * nd, 1.0);
}

TEST(FoldSchedule, SerialFoldsPayPreloadAndSkewEach) {
  // M = 50, K = 20, N = 10 on rows = 8, cols = 4.
  // WS: K on rows (3 folds), N on columns (3), M streamed: 9 x (50 + 8 + 8 + 4 - 2).
  EXPECT_DOUBLE_EQ(run(array("ws", "serial"), 50, 20, 10).compute_cycles, 9.0 * (50 + 18));
  // OS: M on rows (7), N on columns (3), K streamed, no preload: 21 x (20 + 8 + 4 - 2).
  EXPECT_DOUBLE_EQ(run(array("os", "serial"), 50, 20, 10).compute_cycles, 21.0 * (20 + 10));
  // IS: K on rows (3), M on columns (13), N streamed: 39 x (10 + 18).
  EXPECT_DOUBLE_EQ(run(array("is", "serial"), 50, 20, 10).compute_cycles, 39.0 * (10 + 18));
  MatmulTiling ws = run(array("ws", "serial"), 50, 20, 10);
  EXPECT_DOUBLE_EQ(ws.array_folds, 9);
  EXPECT_DOUBLE_EQ(ws.stream_cycles, 9.0 * 50);
}

TEST(FoldSchedule, PipelinedFoldsFillOncePerTile) {
  // Same WS GEMM: 9 folds of 50 streamed rows back to back, rows + cols fill/drain once.
  MatmulTiling t = run(array("ws", "pipelined"), 50, 20, 10);
  EXPECT_DOUBLE_EQ(t.compute_cycles, 9.0 * 50 + 12);
  EXPECT_DOUBLE_EQ(t.array_folds, 9);
  // A stream shorter than the array's rows cannot hide the next preload: at least rows cycles.
  EXPECT_DOUBLE_EQ(run(array("ws", "pipelined"), 3, 8, 4).compute_cycles, 8.0 + 12);
  EXPECT_DOUBLE_EQ(run(array("ws", "serial"), 3, 8, 4).compute_cycles, 3.0 + 18);
  // Serial is never faster: same folds, each with its own preload and skew.
  for (const char* df : {"ws", "os", "is"})
    EXPECT_GT(run(array(df, "serial"), 64, 64, 64).compute_cycles,
              run(array(df, "pipelined"), 64, 64, 64).compute_cycles)
        << df;
}

TEST(FoldSchedule, ParsesRoundTripsAndRejectsUnknown) {
  hw::Hardware serial = array("ws", "serial");
  EXPECT_EQ(serial.pe_array->fold_schedule, hw::FoldSchedule::Serial);
  EXPECT_EQ(
      hw::parse_hardware_yaml(hw::hardware_to_yaml(serial), "round trip").pe_array->fold_schedule,
      hw::FoldSchedule::Serial);
  EXPECT_EQ(hw::load_hardware("gemmini").pe_array->fold_schedule, hw::FoldSchedule::Pipelined);
  EXPECT_EQ(hw::load_hardware("scalesim-32x32").pe_array->fold_schedule, hw::FoldSchedule::Serial);
  try {
    array("ws", "serail");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("fold_schedule"), std::string::npos) << msg;
    EXPECT_NE(msg.find("serial"), std::string::npos) << msg;  // the did-you-mean hint
  }
}

}  // namespace
}  // namespace tessera::perf
