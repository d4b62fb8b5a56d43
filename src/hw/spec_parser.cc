// Strict YAML -> hw::Hardware (schema: docs/hardware.md). Structure and types are checked here;
// semantic rules (positive sizes, feedable PE arrays) in spec_validate.cc.
#include "tessera/hw/spec_parser.h"

#include <algorithm>
#include <filesystem>

#include "hw/embedded_presets.h"
#include "hw/yaml_reader.h"
#include "tessera/core/atomic_file.h"
#include "tessera/core/error.h"
#include "tessera/core/yaml_checks.h"
#include "tessera/hw/host_detect.h"

namespace tessera::hw {
namespace {

const std::vector<std::string> kRootKeys = {
    "name",     "description",   "kind", "clock_hz", "matrix",     "vector", "memory",
    "pe_array", "special_units", "host", "sources",  "efficiency", "dma"};
const std::vector<std::string> kLevelKeys = {"name",
                                             "capacity_bytes",
                                             "bandwidth_bytes_per_s",
                                             "latency_s",
                                             "read_energy_pj_per_byte",
                                             "write_energy_pj_per_byte",
                                             "width_bytes",
                                             "ports",
                                             "double_buffered",
                                             "off_chip",
                                             "holds",
                                             "source"};
const std::vector<std::string> kPeKeys = {"rows",
                                          "cols",
                                          "dataflow",
                                          "dtype",
                                          "accumulator_dtype",
                                          "fill_drain_cycles",
                                          "fold_schedule",
                                          "mac_energy_pj",
                                          "register_bytes_per_pe",
                                          "bias_matrix_bytes"};
const std::vector<std::string> kDmaKeys = {"max_in_flight_requests", "request_bytes", "latency_s",
                                           "source"};
const std::vector<std::string> kUnitKeys = {"name", "ops", "elements_per_cycle", "dtype", "passes"};
const std::vector<std::string> kHostKeys = {"name",
                                            "peak_flops_per_s",
                                            "bandwidth_bytes_per_s",
                                            "quantize_s_per_element",
                                            "dequantize_s_per_element",
                                            "clock_hz",
                                            "cycles_per_element",
                                            "blocking_cache"};
const std::vector<std::string> kDtypeNames = {"int8", "int16", "int32", "fp16", "bf16", "fp32"};
const std::vector<std::string> kTensorNames = {"weights", "inputs", "outputs"};

model::DType parse_dtype_at(const std::string& text, const std::string& where) {
  try {
    return model::parse_dtype(text);
  } catch (const Error&) {
    spec_error(where, "unknown data type '" + text + "'" + did_you_mean(text, kDtypeNames));
  }
}

model::OpKind parse_op_at(const std::string& text, const std::string& where) {
  try {
    return model::parse_op_kind(text);
  } catch (const Error&) {
    std::vector<std::string> names;
    for (int i = 0; i < static_cast<int>(model::OpKind::kCount); ++i)
      names.emplace_back(model::op_kind_name(static_cast<model::OpKind>(i)));
    spec_error(where, "unknown op '" + text + "'" + did_you_mean(text, names));
  }
}

PeakRates parse_rates(const YAML::Node& node, const std::string& where) {
  PeakRates rates;
  if (!node) return rates;
  if (!node.IsMap()) spec_error(where, "expected a map of data type -> ops per second");
  for (const auto& kv : node) {
    std::string key = kv.first.as<std::string>();
    model::DType type = parse_dtype_at(key, where + "." + key);
    double value = 0;
    if (!kv.second.IsScalar() || !YAML::convert<double>::decode(kv.second, value))
      spec_error(where + "." + key, "expected ops per second (a number)");
    rates.ops_per_s[type] = value;
  }
  return rates;
}

Dataflow parse_dataflow(const std::string& text, const std::string& where) {
  if (text == "ws" || text == "weight-stationary") return Dataflow::WeightStationary;
  if (text == "os" || text == "output-stationary") return Dataflow::OutputStationary;
  if (text == "is" || text == "input-stationary") return Dataflow::InputStationary;
  spec_error(where, "unknown dataflow '" + text + "' (expected ws, os or is)" +
                        did_you_mean(text, {"ws", "os", "is"}));
}

FoldSchedule parse_fold_schedule(const std::string& text, const std::string& where) {
  if (text == "pipelined") return FoldSchedule::Pipelined;
  if (text == "serial") return FoldSchedule::Serial;
  spec_error(where, "unknown fold schedule '" + text + "' (expected pipelined or serial)" +
                        did_you_mean(text, {"pipelined", "serial"}));
}

MemoryLevel parse_level(const YAML::Node& node, const std::string& origin,
                        const std::string& path) {
  MapReader r(node, origin, path);
  MemoryLevel level;
  level.name = r.string("name");
  if (level.name.empty()) spec_error(r.where("name"), "every memory level needs a name");
  level.capacity_bytes = r.integer("capacity_bytes", 0);
  level.bandwidth_bytes_per_s = r.number("bandwidth_bytes_per_s", 0);
  level.latency_s = r.number("latency_s", 0);
  level.read_energy_pj_per_byte = r.number("read_energy_pj_per_byte", 0);
  level.write_energy_pj_per_byte = r.number("write_energy_pj_per_byte", 0);
  level.width_bytes = r.integer("width_bytes", 0);
  level.ports = r.integer("ports", 1);
  level.double_buffered = r.boolean("double_buffered", false);
  level.off_chip = r.boolean("off_chip", false);
  level.source = r.string("source");
  if (YAML::Node holds = r.node("holds")) {
    if (!holds.IsSequence())
      spec_error(r.where("holds"), "expected a list of weights/inputs/outputs");
    level.holds = TensorSet{false, false, false};
    for (const auto& item : holds) {
      std::string t = item.as<std::string>();
      if (t == "weights")
        level.holds.weights = true;
      else if (t == "inputs")
        level.holds.inputs = true;
      else if (t == "outputs")
        level.holds.outputs = true;
      else
        spec_error(r.where("holds"), "unknown tensor '" + t + "'" + did_you_mean(t, kTensorNames));
    }
  }
  r.finish(kLevelKeys);
  return level;
}

PeArray parse_pe_array(const YAML::Node& node, const std::string& origin) {
  MapReader r(node, origin, "pe_array");
  PeArray pe;
  pe.rows = r.integer("rows", 0);
  pe.cols = r.integer("cols", 0);
  pe.dataflow = parse_dataflow(r.string("dataflow", "ws"), r.where("dataflow"));
  pe.dtype = parse_dtype_at(r.string("dtype", "int8"), r.where("dtype"));
  pe.accumulator_dtype =
      parse_dtype_at(r.string("accumulator_dtype", "int32"), r.where("accumulator_dtype"));
  pe.fill_drain_cycles = r.integer("fill_drain_cycles", -1);
  pe.fold_schedule =
      parse_fold_schedule(r.string("fold_schedule", "pipelined"), r.where("fold_schedule"));
  pe.mac_energy_pj = r.number("mac_energy_pj", 0);
  pe.register_bytes_per_pe = r.integer("register_bytes_per_pe", 0);
  pe.bias_matrix_bytes = r.number("bias_matrix_bytes", 0);
  r.finish(kPeKeys);
  return pe;
}

Dma parse_dma(const YAML::Node& node, const std::string& origin) {
  MapReader r(node, origin, "dma");
  Dma dma;
  dma.max_in_flight_requests = r.integer("max_in_flight_requests", 0);
  dma.request_bytes = r.integer("request_bytes", 0);
  dma.latency_s = r.number("latency_s", 0);
  r.string("source");
  r.finish(kDmaKeys);
  return dma;
}

std::map<model::OpKind, double> parse_op_numbers(const YAML::Node& node, const std::string& where) {
  std::map<model::OpKind, double> out;
  if (!node) return out;
  if (!node.IsMap()) spec_error(where, "expected a map of op -> number");
  for (const auto& kv : node) {
    std::string key = kv.first.as<std::string>();
    double value = 0;
    if (!kv.second.IsScalar() || !YAML::convert<double>::decode(kv.second, value))
      spec_error(where + "." + key, "expected a number");
    out[parse_op_at(key, where + "." + key)] = value;
  }
  return out;
}

SpecialFunctionUnit parse_unit(const YAML::Node& node, const std::string& origin,
                               const std::string& path) {
  MapReader r(node, origin, path);
  SpecialFunctionUnit unit;
  unit.name = r.string("name");
  YAML::Node ops = r.node("ops");
  if (!ops || !ops.IsSequence() || ops.size() == 0)
    spec_error(r.where("ops"), "expected a non-empty list of op kinds");
  for (const auto& op : ops) unit.ops.push_back(parse_op_at(op.as<std::string>(), r.where("ops")));
  unit.elements_per_cycle = r.number("elements_per_cycle", 1);
  unit.dtype = parse_dtype_at(r.string("dtype", "int32"), r.where("dtype"));
  unit.passes = parse_op_numbers(r.node("passes"), r.where("passes"));
  r.finish(kUnitKeys);
  return unit;
}

HostCpu parse_host(const YAML::Node& node, const std::string& origin) {
  MapReader r(node, origin, "host");
  HostCpu host;
  host.name = r.string("name");
  host.peak_flops_per_s = r.number("peak_flops_per_s", 0);
  host.bandwidth_bytes_per_s = r.number("bandwidth_bytes_per_s", 0);
  host.quantize_s_per_element = r.number("quantize_s_per_element", 0);
  host.dequantize_s_per_element = r.number("dequantize_s_per_element", 0);
  host.clock_hz = r.number("clock_hz", 0);
  host.blocking_cache = r.boolean("blocking_cache", false);
  host.cycles_per_element =
      parse_op_numbers(r.node("cycles_per_element"), r.where("cycles_per_element"));
  r.finish(kHostKeys);
  return host;
}

std::map<std::string, std::string> parse_string_map(const YAML::Node& node,
                                                    const std::string& where) {
  std::map<std::string, std::string> out;
  if (!node) return out;
  if (!node.IsMap()) spec_error(where, "expected a map of field -> text");
  for (const auto& kv : node) out[kv.first.as<std::string>()] = kv.second.as<std::string>();
  return out;
}

bool looks_like_path(const std::string& s) {
  return s.find('/') != std::string::npos || s.ends_with(".yaml") || s.ends_with(".yml");
}

}  // namespace

Hardware parse_hardware_yaml(const std::string& text, const std::string& origin) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw Error(origin + ": malformed YAML at line " + std::to_string(e.mark.line + 1) + ": " +
                e.msg);
  }
  if (!root || root.IsNull()) throw Error(origin + ": empty hardware spec");
  reject_duplicate_keys(root, origin);
  Hardware hw;
  try {
    MapReader r(root, origin, "");
    hw.name = r.string("name");
    hw.description = r.string("description");
    std::string kind = r.string("kind", "processor");
    if (kind == "processor")
      hw.kind = HardwareKind::Processor;
    else if (kind == "accelerator")
      hw.kind = HardwareKind::Accelerator;
    else
      spec_error(r.where("kind"),
                 "unknown kind '" + kind + "' (expected processor or accelerator)");
    hw.clock_hz = r.number("clock_hz", 0);
    hw.matrix = parse_rates(r.node("matrix"), r.where("matrix"));
    hw.vector = parse_rates(r.node("vector"), r.where("vector"));
    if (YAML::Node memory = r.node("memory")) {
      if (!memory.IsSequence()) spec_error(r.where("memory"), "expected a list of memory levels");
      for (size_t i = 0; i < memory.size(); ++i)
        hw.memory.push_back(parse_level(memory[i], origin, "memory[" + std::to_string(i) + "]"));
    }
    if (YAML::Node pe = r.node("pe_array")) hw.pe_array = parse_pe_array(pe, origin);
    if (YAML::Node units = r.node("special_units")) {
      if (!units.IsSequence()) spec_error(r.where("special_units"), "expected a list of units");
      for (size_t i = 0; i < units.size(); ++i)
        hw.special_units.push_back(
            parse_unit(units[i], origin, "special_units[" + std::to_string(i) + "]"));
    }
    if (YAML::Node host = r.node("host")) hw.host = parse_host(host, origin);
    if (YAML::Node dma = r.node("dma")) hw.dma = parse_dma(dma, origin);
    hw.sources = parse_string_map(r.node("sources"), r.where("sources"));
    for (const auto& [k, v] : parse_string_map(r.node("efficiency"), r.where("efficiency"))) {
      const std::vector<std::string> classes = {"matmul", "conv", "depthwise", "vector", "default"};
      if (std::find(classes.begin(), classes.end(), k) == classes.end())
        spec_error(r.where("efficiency." + k),
                   "unknown op class" + did_you_mean(k, classes) +
                       " (expected matmul, conv, depthwise, vector or default)");
      double e = 0;
      if (!YAML::convert<double>::decode(YAML::Node(v), e))
        spec_error(r.where("efficiency." + k), "expected a number in (0, 1]");
      hw.efficiency[k] = e;
    }
    r.finish(kRootKeys);
  } catch (const YAML::Exception& e) {
    throw Error(origin + ": bad value at line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  if (hw.name.empty()) throw Error(origin + ": name: every spec needs a name");
  // A PE array states the matrix peak: 2 ops per MAC per PE per cycle.
  if (hw.pe_array && hw.clock_hz > 0 && hw.pe_array->rows > 0 && hw.pe_array->cols > 0 &&
      hw.matrix.ops_per_s.empty())
    hw.matrix.ops_per_s[hw.pe_array->dtype] =
        2.0 * static_cast<double>(hw.pe_array->rows * hw.pe_array->cols) * hw.clock_hz;
  validate_hardware(hw, origin);
  return hw;
}

std::vector<std::string> hardware_preset_names() {
  std::vector<std::string> names;
  for (const auto& p : embedded_presets()) names.emplace_back(p.name);
  names.emplace_back("host");
  std::sort(names.begin(), names.end());
  return names;
}

std::string hardware_preset_yaml(const std::string& name) {
  for (const auto& p : embedded_presets())
    if (p.name == name) return std::string(p.yaml);
  throw Error("unknown hardware '" + name + "'" + did_you_mean(name, hardware_preset_names()) +
              "; see `tessera hw list`");
}

Hardware load_hardware(const std::string& name_or_path) { return load_hardware(name_or_path, {}); }

Hardware load_hardware(const std::string& name_or_path, const std::vector<std::string>& overrides) {
  if (name_or_path.empty()) throw Error("no hardware given (a preset name or a .yaml file)");
  std::string text, origin;
  if (name_or_path == "host") {
    text = hardware_to_yaml(detect_host());
    origin = "host (detected)";
  } else if (looks_like_path(name_or_path) || std::filesystem::exists(name_or_path)) {
    text = read_file(name_or_path);
    origin = name_or_path;
  } else {
    text = hardware_preset_yaml(name_or_path);
    origin = "preset " + name_or_path;
  }
  if (!overrides.empty()) text = apply_hardware_overrides(text, overrides);
  return parse_hardware_yaml(text, origin);
}

}  // namespace tessera::hw
