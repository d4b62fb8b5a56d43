// Hardware spec files (issue #4; schema in docs/hardware.md): strict YAML parsing into
// hw::Hardware, presets compiled into the binary (data/hw/*.yaml), the detected host, field
// overrides ("scratchpad.capacity_bytes=65536") and writing a spec back as YAML that is known to
// load. Unknown keys are rejected with their key path and a did-you-mean hint (STYLE.md #9).
#pragma once

#include <string>
#include <vector>

#include "tessera/hw/hardware.h"

namespace tessera::hw {

// A preset name ("gemmini", "host", ...) or a path to a YAML spec. Throws tessera::Error
// naming the file and key path on bad input.
Hardware load_hardware(const std::string& name_or_path);
// The same, with field overrides applied to the YAML before it is parsed and validated.
// Each override is "PATH=VALUE"; PATH is dotted keys, where a memory level or special unit may
// be named directly: "scratchpad.capacity_bytes", "memory.dram.bandwidth_bytes_per_s",
// "pe_array.rows", "clock_hz", "matrix.int8".
Hardware load_hardware(const std::string& name_or_path, const std::vector<std::string>& overrides);

// Parses one spec from YAML text; `origin` names it in errors (a path or "preset gemmini").
Hardware parse_hardware_yaml(const std::string& text, const std::string& origin);

// Every preset name, sorted; "host" (detected at run time) included.
std::vector<std::string> hardware_preset_names();
// The YAML text of a compiled-in preset (not "host"); throws for unknown names.
std::string hardware_preset_yaml(const std::string& name);

// The spec as YAML in the schema of docs/hardware.md; parse_hardware_yaml accepts it back.
std::string hardware_to_yaml(const Hardware& hw);

// Checks the semantic rules (positive sizes and bandwidths, a PE array its memories can feed,
// ...). Throws tessera::Error naming the field. Called by the parser.
void validate_hardware(const Hardware& hw, const std::string& origin);

// Applies "PATH=VALUE" overrides to a YAML spec text and returns the new text.
std::string apply_hardware_overrides(const std::string& yaml_text,
                                     const std::vector<std::string>& overrides);

}  // namespace tessera::hw
