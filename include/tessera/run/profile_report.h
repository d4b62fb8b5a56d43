// Output of `tessera profile` (NLP-Perf's analysis phase): a table of per-operation shares,
// CSV/JSON, and a stacked breakdown chart in SVG like 002 Fig. 4.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "tessera/run/profiler.h"

namespace tessera::run {

nlohmann::json profile_json(const ProfileResult& result);
std::string profile_table(const ProfileResult& result);
std::string profile_csv(const ProfileResult& result);
std::string profile_svg(const ProfileResult& result);

}  // namespace tessera::run
