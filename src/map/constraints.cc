#include "tessera/map/constraints.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "tessera/core/error.h"
#include "tessera/core/yaml_checks.h"

namespace tessera::map {

namespace {

uint32_t dims_mask(const LoopProblem& p, std::initializer_list<const char*> names) {
  uint32_t mask = 0;
  for (const char* n : names) {
    int d = p.dim_index(n);
    if (d >= 0) mask |= 1u << d;
  }
  return mask;
}

uint32_t irrelevant_mask(const LoopProblem& p, int tensor) {
  uint32_t all = (1u << p.num_dims) - 1;
  return all & ~p.relevant[tensor];
}

}  // namespace

MapConstraints default_constraints(const LoopProblem& problem, const MapArch& arch) {
  return default_constraints(problem, arch, arch.dataflow);
}

MapConstraints default_constraints(const LoopProblem& p, const MapArch& arch,
                                   hw::Dataflow dataflow) {
  MapConstraints c;
  c.dataflow = dataflow;
  const bool conv = p.kind == workload::ProblemKind::Conv;
  int stationary = kWeights;
  switch (dataflow) {
    case hw::Dataflow::WeightStationary:  // reduction down the rows, output channels across
      c.spatial_y_dims = conv ? dims_mask(p, {"C", "R", "S"}) : dims_mask(p, {"K"});
      c.spatial_x_dims = conv ? dims_mask(p, {"K"}) : dims_mask(p, {"N"});
      stationary = kWeights;
      break;
    case hw::Dataflow::OutputStationary:  // output rows down, output columns across
      c.spatial_y_dims = conv ? dims_mask(p, {"N", "P", "Q"}) : dims_mask(p, {"M"});
      c.spatial_x_dims = conv ? dims_mask(p, {"K"}) : dims_mask(p, {"N"});
      stationary = kOutputs;
      break;
    case hw::Dataflow::InputStationary:  // reduction down, input rows across
      c.spatial_y_dims = conv ? dims_mask(p, {"C", "R", "S"}) : dims_mask(p, {"K"});
      c.spatial_x_dims = conv ? dims_mask(p, {"N", "P", "Q"}) : dims_mask(p, {"M"});
      stationary = kInputs;
      break;
  }
  if (arch.array_cols <= 1) c.spatial_x_dims = 0;
  if (arch.array_rows <= 1) c.spatial_y_dims = 0;
  const uint32_t all = (1u << p.num_dims) - 1;
  for (int l = 0; l < arch.num_levels; ++l) {
    if (l < arch.spatial_level) {
      // Inside a PE only the stationary tensor stays; loops there stream the other operands.
      c.temporal_dims[l] = irrelevant_mask(p, stationary);
      c.bypass_forced[l] = static_cast<uint8_t>(0b111 & ~(1u << stationary));
      if ((arch.levels[l].may_hold >> stationary) & 1u)
        c.keep_forced[l] = static_cast<uint8_t>(1u << stationary);
    } else {
      c.temporal_dims[l] = all;
      // A dedicated buffer (Gemmini's accumulator, scratchpad) always keeps the tensors it is
      // built for; only shared levels (caches that may hold everything) choose what to bypass.
      uint8_t may = arch.levels[l].may_hold;
      if (l < arch.num_levels - 1 && may != 0b111) c.keep_forced[l] = may;
    }
  }
  return c;
}

void pin_full_array(const LoopProblem& p, const MapArch& arch, MapConstraints& c) {
  auto pin = [&](uint32_t allowed, int64_t size, std::array<int64_t, kMaxDims>& fixed) {
    for (int d = 0; d < p.num_dims; ++d) {
      if (!((allowed >> d) & 1u)) continue;
      int64_t best = 1;
      for (int64_t f = 1; f <= std::min(size, p.bound[d]); ++f)
        if (p.bound[d] % f == 0) best = f;
      fixed[d] = best;
      return;
    }
  };
  pin(c.spatial_x_dims, arch.array_cols, c.fixed_spatial_x);
  pin(c.spatial_y_dims, arch.array_rows, c.fixed_spatial_y);
  // The remaining allowed dims of each axis stay unmapped (factor 1).
  for (int d = 0; d < p.num_dims; ++d) {
    if (((c.spatial_x_dims >> d) & 1u) && c.fixed_spatial_x[d] == 0) c.fixed_spatial_x[d] = 1;
    if (((c.spatial_y_dims >> d) & 1u) && c.fixed_spatial_y[d] == 0) c.fixed_spatial_y[d] = 1;
  }
}

void validate_constraints(const LoopProblem& p, const MapArch& arch, const MapConstraints& c) {
  auto dim = [&](int d) { return std::string(p.dim_name[d]); };
  for (int l = 0; l < arch.num_levels; ++l) {
    const std::string& name = arch.levels[l].name;
    if (c.keep_forced[l] & c.bypass_forced[l])
      throw Error(fmt::format("constraint levels.{}: a tensor is both kept and bypassed", name));
    for (int t = 0; t < kTensors; ++t)
      if (((c.keep_forced[l] >> t) & 1u) && !((arch.levels[l].may_hold >> t) & 1u))
        throw Error(fmt::format("constraint levels.{}.keep: {} cannot hold {}", name, name,
                                tensor_name(t)));
    for (int d = 0; d < p.num_dims; ++d) {
      int64_t f = c.fixed_temporal[l][d];
      if (f > 1 && !((c.temporal_dims[l] >> d) & 1u))
        throw Error(fmt::format(
            "constraint levels.{}.temporal.{} = {}: the {} dataflow does not let {} iterate at {}",
            name, dim(d), f, hw::dataflow_name(c.dataflow), dim(d), name));
    }
  }
  int64_t sx = 1, sy = 1;
  for (int d = 0; d < p.num_dims; ++d) {
    int64_t product = 1;
    for (int l = 0; l < arch.num_levels; ++l)
      if (c.fixed_temporal[l][d] > 0) product *= c.fixed_temporal[l][d];
    if (c.fixed_spatial_x[d] > 0) {
      if (!((c.spatial_x_dims >> d) & 1u) && c.fixed_spatial_x[d] > 1)
        throw Error(fmt::format("constraint spatial_x.{}: {} may not fan out over the columns",
                                dim(d), dim(d)));
      product *= c.fixed_spatial_x[d];
      sx *= c.fixed_spatial_x[d];
    }
    if (c.fixed_spatial_y[d] > 0) {
      if (!((c.spatial_y_dims >> d) & 1u) && c.fixed_spatial_y[d] > 1)
        throw Error(fmt::format("constraint spatial_y.{}: {} may not fan out over the rows", dim(d),
                                dim(d)));
      product *= c.fixed_spatial_y[d];
      sy *= c.fixed_spatial_y[d];
    }
    if (product > p.bound[d])
      throw Error(fmt::format("constraints on {}: fixed factors multiply to {} > {} = {}", dim(d),
                              product, dim(d), p.bound[d]));
  }
  if (sx > arch.array_cols)
    throw Error(fmt::format("constraint spatial_x: {} > {} array columns", sx, arch.array_cols));
  if (sy > arch.array_rows)
    throw Error(fmt::format("constraint spatial_y: {} > {} array rows", sy, arch.array_rows));
}

namespace {

uint32_t read_dims(const YAML::Node& node, const LoopProblem& p, const std::string& where) {
  if (!node.IsSequence()) throw Error("constraint " + where + ": expected a list of dimensions");
  uint32_t mask = 0;
  for (const YAML::Node& n : node) {
    std::string name = n.as<std::string>();
    int d = p.dim_index(name);
    if (d < 0) throw Error("constraint " + where + ": unknown dimension '" + name + "'");
    mask |= 1u << d;
  }
  return mask;
}

uint8_t read_tensors(const YAML::Node& node, const std::string& where) {
  if (!node.IsSequence()) throw Error("constraint " + where + ": expected a list of tensors");
  uint8_t mask = 0;
  for (const YAML::Node& n : node) {
    std::string t = n.as<std::string>();
    int ti = t == "weights" ? 0 : t == "inputs" ? 1 : t == "outputs" ? 2 : -1;
    if (ti < 0)
      throw Error("constraint " + where + ": unknown tensor '" + t +
                  "' (weights, inputs, outputs)");
    mask |= static_cast<uint8_t>(1u << ti);
  }
  return mask;
}

void read_factors(const YAML::Node& node, const LoopProblem& p, const std::string& where,
                  std::array<int64_t, kMaxDims>& out) {
  if (!node.IsMap()) throw Error("constraint " + where + ": expected a map of DIM: factor");
  for (const auto& kv : node) {
    std::string name = kv.first.as<std::string>();
    int d = p.dim_index(name);
    if (d < 0) throw Error("constraint " + where + ": unknown dimension '" + name + "'");
    int64_t f = 0;
    try {
      f = kv.second.as<int64_t>();
    } catch (const YAML::Exception&) {
    }
    if (f < 1) throw Error("constraint " + where + "." + name + ": factor must be an integer >= 1");
    out[d] = f;
  }
}

}  // namespace

MapConstraints apply_constraints_yaml(const std::string& text, const LoopProblem& p,
                                      const MapArch& arch, MapConstraints c) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw Error(std::string("constraints YAML: ") + e.what());
  }
  // An empty file is almost certainly a mistake (wrong path, truncated copy), not "no constraints".
  if (root.IsNull()) throw Error("constraints YAML: empty document (no constraints in it)");
  reject_duplicate_keys(root, "constraints YAML");
  if (!root.IsMap()) throw Error("constraints YAML: expected a map at the top level");
  if (root["dataflow"]) {
    // as<std::string>() on a list or map would throw a bare yaml-cpp "bad conversion" (exit 1).
    if (!root["dataflow"].IsScalar()) throw Error("constraint dataflow: expected ws, os or is");
    std::string df = root["dataflow"].Scalar();
    hw::Dataflow flow = df == "ws"   ? hw::Dataflow::WeightStationary
                        : df == "os" ? hw::Dataflow::OutputStationary
                        : df == "is"
                            ? hw::Dataflow::InputStationary
                            : throw Error("constraint dataflow: '" + df + "' is not ws, os or is");
    c = default_constraints(p, arch, flow);
  }
  std::array<uint8_t, kMaxLevels> user_keep{}, user_bypass{};
  for (const auto& kv : root) {
    std::string key = kv.first.as<std::string>();
    if (key == "dataflow") continue;
    if (key == "spatial_x") {
      c.spatial_x_dims = read_dims(kv.second, p, key);
    } else if (key == "spatial_y") {
      c.spatial_y_dims = read_dims(kv.second, p, key);
    } else if (key == "spatial_x_factors") {
      read_factors(kv.second, p, key, c.fixed_spatial_x);
    } else if (key == "spatial_y_factors") {
      read_factors(kv.second, p, key, c.fixed_spatial_y);
    } else if (key == "levels") {
      if (!kv.second.IsMap()) throw Error("constraint levels: expected a map of level names");
      for (const auto& lv : kv.second) {
        std::string name = lv.first.as<std::string>();
        int l = -1;
        for (int i = 0; i < arch.num_levels; ++i)
          if (arch.levels[i].name == name) l = i;
        if (l < 0) throw Error("constraint levels." + name + ": no such level in " + arch.name);
        // A scalar or list here would iterate as nothing: silently no constraint at all.
        if (!lv.second.IsMap())
          throw Error("constraint levels." + name +
                      ": expected a map (temporal, keep, bypass, dims)");
        for (const auto& item : lv.second) {
          std::string k = item.first.as<std::string>();
          std::string where = "levels." + name + "." + k;
          if (k == "temporal")
            read_factors(item.second, p, where, c.fixed_temporal[l]);
          else if (k == "keep" || k == "bypass") {
            // The user's keep or bypass overrides the dataflow's default for that tensor (a
            // register file that Timeloop's spec lets keep every tensor); both at one level is
            // still a contradiction, reported below.
            const uint8_t tensors = read_tensors(item.second, where);
            (k == "keep" ? user_keep : user_bypass)[l] |= tensors;
            uint8_t& set = k == "keep" ? c.keep_forced[l] : c.bypass_forced[l];
            uint8_t& clear = k == "keep" ? c.bypass_forced[l] : c.keep_forced[l];
            set |= tensors;
            clear = static_cast<uint8_t>(clear & ~tensors);
          } else if (k == "dims")
            c.temporal_dims[l] = read_dims(item.second, p, where);
          else
            throw Error("constraint " + where + ": unknown key (temporal, keep, bypass, dims)");
        }
      }
    } else {
      throw Error("constraint " + key +
                  ": unknown key (dataflow, spatial_x, spatial_y, spatial_x_factors, "
                  "spatial_y_factors, levels)");
    }
  }
  for (int l = 0; l < arch.num_levels; ++l)
    if (user_keep[l] & user_bypass[l])
      throw Error(fmt::format("constraint levels.{}: a tensor is both kept and bypassed",
                              arch.levels[l].name));
  validate_constraints(p, arch, c);
  return c;
}

}  // namespace tessera::map
