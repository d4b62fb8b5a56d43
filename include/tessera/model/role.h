// The one op taxonomy shared by every part of tessera (DESIGN.md "Workload"): the survey's
// Table 3 groups (001 Sec. 2.2.2), NLP-Perf's Table II operations (002 Sec. III-A) and the
// runtime's profile all speak these names.
#pragma once

#include <cstdint>
#include <string_view>

namespace tessera::model {

enum class Role : uint8_t {
  QueryProjection,  // NLP-Perf "Q-Gen"
  KeyProjection,    // "K-Gen"
  ValueProjection,  // "V-Gen"
  AttentionScore,   // Q x K^T ("dot product")
  AttentionScale,   // scaling / masking of the scores
  Softmax,
  AttentionContext,  // softmax(S) x V ("weighted sum")
  OutputProjection,  // W_out ("attention FC")
  Ffn1,              // "linear-1"
  Activation,        // GELU/ReLU/swish ... ("activation")
  Ffn2,              // "linear-2"
  LayerNorm,
  Residual,  // residual add
  Embedding,
  Classifier,  // final FC / LM head
  Conv,
  DepthwiseConv,
  PointwiseConv,
  BatchNorm,
  Pooling,
  SqueezeExcite,
  Elementwise,   // any other arithmetic
  DataMovement,  // reshape/transpose/concat/split...
  Other,
  kCount
};

std::string_view role_name(Role role);
Role parse_role(std::string_view name);

// Which kind of network a graph is, for choosing how roles are grouped in reports.
enum class Domain : uint8_t { Transformer, Cnn, Other };
std::string_view domain_name(Domain domain);

// The role groups of reports. Transformers: the survey's Table 3 rows (mha_projections,
// act_to_act, ffn_projections, other) plus "embedding" and "classifier" for the ops outside the
// Transformer layers that Table 3 does not cover. CNNs: Table 4 rows (convolution, batchnorm,
// activation, other).
std::string_view role_group(Role role, Domain domain);

}  // namespace tessera::model
