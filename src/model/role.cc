#include "tessera/model/role.h"

#include <array>
#include <string>

#include "tessera/core/error.h"

namespace tessera::model {
namespace {
constexpr std::array<std::string_view, static_cast<size_t>(Role::kCount)> kNames = {
    "q_projection",   "k_projection",   "v_projection",   "qk_matmul", "attention_scale",
    "softmax",        "sv_matmul",      "out_projection", "ffn1",      "activation",
    "ffn2",           "layernorm",      "residual",       "embedding", "classifier",
    "conv",           "depthwise_conv", "pointwise_conv", "batchnorm", "pooling",
    "squeeze_excite", "elementwise",    "data_movement",  "other",
};
static_assert(kNames.size() == static_cast<size_t>(Role::kCount), "one name per Role");
}  // namespace

std::string_view role_name(Role role) { return kNames.at(static_cast<size_t>(role)); }

Role parse_role(std::string_view name) {
  for (size_t i = 0; i < kNames.size(); ++i)
    if (kNames[i] == name) return static_cast<Role>(i);
  throw Error("unknown role '" + std::string(name) + "'");
}

std::string_view domain_name(Domain domain) {
  switch (domain) {
    case Domain::Transformer:
      return "transformer";
    case Domain::Cnn:
      return "cnn";
    case Domain::Other:
      return "other";
  }
  return "other";
}

std::string_view role_group(Role role, Domain domain) {
  if (domain == Domain::Cnn) {
    switch (role) {
      case Role::Conv:
      case Role::DepthwiseConv:
      case Role::PointwiseConv:
        return "convolution";
      case Role::BatchNorm:
        return "batchnorm";
      case Role::Activation:
        return "activation";
      default:
        return "other";
    }
  }
  switch (role) {
    case Role::QueryProjection:
    case Role::KeyProjection:
    case Role::ValueProjection:
    case Role::OutputProjection:
      return "mha_projections";
    case Role::AttentionScore:
    case Role::AttentionContext:
      return "act_to_act";
    case Role::Ffn1:
    case Role::Ffn2:
      return "ffn_projections";
    // Outside the layers the survey's Table 3 covers: kept apart so "other" stays its row.
    case Role::Embedding:
      return "embedding";
    case Role::Classifier:
      return "classifier";
    default:
      return "other";
  }
}

}  // namespace tessera::model
