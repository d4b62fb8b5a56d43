// hw::Hardware -> YAML (the schema parse_hardware_yaml reads), and "PATH=VALUE" overrides of a
// spec's YAML for sweeps such as the Gemmini scratchpad/accumulator study (001 Fig. 13).
#include <yaml-cpp/yaml.h>

#include <sstream>

#include "hw/yaml_reader.h"
#include "tessera/core/error.h"
#include "tessera/hw/spec_parser.h"

namespace tessera::hw {
namespace {

std::string number_text(double v) {
  std::ostringstream out;
  out.precision(17);
  out << v;
  std::string s = out.str();
  // Shortest text that reads back exactly.
  for (int p = 1; p <= 17; ++p) {
    std::ostringstream t;
    t.precision(p);
    t << v;
    if (std::stod(t.str()) == v) return t.str();
  }
  return s;
}

void emit_rates(YAML::Emitter& out, const char* key, const PeakRates& rates) {
  if (rates.ops_per_s.empty()) return;
  out << YAML::Key << key << YAML::Value << YAML::BeginMap;
  for (const auto& [type, value] : rates.ops_per_s)
    out << YAML::Key << std::string(model::dtype_name(type)) << YAML::Value << number_text(value);
  out << YAML::EndMap;
}

void emit_op_numbers(YAML::Emitter& out, const char* key,
                     const std::map<model::OpKind, double>& values) {
  if (values.empty()) return;
  out << YAML::Key << key << YAML::Value << YAML::BeginMap;
  for (const auto& [op, value] : values)
    out << YAML::Key << std::string(model::op_kind_name(op)) << YAML::Value << number_text(value);
  out << YAML::EndMap;
}

void emit_level(YAML::Emitter& out, const MemoryLevel& level) {
  out << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << level.name;
  out << YAML::Key << "capacity_bytes" << YAML::Value << level.capacity_bytes;
  out << YAML::Key << "bandwidth_bytes_per_s" << YAML::Value
      << number_text(level.bandwidth_bytes_per_s);
  if (level.latency_s > 0)
    out << YAML::Key << "latency_s" << YAML::Value << number_text(level.latency_s);
  if (level.read_energy_pj_per_byte > 0)
    out << YAML::Key << "read_energy_pj_per_byte" << YAML::Value
        << number_text(level.read_energy_pj_per_byte);
  if (level.write_energy_pj_per_byte > 0)
    out << YAML::Key << "write_energy_pj_per_byte" << YAML::Value
        << number_text(level.write_energy_pj_per_byte);
  if (level.width_bytes > 0) out << YAML::Key << "width_bytes" << YAML::Value << level.width_bytes;
  if (level.ports != 1) out << YAML::Key << "ports" << YAML::Value << level.ports;
  if (level.double_buffered) out << YAML::Key << "double_buffered" << YAML::Value << true;
  if (level.off_chip) out << YAML::Key << "off_chip" << YAML::Value << true;
  if (!(level.holds.weights && level.holds.inputs && level.holds.outputs)) {
    out << YAML::Key << "holds" << YAML::Value << YAML::Flow << YAML::BeginSeq;
    if (level.holds.weights) out << "weights";
    if (level.holds.inputs) out << "inputs";
    if (level.holds.outputs) out << "outputs";
    out << YAML::EndSeq;
  }
  if (!level.source.empty()) out << YAML::Key << "source" << YAML::Value << level.source;
  out << YAML::EndMap;
}

// Where an override path segment leads inside `node`: a map key, or the item of a list (or of
// the root's memory / special_units lists) whose name is the segment.
YAML::Node step(YAML::Node node, const std::string& segment, bool at_root) {
  if (node.IsMap()) {
    const YAML::Node& map = node;
    if (map[segment]) return node[segment];
    if (at_root)
      for (const char* list : {"memory", "special_units"})
        if (map[list] && map[list].IsSequence())
          for (YAML::Node item : node[list])
            if (item.IsMap() && item["name"] && item["name"].Scalar() == segment) return item;
    return YAML::Node(YAML::NodeType::Undefined);
  }
  if (node.IsSequence())
    for (YAML::Node item : node)
      if (item.IsMap() && item["name"] && item["name"].Scalar() == segment) return item;
  return YAML::Node(YAML::NodeType::Undefined);
}

}  // namespace

std::string hardware_to_yaml(const Hardware& hw) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << hw.name;
  if (!hw.description.empty()) out << YAML::Key << "description" << YAML::Value << hw.description;
  out << YAML::Key << "kind" << YAML::Value
      << (hw.kind == HardwareKind::Accelerator ? "accelerator" : "processor");
  if (hw.clock_hz > 0) out << YAML::Key << "clock_hz" << YAML::Value << number_text(hw.clock_hz);
  emit_rates(out, "matrix", hw.matrix);
  emit_rates(out, "vector", hw.vector);
  out << YAML::Key << "memory" << YAML::Value << YAML::BeginSeq;
  for (const auto& level : hw.memory) emit_level(out, level);
  out << YAML::EndSeq;
  if (hw.pe_array) {
    const PeArray& pe = *hw.pe_array;
    out << YAML::Key << "pe_array" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "rows" << YAML::Value << pe.rows;
    out << YAML::Key << "cols" << YAML::Value << pe.cols;
    out << YAML::Key << "dataflow" << YAML::Value << std::string(dataflow_name(pe.dataflow));
    out << YAML::Key << "dtype" << YAML::Value << std::string(model::dtype_name(pe.dtype));
    out << YAML::Key << "accumulator_dtype" << YAML::Value
        << std::string(model::dtype_name(pe.accumulator_dtype));
    if (pe.fill_drain_cycles >= 0)
      out << YAML::Key << "fill_drain_cycles" << YAML::Value << pe.fill_drain_cycles;
    if (pe.fold_schedule != FoldSchedule::Pipelined)
      out << YAML::Key << "fold_schedule" << YAML::Value
          << std::string(fold_schedule_name(pe.fold_schedule));
    if (pe.mac_energy_pj > 0)
      out << YAML::Key << "mac_energy_pj" << YAML::Value << number_text(pe.mac_energy_pj);
    if (pe.register_bytes_per_pe > 0)
      out << YAML::Key << "register_bytes_per_pe" << YAML::Value << pe.register_bytes_per_pe;
    if (pe.bias_matrix_bytes > 0)
      out << YAML::Key << "bias_matrix_bytes" << YAML::Value << number_text(pe.bias_matrix_bytes);
    out << YAML::EndMap;
  }
  if (!hw.special_units.empty()) {
    out << YAML::Key << "special_units" << YAML::Value << YAML::BeginSeq;
    for (const auto& unit : hw.special_units) {
      out << YAML::BeginMap;
      out << YAML::Key << "name" << YAML::Value << unit.name;
      out << YAML::Key << "ops" << YAML::Value << YAML::Flow << YAML::BeginSeq;
      for (auto op : unit.ops) out << std::string(model::op_kind_name(op));
      out << YAML::EndSeq;
      out << YAML::Key << "elements_per_cycle" << YAML::Value
          << number_text(unit.elements_per_cycle);
      out << YAML::Key << "dtype" << YAML::Value << std::string(model::dtype_name(unit.dtype));
      emit_op_numbers(out, "passes", unit.passes);
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  if (hw.host) {
    const HostCpu& host = *hw.host;
    out << YAML::Key << "host" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "name" << YAML::Value << host.name;
    out << YAML::Key << "peak_flops_per_s" << YAML::Value << number_text(host.peak_flops_per_s);
    out << YAML::Key << "bandwidth_bytes_per_s" << YAML::Value
        << number_text(host.bandwidth_bytes_per_s);
    out << YAML::Key << "quantize_s_per_element" << YAML::Value
        << number_text(host.quantize_s_per_element);
    out << YAML::Key << "dequantize_s_per_element" << YAML::Value
        << number_text(host.dequantize_s_per_element);
    if (host.clock_hz > 0)
      out << YAML::Key << "clock_hz" << YAML::Value << number_text(host.clock_hz);
    emit_op_numbers(out, "cycles_per_element", host.cycles_per_element);
    if (host.blocking_cache) out << YAML::Key << "blocking_cache" << YAML::Value << true;
    out << YAML::EndMap;
  }
  if (hw.dma) {
    out << YAML::Key << "dma" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "max_in_flight_requests" << YAML::Value << hw.dma->max_in_flight_requests;
    out << YAML::Key << "request_bytes" << YAML::Value << hw.dma->request_bytes;
    out << YAML::Key << "latency_s" << YAML::Value << number_text(hw.dma->latency_s);
    out << YAML::EndMap;
  }
  if (!hw.efficiency.empty()) {
    out << YAML::Key << "efficiency" << YAML::Value << YAML::BeginMap;
    for (const auto& [k, v] : hw.efficiency) out << YAML::Key << k << YAML::Value << number_text(v);
    out << YAML::EndMap;
  }
  if (!hw.sources.empty()) {
    out << YAML::Key << "sources" << YAML::Value << YAML::BeginMap;
    for (const auto& [k, v] : hw.sources) out << YAML::Key << k << YAML::Value << v;
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

std::string apply_hardware_overrides(const std::string& yaml_text,
                                     const std::vector<std::string>& overrides) {
  YAML::Node root = YAML::Load(yaml_text);
  for (const std::string& item : overrides) {
    size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == item.size())
      throw Error("--set '" + item + "' is not PATH=VALUE (e.g. scratchpad.capacity_bytes=65536)");
    std::string path = item.substr(0, eq), value = item.substr(eq + 1);
    std::vector<std::string> segments;
    std::stringstream split(path);
    for (std::string s; std::getline(split, s, '.');) segments.push_back(s);
    YAML::Node node = root;
    for (size_t i = 0; i + 1 < segments.size(); ++i) {
      YAML::Node next = step(node, segments[i], i == 0);
      if (!next.IsDefined() || next.IsNull()) {
        std::vector<std::string> keys;
        if (node.IsMap())
          for (const auto& kv : node) keys.push_back(kv.first.as<std::string>());
        throw Error("--set " + path + ": no field '" + segments[i] + "'" +
                    did_you_mean(segments[i], keys));
      }
      node.reset(next);  // operator= would overwrite the parent (yaml-cpp reference semantics)
    }
    if (!node.IsMap()) throw Error("--set " + path + ": '" + segments.back() + "' is not in a map");
    node[segments.back()] = value;
  }
  YAML::Emitter out;
  out << root;
  return std::string(out.c_str()) + "\n";
}

}  // namespace tessera::hw
