// A Gemmini-like accelerator built in code (Genc et al., DAC 2021; survey 001 Sec. 3.4, 5.5):
// 16×16 weight-stationary int8 PE array, 256 KB scratchpad, 64 KB int32 accumulator, 512 KB L2,
// DRAM, I-BERT Softmax/LayerNorm/GELU units. The mapper's tests and benches use it so they do
// not depend on the YAML presets; `resolve_hardware` prefers hw::load_hardware when it exists.
#pragma once

#include <cstdint>
#include <string>

#include "tessera/hw/hardware.h"

namespace tessera::map {

hw::Hardware gemmini_like_hardware(int64_t accumulator_bytes = 64 * 1024,
                                   int64_t scratchpad_bytes = 256 * 1024);
// "gemmini" (built in), or whatever hw::load_hardware accepts once the spec parser is present.
hw::Hardware resolve_hardware(const std::string& name_or_path);

}  // namespace tessera::map
