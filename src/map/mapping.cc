#include "tessera/map/mapping.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "tessera/core/checked_math.h"
#include "tessera/core/error.h"
#include "tessera/core/yaml_checks.h"

namespace tessera::map {

Mapping trivial_mapping(const LoopProblem& problem, const MapArch& arch) {
  Mapping m;
  m.num_levels = arch.num_levels;
  for (int l = 0; l < kMaxLevels; ++l) {
    m.temporal[l].fill(1);
    for (int i = 0; i < kMaxDims; ++i) m.order[l][i] = static_cast<uint8_t>(i);
    m.keep[l] = l < arch.num_levels ? arch.levels[l].may_hold : 0;
  }
  m.spatial_x.fill(1);
  m.spatial_y.fill(1);
  (void)problem;
  return m;
}

void complete_outer_factors(const LoopProblem& problem, const MapArch& arch, Mapping& m) {
  const int top = arch.num_levels - 1;
  for (int d = 0; d < problem.num_dims; ++d) {
    int64_t inner = m.spatial_x[d] * m.spatial_y[d];
    for (int l = 0; l < top; ++l) inner *= m.temporal[l][d];
    m.temporal[top][d] = ceil_div(problem.bound[d], inner);
  }
}

std::string format_loop_nest(const LoopProblem& problem, const MapArch& arch, const Mapping& m) {
  std::string out;
  int depth = 0;
  // Loop variable suffix per dim: level 0 loops are n0, the next level up n1, ... (001 Fig. 17).
  std::array<int, kMaxDims> suffix_at_level_base{};
  std::array<std::array<int, kMaxDims>, kMaxLevels + 1> suffix{};
  for (int d = 0; d < problem.num_dims; ++d) {
    int s = 0;
    for (int l = 0; l < arch.num_levels; ++l) {
      if (l == arch.spatial_level)
        suffix[kMaxLevels][d] = (m.spatial_x[d] * m.spatial_y[d] > 1) ? s++ : s;
      suffix[l][d] = m.temporal[l][d] > 1 ? s++ : s;
    }
  }
  (void)suffix_at_level_base;
  auto lower = [](const char* name) { return static_cast<char>(std::tolower(name[0])); };
  for (int l = arch.num_levels - 1; l >= 0; --l) {
    std::string kept;
    for (int t = 0; t < kTensors; ++t)
      if (m.keeps(l, t)) kept += std::string(kept.empty() ? "" : ",") + std::string(tensor_name(t));
    out += fmt::format("{:-^5}{}{:-^5} keeps [{}]\n", "", arch.levels[l].name, "", kept);
    for (int i = problem.num_dims - 1; i >= 0; --i) {
      int d = m.order[l][i];
      if (m.temporal[l][d] <= 1) continue;
      out += fmt::format("{}for {}{} in [0:{})\n", std::string(2 * depth, ' '),
                         lower(problem.dim_name[d]), suffix[l][d], m.temporal[l][d]);
      ++depth;
    }
    if (l == arch.spatial_level) {
      for (int d = 0; d < problem.num_dims; ++d) {
        for (int axis = 0; axis < 2; ++axis) {
          int64_t f = axis == 0 ? m.spatial_x[d] : m.spatial_y[d];
          if (f <= 1) continue;
          out += fmt::format("{}for {}{} in [0:{}) (Spatial-{})\n", std::string(2 * depth, ' '),
                             lower(problem.dim_name[d]), suffix[kMaxLevels][d], f,
                             axis == 0 ? "X" : "Y");
          ++depth;
        }
      }
    }
  }
  out += fmt::format("{}MAC\n", std::string(2 * depth, ' '));
  return out;
}

namespace {

void emit_factors(YAML::Emitter& y, const char* key, const LoopProblem& p,
                  const std::array<int64_t, kMaxDims>& f) {
  y << YAML::Key << key << YAML::Value << YAML::Flow << YAML::BeginMap;
  for (int d = 0; d < p.num_dims; ++d)
    if (f[d] > 1) y << YAML::Key << p.dim_name[d] << YAML::Value << f[d];
  y << YAML::EndMap;
}

[[noreturn]] void fail(const std::string& where, const std::string& what) {
  throw Error("mapping YAML: " + where + ": " + what);
}

int find_dim(const LoopProblem& p, const std::string& name, const std::string& where) {
  int d = p.dim_index(name);
  if (d < 0) {
    std::string dims;
    for (int i = 0; i < p.num_dims; ++i) dims += std::string(i ? ", " : "") + p.dim_name[i];
    fail(where, fmt::format("unknown dimension '{}' (this problem has {})", name, dims));
  }
  return d;
}

void read_factors(const YAML::Node& node, const LoopProblem& p, const std::string& where,
                  std::array<int64_t, kMaxDims>& out) {
  if (!node.IsMap()) fail(where, "expected a map of DIM: factor");
  for (const auto& kv : node) {
    std::string name = kv.first.as<std::string>();
    int d = find_dim(p, name, where);
    int64_t v = 0;
    try {
      v = kv.second.as<int64_t>();
    } catch (const YAML::Exception&) {
      fail(where + "." + name, "factor is not an integer");
    }
    if (v < 1 || v > p.bound[d] * 2)
      fail(where + "." + name, fmt::format("factor {} out of range", v));
    out[d] = v;
  }
}

}  // namespace

std::string mapping_to_yaml(const LoopProblem& problem, const MapArch& arch, const Mapping& m) {
  YAML::Emitter y;
  y << YAML::BeginMap;
  y << YAML::Key << "problem" << YAML::Value << problem.spec;
  y << YAML::Key << "hardware" << YAML::Value << arch.name;
  y << YAML::Key << "levels" << YAML::Value << YAML::BeginSeq;
  for (int l = arch.num_levels - 1; l >= 0; --l) {
    y << YAML::BeginMap;
    y << YAML::Key << "level" << YAML::Value << arch.levels[l].name;
    emit_factors(y, "temporal", problem, m.temporal[l]);
    y << YAML::Key << "order" << YAML::Value << YAML::Flow << YAML::BeginSeq;
    for (int i = problem.num_dims - 1; i >= 0; --i) y << problem.dim_name[m.order[l][i]];
    y << YAML::EndSeq;
    if (l == arch.spatial_level) {
      emit_factors(y, "spatial_x", problem, m.spatial_x);
      emit_factors(y, "spatial_y", problem, m.spatial_y);
    }
    y << YAML::Key << "keep" << YAML::Value << YAML::Flow << YAML::BeginSeq;
    for (int t = 0; t < kTensors; ++t)
      if (m.keeps(l, t)) y << std::string(tensor_name(t));
    y << YAML::EndSeq;
    y << YAML::EndMap;
  }
  y << YAML::EndSeq << YAML::EndMap;
  return std::string(y.c_str()) + "\n";
}

Mapping mapping_from_yaml(const std::string& text, const LoopProblem& problem,
                          const MapArch& arch) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw Error(std::string("mapping YAML: ") + e.what());
  }
  if (!root.IsMap()) fail("top level", "expected a map with 'levels'");
  reject_duplicate_keys(root, "mapping YAML");
  for (const auto& kv : root) {
    std::string key = kv.first.as<std::string>();
    if (key != "problem" && key != "hardware" && key != "levels")
      fail(key, "unknown key (expected problem, hardware, levels)");
  }
  if (!root["levels"] || !root["levels"].IsSequence()) fail("levels", "expected a list of levels");
  Mapping m = trivial_mapping(problem, arch);
  for (int l = 0; l < arch.num_levels; ++l) m.keep[l] = 0;
  m.keep[arch.num_levels - 1] = 0b111;
  std::array<bool, kMaxLevels> seen{};
  for (const YAML::Node& entry : root["levels"]) {
    if (!entry.IsMap() || !entry["level"]) fail("levels", "each entry needs 'level: NAME'");
    std::string name = entry["level"].as<std::string>();
    int l = -1;
    for (int i = 0; i < arch.num_levels; ++i)
      if (arch.levels[i].name == name) l = i;
    if (l < 0) fail("levels." + name, "no such memory level in " + arch.name);
    if (seen[l]) fail("levels." + name, "level given twice");
    seen[l] = true;
    std::string where = "levels." + name;
    for (const auto& kv : entry) {
      std::string key = kv.first.as<std::string>();
      if (key == "level") continue;
      if (key == "temporal") {
        read_factors(kv.second, problem, where + ".temporal", m.temporal[l]);
      } else if (key == "spatial_x" || key == "spatial_y") {
        if (l != arch.spatial_level)
          fail(where + "." + key,
               "spatial factors belong to level " + arch.levels[arch.spatial_level].name);
        read_factors(kv.second, problem, where + "." + key,
                     key == "spatial_x" ? m.spatial_x : m.spatial_y);
      } else if (key == "order") {
        // Listed outer→inner; unlisted dims go innermost in their natural order.
        std::array<bool, kMaxDims> placed{};
        std::vector<int> outer;
        for (const YAML::Node& dn : kv.second) {
          int d = find_dim(problem, dn.as<std::string>(), where + ".order");
          if (placed[d]) fail(where + ".order", "dimension listed twice");
          placed[d] = true;
          outer.push_back(d);
        }
        int i = 0;
        for (int d = 0; d < problem.num_dims; ++d)
          if (!placed[d]) m.order[l][i++] = static_cast<uint8_t>(d);
        for (auto it = outer.rbegin(); it != outer.rend(); ++it)
          m.order[l][i++] = static_cast<uint8_t>(*it);
      } else if (key == "keep") {
        for (const YAML::Node& tn : kv.second) {
          std::string t = tn.as<std::string>();
          int ti = t == "weights" ? 0 : t == "inputs" ? 1 : t == "outputs" ? 2 : -1;
          if (ti < 0)
            fail(where + ".keep", "unknown tensor '" + t + "' (weights, inputs, outputs)");
          if (!((arch.levels[l].may_hold >> ti) & 1u))
            fail(where + ".keep", fmt::format("{} cannot hold {}", name, t));
          m.keep[l] |= static_cast<uint8_t>(1u << ti);
        }
      } else {
        fail(where + "." + key,
             "unknown key (expected level, temporal, order, spatial_x, spatial_y, keep)");
      }
    }
  }
  for (int d = 0; d < problem.num_dims; ++d) {
    int64_t covered = m.spatial_x[d] * m.spatial_y[d];
    for (int l = 0; l < arch.num_levels; ++l) covered *= m.temporal[l][d];
    if (covered < problem.bound[d])
      fail("levels", fmt::format("factors of {} cover {} of {}", problem.dim_name[d], covered,
                                 problem.bound[d]));
  }
  return m;
}

}  // namespace tessera::map
