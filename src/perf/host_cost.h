// Cost of an op offloaded to the accelerator's host CPU (001 Sec. 3.4.2): the host's own
// roofline in fp32, its scalar cycles per element where the spec gives them, and the
// dequantise/quantise passes around the op when the accelerator computes in integers.
#pragma once

#include "tessera/hw/hardware.h"
#include "tessera/perf/cost.h"
#include "tessera/workload/op.h"

namespace tessera::perf {

struct HostTime {
  double compute_s = 0, memory_s = 0, quantize_s = 0;
  bool serial = false;  // a blocking cache: memory stalls add to compute
  double core_s() const { return serial ? compute_s + memory_s : std::max(compute_s, memory_s); }
  double total_s() const { return core_s() + quantize_s; }
};

HostTime host_time(const workload::Op& op, const hw::Hardware& hw);

// Fills latency, bound, breakdown and utilisation of `cost` from a host time.
void apply_host_time(const HostTime& t, const workload::Op& op, const hw::Hardware& hw, Cost& cost);

bool is_integer(model::DType type);

}  // namespace tessera::perf
