#include "tessera/model/model_params.h"

#include <cerrno>
#include <cstdlib>

#include "tessera/core/error.h"

namespace tessera::model {
namespace {
constexpr int64_t kMaxSize = int64_t{1} << 40;

std::string known_list(const std::vector<ParamSpec>& specs) {
  std::string out;
  for (const auto& s : specs) out += (out.empty() ? "" : ", ") + s.name;
  return out;
}
}  // namespace

int64_t parse_positive_int(const std::string& text, const std::string& what) {
  if (text.empty()) throw Error(what + ": empty value (expected a positive integer)");
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(text.c_str(), &end, 10);
  if (*end != '\0' || errno == ERANGE) throw Error(what + ": '" + text + "' is not an integer");
  if (v <= 0) throw Error(what + ": " + text + " must be positive");
  if (v > kMaxSize) throw Error(what + ": " + text + " is absurdly large (limit 2^40)");
  return v;
}

ModelParams::ModelParams(std::string model_name, std::vector<ParamSpec> specs)
    : model_name_(std::move(model_name)), specs_(std::move(specs)) {
  for (const auto& s : specs_) values_[s.name] = s.default_value;
}

void ModelParams::set(const std::string& key, const std::string& value) {
  if (!values_.count(key))
    throw Error(model_name_ + ": unknown parameter '" + key + "' (known: " + known_list(specs_) +
                ")");
  values_[key] = value;
}

bool ModelParams::has(const std::string& key) const {
  auto it = values_.find(key);
  return it != values_.end() && !it->second.empty();
}

const std::string& ModelParams::raw(const std::string& key) const {
  auto it = values_.find(key);
  if (it == values_.end())
    throw Error(model_name_ + ": internal: parameter '" + key + "' was not declared",
                ErrorKind::Failure);
  if (it->second.empty()) throw Error(model_name_ + ": parameter '" + key + "' must be given");
  return it->second;
}

int64_t ModelParams::get_int(const std::string& key) const {
  return parse_positive_int(raw(key), model_name_ + ": " + key);
}

double ModelParams::get_double(const std::string& key) const {
  const std::string& text = raw(key);
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (*end != '\0') throw Error(model_name_ + ": " + key + ": '" + text + "' is not a number");
  return v;
}

bool ModelParams::get_bool(const std::string& key) const {
  const std::string& text = raw(key);
  if (text == "1" || text == "true" || text == "yes" || text == "on") return true;
  if (text == "0" || text == "false" || text == "no" || text == "off") return false;
  throw Error(model_name_ + ": " + key + ": '" + text + "' is not a boolean");
}

std::string ModelParams::get_string(const std::string& key) const { return raw(key); }

std::vector<int64_t> ModelParams::get_int_list(const std::string& key, int64_t count) const {
  std::string text = raw(key);
  if (!text.empty() && text.front() == '[' && text.back() == ']')
    text = text.substr(1, text.size() - 2);
  std::vector<int64_t> values;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find_first_of("/,", start);
    if (end == std::string::npos) end = text.size();
    std::string item = text.substr(start, end - start);
    while (!item.empty() && item.front() == ' ') item.erase(item.begin());
    while (!item.empty() && item.back() == ' ') item.pop_back();
    values.push_back(parse_positive_int(item, model_name_ + ": " + key));
    start = end + 1;
  }
  if (values.size() == 1) return std::vector<int64_t>(static_cast<size_t>(count), values[0]);
  if (static_cast<int64_t>(values.size()) != count)
    throw Error(model_name_ + ": " + key + " lists " + std::to_string(values.size()) +
                " values for " + std::to_string(count) + " layers");
  return values;
}

std::map<std::string, std::string> ModelParams::effective() const { return values_; }

}  // namespace tessera::model
