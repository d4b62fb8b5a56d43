// Model sizes as named parameters: every zoo size is a parameter with a default, and users
// override them ("bert-base:seq=512,heads=4"). Strict input (STYLE.md example 9): an override
// that names no parameter is an error with the list of known ones.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace tessera::model {

struct ParamSpec {
  std::string name;
  std::string default_value;  // "" = required or derived
  std::string help;
};

class ModelParams {
 public:
  ModelParams(std::string model_name, std::vector<ParamSpec> specs);

  // Applies "key=value" overrides; unknown keys throw tessera::Error.
  void set(const std::string& key, const std::string& value);
  bool has(const std::string& key) const;  // set explicitly or has a non-empty default
  bool declares(const std::string& key) const { return values_.count(key) > 0; }

  // Typed getters validate: integers must be whole and in [1, 2^40]; lists are "a/b/c" or "[a,b]".
  int64_t get_int(const std::string& key) const;
  double get_double(const std::string& key) const;
  bool get_bool(const std::string& key) const;
  std::string get_string(const std::string& key) const;
  // A per-layer list: either one value for every layer or exactly `count` values.
  std::vector<int64_t> get_int_list(const std::string& key, int64_t count) const;

  const std::string& model_name() const { return model_name_; }
  const std::vector<ParamSpec>& specs() const { return specs_; }
  // The effective configuration, for reports.
  std::map<std::string, std::string> effective() const;

 private:
  const std::string& raw(const std::string& key) const;
  std::string model_name_;
  std::vector<ParamSpec> specs_;
  std::map<std::string, std::string> values_;
};

// Parses a whole integer from user text; throws tessera::Error naming `what`.
int64_t parse_positive_int(const std::string& text, const std::string& what);

}  // namespace tessera::model
