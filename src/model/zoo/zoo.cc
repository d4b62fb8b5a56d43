// Zoo registry and model resolution (issue #2 "Models are named ...").
#include "tessera/model/zoo.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>

#include "model/zoo/zoo_registry.h"
#include "tessera/core/atomic_file.h"
#include "tessera/core/error.h"
#include "tessera/core/yaml_checks.h"
#include "tessera/model/onnx_import.h"

namespace tessera::model {
namespace {

struct Registry {
  std::vector<ZooFamily> families;
  std::vector<ZooPreset> presets;
};

const Registry& registry() {
  static const Registry r = [] {
    Registry reg;
    auto add = [&](zoo::FamilyGroup group) {
      for (auto& f : group.families) reg.families.push_back(std::move(f));
      for (auto& p : group.presets) reg.presets.push_back(std::move(p));
    };
#define TESSERA_ZOO_FAMILY(factory) add(zoo::factory());
#include "model/zoo/families.def"
#undef TESSERA_ZOO_FAMILY
    return reg;
  }();
  return r;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Edit distance for "did you mean" hints.
size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string suggestion(const std::string& name) {
  std::string best;
  size_t best_distance = 4;
  auto consider = [&](const std::string& candidate) {
    size_t d = edit_distance(name, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  };
  for (const auto& p : registry().presets) consider(p.name);
  for (const auto& f : registry().families) consider(f.name);
  return best.empty() ? "" : " (did you mean '" + best + "'?)";
}

void apply_overrides(ModelParams& params, const std::string& text) {
  size_t start = 0;
  while (start < text.size()) {
    // Lists may be written [a,b,c]: commas inside brackets do not split overrides.
    size_t end = start;
    int depth = 0;
    while (end < text.size() && !(text[end] == ',' && depth == 0)) {
      if (text[end] == '[') ++depth;
      if (text[end] == ']') --depth;
      ++end;
    }
    std::string item = text.substr(start, end - start);
    size_t eq = item.find('=');
    // A bare word selects the family's variant: "efficientnet-x-b0:tpu" = "...:variant=tpu".
    if (eq == std::string::npos && !item.empty() && params.declares("variant")) {
      params.set("variant", item);
      start = end + 1;
      continue;
    }
    if (eq == std::string::npos || eq == 0)
      throw Error(params.model_name() + ": override '" + item + "' is not key=value");
    params.set(item.substr(0, eq), item.substr(eq + 1));
    start = end + 1;
  }
}

std::string yaml_to_param_text(const YAML::Node& node) {
  if (node.IsScalar()) return node.as<std::string>();
  if (node.IsSequence()) {
    bool flat =
        std::all_of(node.begin(), node.end(), [](const YAML::Node& n) { return n.IsScalar(); });
    if (flat) {
      std::string out = "[";
      for (size_t i = 0; i < node.size(); ++i) out += (i ? "," : "") + node[i].as<std::string>();
      return out + "]";
    }
  }
  YAML::Emitter emitter;
  emitter << YAML::Flow << node;
  return emitter.c_str();
}

ModelHandle resolve_yaml(const std::string& path, const LoadOptions& options);

ModelHandle resolve_named(const std::string& spec, const LoadOptions& options) {
  std::string name = spec.substr(0, spec.find(':'));
  std::string overrides =
      spec.find(':') == std::string::npos ? "" : spec.substr(spec.find(':') + 1);
  if (spec.find(':') != std::string::npos && overrides.empty())
    throw Error("model '" + spec + "': nothing after ':' (expected key=value overrides)");
  const ZooPreset* preset = nullptr;
  for (const auto& p : registry().presets)
    if (p.name == name) preset = &p;
  const ZooFamily* family = nullptr;
  if (preset) {
    family = &find_family(preset->family);
  } else {
    for (const auto& f : registry().families)
      if (f.name == name) family = &f;
  }
  if (!family)
    throw Error("unknown model '" + name + "'" + suggestion(name) +
                "; `tessera models` lists them");
  ModelHandle handle;
  handle.spec = spec;
  handle.family = family;
  handle.params = ModelParams(name, family->params);
  if (preset)
    for (const auto& [k, v] : preset->overrides) handle.params.set(k, v);
  apply_overrides(handle.params, overrides);
  if (options.batch > 0 && handle.params.has("batch"))
    handle.params.set("batch", std::to_string(options.batch));
  return handle;
}

ModelHandle resolve_yaml(const std::string& path, const LoadOptions& options) {
  YAML::Node root;
  try {
    root = YAML::Load(read_file(path));
  } catch (const YAML::Exception& e) {
    throw Error(path + ": malformed YAML: " + e.msg + " (line " + std::to_string(e.mark.line + 1) +
                ")");
  }
  if (!root.IsMap()) throw Error(path + ": a model file must be a YAML mapping");
  reject_duplicate_keys(root, path);
  std::string base;
  for (const auto& kv : root) {
    std::string key = kv.first.as<std::string>();
    if (key != "family" && key != "preset" && key != "name" && key != "params")
      throw Error(path + ": unknown key '" + key + "' (expected family or preset, name, params)");
  }
  // as<std::string>() on a list or map throws a bare yaml-cpp "bad conversion" (exit 1).
  auto text = [&](const char* key) {
    const YAML::Node node = root[key];
    if (!node.IsScalar()) throw Error(path + ": " + key + ": expected a name, not a list or map");
    return node.Scalar();
  };
  if (root["preset"] && root["family"])
    throw Error(path + ": give 'family:' or 'preset:', not both");
  if (root["preset"])
    base = text("preset");
  else if (root["family"])
    base = text("family");
  else
    throw Error(path + ": needs 'family:' or 'preset:'");
  ModelHandle handle;
  try {
    handle = resolve_named(base, options);
    if (root["params"]) {
      if (!root["params"].IsMap()) throw Error("params must be a mapping");
      for (const auto& kv : root["params"])
        handle.params.set(kv.first.as<std::string>(), yaml_to_param_text(kv.second));
    }
  } catch (...) {
    rethrow_with_context(path);
  }
  handle.spec = root["name"] ? text("name") : path;
  return handle;
}

// Prefixes the model spec to an error from building its graph, dropping the model name that
// parameter errors already carry ("bert-base:heads=5: heads=5 does not divide d=768").
[[noreturn]] void rethrow_for(const ModelHandle& handle) {
  try {
    throw;
  } catch (const Error& e) {
    std::string message = e.what();
    const std::string name = handle.params.model_name() + ": ";
    if (message.rfind(name, 0) == 0) message = message.substr(name.size());
    throw Error(handle.spec + ": " + message, e.kind());
  } catch (...) {
    rethrow_with_context(handle.spec);
  }
}

}  // namespace

const std::vector<ZooFamily>& zoo_families() { return registry().families; }
const std::vector<ZooPreset>& zoo_presets() { return registry().presets; }

const ZooFamily& find_family(const std::string& name) {
  for (const auto& f : registry().families)
    if (f.name == name) return f;
  throw Error("unknown model family '" + name + "'" + suggestion(name));
}

Graph ModelHandle::build() const {
  if (!family) return onnx_graph;
  try {
    Graph g = family->build(params);
    g.name = spec;
    if (g.config.empty()) g.config = params.effective();
    return g;
  } catch (...) {
    rethrow_for(*this);
  }
}

Graph ModelHandle::build_decode_step(int64_t context) const {
  if (!is_decoder()) throw Error(spec + ": not an autoregressive decoder (no decoder mode)");
  try {
    Graph g = family->build_decode_step(params, context);
    g.name = spec;
    if (g.config.empty()) g.config = params.effective();
    return g;
  } catch (...) {
    rethrow_for(*this);
  }
}

ModelHandle resolve_model(const std::string& spec, const LoadOptions& options) {
  if (spec.empty()) throw Error("empty model name");
  if (ends_with(spec, ".onnx")) {
    ModelHandle handle;
    handle.spec = spec;
    handle.onnx_graph = import_onnx(spec, options);
    return handle;
  }
  if (ends_with(spec, ".yaml") || ends_with(spec, ".yml")) return resolve_yaml(spec, options);
  return resolve_named(spec, options);
}

Graph load_model(const std::string& spec, const LoadOptions& options) {
  return resolve_model(spec, options).build();
}

}  // namespace tessera::model
