// Brawny/wimpy design-space sweep (brawny_wimpy.h).
#include "tessera/explore/brawny_wimpy.h"

#include <cmath>

#include "tessera/core/error.h"
#include "tessera/explore/tu_utilization.h"
#include "tessera/perf/runtime_power.h"

namespace tessera::explore {
namespace {

constexpr double kPeakTopsBound = 92;      // Table I
constexpr double kAreaBudgetMm2 = 500;
constexpr double kPowerBudgetW = 300;
constexpr double kLatencyBoundS = 10e-3;   // production SLO (Sec. III-B-2)

WorkloadResult evaluate(const chip::ChipReport& chip, const DesignPoint& p, int64_t batch,
                        const std::vector<GemmLayer>& layers) {
  const int64_t units = p.n * p.tx * p.ty;
  const TuRun run = run_on_tus(layers, batch, p.x, units);
  WorkloadResult w;
  w.model = "resnet50";
  w.batch = batch;
  w.latency_s = run.cycles / chip.clock_hz;
  w.achieved_tops = 2 * run.macs / w.latency_s / 1e12;
  w.utilization = run.utilization;
  perf::Activity a;
  a.seconds = w.latency_s;
  a.macs = run.macs;
  // Each input byte feeds X MACs along a row, each output leaves after K MACs: on-chip
  // traffic ~ macs / X read and written (activations stay on chip; weights fit in 32 MiB).
  a.read_bytes["mem"] = run.macs / static_cast<double>(p.x);
  a.write_bytes["mem"] = run.macs / static_cast<double>(p.x) / 4;
  const auto power = perf::runtime_power(chip, a);
  w.tops_per_w = w.achieved_tops / power.total_w;
  w.tops_per_tco = w.achieved_tops / (chip.area_mm2 * chip.area_mm2 * power.total_w);
  return w;
}

}  // namespace

std::string DesignPoint::label() const {
  return "(" + std::to_string(x) + "," + std::to_string(n) + "," + std::to_string(tx) + "," +
         std::to_string(ty) + ")";
}

chip::ChipSpec datacenter_spec(const DesignPoint& p, int64_t rt_inputs) {
  chip::ChipSpec s;
  s.name = "datacenter" + p.label();
  s.technology.node_nm = 28;
  s.clock_hz = 700e6;
  s.cores = p.tx * p.ty;
  if (rt_inputs > 0) {
    s.reduction_tree = {rt_inputs, p.n, model::DType::Int8, model::DType::Int32};
    s.vector_unit.lanes = static_cast<int64_t>(std::sqrt(static_cast<double>(rt_inputs)));
  } else {
    s.tensor_unit.rows = s.tensor_unit.cols = p.x;
    s.tensor_unit.count = p.n;
  }
  s.vector_unit.dtype = model::DType::Int32;  // lanes = TU length (NeuroMeter default)
  chip::MemorySpec mem;
  mem.name = "mem";
  mem.capacity_bytes = 32 << 20;
  s.memories.push_back(mem);
  s.noc.bisection_gbps = 256;
  s.offchip.dram = chip::DramKind::Hbm2;
  s.offchip.dram_gbps = 700;
  s.offchip.pcie_gen = 3;
  s.offchip.pcie_lanes = 16;
  s.white_space = 0;
  return s;
}

std::vector<DesignResult> brawny_wimpy_sweep(const SweepOptions& options) {
  std::vector<DesignResult> out;
  const auto layers = resnet50_layers();
  for (int64_t x : options.lengths) {
    for (int64_t n : options.tus_per_core) {
      // Largest power-of-two core count within the peak bound, then shrink to the budgets.
      const double per_core_tops = 2.0 * double(x * x * n) * 700e6 / 1e12;
      if (per_core_tops > kPeakTopsBound) continue;
      int64_t cores = 1;
      while (per_core_tops * double(cores * 2) <= kPeakTopsBound) cores *= 2;
      for (; cores >= 1; cores /= 2) {
        const int64_t ty = int64_t{1} << static_cast<int>(std::ceil(std::log2(std::sqrt(double(cores)))));
        DesignPoint p{x, n, cores / ty, ty};
        chip::ChipReport chip;
        try {
          chip = chip::evaluate_chip(datacenter_spec(p));
        } catch (const Error&) {
          continue;
        }
        if (chip.area_mm2 > kAreaBudgetMm2 || chip.tdp_w > kPowerBudgetW) continue;
        DesignResult d;
        d.point = p;
        d.area_mm2 = chip.area_mm2;
        d.tdp_w = chip.tdp_w;
        d.peak_tops = chip.peak_tops;
        for (const auto& c : chip.components) {
          d.area_breakdown_mm2.push_back({c.name, c.area_mm2});
          d.tdp_breakdown_w.push_back({c.name, c.tdp_w});
        }
        if (options.performance) {
          d.workloads.push_back(evaluate(chip, p, 1, layers));
          WorkloadResult bounded = d.workloads.back();
          for (int64_t b = 2; b <= 256; b *= 2) {
            auto w = evaluate(chip, p, b, layers);
            if (w.latency_s > kLatencyBoundS) break;
            bounded = w;
          }
          d.workloads.push_back(bounded);
          d.workloads.push_back(evaluate(chip, p, 256, layers));
        }
        out.push_back(d);
        break;
      }
    }
  }
  return out;
}

}  // namespace tessera::explore
