// The hardware presets of data/hw/*.yaml compiled into the binary so that the installed tool
// works anywhere. The table is generated at build time by src/hw/embed_presets.cmake.
#pragma once

#include <string_view>
#include <vector>

namespace tessera::hw {

struct EmbeddedPreset {
  std::string_view name;  // file stem
  std::string_view yaml;
};

const std::vector<EmbeddedPreset>& embedded_presets();

}  // namespace tessera::hw
