// Rendering an evaluator's answer for a model (perf::ModelCost) with its workload as a text
// table, JSON or CSV (issue #4). JSON follows `analyze`'s conventions: model, assumptions
// (including evaluator and hardware), totals, groups, ops; time in seconds, energy in joules.
// Unsupported ops are listed, never silently costed as zero.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "tessera/hw/hardware.h"
#include "tessera/perf/evaluator.h"
#include "tessera/workload/analysis.h"

namespace tessera::report {

// Extra assumptions (e.g. the CLI's --set overrides) are merged into "assumptions".
nlohmann::json cost_json(const perf::ModelCost& cost, const workload::Workload& workload,
                         const hw::Hardware& hw, const nlohmann::json& extra_assumptions = {});
std::string cost_table(const perf::ModelCost& cost, const workload::Workload& workload,
                       const hw::Hardware& hw, bool show_ops);
std::string cost_csv(const perf::ModelCost& cost, const workload::Workload& workload);

// Number of ops the hardware could not run (Bound::Unsupported).
size_t unsupported_op_count(const perf::ModelCost& cost);

}  // namespace tessera::report
