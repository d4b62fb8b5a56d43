// The Evaluator interface (STYLE.md example 4): one small class with one virtual. Roofline and
// analytical evaluators live in perf/; the mapped evaluator lives in map/ and implements this.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/hw/hardware.h"
#include "tessera/perf/cost.h"
#include "tessera/workload/analysis.h"

namespace tessera::perf {

// What an evaluator may look at beyond the op: the whole workload (for fusion with the next op,
// output precision before a nonlinear op) and the op's index in it.
struct EvalContext {
  const workload::Workload* workload = nullptr;
  size_t op_index = 0;
};

class Evaluator {
 public:
  virtual ~Evaluator() = default;
  virtual std::string_view name() const = 0;
  virtual Cost evaluate(const workload::Op& op, const hw::Hardware& hw,
                        const EvalContext& context) const = 0;
};

struct OpCost {
  size_t op_index = 0;
  Cost cost;
};

struct ModelCost {
  std::string evaluator;
  std::string hardware;
  std::vector<OpCost> ops;
  Cost total;  // latency, energy and traffic summed; utilisation weighted by latency
  std::vector<std::pair<std::string, Cost>> groups;  // per role group, first-appearance order
};

// Evaluates every op and rolls the costs up (sequential execution of ops).
ModelCost evaluate_workload(const Evaluator& evaluator, const workload::Workload& workload,
                            const hw::Hardware& hw);

}  // namespace tessera::perf
