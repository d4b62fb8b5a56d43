// Private: the building blocks shared by the Transformer zoo families (encoder, decoder,
// encoder-decoder): multi-head attention (full-sequence and KV-cached), the FFN, and the
// validated per-layer sizes. Survey 001 Sec. 2.1 (Fig. 1, Table 2) and NLP-Fast 002 Sec. II-A.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tessera/model/graph_builder.h"
#include "tessera/model/model_params.h"
#include "tessera/model/zoo.h"

namespace tessera::model::zoo {

// Sizes of one Transformer layer.
struct LayerDims {
  int64_t heads = 0;
  int64_t head_dim = 0;  // d / heads unless the model sets head_dim explicitly
  int64_t ffn = 0;
  int64_t attention_width() const { return heads * head_dim; }
};

// The common sizes of a Transformer family, read and validated from its parameters.
struct TransformerDims {
  int64_t batch = 1;
  int64_t d = 0;
  int64_t vocab = 0;
  OpKind activation = OpKind::Gelu;
  std::vector<LayerDims> layers;
};

// Reads d, heads (per-layer list), head_dim (optional), ffn (per-layer list, default 4*d),
// activation and vocab for `layer_count` layers. Throws tessera::Error naming the parameter
// ("heads=5 does not divide d=768").
TransformerDims read_transformer_dims(const ModelParams& params, int64_t layer_count);
// Reads an integer count with a sanity ceiling (a graph is built per layer: no 2^40 layers).
int64_t read_count(const ModelParams& params, const std::string& key, int64_t limit);

// Where the keys and values of an attention come from.
struct KeyValueSource {
  TensorId memory = -1;   // [B, l_kv, d]: K and V are projected from it (self or cross)
  TensorId k_cache = -1;  // or: cached keys [B, h, c, dh] read as they are (decoder step)
  TensorId v_cache = -1;
  TensorId mask = -1;  // optional additive mask [1, 1, l_q, l_kv] (causal attention)
};

// Multi-head attention of x [B, l_q, d] over `kv`; returns the output projection [B, l_q, d].
// Ops: Q/K/V projections (linear + bias), head split (reshape + transpose), QK^T, optional mask,
// softmax, score x V, head merge, W_out. The 1/sqrt(dh) scale is folded into W_Q and b_Q (exact:
// softmax((x W_Q / s) K^T) = softmax(x W_Q K^T / s)), so it costs no op and no traffic.
// With caches, the new token's K and V projections are still computed (they are appended to
// the cache: their write is the projection's output) and marked as graph outputs.
TensorId multi_head_attention(GraphBuilder& b, const std::string& name, TensorId x,
                              const KeyValueSource& kv, const LayerDims& dims,
                              bool project_new_kv = false);

// FFN: W_1 (Ffn1) -> activation -> W_2 (Ffn2), both linear with bias.
TensorId feed_forward(GraphBuilder& b, const std::string& name, TensorId x, const LayerDims& dims,
                      OpKind activation);

// Residual add (Role::Residual).
TensorId residual(GraphBuilder& b, const std::string& name, TensorId x, TensorId y);

// Embedding lookup into an existing table (shared/tied tables), Role::Embedding.
TensorId lookup(GraphBuilder& b, const std::string& name, TensorId ids, TensorId table);

// Reassigns the role of the op that produced `t` (e.g. the embedding block's LayerNorm).
void set_role(GraphBuilder& b, TensorId t, Role role);

// Additive causal mask constant [1, 1, l, l].
TensorId causal_mask(GraphBuilder& b, int64_t length);

// The families, one file each (transformer_encoder.cc, transformer_decoder.cc,
// transformer_encdec.cc); transformer.cc registers them with their presets.
ZooFamily transformer_encoder_family();
ZooFamily transformer_decoder_family();
ZooFamily transformer_encdec_family();

// Upper limit on layer counts: a graph is built per layer, so 2^40 layers must be an error.
constexpr int64_t kMaxLayers = 4096;

}  // namespace tessera::model::zoo
