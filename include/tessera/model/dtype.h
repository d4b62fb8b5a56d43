// Element types of tensors (issue #2: int8, int16, int32, fp16, bf16, fp32).
#pragma once

#include <cstdint>
#include <string_view>

namespace tessera::model {

enum class DType : uint8_t { Int8, Int16, Int32, Fp16, Bf16, Fp32, kCount };

int64_t dtype_bytes(DType type);
std::string_view dtype_name(DType type);
// Parses "int8", "fp16", "bf16", ... (also "i8", "f32"); throws tessera::Error otherwise.
DType parse_dtype(std::string_view name);

}  // namespace tessera::model
