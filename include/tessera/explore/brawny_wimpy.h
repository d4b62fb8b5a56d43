// The brawny/wimpy datacenter inference study (NeuroMeter 003 Sec. III, Table I, Figs. 8-10):
// design points (X, N, Tx, Ty) = TU length, TUs per core, 2-D core grid, at 28 nm / 700 MHz,
// 500 mm^2 / 300 W, peak <= 92 TOPS, 32 MiB distributed memory, 700 GB/s HBM. For each
// (X, N) the core count is the largest power of two (Tx = Ty or Ty/2) within peak, area and
// power; area/TDP come from the chip model, throughput/utilisation from tessera's analytical
// evaluator (explore/cnn_performance.h) over ResNet-50, Inception-v3 and NasNet-A-Large.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tessera/chip/chip_model.h"
#include "tessera/explore/cnn_performance.h"

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
  double tops_per_w = 0;    // achieved TOPS / runtime power
  double tops_per_tco = 0;  // achieved TOPS / (mm^4 x W)
};

struct DesignResult {
  DesignPoint point;
  double area_mm2 = 0, tdp_w = 0, peak_tops = 0;
  std::vector<std::pair<std::string, double>> area_breakdown_mm2;  // per component
  std::vector<std::pair<std::string, double>> tdp_breakdown_w;
  // Per model: batch 1, latency-bounded (largest power-of-two batch within 10 ms), 256.
  std::vector<WorkloadResult> workloads;
  // Averages over the models as in Fig. 10: arithmetic mean of throughput, geometric mean of
  // the ratios (utilisation, TOPS/W, TOPS/TCO); scenario 0 = bs 1, 1 = bounded, 2 = bs 256.
  WorkloadResult average(int scenario) const;
};

struct SweepOptions {
  std::vector<int64_t> lengths = {4, 8, 16, 32, 64, 128, 256};
  std::vector<int64_t> tus_per_core = {1, 2, 4};
  std::vector<std::string> models = {"resnet50", "inception-v3", "nasnet-a-large"};
};

// One design point (its chip evaluated here, or given) on the models, in the three scenarios;
// no budget check. Used for the paper's named points that the sweep's rule does not produce.
DesignResult evaluate_design(const DesignPoint& p, const std::vector<CnnModel>& models);
DesignResult evaluate_design(const DesignPoint& p, const chip::ChipReport& chip,
                             const std::vector<CnnModel>& models);

// Fig. 9: one model on one design point at batches 1, 2, 4, ..., 256.
std::vector<WorkloadResult> batch_series(const DesignPoint& p, const CnnModel& model);

// Runs the sweep; points whose every core count breaks a budget are left out.
std::vector<DesignResult> brawny_wimpy_sweep(const SweepOptions& options = {});

// Indices of the best points of a scenario (0 = bs 1, 1 = latency-bounded, 2 = bs 256) on the
// averages of Fig. 10; ties go to the earlier (wimpier) point.
struct StudyWinners {
  size_t throughput = 0, utilization = 0, tops_per_w = 0, tops_per_tco = 0;
  // The paper's trade-off question: the best TOPS/TCO among the points that keep at least
  // 84 % of the winner's throughput (Fig. 10(a): "<16 % sacrifice").
  size_t tops_per_tco_within_16pct = 0;
};
StudyWinners study_winners(const std::vector<DesignResult>& results, int scenario);

}  // namespace tessera::explore
