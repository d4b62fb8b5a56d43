#include "tessera/run/tensor_io.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tessera/core/error.h"

namespace tessera::run {

std::vector<NamedTensor> read_tensors_json(const std::string& path) {
  std::ifstream in(path);
  // A folder opens but then fails inside the JSON parser with a libstdc++ message (exit 1).
  std::error_code ec;
  if (!in || std::filesystem::is_directory(path, ec))
    throw Error("inputs: cannot read '" + path + "'" +
                (std::filesystem::is_directory(path, ec) ? ": is a directory" : ""));
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw Error("inputs: '" + path + "' is not valid JSON (" + e.what() + ")");
  }
  if (j.is_object() && j.contains("inputs")) j = j["inputs"];
  if (!j.is_object() || j.empty())
    throw Error("inputs: '" + path + "' has no {\"NAME\": {\"shape\": [..], \"data\": [..]}} map");
  std::vector<NamedTensor> tensors;
  for (const auto& [name, value] : j.items()) {
    std::string where = "inputs: '" + path + "': tensor '" + name + "'";
    if (!value.is_object() || !value.contains("shape") || !value.contains("data") ||
        !value["shape"].is_array() || !value["data"].is_array())
      throw Error(where + " needs \"shape\" and \"data\" arrays");
    NamedTensor t;
    t.name = name;
    int64_t count = 1;
    for (const auto& d : value["shape"]) {
      if (!d.is_number_integer() || d.get<int64_t>() <= 0 || d.get<int64_t>() > (int64_t{1} << 40))
        throw Error(where + " has a dimension that is not a positive integer");
      t.shape.push_back(d.get<int64_t>());
      count *= t.shape.back();
      if (count > (int64_t{1} << 40)) throw Error(where + " is too large");
    }
    if (static_cast<int64_t>(value["data"].size()) != count)
      throw Error(where + " has " + std::to_string(value["data"].size()) +
                  " values for a shape of " + std::to_string(count) + " elements");
    t.data.reserve(static_cast<size_t>(count));
    for (const auto& x : value["data"]) {
      if (!x.is_number()) throw Error(where + " has a value that is not a number");
      t.data.push_back(static_cast<float>(x.get<double>()));
    }
    tensors.push_back(std::move(t));
  }
  return tensors;
}

std::string tensors_json(const std::vector<NamedTensor>& tensors, const std::string& key) {
  nlohmann::json map = nlohmann::json::object();
  for (const NamedTensor& t : tensors) map[t.name] = {{"shape", t.shape}, {"data", t.data}};
  return nlohmann::json{{key, map}}.dump() + "\n";
}

}  // namespace tessera::run
