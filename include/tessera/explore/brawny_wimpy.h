// The brawny/wimpy datacenter inference study (NeuroMeter 003 Sec. III, Table I, Figs. 8-10):
// design points (X, N, Tx, Ty) = TU length, TUs per core, 2-D core grid, at 28 nm / 700 MHz,
// 500 mm^2 / 300 W, peak <= 92 TOPS, 32 MiB distributed memory, 700 GB/s HBM. For each
// (X, N) the core count is the largest power of two (Tx = Ty or Ty/2) within peak, area and
// power; area/TDP come from the chip model, throughput from a TU-utilisation model.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tessera/chip/chip_model.h"

namespace tessera::explore {

struct DesignPoint {
  int64_t x = 0, n = 0, tx = 0, ty = 0;
  std::string label() const;  // "(64,2,2,4)"
};

// Table I's chip for a design point (or a reduction-tree variant of `rt_inputs` inputs).
chip::ChipSpec datacenter_spec(const DesignPoint& p, int64_t rt_inputs = 0);

struct WorkloadResult {
  std::string model;
  int64_t batch = 0;
  double latency_s = 0;
  double achieved_tops = 0;
  double utilization = 0;
  double tops_per_w = 0;       // achieved TOPS / runtime power
  double tops_per_tco = 0;     // achieved TOPS / (mm^4 x W)
};

struct DesignResult {
  DesignPoint point;
  double area_mm2 = 0, tdp_w = 0, peak_tops = 0;
  std::vector<std::pair<std::string, double>> area_breakdown_mm2;  // per component
  std::vector<std::pair<std::string, double>> tdp_breakdown_w;
  std::vector<WorkloadResult> workloads;  // batch 1, latency-bounded (10 ms), 256
};

struct SweepOptions {
  std::vector<int64_t> lengths = {4, 8, 16, 32, 64, 128, 256};
  std::vector<int64_t> tus_per_core = {1, 2, 4};
  bool performance = true;
};

// Runs the sweep; points whose every core count breaks a budget are left out.
std::vector<DesignResult> brawny_wimpy_sweep(const SweepOptions& options = {});

}  // namespace tessera::explore
