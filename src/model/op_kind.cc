#include "tessera/model/op_kind.h"

#include <array>
#include <string>

#include "tessera/core/error.h"

namespace tessera::model {
namespace {
constexpr std::array<std::string_view, static_cast<size_t>(OpKind::kCount)> kNames = {
    "matmul",      "conv2d",    "conv_transpose2d",
    "max_pool",    "avg_pool",  "global_avg_pool",
    "batchnorm",   "layernorm", "softmax",
    "gelu",        "relu",      "relu6",
    "sigmoid",     "swish",     "hard_sigmoid",
    "hard_swish",  "tanh",      "add",
    "sub",         "mul",       "div",
    "pow",         "sqrt",      "erf",
    "reduce_mean", "scale",     "embedding",
    "reshape",     "transpose", "concat",
    "split",       "slice",     "gather",
    "cast",        "clip",      "where",
    "expand",      "identity",  "unsupported",
};
static_assert(kNames.size() == static_cast<size_t>(OpKind::kCount), "one name per OpKind");
}  // namespace

std::string_view op_kind_name(OpKind kind) { return kNames.at(static_cast<size_t>(kind)); }

OpKind parse_op_kind(std::string_view name) {
  for (size_t i = 0; i < kNames.size(); ++i)
    if (kNames[i] == name) return static_cast<OpKind>(i);
  throw Error("unknown op kind '" + std::string(name) + "'");
}

}  // namespace tessera::model
