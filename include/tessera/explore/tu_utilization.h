// A small TU-utilisation performance model for the brawny/wimpy study, standing in for
// NeuroMeter's TF-Sim (003 Sec. III-A-3): each conv/matmul layer is an (M = batch x pixels,
// K = C R S, N = filters) GEMM on X x X weight-stationary arrays; weights are tiled
// ceil(K/X) x ceil(N/X); tiles go to the cores' TUs and, when there are fewer tiles than TUs,
// the pixel dimension is split across TUs (space-to-batch). Each tile pass costs M + 2X cycles
// (stream + fill/drain). Vector work and NoC time are not modelled (documented limitation).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tessera::explore {

struct GemmLayer {
  std::string name;
  int64_t pixels = 0;   // output pixels per image (P x Q); 1 for FC
  int64_t k = 0;        // reduction length C x R x S
  int64_t n = 0;        // output channels
  int64_t groups = 1;   // depthwise: groups = channels, k = R x S, n = 1 per group
};

// ResNet-50 v1 (He et al. 2016) at 224x224: 53 convolutions + FC (~4.1 GMAC per image).
std::vector<GemmLayer> resnet50_layers();

struct TuRun {
  double cycles = 0;
  double macs = 0;
  double utilization = 0;  // macs / (cycles x units x X^2)
};
TuRun run_on_tus(const std::vector<GemmLayer>& layers, int64_t batch, int64_t x, int64_t units);

}  // namespace tessera::explore
