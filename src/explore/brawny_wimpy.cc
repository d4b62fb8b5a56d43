// Brawny/wimpy design-space sweep (brawny_wimpy.h).
#include "tessera/explore/brawny_wimpy.h"

#include <algorithm>
#include <cmath>

#include "tessera/core/error.h"
#include "tessera/explore/cnn_performance.h"
#include "tessera/perf/runtime_power.h"

namespace tessera::explore {
namespace {

constexpr double kPeakTopsBound = 92;  // Table I
constexpr double kAreaBudgetMm2 = 500;
constexpr double kPowerBudgetW = 300;
constexpr double kLatencyBoundS = 10e-3;       // production SLO (Sec. III-B-2)
constexpr double kBisectionBytesPerS = 256e9;  // Table I

// Runtime power and efficiency of a design point on one CNN at one batch, the performance
// coming from the analytical evaluator (cnn_performance.h).
WorkloadResult evaluate(const chip::ChipReport& chip, const DesignPoint& p, int64_t batch,
                        const CnnModel& model) {
  const CnnRun run = run_cnn(chip, model, batch);
  WorkloadResult w;
  w.model = model.name;
  w.batch = batch;
  w.latency_s = run.latency_s;
  w.achieved_tops = 2 * run.macs / w.latency_s / 1e12;
  w.utilization = run.utilization;
  perf::Activity a;
  a.seconds = w.latency_s;
  a.macs = run.macs;
  a.busy_cell_cycles = run.busy_cell_cycles;
  // Each input byte streamed into a TU feeds X MACs along its row; int32 results leave once
  // per K-deep pass (~1/4 of that); every HBM byte passes through the distributed memory.
  a.read_bytes["mem"] = run.macs / static_cast<double>(p.x) + run.hbm_bytes / 2;
  a.write_bytes["mem"] = run.macs / static_cast<double>(p.x) / 4 + run.hbm_bytes / 2;
  a.read_bytes["dram"] = run.hbm_bytes / 2;
  a.write_bytes["dram"] = run.hbm_bytes / 2;
  a.vector_lane_ops = run.vector_ops;
  if (const auto* noc = chip.find("noc")) {
    // Bisection bytes travel ~(Tx + Ty) / 3 hops on average in a mesh (1 in a ring).
    const double hops = std::max(1.0, double(p.tx + p.ty) / 3);
    const double bytes_per_flit = noc->energy_pj.at("flit_hop") / noc->energy_pj.at("byte_hop");
    a.noc_flit_hops = run.noc_bytes * hops / bytes_per_flit;
  }
  const auto power = perf::runtime_power(chip, a);
  w.tops_per_w = w.achieved_tops / power.total_w;
  w.tops_per_tco = w.achieved_tops / (chip.area_mm2 * chip.area_mm2 * power.total_w);
  return w;
}

}  // namespace

WorkloadResult DesignResult::average(int scenario) const {
  WorkloadResult a;
  a.model = "average";
  double n = 0, log_util = 0, log_w = 0, log_tco = 0;
  for (size_t i = static_cast<size_t>(scenario); i < workloads.size(); i += 3) {
    const auto& w = workloads[i];
    n += 1;
    a.achieved_tops += w.achieved_tops;
    a.latency_s += w.latency_s;
    log_util += std::log(w.utilization);
    log_w += std::log(w.tops_per_w);
    log_tco += std::log(w.tops_per_tco);
  }
  if (n == 0) return a;
  a.achieved_tops /= n;
  a.latency_s /= n;
  a.utilization = std::exp(log_util / n);
  a.tops_per_w = std::exp(log_w / n);
  a.tops_per_tco = std::exp(log_tco / n);
  return a;
}

StudyWinners study_winners(const std::vector<DesignResult>& results, int scenario) {
  StudyWinners w;
  for (size_t i = 0; i < results.size(); ++i) {
    const auto a = results[i].average(scenario);
    if (a.achieved_tops > results[w.throughput].average(scenario).achieved_tops) w.throughput = i;
    if (a.utilization > results[w.utilization].average(scenario).utilization) w.utilization = i;
    if (a.tops_per_w > results[w.tops_per_w].average(scenario).tops_per_w) w.tops_per_w = i;
    if (a.tops_per_tco > results[w.tops_per_tco].average(scenario).tops_per_tco) w.tops_per_tco = i;
  }
  const double floor_tops = 0.84 * results[w.throughput].average(scenario).achieved_tops;
  w.tops_per_tco_within_16pct = w.throughput;
  for (size_t i = 0; i < results.size(); ++i) {
    const auto a = results[i].average(scenario);
    if (a.achieved_tops >= floor_tops &&
        a.tops_per_tco > results[w.tops_per_tco_within_16pct].average(scenario).tops_per_tco)
      w.tops_per_tco_within_16pct = i;
  }
  return w;
}

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
  s.noc.bisection_gbps = kBisectionBytesPerS / 1e9;
  s.offchip.dram = chip::DramKind::Hbm2;
  s.offchip.dram_gbps = 700;
  s.offchip.pcie_gen = 3;
  s.offchip.pcie_lanes = 16;
  s.white_space = 0;
  return s;
}

DesignResult evaluate_design(const DesignPoint& p, const chip::ChipReport& chip,
                             const std::vector<CnnModel>& models) {
  DesignResult d;
  d.point = p;
  d.area_mm2 = chip.area_mm2;
  d.tdp_w = chip.tdp_w;
  d.peak_tops = chip.peak_tops;
  for (const auto& c : chip.components) {
    d.area_breakdown_mm2.push_back({c.name, c.area_mm2});
    d.tdp_breakdown_w.push_back({c.name, c.tdp_w});
  }
  for (const auto& model : models) {
    d.workloads.push_back(evaluate(chip, p, 1, model));
    WorkloadResult bounded = d.workloads.back();
    for (int64_t b = 2; b <= 256; b *= 2) {
      auto w = evaluate(chip, p, b, model);
      if (w.latency_s > kLatencyBoundS) break;
      bounded = w;
    }
    d.workloads.push_back(bounded);
    d.workloads.push_back(evaluate(chip, p, 256, model));
  }
  return d;
}

DesignResult evaluate_design(const DesignPoint& p, const std::vector<CnnModel>& models) {
  return evaluate_design(p, chip::evaluate_chip(datacenter_spec(p)), models);
}

std::vector<WorkloadResult> batch_series(const DesignPoint& p, const CnnModel& model) {
  const auto chip = chip::evaluate_chip(datacenter_spec(p));
  std::vector<WorkloadResult> out;
  for (int64_t b = 1; b <= 256; b *= 2) out.push_back(evaluate(chip, p, b, model));
  return out;
}

std::vector<DesignResult> brawny_wimpy_sweep(const SweepOptions& options) {
  std::vector<DesignResult> out;
  std::vector<CnnModel> models;
  for (const auto& name : options.models) models.push_back(load_cnn(name));
  for (int64_t x : options.lengths) {
    for (int64_t n : options.tus_per_core) {
      // Largest power-of-two core count within the peak bound, then shrink to the budgets.
      const double per_core_tops = 2.0 * double(x * x * n) * 700e6 / 1e12;
      if (per_core_tops > kPeakTopsBound) continue;
      int64_t cores = 1;
      while (per_core_tops * double(cores * 2) <= kPeakTopsBound) cores *= 2;
      for (; cores >= 1; cores /= 2) {
        const int64_t ty = int64_t{1}
                           << static_cast<int>(std::ceil(std::log2(std::sqrt(double(cores)))));
        DesignPoint p{x, n, cores / ty, ty};
        chip::ChipReport chip;
        try {
          chip = chip::evaluate_chip(datacenter_spec(p));
        } catch (const Error&) {
          continue;
        }
        if (chip.area_mm2 > kAreaBudgetMm2 || chip.tdp_w > kPowerBudgetW) continue;
        out.push_back(evaluate_design(p, chip, models));
        break;
      }
    }
  }
  return out;
}

}  // namespace tessera::explore
