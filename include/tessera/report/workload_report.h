// Rendering a workload analysis as a text table, JSON or CSV (issue #2; JSON schema in
// docs/json-output.md). A MAC is 2 FLOPs; every report states its assumptions.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "tessera/workload/analysis.h"

namespace tessera::report {

nlohmann::json workload_json(const workload::Workload& workload);
std::string workload_table(const workload::Workload& workload, bool show_ops);
std::string workload_csv(const workload::Workload& workload);

// The "assumptions" block shared by every report.
nlohmann::json assumptions_json(const workload::Workload& workload);

}  // namespace tessera::report
