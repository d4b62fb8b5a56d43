// TU-utilisation performance model (tu_utilization.h).
#include "tessera/explore/tu_utilization.h"

#include <algorithm>
#include <cmath>

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

TuRun run_on_tus(const std::vector<GemmLayer>& layers, int64_t batch, int64_t x, int64_t units) {
  TuRun run;
  const double X = static_cast<double>(x), U = static_cast<double>(units);
  for (const auto& l : layers) {
    const double m = static_cast<double>(batch * l.pixels);
    const double tiles = std::ceil(static_cast<double>(l.k) / X) *
                         std::ceil(static_cast<double>(l.n) / X) * static_cast<double>(l.groups);
    double cycles;
    if (tiles >= U) {
      cycles = std::ceil(tiles / U) * (m + 2 * X);
    } else {
      const double split = std::max(1.0, std::min(m, std::floor(U / tiles)));
      cycles = std::ceil(m / split) + 2 * X;
    }
    run.cycles += cycles;
    run.macs += m * static_cast<double>(l.k * l.n * l.groups);
  }
  run.utilization = run.macs / (run.cycles * U * X * X);
  return run;
}

}  // namespace tessera::explore
