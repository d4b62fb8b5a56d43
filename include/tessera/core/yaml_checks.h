// Checks every YAML spec reader makes before reading fields (DESIGN.md "Errors": bad input is
// one clear error). yaml-cpp keeps both entries of a repeated key and `node[key]` silently
// returns the first, so `clock_hz: 1e9 ... clock_hz: 2e9` would be read as 1e9 without a word.
#pragma once

#include <yaml-cpp/yaml.h>

#include <set>
#include <string>

#include "tessera/core/error.h"

namespace tessera {

// Throws tessera::Error("ORIGIN: duplicate key 'K' (line N)") for the first key that appears
// twice in any mapping of `node`, at any depth.
inline void reject_duplicate_keys(const YAML::Node& node, const std::string& origin) {
  if (node.IsMap()) {
    std::set<std::string> seen;
    for (const auto& kv : node) {
      if (kv.first.IsScalar() && !seen.insert(kv.first.Scalar()).second)
        throw Error(origin + ": duplicate key '" + kv.first.Scalar() + "' (line " +
                    std::to_string(kv.first.Mark().line + 1) + ")");
      reject_duplicate_keys(kv.second, origin);
    }
  } else if (node.IsSequence()) {
    for (const auto& item : node) reject_duplicate_keys(item, origin);
  }
}

}  // namespace tessera
