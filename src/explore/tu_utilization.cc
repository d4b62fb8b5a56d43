// TU-utilisation performance model (tu_utilization.h).
#include "tessera/explore/tu_utilization.h"

#include <algorithm>
#include <cmath>

#include "tessera/model/zoo.h"
#include "tessera/workload/analysis.h"

namespace tessera::explore {

std::vector<GemmLayer> resnet50_layers() {
  std::vector<GemmLayer> layers;
  layers.push_back({"conv1", 112 * 112, 7 * 7 * 3, 64, 1});
  const int64_t blocks[4] = {3, 4, 6, 3};
  int64_t in = 64, size = 56;
  for (int s = 0; s < 4; ++s) {
    const int64_t mid = 64 << s, out = 256 << s;
    if (s > 0) size /= 2;
    for (int64_t b = 0; b < blocks[s]; ++b) {
      const std::string p = "res" + std::to_string(s + 2) + char('a' + b);
      layers.push_back({p + "_1x1a", size * size, in, mid, 1});
      layers.push_back({p + "_3x3", size * size, 9 * mid, mid, 1});
      layers.push_back({p + "_1x1b", size * size, mid, out, 1});
      if (b == 0) layers.push_back({p + "_proj", size * size, in, out, 1});
      in = out;
    }
  }
  layers.push_back({"fc", 1, 2048, 1000, 1});
  return layers;
}

std::vector<GemmLayer> cnn_layers(const std::string& model_name) {
  model::LoadOptions load;
  load.batch = 1;
  const auto graph = model::load_model(model_name, load);
  workload::AnalysisOptions options;
  const auto w = workload::analyze_graph(graph, options);
  std::vector<GemmLayer> layers;
  for (const auto& op : w.ops) {
    if (op.problem.kind == workload::ProblemKind::Conv) {
      const auto& c = op.problem.conv;
      const int64_t g = std::max<int64_t>(1, c.groups);
      layers.push_back({op.name, c.n * c.p * c.q, c.c / g * c.r * c.s, c.k / g, g});
    } else if (op.problem.kind == workload::ProblemKind::Matmul && op.problem.matmul.b_is_weight) {
      const auto& m = op.problem.matmul;
      layers.push_back({op.name, m.batch * m.m, m.k, m.n, 1});
    }
  }
  return layers;
}

TuRun run_on_tus(const std::vector<GemmLayer>& layers, int64_t batch, int64_t x, int64_t units,
                 double merge_bytes_per_cycle) {
  TuRun run;
  const double X = static_cast<double>(x), U = static_cast<double>(units);
  for (const auto& l : layers) {
    const double m = static_cast<double>(batch * l.pixels);
    const double k_tiles = std::ceil(static_cast<double>(l.k) / X);
    const double n_tiles = std::ceil(static_cast<double>(l.n) / X) * static_cast<double>(l.groups);
    // Parallelise over output tiles first, then over pixels (space-to-batch), and only then
    // over the reduction (K) dimension, whose partial sums must be merged.
    const double p_n = std::min(n_tiles, U);
    const double p_m = std::max(1.0, std::min(m, std::floor(U / p_n)));
    const double p_k = std::max(1.0, std::min(k_tiles, std::floor(U / (p_n * p_m))));
    double cycles =
        std::ceil(n_tiles / p_n) * std::ceil(k_tiles / p_k) * (std::ceil(m / p_m) + 2 * X);
    if (p_k > 1 && merge_bytes_per_cycle > 0) {
      // (p_k - 1) int32 partial-sum tiles of M x N move between TUs and are added by the VUs.
      const double bytes = (p_k - 1) * m * static_cast<double>(l.n * l.groups) * 4;
      cycles += bytes / merge_bytes_per_cycle;
    }
    run.cycles += cycles;
    run.macs += m * static_cast<double>(l.k * l.n * l.groups);
  }
  run.utilization = run.macs / (run.cycles * U * X * X);
  return run;
}

}  // namespace tessera::explore
