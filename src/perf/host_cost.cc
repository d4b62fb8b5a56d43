#include "perf/host_cost.h"

#include <algorithm>

namespace tessera::perf {

bool is_integer(model::DType type) {
  return type == model::DType::Int8 || type == model::DType::Int16 || type == model::DType::Int32;
}

HostTime host_time(const workload::Op& op, const hw::Hardware& hw) {
  const hw::HostCpu& host = *hw.host;
  HostTime t;
  int64_t in_elements = 0, out_elements = 0;
  for (const auto& tr : op.traffic) (tr.is_output ? out_elements : in_elements) += tr.elements;
  // The host works in fp32: 4 bytes per element moved, whatever the accelerator's type.
  double bytes = 4.0 * static_cast<double>(in_elements + out_elements);
  bool integer_accelerator = hw.pe_array && is_integer(hw.pe_array->dtype);
  // Dequantise and quantise are passes of their own over the tensors (001 Fig. 14 lists them
  // as separate operations): accumulator-width integers in, fp32 out; fp32 in, int8 out.
  if (integer_accelerator)
    bytes += static_cast<double>(in_elements) *
                 (static_cast<double>(model::dtype_bytes(hw.pe_array->accumulator_dtype)) + 4.0) +
             static_cast<double>(out_elements) *
                 (4.0 + static_cast<double>(model::dtype_bytes(hw.pe_array->dtype)));
  t.memory_s = bytes / host.bandwidth_bytes_per_s;
  t.serial = host.blocking_cache;
  t.compute_s = static_cast<double>(op.flops) / host.peak_flops_per_s;
  auto cycles = host.cycles_per_element.find(op.kind);
  if (cycles != host.cycles_per_element.end() && host.clock_hz > 0)
    t.compute_s = std::max(t.compute_s, static_cast<double>(op.problem.vector.elements) *
                                            cycles->second / host.clock_hz);
  if (integer_accelerator)
    t.quantize_s = static_cast<double>(in_elements) * host.dequantize_s_per_element +
                   static_cast<double>(out_elements) * host.quantize_s_per_element;
  return t;
}

void apply_host_time(const HostTime& t, const workload::Op& op, const hw::Hardware& hw,
                     Cost& cost) {
  cost.latency_s = t.total_s();
  cost.bound = Bound::Host;
  cost.unit = "host";
  cost.breakdown_s["host"] = t.core_s();
  if (t.quantize_s > 0) cost.breakdown_s["quantize"] = t.quantize_s;
  double peak = hw.host->peak_flops_per_s;
  cost.utilization = cost.latency_s > 0 ? static_cast<double>(op.flops) / cost.latency_s / peak : 0;
  cost.attainable_ops_per_s =
      cost.latency_s > 0 ? static_cast<double>(op.flops) / cost.latency_s : 0;
  cost.note =
      "offloaded to host " + hw.host->name + (t.quantize_s > 0 ? " with dequantise/quantise" : "");
}

}  // namespace tessera::perf
