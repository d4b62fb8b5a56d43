#include "tessera/model/dtype.h"

#include <array>
#include <string>

#include "tessera/core/error.h"

namespace tessera::model {
namespace {
struct DTypeInfo {
  std::string_view name;
  std::string_view short_name;
  int64_t bytes;
};
constexpr std::array<DTypeInfo, static_cast<size_t>(DType::kCount)> kDTypes = {{
    {"int8", "i8", 1},
    {"int16", "i16", 2},
    {"int32", "i32", 4},
    {"fp16", "f16", 2},
    {"bf16", "bf16", 2},
    {"fp32", "f32", 4},
}};
static_assert(kDTypes.size() == static_cast<size_t>(DType::kCount));
}  // namespace

int64_t dtype_bytes(DType type) { return kDTypes.at(static_cast<size_t>(type)).bytes; }
std::string_view dtype_name(DType type) { return kDTypes.at(static_cast<size_t>(type)).name; }

DType parse_dtype(std::string_view name) {
  for (size_t i = 0; i < kDTypes.size(); ++i) {
    if (name == kDTypes[i].name || name == kDTypes[i].short_name) return static_cast<DType>(i);
  }
  if (name == "float32" || name == "float") return DType::Fp32;
  if (name == "float16" || name == "half") return DType::Fp16;
  throw Error("unknown data type '" + std::string(name) +
              "' (expected int8, int16, int32, fp16, bf16 or fp32)");
}

}  // namespace tessera::model
