// Strict reading of YAML maps for spec files: every key read is marked, and finish() rejects
// the rest with the full key path and a did-you-mean hint (Timeloop issue #256 is what happens
// without this). Values are checked for type with the path in the message.
#pragma once

#include <yaml-cpp/yaml.h>

#include <set>
#include <string>
#include <vector>

namespace tessera::hw {

// " (did you mean 'x'?)" for the closest candidate within a small edit distance, or "".
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

class MapReader {
 public:
  // `path` is the key path of this map ("" for the root, "pe_array", "memory[1]").
  MapReader(const YAML::Node& node, std::string origin, std::string path);

  bool has(const std::string& key) const;
  YAML::Node node(const std::string& key);  // marks the key used; undefined node if absent
  std::string string(const std::string& key, const std::string& fallback = "");
  double number(const std::string& key, double fallback);
  int64_t integer(const std::string& key, int64_t fallback);
  bool boolean(const std::string& key, bool fallback);
  // Throws for every key in the map that was not read, against the known key list.
  void finish(const std::vector<std::string>& known) const;

  std::string where(const std::string& key) const;  // "origin: path.key"
  const std::string& origin() const { return origin_; }
  std::string child_path(const std::string& key) const;

 private:
  YAML::Node node_;
  std::string origin_, path_;
  std::set<std::string> used_;
};

// Throws "origin: path: message".
[[noreturn]] void spec_error(const std::string& where, const std::string& message);

}  // namespace tessera::hw
