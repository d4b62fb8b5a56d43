// Pinned (no paper value): what `--fusion fused` (compiler-style fusion, workload/
// compiler_fusion.h) changes for BERT-Large (l = 384, batch 256, int8) under the roofline on the
// h100 preset — the example docs/evaluators.md quotes. Fused attention, GELU epilogues and
// add + LayerNorm remove 56% of the bytes; the remaining time is the projections at peak.
#include <gtest/gtest.h>

#include "tessera/hw/spec_parser.h"
#include "tessera/perf/roofline.h"
#include "tessera/workload/analysis.h"

namespace tessera::perf {
namespace {

struct Result {
  double bytes, latency_s;
  int64_t flops;
};

Result run(workload::Fusion fusion) {
  workload::AnalysisOptions options;
  options.fusion = fusion;
  workload::Workload w =
      workload::analyze_model(model::resolve_model("bert-large:seq=384,batch=256"), options);
  ModelCost cost = evaluate_workload(RooflineEvaluator(), w, hw::load_hardware("h100"));
  return {static_cast<double>(w.totals.bytes), cost.total.latency_s, w.totals.flops};
}

TEST(HwPerfFusion, BertLargeOnH100) {
  Result none = run(workload::Fusion::None), fused = run(workload::Fusion::Compiler);
  EXPECT_EQ(none.flops, fused.flops);
  EXPECT_NEAR(none.bytes / 1e9, 156, 1.0);
  EXPECT_NEAR(fused.bytes / 1e9, 68.9, 0.5);
  EXPECT_NEAR(none.latency_s * 1e3, 63.5, 0.5);
  EXPECT_NEAR(fused.latency_s * 1e3, 40.9, 0.5);
}

}  // namespace
}  // namespace tessera::perf
