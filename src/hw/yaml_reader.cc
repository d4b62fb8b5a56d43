#include "hw/yaml_reader.h"

#include <algorithm>
#include <cmath>

#include "tessera/core/error.h"

namespace tessera::hw {
namespace {

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_distance = std::max<size_t>(3, word.size() / 3) + 1;
  for (const auto& candidate : candidates) {
    size_t d = edit_distance(word, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  return best.empty() ? "" : " (did you mean '" + best + "'?)";
}

void spec_error(const std::string& where, const std::string& message) {
  throw Error(where + ": " + message);
}

MapReader::MapReader(const YAML::Node& node, std::string origin, std::string path)
    : node_(node), origin_(std::move(origin)), path_(std::move(path)) {
  if (!node_.IsMap())
    spec_error(origin_ + (path_.empty() ? "" : ": " + path_), "expected a map of keys");
}

std::string MapReader::child_path(const std::string& key) const {
  return path_.empty() ? key : path_ + "." + key;
}

std::string MapReader::where(const std::string& key) const {
  return origin_ + ": " + child_path(key);
}

// Lookups go through a const node: yaml-cpp's non-const operator[] may insert the key.
bool MapReader::has(const std::string& key) const {
  const YAML::Node& map = node_;
  return static_cast<bool>(map[key]);
}

YAML::Node MapReader::node(const std::string& key) {
  used_.insert(key);
  const YAML::Node& map = node_;
  return map[key];
}

std::string MapReader::string(const std::string& key, const std::string& fallback) {
  YAML::Node n = node(key);
  if (!n) return fallback;
  if (!n.IsScalar()) spec_error(where(key), "expected a text value");
  return n.Scalar();
}

double MapReader::number(const std::string& key, double fallback) {
  YAML::Node n = node(key);
  if (!n) return fallback;
  double value = 0;
  if (!n.IsScalar() || !YAML::convert<double>::decode(n, value) || !std::isfinite(value))
    spec_error(where(key), "expected a number, got '" + (n.IsScalar() ? n.Scalar() : "?") + "'");
  return value;
}

int64_t MapReader::integer(const std::string& key, int64_t fallback) {
  YAML::Node n = node(key);
  if (!n) return fallback;
  double value = 0;
  if (!n.IsScalar() || !YAML::convert<double>::decode(n, value) || !std::isfinite(value) ||
      value != std::floor(value) || std::fabs(value) > 9.0e18)
    spec_error(where(key), "expected an integer, got '" + (n.IsScalar() ? n.Scalar() : "?") + "'");
  return static_cast<int64_t>(value);
}

bool MapReader::boolean(const std::string& key, bool fallback) {
  YAML::Node n = node(key);
  if (!n) return fallback;
  bool value = false;
  if (!n.IsScalar() || !YAML::convert<bool>::decode(n, value))
    spec_error(where(key), "expected true or false");
  return value;
}

void MapReader::finish(const std::vector<std::string>& known) const {
  for (const auto& kv : node_) {
    std::string key = kv.first.as<std::string>();
    if (used_.count(key)) continue;
    spec_error(origin_ + ": " + child_path(key), "unknown key" + did_you_mean(key, known));
  }
}

}  // namespace tessera::hw
