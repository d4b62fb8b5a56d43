// A small closed-form TU-utilisation model (the brawny/wimpy study's first stand-in for
// NeuroMeter's TF-Sim, 003 Sec. III-A-3; the sweep now runs tessera's analytical evaluator,
// explore/cnn_performance.h, and this stays as a cross-check and for the hand-written
// ResNet-50 layer list): each conv/matmul layer is an (M = batch x pixels,
// K = C R S, N = filters) GEMM on X x X weight-stationary arrays; weights are tiled
// ceil(K/X) x ceil(N/X). The TUs work on output tiles in parallel first, then split the pixel
// dimension (space-to-batch), and only then the reduction dimension, whose int32 partial sums
// cross the NoC (at its bisection bandwidth) to be merged. Each pass costs M + 2X cycles
// (stream + fill/drain). Vector ops are not modelled (documented limitation).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tessera::explore {

struct GemmLayer {
  std::string name;
  int64_t pixels = 0;  // output pixels per image (P x Q); 1 for FC
  int64_t k = 0;       // reduction length C x R x S
  int64_t n = 0;       // output channels
  int64_t groups = 1;  // depthwise: groups = channels, k = R x S, n = 1 per group
};

// ResNet-50 v1 (He et al. 2016) at 224x224: 53 convolutions + FC (3.86 GMAC per image),
// written out here as a cross-check of the zoo's lowering.
std::vector<GemmLayer> resnet50_layers();
// The conv and matmul layers of a zoo model at batch 1 (e.g. "resnet50", "inception-v3",
// "nasnet-a-large"), lowered by workload::analyze_graph. Vector ops are dropped.
std::vector<GemmLayer> cnn_layers(const std::string& model);

struct TuRun {
  double cycles = 0;
  double macs = 0;
  double utilization = 0;  // macs / (cycles x units x X^2)
};
// `merge_bytes_per_cycle`: NoC bandwidth for partial-sum merging (0 = free merging).
TuRun run_on_tus(const std::vector<GemmLayer>& layers, int64_t batch, int64_t x, int64_t units,
                 double merge_bytes_per_cycle);

}  // namespace tessera::explore
