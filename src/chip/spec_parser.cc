// Strict YAML parser of chip specs (spec_parser.h).
#include "tessera/chip/spec_parser.h"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <filesystem>
#include <set>

#include "tessera/core/atomic_file.h"
#include "tessera/core/error.h"
#include "tessera/core/yaml_checks.h"

namespace tessera::chip {
namespace {

class Reader {
 public:
  Reader(const YAML::Node& node, std::string path) : node_(node), path_(std::move(path)) {
    if (!node_.IsMap()) throw Error(where() + "expected a mapping");
  }
  // Rejects keys that no accessor asked for.
  void finish() const {
    for (const auto& kv : node_) {
      const auto key = kv.first.as<std::string>();
      if (!seen_.count(key))
        throw Error(path_ + (path_.empty() ? "" : ".") + key + ": unknown key");
    }
  }
  bool has(const std::string& key) {
    seen_.insert(key);
    return node_[key].IsDefined() && !node_[key].IsNull();
  }
  template <typename T>
  T get(const std::string& key, T fallback) {
    if (!has(key)) return fallback;
    try {
      return node_[key].as<T>();
    } catch (const YAML::Exception&) {
      throw Error(child(key) + ": not a valid " + type_name<T>());
    }
  }
  // yaml-cpp reads .nan/.inf as doubles and NaN passes every `< 0` check: no chip quantity may
  // be one.
  double number(const std::string& key, double fallback) {
    double v = get<double>(key, fallback);
    if (!std::isfinite(v)) throw Error(child(key) + ": must be a finite number");
    return v;
  }
  int64_t integer(const std::string& key, int64_t fallback) { return get<int64_t>(key, fallback); }
  std::string text(const std::string& key, const std::string& fallback) {
    return get<std::string>(key, fallback);
  }
  Reader sub(const std::string& key) {
    seen_.insert(key);
    return Reader(node_[key], child(key));
  }
  YAML::Node raw(const std::string& key) {
    seen_.insert(key);
    return node_[key];
  }
  std::string child(const std::string& key) const {
    return path_ + (path_.empty() ? "" : ".") + key;
  }
  std::string where() const { return path_.empty() ? "" : path_ + ": "; }

 private:
  template <typename T>
  static const char* type_name() {
    if constexpr (std::is_same_v<T, double>) return "number";
    if constexpr (std::is_same_v<T, int64_t>) return "integer";
    if constexpr (std::is_same_v<T, bool>) return "boolean (true/false)";
    return "string";
  }
  YAML::Node node_;
  std::string path_;
  std::set<std::string> seen_;
};

template <typename F>
auto with_path(const std::string& path, F f) {
  try {
    return f();
  } catch (const Error& e) {
    throw Error(path + ": " + e.what());
  }
}

void nonnegative(double v, const std::string& path) {
  if (v < 0) throw Error(path + ": must not be negative");
}

TechnologySpec parse_technology(Reader r) {
  TechnologySpec t;
  t.node_nm = static_cast<int>(r.integer("node_nm", 0));
  if (t.node_nm <= 0) throw Error(r.child("node_nm") + ": required and must be positive");
  t.vdd_v = r.number("vdd_v", 0);
  nonnegative(t.vdd_v, r.child("vdd_v"));
  t.flavor =
      with_path(r.child("device"), [&] { return parse_device_flavor(r.text("device", "hp")); });
  t.base_node_nm = static_cast<int>(r.integer("base_node_nm", 0));
  t.fo4_ps = r.number("fo4_ps", 0);
  t.nand2_area_um2 = r.number("nand2_area_um2", 0);
  t.sram_cell_area_um2 = r.number("sram_cell_area_um2", 0);
  t.logic_energy_scale = r.number("logic_energy_scale", 0);
  r.finish();
  return t;
}

model::DType dtype(Reader& r, const std::string& key, model::DType fallback) {
  if (!r.has(key)) return fallback;
  const std::string name = r.text(key, "");
  return with_path(r.child(key), [&] { return model::parse_dtype(name); });
}

TensorUnitSpec parse_tensor_unit(Reader r) {
  TensorUnitSpec t;
  t.rows = r.integer("rows", 0);
  t.cols = r.integer("cols", 0);
  if (t.rows <= 0) throw Error(r.child("rows") + ": required and must be positive");
  if (t.cols <= 0) throw Error(r.child("cols") + ": required and must be positive");
  t.count = r.integer("count", 1);
  if (t.count <= 0) throw Error(r.child("count") + ": must be positive");
  t.dtype = dtype(r, "dtype", model::DType::Int8);
  t.accumulator = dtype(r, "accumulator", model::DType::Int32);
  const std::string df = r.text("dataflow", "ws");
  if (df == "ws")
    t.dataflow = TuDataflow::WeightStationary;
  else if (df == "os")
    t.dataflow = TuDataflow::OutputStationary;
  else
    throw Error(r.child("dataflow") + ": expected ws or os, got '" + df + "'");
  const std::string ic = r.text("interconnect", "unicast");
  if (ic == "unicast")
    t.interconnect = TuInterconnect::Unicast;
  else if (ic == "multicast")
    t.interconnect = TuInterconnect::Multicast;
  else
    throw Error(r.child("interconnect") + ": expected unicast or multicast, got '" + ic + "'");
  t.local_sram_bytes = r.integer("local_sram_bytes", 0);
  t.local_register_bytes = r.integer("local_register_bytes", 0);
  nonnegative(double(t.local_sram_bytes), r.child("local_sram_bytes"));
  nonnegative(double(t.local_register_bytes), r.child("local_register_bytes"));
  t.fifo_depth = r.integer("fifo_depth", -1);
  t.cell_control_ge = r.number("cell_control_ge", 0);
  nonnegative(t.cell_control_ge, r.child("cell_control_ge"));
  r.finish();
  return t;
}

ReductionTreeSpec parse_reduction_tree(Reader r) {
  ReductionTreeSpec t;
  t.inputs = r.integer("inputs", 0);
  if (t.inputs <= 0) throw Error(r.child("inputs") + ": required and must be positive");
  t.count = r.integer("count", 1);
  if (t.count <= 0) throw Error(r.child("count") + ": must be positive");
  t.dtype = dtype(r, "dtype", model::DType::Int8);
  t.accumulator = dtype(r, "accumulator", model::DType::Int32);
  r.finish();
  return t;
}

VectorUnitSpec parse_vector_unit(Reader r) {
  VectorUnitSpec v;
  v.lanes = r.integer("lanes", -1);
  if (v.lanes < -1) throw Error(r.child("lanes") + ": must not be negative");
  v.sublanes = r.integer("sublanes", 1);
  if (v.sublanes <= 0) throw Error(r.child("sublanes") + ": must be positive");
  v.dtype = dtype(r, "dtype", model::DType::Fp32);
  v.vreg_entries = r.integer("vreg_entries", 32);
  if (v.vreg_entries <= 0) throw Error(r.child("vreg_entries") + ": must be positive");
  v.port_groups = r.integer("port_groups", 0);
  if (v.port_groups < 0) throw Error(r.child("port_groups") + ": must not be negative");
  r.finish();
  return v;
}

MemorySpec parse_memory(Reader r) {
  MemorySpec m;
  m.name = r.text("name", "");
  if (m.name.empty()) throw Error(r.child("name") + ": required");
  const double kib = r.number("capacity_kib", 0), mib = r.number("capacity_mib", 0);
  const int64_t bytes = r.integer("capacity_bytes", 0);
  if ((kib != 0) + (mib != 0) + (bytes != 0) != 1)
    throw Error(r.where() + "give exactly one of capacity_bytes, capacity_kib, capacity_mib");
  m.capacity_bytes =
      bytes != 0 ? bytes : static_cast<int64_t>(kib != 0 ? kib * 1024 : mib * 1048576);
  if (m.capacity_bytes <= 0) throw Error(r.where() + "capacity must be positive");
  m.per_core = r.get<bool>("per_core", true);
  m.cell = with_path(r.child("cell"), [&] { return parse_cell_kind(r.text("cell", "sram")); });
  m.width_bytes = r.integer("width_bytes", 0);
  nonnegative(double(m.width_bytes), r.child("width_bytes"));
  m.read_bytes_per_cycle = r.number("read_bytes_per_cycle", -1);
  m.write_bytes_per_cycle = r.number("write_bytes_per_cycle", -1);
  m.latency_cycles = static_cast<int>(r.integer("latency_cycles", 2));
  if (m.latency_cycles <= 0) throw Error(r.child("latency_cycles") + ": must be positive");
  m.banks = r.integer("banks", 0);
  nonnegative(double(m.banks), r.child("banks"));
  m.read_ports = static_cast<int>(r.integer("read_ports", 0));
  m.write_ports = static_cast<int>(r.integer("write_ports", 0));
  nonnegative(m.read_ports, r.child("read_ports"));
  nonnegative(m.write_ports, r.child("write_ports"));
  const std::string port = r.text("port", "central");
  if (port == "distributed")
    m.port = MemoryPort::Distributed;
  else if (port == "auto")
    m.port = MemoryPort::Auto;
  else if (port != "central")
    throw Error(r.child("port") + ": expected auto, central or distributed");
  r.finish();
  return m;
}

NocSpec parse_noc(Reader r) {
  NocSpec n;
  const std::string topo = r.text("topology", "auto");
  n.derived = topo == "auto";
  if (topo == "none")
    n.topology = NocTopology::None;
  else if (topo == "bus")
    n.topology = NocTopology::Bus;
  else if (topo == "ring")
    n.topology = NocTopology::Ring;
  else if (topo == "mesh")
    n.topology = NocTopology::Mesh;
  else if (topo == "htree")
    n.topology = NocTopology::HTree;
  else if (topo != "auto")
    throw Error(r.child("topology") + ": expected auto, none, bus, ring, mesh or htree");
  n.bisection_gbps = r.number("bisection_gbps", 0);
  nonnegative(n.bisection_gbps, r.child("bisection_gbps"));
  r.finish();
  return n;
}

OffChipSpec parse_offchip(Reader r) {
  OffChipSpec o;
  const std::string dram = r.text("dram", "none");
  if (dram == "none")
    o.dram = DramKind::None;
  else if (dram == "ddr3")
    o.dram = DramKind::Ddr3;
  else if (dram == "ddr4")
    o.dram = DramKind::Ddr4;
  else if (dram == "lpddr4")
    o.dram = DramKind::Lpddr4;
  else if (dram == "hbm2")
    o.dram = DramKind::Hbm2;
  else
    throw Error(r.child("dram") + ": expected none, ddr3, ddr4, lpddr4 or hbm2");
  o.dram_gbps = r.number("dram_gbps", 0);
  nonnegative(o.dram_gbps, r.child("dram_gbps"));
  if (o.dram != DramKind::None && o.dram_gbps <= 0)
    throw Error(r.child("dram_gbps") + ": required and positive when dram is set");
  o.pcie_gen = static_cast<int>(r.integer("pcie_gen", 0));
  if (o.pcie_gen < 0 || o.pcie_gen > 6) throw Error(r.child("pcie_gen") + ": expected 1..6");
  o.pcie_lanes = static_cast<int>(r.integer("pcie_lanes", 0));
  nonnegative(o.pcie_lanes, r.child("pcie_lanes"));
  o.chip_links = static_cast<int>(r.integer("chip_links", 0));
  nonnegative(o.chip_links, r.child("chip_links"));
  o.link_gbps = r.number("link_gbps", 0);
  nonnegative(o.link_gbps, r.child("link_gbps"));
  r.finish();
  return o;
}

}  // namespace

ChipSpec parse_chip_spec(const std::string& yaml_text, const std::string& source) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    throw Error(source + ": malformed YAML: " + e.msg);
  }
  reject_duplicate_keys(root, source);
  try {
    Reader r(root, "");
    ChipSpec s;
    s.name = r.text("name", "");
    if (s.name.empty()) throw Error("name: required");
    s.description = r.text("description", "");
    if (!r.has("technology")) throw Error("technology: required");
    s.technology = parse_technology(r.sub("technology"));
    s.clock_hz = r.number("clock_mhz", 0) * 1e6;
    nonnegative(s.clock_hz, "clock_mhz");
    s.target_tops = r.number("target_tops", 0);
    nonnegative(s.target_tops, "target_tops");
    s.cores = r.integer("cores", 1);
    if (s.cores <= 0) throw Error("cores: must be positive");
    if (r.has("tensor_unit")) s.tensor_unit = parse_tensor_unit(r.sub("tensor_unit"));
    if (r.has("reduction_tree")) s.reduction_tree = parse_reduction_tree(r.sub("reduction_tree"));
    if (r.has("vector_unit")) s.vector_unit = parse_vector_unit(r.sub("vector_unit"));
    if (r.has("memories")) {
      const YAML::Node list = r.raw("memories");
      if (!list.IsSequence()) throw Error("memories: expected a list");
      for (size_t i = 0; i < list.size(); ++i)
        s.memories.push_back(parse_memory(Reader(list[i], "memories[" + std::to_string(i) + "]")));
    }
    s.scalar_unit = r.get<bool>("scalar_unit", true);
    s.control_kge = r.number("control_kge", 0);
    nonnegative(s.control_kge, "control_kge");
    if (r.has("noc")) s.noc = parse_noc(r.sub("noc"));
    if (r.has("offchip")) s.offchip = parse_offchip(r.sub("offchip"));
    s.white_space = r.number("white_space", 0);
    if (s.white_space < 0 || s.white_space >= 0.9)
      throw Error("white_space: must be a fraction in [0, 0.9)");
    s.area_budget_mm2 = r.number("area_budget_mm2", 0);
    nonnegative(s.area_budget_mm2, "area_budget_mm2");
    s.power_budget_w = r.number("power_budget_w", 0);
    nonnegative(s.power_budget_w, "power_budget_w");
    if (r.has("sources")) {
      const YAML::Node list = r.raw("sources");
      if (!list.IsSequence()) throw Error("sources: expected a list of strings");
      for (const auto& item : list) s.sources.push_back(item.as<std::string>());
    }
    r.finish();
    if (s.clock_hz == 0 && s.target_tops == 0)
      throw Error("give clock_mhz or target_tops (the clock is searched from the target)");
    return s;
  } catch (const Error& e) {
    throw Error(source + ": " + e.what());
  } catch (const YAML::Exception& e) {
    throw Error(source + ": " + e.msg);
  }
}

ChipSpec load_chip_spec(const std::string& name_or_path) {
  for (const auto& p : chip_presets())
    if (p.name == name_or_path) return parse_chip_spec(p.yaml, p.name);
  // A path (with a folder or a YAML extension) is read as a file even when missing, so the error
  // says "cannot open" rather than "unknown chip".
  if (std::filesystem::exists(name_or_path) || name_or_path.find('/') != std::string::npos ||
      name_or_path.ends_with(".yaml") || name_or_path.ends_with(".yml"))
    return parse_chip_spec(read_file(name_or_path), name_or_path);
  std::string names;
  for (const auto& p : chip_presets()) names += (names.empty() ? "" : ", ") + p.name;
  throw Error("unknown chip '" + name_or_path + "' (presets: " + names + "; or a YAML file path)");
}

}  // namespace tessera::chip
