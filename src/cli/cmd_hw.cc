// `tessera hw list | show NAME [--yaml] | validate FILE`: hardware presets and specs (issue #4;
// schema in docs/hardware.md).
#include <iostream>
#include <sstream>

#include "cli/command.h"
#include "tessera/core/error.h"
#include "tessera/core/text_table.h"
#include "tessera/hw/host_detect.h"
#include "tessera/hw/spec_parser.h"

namespace tessera::cli {
namespace {

std::string summary_line(const hw::Hardware& hw) {
  std::ostringstream out;
  double peak = 0;
  for (const auto& [t, r] : hw.matrix.ops_per_s) peak = std::max(peak, r);
  for (const auto& [t, r] : hw.vector.ops_per_s) peak = std::max(peak, r);
  out << format_si(peak) << "OP/s peak, " << format_si(hw.dram().bandwidth_bytes_per_s) << "B/s "
      << hw.dram().name;
  return out.str();
}

int run_list() {
  TextTable table({"name", "kind", "peak / bandwidth", "description"});
  table.set_right_aligned({false, false, false, false});
  for (const std::string& name : hw::hardware_preset_names()) {
    hw::Hardware hw = name == "host" ? hw::detect_host() : hw::load_hardware(name);
    table.add_row({name, hw.kind == hw::HardwareKind::Accelerator ? "accelerator" : "processor",
                   summary_line(hw), hw.description});
  }
  std::cout << table.render();
  return 0;
}

std::string rates_text(const hw::PeakRates& rates) {
  std::string out;
  for (const auto& [t, r] : rates.ops_per_s)
    out +=
        (out.empty() ? "" : ", ") + std::string(model::dtype_name(t)) + " " + format_si(r) + "OP/s";
  return out.empty() ? "-" : out;
}

std::string describe(const hw::Hardware& hw) {
  std::ostringstream out;
  out << hw.name << " (" << (hw.kind == hw::HardwareKind::Accelerator ? "accelerator" : "processor")
      << "): " << hw.description << "\n";
  if (hw.clock_hz > 0) out << "clock: " << format_si(hw.clock_hz) << "Hz\n";
  out << "matrix: " << rates_text(hw.matrix) << "\nvector: " << rates_text(hw.vector) << "\n";
  if (hw.pe_array)
    out << "PE array: " << hw.pe_array->rows << "x" << hw.pe_array->cols << " "
        << hw::dataflow_name(hw.pe_array->dataflow) << " " << model::dtype_name(hw.pe_array->dtype)
        << " (accumulates in " << model::dtype_name(hw.pe_array->accumulator_dtype) << ")"
        << (hw.pe_array->fold_schedule == hw::FoldSchedule::Serial ? ", serial folds" : "") << "\n";
  TextTable levels({"memory level", "capacity", "bandwidth", "notes"});
  levels.set_right_aligned({false, true, true, false});
  for (const auto& l : hw.memory)
    levels.add_row({l.name,
                    l.capacity_bytes ? format_si(double(l.capacity_bytes)) + "B" : "unbounded",
                    format_si(l.bandwidth_bytes_per_s) + "B/s",
                    std::string(l.double_buffered ? "double-buffered " : "") +
                        (l.off_chip ? "off-chip " : "") + l.source});
  out << levels.render();
  for (const auto& u : hw.special_units) {
    out << "special unit " << u.name << ": " << u.elements_per_cycle << " elements/cycle, ";
    for (size_t i = 0; i < u.ops.size(); ++i)
      out << (i ? " " : "") << model::op_kind_name(u.ops[i]);
    out << "\n";
  }
  if (hw.host)
    out << "host CPU " << hw.host->name << ": " << format_si(hw.host->peak_flops_per_s)
        << "FLOP/s fp32, " << format_si(hw.host->bandwidth_bytes_per_s) << "B/s\n";
  for (const auto& [field, source] : hw.sources)
    out << "source " << field << ": " << source << "\n";
  return out.str();
}

void setup(CLI::App& app, std::function<int()>& run) {
  app.require_subcommand(1);
  auto show_name = std::make_shared<std::string>();
  auto show_yaml = std::make_shared<bool>(false);
  auto measure = std::make_shared<bool>(false);
  auto file = std::make_shared<std::string>();
  auto overrides = std::make_shared<std::vector<std::string>>();
  CLI::App* list = app.add_subcommand("list", "List the hardware presets");
  CLI::App* show = app.add_subcommand("show", "Describe a preset or spec file");
  show->add_option("name", *show_name, "Preset name or YAML file")->required();
  show->add_flag("--yaml", *show_yaml, "Print the spec as YAML (it loads back)");
  show->add_flag("--measure", *measure, "host: measure DRAM bandwidth (~1 s)");
  show->add_option("--set", *overrides, "Override a field: PATH=VALUE (repeatable)");
  CLI::App* validate = app.add_subcommand("validate", "Check a hardware spec file");
  validate->add_option("file", *file, "YAML spec")->required();
  list->callback([&run] { run = run_list; });
  show->callback([&run, show_name, show_yaml, measure, overrides] {
    run = [show_name, show_yaml, measure, overrides] {
      hw::Hardware hw;
      if (*measure && *show_name != "host") {
        // Only the detected host has a bandwidth to measure; a preset's figures are published.
        throw Error("--measure applies to the 'host' preset only, not '" + *show_name + "'");
      }
      if (*measure) {
        hw::HostDetectOptions o;
        o.measure_bandwidth = true;
        hw = hw::parse_hardware_yaml(
            hw::apply_hardware_overrides(hw::hardware_to_yaml(hw::detect_host(o)), *overrides),
            "host (measured)");
      } else {
        hw = hw::load_hardware(*show_name, *overrides);
      }
      std::cout << (*show_yaml ? hw::hardware_to_yaml(hw) : describe(hw));
      return 0;
    };
  });
  validate->callback([&run, file] {
    run = [file] {
      hw::Hardware hw = hw::load_hardware(*file);
      std::cout << *file << ": ok (" << hw.name << ", " << summary_line(hw) << ")\n";
      return 0;
    };
  });
}

RegisterCommand registration{{"hw", "Hardware presets and specs: list, show, validate", setup}};

}  // namespace
}  // namespace tessera::cli
