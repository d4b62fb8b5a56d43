// Machine and human output of `tessera run` (JSON, table, CSV).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "tessera/run/engine.h"

namespace tessera::run {

nlohmann::json run_json(const RunResult& result, const RunOptions& options);
std::string run_table(const RunResult& result, const RunOptions& options);
std::string run_csv(const RunResult& result);

}  // namespace tessera::run
