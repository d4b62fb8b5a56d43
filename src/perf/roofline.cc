// Roofline evaluator (004 Eq. 1): see include/tessera/perf/roofline.h.
#include "tessera/perf/roofline.h"

#include <algorithm>

#include "perf/host_cost.h"
#include "tessera/perf/placement.h"

namespace tessera::perf {
namespace {

// Energy from the spec's own numbers: MACs at the PE energy, DRAM bytes at the level's energy.
// Unknown (-1) when the spec gives neither.
void add_energy(const workload::Op& op, const hw::Hardware& hw, Cost& cost) {
  const hw::MemoryLevel& dram = hw.dram();
  double mac_pj = hw.pe_array ? hw.pe_array->mac_energy_pj : 0;
  if (mac_pj <= 0 && dram.read_energy_pj_per_byte <= 0) return;
  double compute_j = static_cast<double>(op.macs) * mac_pj * 1e-12;
  double memory_j = (static_cast<double>(op.bytes_read) * dram.read_energy_pj_per_byte +
                     static_cast<double>(op.bytes_written) * dram.write_energy_pj_per_byte) *
                    1e-12;
  cost.energy_by_component_j["compute"] = compute_j;
  cost.energy_by_component_j[dram.name] = memory_j;
  cost.energy_j = compute_j + memory_j;
}

}  // namespace

Roofs roofs_of(const hw::Hardware& hw, model::DType dtype) {
  Roofs r;
  model::DType chosen = dtype;
  r.matrix_ops_per_s = rate_for(hw.matrix, dtype, chosen);
  r.vector_ops_per_s = rate_for(hw.vector, dtype, chosen);
  if (r.matrix_ops_per_s <= 0) r.matrix_ops_per_s = r.vector_ops_per_s;
  r.bandwidth_bytes_per_s = hw.dram().bandwidth_bytes_per_s;
  return r;
}

Cost RooflineEvaluator::evaluate(const workload::Op& op, const hw::Hardware& hw,
                                 const EvalContext& context) const {
  Cost cost;
  Placement p = place_op(op, hw, workload_dtype(context.workload));
  cost.unit = std::string(unit_name(p.unit));
  cost.note = p.note;
  const double work = static_cast<double>(op.flops);
  const double bytes = static_cast<double>(op.bytes());
  cost.intensity = op.intensity();
  switch (p.unit) {
    case Unit::None:
      cost.bound = Bound::Unsupported;
      return cost;
    case Unit::NoWork:
      cost.note = "no data movement or arithmetic";
      return cost;
    case Unit::Host:
      apply_host_time(host_time(op, hw), op, hw, cost);
      break;
    default: {
      const double b = hw.dram().bandwidth_bytes_per_s;
      if (p.unit == Unit::Dma || work == 0) {
        cost.latency_s = bytes / b;
        cost.bound = Bound::Memory;
        cost.breakdown_s["memory"] = cost.latency_s;
        break;
      }
      const double c_max = p.peak_ops_per_s;
      const double e = hw.efficiency_for(p.op_class);
      const double attainable = bytes > 0 ? std::min(c_max, cost.intensity * b) : c_max;
      cost.attainable_ops_per_s = attainable * e;
      cost.latency_s = work / cost.attainable_ops_per_s;
      cost.bound = attainable < c_max ? Bound::Memory : Bound::Compute;
      cost.utilization = work / cost.latency_s / c_max;
      cost.breakdown_s["compute"] = work / (c_max * e);
      cost.breakdown_s["memory"] = bytes / b;
    }
  }
  if (hw.clock_hz > 0) cost.cycles = cost.latency_s * hw.clock_hz;
  cost.traffic.push_back({hw.dram().name, op.bytes_read, op.bytes_written});
  add_energy(op, hw, cost);
  return cost;
}

}  // namespace tessera::perf
