#include "tessera/perf/evaluator.h"

#include <algorithm>

namespace tessera::perf {

std::string_view bound_name(Bound bound) {
  switch (bound) {
    case Bound::Compute:
      return "compute";
    case Bound::Memory:
      return "memory";
    case Bound::Host:
      return "host";
    case Bound::Overhead:
      return "overhead";
    case Bound::Unsupported:
      return "unsupported";
  }
  return "compute";
}

namespace {
void accumulate(Cost& sum, const Cost& c) {
  sum.latency_s += c.latency_s;
  sum.cycles += c.cycles;
  if (c.has_energy()) sum.energy_j = (sum.has_energy() ? sum.energy_j : 0.0) + c.energy_j;
  for (const auto& [k, v] : c.energy_by_component_j) sum.energy_by_component_j[k] += v;
  for (const auto& [k, v] : c.breakdown_s) sum.breakdown_s[k] += v;
  for (const auto& t : c.traffic) {
    bool found = false;
    for (auto& s : sum.traffic)
      if (s.level == t.level) {
        s.read_bytes += t.read_bytes;
        s.write_bytes += t.write_bytes;
        found = true;
      }
    if (!found) sum.traffic.push_back(t);
  }
  // Latency-weighted utilisation, finalised by the caller.
  sum.utilization += c.utilization * c.latency_s;
}
void finalize(Cost& sum) {
  sum.utilization = sum.latency_s > 0 ? sum.utilization / sum.latency_s : 0.0;
}
}  // namespace

ModelCost evaluate_workload(const Evaluator& evaluator, const workload::Workload& workload,
                            const hw::Hardware& hw) {
  ModelCost result;
  result.evaluator = std::string(evaluator.name());
  result.hardware = hw.name;
  EvalContext context;
  context.workload = &workload;
  for (size_t i = 0; i < workload.ops.size(); ++i) {
    context.op_index = i;
    OpCost oc{i, evaluator.evaluate(workload.ops[i], hw, context)};
    accumulate(result.total, oc.cost);
    const std::string& group = workload.ops[i].group;
    auto it = std::find_if(result.groups.begin(), result.groups.end(),
                           [&](const auto& g) { return g.first == group; });
    if (it == result.groups.end()) {
      result.groups.emplace_back(group, Cost{});
      it = result.groups.end() - 1;
    }
    accumulate(it->second, oc.cost);
    result.ops.push_back(std::move(oc));
  }
  finalize(result.total);
  for (auto& g : result.groups) finalize(g.second);
  return result;
}

}  // namespace tessera::perf
