// `tessera models`: the zoo's presets and families with their parameters.
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/command.h"
#include "cli/output.h"
#include "tessera/core/text_table.h"
#include "tessera/model/zoo.h"

namespace tessera::cli {
namespace {

int run_models(const OutputOptions& output) {
  if (output.format == "json") {
    nlohmann::json j;
    j["presets"] = nlohmann::json::array();
    for (const auto& p : model::zoo_presets())
      j["presets"].push_back({{"name", p.name},
                              {"family", p.family},
                              {"overrides", p.overrides},
                              {"description", p.description}});
    j["families"] = nlohmann::json::array();
    for (const auto& f : model::zoo_families()) {
      nlohmann::json params = nlohmann::json::array();
      for (const auto& s : f.params)
        params.push_back({{"name", s.name}, {"default", s.default_value}, {"help", s.help}});
      j["families"].push_back({{"name", f.name},
                               {"domain", model::domain_name(f.domain)},
                               {"description", f.description},
                               {"decoder", bool(f.build_decode_step)},
                               {"params", params}});
    }
    emit(output, j.dump(2));
    return 0;
  }
  std::ostringstream out;
  TextTable presets({"model", "family", "settings", "description"});
  presets.set_right_aligned({false, false, false, false});
  for (const auto& p : model::zoo_presets()) {
    std::string settings;
    for (const auto& [k, v] : p.overrides) settings += (settings.empty() ? "" : ",") + k + "=" + v;
    presets.add_row({p.name, p.family, settings, p.description});
  }
  out << presets.render()
      << "\nFamilies and their parameters (override with MODEL:key=value,...):\n";
  for (const auto& f : model::zoo_families()) {
    out << "\n" << f.name << " (" << model::domain_name(f.domain) << "): " << f.description << "\n";
    for (const auto& s : f.params)
      out << "  " << s.name << " = " << (s.default_value.empty() ? "(derived)" : s.default_value)
          << "  " << s.help << "\n";
  }
  emit(output, out.str());
  return 0;
}

void setup(CLI::App& app, std::function<int()>& run) {
  auto output = std::make_shared<OutputOptions>();
  add_output_options(app, *output, false);
  run = [output] { return run_models(*output); };
}

RegisterCommand registration{
    {"models", "List the model zoo: presets, families and parameters", setup}};

}  // namespace
}  // namespace tessera::cli
