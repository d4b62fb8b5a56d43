// The GPT-2-style decoder family (001 Sec. 2.1 "Decoder Block", Table 11): pre-LN blocks of
// causal multi-head self-attention and FFN, a final LayerNorm and an LM head tied to the token
// embedding.
//
// Two graphs: build() is the whole sequence at once with a causal mask (the prompt prefill, or
// a teacher-forced pass); build_decode_step() generates one token with `context` tokens
// (itself included) in the KV cache: the projections and the FFN see one token, QK^T and
// score x V read the cached K and V of every token (001 Sec. 2.1.2). Its counts are affine in
// the context, which lets workload::analyze_decoder sum a whole generation in closed form.
#include "model/zoo/transformer_blocks.h"
#include "model/zoo/zoo_registry.h"
#include "tessera/core/error.h"

namespace tessera::model::zoo {
namespace {

std::vector<ParamSpec> decoder_params() {
  return {
      {"batch", "1", "sequences generated together"},
      {"seq", "128", "tokens: the sequence length of build(), the default generation length"},
      {"d", "768", "model (hidden) dimension"},
      {"heads", "12", "attention heads h; one value or a per-layer list"},
      {"head_dim", "", "width of one head (default d/heads; set it when heads does not divide d)"},
      {"layers", "12", "Transformer layers N"},
      {"ffn", "", "FFN dimension d_FFN (default 4*d); one value or a per-layer list"},
      {"vocab", "50257", "vocabulary size (token embedding rows, tied LM head)"},
      {"positions", "1024", "position embedding rows (longer sequences are analysed anyway)"},
      {"activation", "gelu", "FFN activation: gelu or relu"},
      {"lm_head", "true", "include the LM head (logits over the vocabulary, tied weights)"},
  };
}

struct DecoderInputs {
  TensorId x = -1;      // embedded tokens [B, l, d]
  TensorId table = -1;  // token embedding table, tied to the LM head
};

DecoderInputs embed(GraphBuilder& b, const ModelParams& p, const TransformerDims& dims,
                    int64_t tokens) {
  TensorId ids = b.input("input_ids", {dims.batch, tokens});
  TensorId position_ids = b.input("position_ids", {1, tokens});
  b.set_layer(-1, "");
  DecoderInputs in;
  in.x = b.embedding("wte", ids, dims.vocab, dims.d);
  in.table = b.graph().nodes.back().inputs[1];
  in.x = b.binary("add_position", OpKind::Add, Role::Embedding, in.x,
                  b.embedding("wpe", position_ids, p.get_int("positions"), dims.d));
  return in;
}

void finish_head(GraphBuilder& b, const ModelParams& p, const DecoderInputs& in, TensorId x) {
  b.set_layer(-1, "");
  x = b.layernorm("ln_f", x);
  if (p.get_bool("lm_head"))
    x = b.matmul("lm_head", Role::Classifier, x, in.table, /*transpose_b=*/true);
  b.mark_output(x);
}

// One pre-LN block; `kv` tells where attention's keys and values come from.
TensorId decoder_block(GraphBuilder& b, int64_t index, TensorId x, KeyValueSource kv,
                       const LayerDims& layer, OpKind activation, bool cached) {
  b.set_layer(static_cast<int32_t>(index), "layer" + std::to_string(index) + ".");
  TensorId h = b.layernorm("ln1", x);
  if (!cached) kv.memory = h;
  x = residual(b, "attn.residual", x, multi_head_attention(b, "attn", h, kv, layer, cached));
  h = b.layernorm("ln2", x);
  return residual(b, "ffn.residual", x, feed_forward(b, "ffn", h, layer, activation));
}

Graph build_decoder(const ModelParams& p) {
  const int64_t layer_count = read_count(p, "layers", kMaxLayers);
  const TransformerDims dims = read_transformer_dims(p, layer_count);
  const int64_t seq = p.get_int("seq");
  GraphBuilder b(p.model_name(), Domain::Transformer);
  DecoderInputs in = embed(b, p, dims, seq);
  KeyValueSource kv;
  kv.mask = causal_mask(b, seq);
  TensorId x = in.x;
  for (int64_t i = 0; i < layer_count; ++i)
    x = decoder_block(b, i, x, kv, dims.layers[static_cast<size_t>(i)], dims.activation, false);
  finish_head(b, p, in, x);
  return std::move(b).finish();
}

Graph build_decoder_step(const ModelParams& p, int64_t context) {
  if (context < 1)
    throw Error(p.model_name() + ": decode step needs at least 1 token of context, got " +
                std::to_string(context));
  const int64_t layer_count = read_count(p, "layers", kMaxLayers);
  const TransformerDims dims = read_transformer_dims(p, layer_count);
  GraphBuilder b(p.model_name(), Domain::Transformer);
  DecoderInputs in = embed(b, p, dims, 1);
  TensorId x = in.x;
  for (int64_t i = 0; i < layer_count; ++i) {
    const LayerDims& layer = dims.layers[static_cast<size_t>(i)];
    b.set_layer(static_cast<int32_t>(i), "layer" + std::to_string(i) + ".");
    KeyValueSource kv;
    kv.k_cache = b.kv_cache("attn.k_cache", {dims.batch, layer.heads, context, layer.head_dim});
    kv.v_cache = b.kv_cache("attn.v_cache", {dims.batch, layer.heads, context, layer.head_dim});
    x = decoder_block(b, i, x, kv, layer, dims.activation, true);
  }
  finish_head(b, p, in, x);
  return std::move(b).finish();
}

}  // namespace

ZooFamily transformer_decoder_family() {
  ZooFamily f;
  f.name = "transformer-decoder";
  f.domain = Domain::Transformer;
  f.description = "GPT-2-style pre-LN causal decoder with KV-cache generation (--mode decoder)";
  f.params = decoder_params();
  f.build = build_decoder;
  f.build_decode_step = build_decoder_step;
  return f;
}

}  // namespace tessera::model::zoo
