// Roofline and analytical evaluators on small graphs built in the test (004 Eq. 1; 001 Sec.
// 3.3): the roofs, efficiency, offload and unsupported ops, tiling against capacities, 32-bit
// outputs before nonlinear ops, fusion and determinism.
#include <gtest/gtest.h>

#include <memory>

#include "tessera/hw/spec_parser.h"
#include "tessera/model/graph_builder.h"
#include "tessera/perf/analytical.h"
#include "tessera/perf/roofline.h"
#include "tessera/report/cost_report.h"
#include "tessera/report/svg_plot.h"

namespace tessera::perf {
namespace {

// x[M, K] -> linear(N) -> softmax, plus a relu: a projection feeding a nonlinear op.
workload::Workload small_workload(int64_t m, int64_t k, int64_t n) {
  model::GraphBuilder b("small", model::Domain::Transformer);
  model::TensorId x = b.input("x", {m, k});
  model::TensorId y = b.linear("proj", model::Role::Ffn1, x, n, false);
  model::TensorId s = b.softmax("softmax", y);
  b.mark_output(b.unary("relu", model::OpKind::Relu, model::Role::Activation, s));
  return workload::analyze_graph(std::move(b).finish(), workload::AnalysisOptions{});
}

hw::Hardware processor(double peak, double bandwidth) {
  return hw::parse_hardware_yaml(
      "name: p\nmatrix: {int8: " + std::to_string(peak) +
          "}\nvector: {int8: " + std::to_string(peak / 10) +
          "}\nmemory: [{name: dram, bandwidth_bytes_per_s: " + std::to_string(bandwidth) + "}]\n",
      "test");
}

TEST(Roofline, ComputeAndMemoryRoofs) {
  workload::Workload w = small_workload(512, 512, 512);
  const workload::Op& mm = w.ops[0];
  hw::Hardware hw = processor(1e12, 1e9);  // ridge at 1000 ops/byte: the matmul is memory-bound
  Cost c = RooflineEvaluator().evaluate(mm, hw, {&w, 0});
  EXPECT_EQ(c.bound, Bound::Memory);
  EXPECT_NEAR(c.latency_s, static_cast<double>(mm.bytes()) / 1e9, 1e-12);
  EXPECT_NEAR(c.attainable_ops_per_s, mm.intensity() * 1e9, 1e-3);
  hw = processor(1e12, 1e13);  // ridge at 0.1: compute-bound
  c = RooflineEvaluator().evaluate(mm, hw, {&w, 0});
  EXPECT_EQ(c.bound, Bound::Compute);
  EXPECT_NEAR(c.latency_s, static_cast<double>(mm.flops) / 1e12, 1e-15);
  EXPECT_NEAR(c.utilization, 1.0, 1e-9);
  hw.efficiency["matmul"] = 0.5;  // E of 004 Eq. 1
  Cost half = RooflineEvaluator().evaluate(mm, hw, {&w, 0});
  EXPECT_NEAR(half.latency_s, 2 * c.latency_s, 1e-15);
  // The softmax runs on the vector unit (a tenth of the matrix peak).
  Cost v = RooflineEvaluator().evaluate(w.ops[1], hw, {&w, 1});
  EXPECT_EQ(v.unit, "vector");
}

TEST(Roofline, OffloadAndUnsupported) {
  workload::Workload w = small_workload(64, 64, 64);
  hw::Hardware gemmini = hw::load_hardware("gemmini");
  Cost softmax = RooflineEvaluator().evaluate(w.ops[1], gemmini, {&w, 1});
  EXPECT_EQ(softmax.bound, Bound::Host);
  EXPECT_GT(softmax.breakdown_s.at("quantize"), 0);
  Cost relu = RooflineEvaluator().evaluate(w.ops[2], gemmini, {&w, 2});
  EXPECT_EQ(relu.unit, "special");
  gemmini.host.reset();  // no host to fall back to: flagged, never a silent zero
  std::vector<std::unique_ptr<Evaluator>> evaluators;
  evaluators.push_back(std::make_unique<RooflineEvaluator>());
  evaluators.push_back(std::make_unique<AnalyticalEvaluator>());
  for (const auto& e : evaluators) {
    ModelCost cost = evaluate_workload(*e, w, gemmini);
    EXPECT_EQ(cost.ops[1].cost.bound, Bound::Unsupported) << e->name();
    EXPECT_EQ(report::unsupported_op_count(cost), 1u);
    EXPECT_NE(report::cost_table(cost, w, gemmini, false).find("cannot run"), std::string::npos);
  }
}

TEST(Analytical, WideOutputBeforeNonlinearAndTiling) {
  workload::Workload w = small_workload(1024, 1024, 1024);
  hw::Hardware hw = hw::load_hardware("gemmini");
  AnalyticalEvaluator analytical;
  Cost mm = analytical.evaluate(w.ops[0], hw, {&w, 0});
  // Output feeds a softmax: written in 32 bits.
  EXPECT_EQ(mm.traffic.at(0).write_bytes, 1024 * 1024 * 4);
  AnalyticalOptions narrow;
  narrow.wide_outputs_before_nonlinear = false;
  EXPECT_EQ(AnalyticalEvaluator(narrow).evaluate(w.ops[0], hw, {&w, 0}).traffic.at(0).write_bytes,
            1024 * 1024);
  // Tiles fit the memories; a larger accumulator allows larger output tiles and less traffic.
  MatmulTiling t = best_matmul_tiling(hw, 1, 1024, 1024, 1024, 1 << 20, 1 << 20, 1 << 22, 1);
  EXPECT_LE(t.tile_m * t.tile_n * 4, 64 * 1024);
  EXPECT_LE((t.tile_m * t.tile_k + t.tile_k * t.tile_n) * 2, 256 * 1024);
  hw::Hardware big = hw::load_hardware(
      "gemmini", {"accumulator.capacity_bytes=1048576", "scratchpad.capacity_bytes=1048576"});
  MatmulTiling tb = best_matmul_tiling(big, 1, 1024, 1024, 1024, 1 << 20, 1 << 20, 1 << 22, 1);
  EXPECT_LT(tb.traffic_bytes, t.traffic_bytes);
  // Never below the ideal traffic (each operand once).
  EXPECT_GE(tb.traffic_bytes, 3 * (1 << 20) + (1 << 22) - 1);
  // Compute: 1024^3 MACs on 256 PEs at least.
  EXPECT_GE(t.compute_cycles, 1024.0 * 1024 * 1024 / 256);
}

// Gemmini's microarchitecture in the model: output tiles from half the accumulator (80 x 80 of
// int32 in 64 KiB, multiples of the array side), the DMA's request limit below the bus, and a
// blocking-cache host whose memory stalls add to its compute.
TEST(Analytical, GemminiTilesDmaAndHost) {
  hw::Hardware hw = hw::load_hardware("gemmini");
  MatmulTiling t = best_matmul_tiling(hw, 1, 1024, 1024, 1024, 1 << 20, 1 << 20, 1 << 22, 1);
  EXPECT_EQ(t.tile_m, 80);
  EXPECT_EQ(t.tile_n, 80);
  EXPECT_EQ(t.tile_k % 16, 0);
  EXPECT_DOUBLE_EQ(tile_bandwidth(hw), 16 * 64 / 100e-9);
  EXPECT_DOUBLE_EQ(tile_bandwidth(hw::load_hardware("gemmini", {"dma.latency_s=10e-9"})), 16e9);
  // Reader and writer each have their own request window (Gemmini Scratchpad.scala): 1 MB of
  // writes alone is window-bound, 1 MB each way shares the 16 GB/s bus, reads and writes overlap.
  const double window = 16 * 64 / 100e-9;
  EXPECT_DOUBLE_EQ(tile_memory_s(hw, 0, 1e6), 1e6 / window);
  EXPECT_DOUBLE_EQ(tile_memory_s(hw, 1e6, 1e6), 2e6 / 16e9);
  EXPECT_LT(tile_memory_s(hw, 1e6, 1e6), 2e6 / window);
  workload::Workload w = small_workload(128, 64, 64);
  Cost softmax = AnalyticalEvaluator().evaluate(w.ops[1], hw, {&w, 1});
  ASSERT_EQ(softmax.unit, "host");
  double compute = 128.0 * 64 * hw.host->cycles_per_element.at(model::OpKind::Softmax) / 1e9;
  EXPECT_NEAR(softmax.breakdown_s.at("host"),
              compute + 128.0 * 64 * (4 + 4 + 4 + 4 + 4 + 1) / hw.host->bandwidth_bytes_per_s,
              1e-12);
}

// Energy charges every level the spec gives energies for: MACs, DRAM, the L2 the DRAM traffic
// passes through, the scratchpad (operand fills and reads) and the accumulator (partial sums
// once per array-deep block of K).
TEST(Analytical, EnergyCountsOnChipLevels) {
  workload::Workload w = small_workload(256, 256, 256);
  hw::Hardware hw = hw::load_hardware("gemmini");
  Cost mm = AnalyticalEvaluator().evaluate(w.ops[0], hw, {&w, 0});
  double sum = 0;
  for (const auto& [name, j] : mm.energy_by_component_j) sum += j;
  EXPECT_NEAR(sum, mm.energy_j, 1e-15);
  for (const char* level : {"compute", "dram", "l2", "scratchpad", "accumulator"})
    EXPECT_GT(mm.energy_by_component_j.count(level) ? mm.energy_by_component_j.at(level) : 0, 0)
        << level;
  // 256 x 256 int32 partial sums, written and read back once per 16-deep block of K = 256.
  EXPECT_NEAR(mm.energy_by_component_j.at("accumulator"), 256.0 * 256 * 4 * 16 * 2 * 1.25e-12,
              1e-15);
  // The I-BERT normaliser reads the accumulator once per pass (3 for Softmax), after the
  // 32-bit input has been written there.
  Cost softmax =
      AnalyticalEvaluator().evaluate(w.ops[1], hw::load_hardware("gemmini-transformer"), {&w, 1});
  ASSERT_EQ(softmax.unit, "special");
  EXPECT_NEAR(softmax.energy_by_component_j.at("accumulator"),
              (256.0 * 256 * 4 + 3 * 256.0 * 256 * 4) * 1.25e-12, 1e-15);
}

TEST(Analytical, FusionRemovesTheRoundTrip) {
  workload::Workload w = small_workload(256, 256, 256);
  hw::Hardware hw = hw::load_hardware("gemmini-transformer");
  ModelCost plain = evaluate_workload(AnalyticalEvaluator(), w, hw);
  AnalyticalOptions fuse;
  fuse.fuse_nonlinear = true;
  ModelCost fused = evaluate_workload(AnalyticalEvaluator(fuse), w, hw);
  EXPECT_EQ(fused.ops[0].cost.traffic.at(0).write_bytes, 0);
  EXPECT_LT(fused.total.latency_s, plain.total.latency_s);
}

TEST(Analytical, DeterministicAndProcessorFallback) {
  workload::Workload w = small_workload(300, 200, 100);
  hw::Hardware hw = hw::load_hardware("gemmini");
  ModelCost a = evaluate_workload(AnalyticalEvaluator(), w, hw);
  ModelCost b = evaluate_workload(AnalyticalEvaluator(), w, hw);
  EXPECT_EQ(a.total.latency_s, b.total.latency_s);
  hw::Hardware gpu = hw::load_hardware("v100");
  ModelCost g = evaluate_workload(AnalyticalEvaluator(), w, gpu);
  ModelCost r = evaluate_workload(RooflineEvaluator(), w, gpu);
  EXPECT_DOUBLE_EQ(g.total.latency_s, r.total.latency_s);
}

TEST(CostReport, JsonFollowsAnalyzeConventions) {
  workload::Workload w = small_workload(64, 64, 64);
  hw::Hardware hw = hw::load_hardware("tpu-v3");
  ModelCost cost = evaluate_workload(RooflineEvaluator(), w, hw);
  nlohmann::json j = report::cost_json(cost, w, hw);
  EXPECT_EQ(j["assumptions"]["evaluator"], "roofline");
  EXPECT_EQ(j["assumptions"]["hardware"], "tpu-v3");
  EXPECT_EQ(j["ops"].size(), w.ops.size());
  EXPECT_NEAR(j["totals"]["latency_s"].get<double>(), cost.total.latency_s, 1e-18);
}

TEST(SvgPlot, RendersRoofsPointsAndMarkers) {
  report::SvgPlot plot("t <1>", "x", "y", true, true);
  plot.add_line({{0.1, 1, ""}, {10, 100, ""}, {1000, 100, ""}}, "roof", "#000");
  plot.add_scatter({{1, 5, "op a&b"}, {-1, 5, "dropped"}}, "ops", "#f00");
  plot.add_vertical_marker(10, "ridge", "#555");
  std::string svg = plot.render();
  EXPECT_NE(svg.find("<polyline"), std::string::npos);
  EXPECT_EQ(svg.find("dropped"), std::string::npos);  // non-positive on a log axis
  EXPECT_NE(svg.find("op a&amp;b"), std::string::npos);
  EXPECT_NE(svg.find("t &lt;1&gt;"), std::string::npos);
  EXPECT_NE(svg.find("ridge"), std::string::npos);
}

}  // namespace
}  // namespace tessera::perf
