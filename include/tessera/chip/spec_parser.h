// Chip specs in YAML (issue #6): a strict parser (unknown keys are rejected with their key
// path), the built-in presets (tpu-v1, tpu-v2, eyeriss, gemmini and the held-out diannao,
// shidiannao, tpu-v4i) compiled into the binary (the same text as data/chip/presets/*.yaml),
// and a writer for `tessera chip show`.
#pragma once

#include <string>
#include <vector>

#include "tessera/chip/chip_spec.h"

namespace tessera::chip {

// Parses YAML text; `source` names the file in error messages.
ChipSpec parse_chip_spec(const std::string& yaml_text, const std::string& source);

struct ChipPreset {
  std::string name;
  std::string yaml;  // the exact text of data/chip/<name>.yaml
};
const std::vector<ChipPreset>& chip_presets();
// A preset name or a path to a YAML file. Throws tessera::Error listing the presets.
ChipSpec load_chip_spec(const std::string& name_or_path);

}  // namespace tessera::chip
