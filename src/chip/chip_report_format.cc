// Renderings of a ChipReport (chip_report_format.h).
#include "tessera/chip/chip_report_format.h"

#include <sstream>

#include "tessera/core/text_table.h"

namespace tessera::chip {
namespace {

void add_rows(TextTable& table, const ChipReport& r, const ComponentReport& c, bool parts,
              const std::string& indent) {
  table.add_row({indent + c.name, std::to_string(c.instances), format_fixed(c.area_mm2, 2),
                 format_percent(r.area_mm2 > 0 ? c.area_mm2 / r.area_mm2 : 0),
                 format_fixed(c.tdp_w, 2), format_percent(r.tdp_w > 0 ? c.tdp_w / r.tdp_w : 0),
                 format_fixed(c.leakage_w, 3), format_fixed(c.critical_path_s * 1e9, 3),
                 std::to_string(c.pipeline_stages), indent.empty() ? c.detail : ""});
  if (parts)
    for (const auto& p : c.parts) add_rows(table, r, p, false, indent + "  ");
}

}  // namespace

std::string chip_report_table(const ChipReport& r, bool with_parts) {
  std::ostringstream out;
  out << "chip " << r.spec.name << ": " << r.technology.node_nm << " nm, "
      << format_fixed(r.technology.vdd_v, 2) << " V, " << format_fixed(r.clock_hz / 1e6, 1)
      << " MHz (max " << format_fixed(r.max_clock_hz / 1e6, 0) << " MHz), " << r.spec.cores
      << " core(s), peak " << format_fixed(r.peak_tops, 2) << " TOPS (1 MAC = 2 ops)\n";
  out << "area " << format_fixed(r.area_mm2, 1) << " mm2 (white space "
      << format_fixed(r.white_space_mm2, 1) << " mm2), TDP " << format_fixed(r.tdp_w, 1)
      << " W (leakage " << format_fixed(r.leakage_w, 1) << " W)";
  if (r.in_package_dram_w > 0)
    out << ", package TDP " << format_fixed(r.package_tdp_w, 1) << " W (+"
        << format_fixed(r.in_package_dram_w, 1) << " W in-package DRAM)";
  out << ", critical path " << format_fixed(r.critical_path_s * 1e9, 3) << " ns in "
      << r.critical_component << "\n\n";
  TextTable table({"component", "n", "area_mm2", "area%", "tdp_w", "tdp%", "leak_w", "path_ns",
                   "stages", "detail"});
  table.set_right_aligned({false, true, true, true, true, true, true, true, true, false});
  for (const auto& c : r.components) add_rows(table, r, c, with_parts, "");
  out << table.render();
  for (const auto& n : r.notes) out << "note: " << n << "\n";
  out << "TDP (McPAT convention): every unit at its peak access rate with random data "
         "(activity 0.5, clocks 1), plus leakage at 85 C.\n";
  return out.str();
}

nlohmann::json chip_report_json(const ChipReport& r) {
  nlohmann::json j;
  j["name"] = r.spec.name;
  j["technology_nm"] = r.technology.node_nm;
  j["vdd_v"] = r.technology.vdd_v;
  j["clock_hz"] = r.clock_hz;
  j["max_clock_hz"] = r.max_clock_hz;
  j["cores"] = r.spec.cores;
  j["peak_tops"] = r.peak_tops;
  j["area_mm2"] = r.area_mm2;
  j["white_space_mm2"] = r.white_space_mm2;
  j["tdp_w"] = r.tdp_w;
  j["leakage_w"] = r.leakage_w;
  j["in_package_dram_w"] = r.in_package_dram_w;
  j["package_tdp_w"] = r.package_tdp_w;
  j["critical_component"] = r.critical_component;
  j["critical_path_s"] = r.critical_path_s;
  j["notes"] = r.notes;
  auto component = [](const ComponentReport& c, auto&& self) -> nlohmann::json {
    nlohmann::json k = {{"name", c.name},
                        {"instances", c.instances},
                        {"area_mm2", c.area_mm2},
                        {"tdp_w", c.tdp_w},
                        {"dynamic_w", c.dynamic_w},
                        {"leakage_w", c.leakage_w},
                        {"critical_path_s", c.critical_path_s},
                        {"pipeline_stages", c.pipeline_stages},
                        {"energy_pj", c.energy_pj},
                        {"detail", c.detail}};
    if (!c.parts.empty()) {
      k["parts"] = nlohmann::json::array();
      for (const auto& p : c.parts) k["parts"].push_back(self(p, self));
    }
    return k;
  };
  j["components"] = nlohmann::json::array();
  for (const auto& c : r.components) j["components"].push_back(component(c, component));
  return j;
}

std::string chip_report_csv(const ChipReport& r) {
  std::ostringstream out;
  out << "component,instances,area_mm2,tdp_w,leakage_w,critical_path_s,pipeline_stages\n";
  for (const auto& c : r.components)
    out << c.name << "," << c.instances << "," << c.area_mm2 << "," << c.tdp_w << "," << c.leakage_w
        << "," << c.critical_path_s << "," << c.pipeline_stages << "\n";
  out << "total," << 1 << "," << r.area_mm2 << "," << r.tdp_w << "," << r.leakage_w << ","
      << r.critical_path_s << ",\n";
  return out.str();
}

}  // namespace tessera::chip
