// The encoder-decoder Transformer of Vaswani et al. (001 Sec. 2.1.2 and Fig. 3c; 002 Sec. II-A
// "Transformer", Table IV): post-LN encoder blocks over the source, decoder blocks with causal
// self-attention, cross-attention over the encoder output (NLP-Fast's "multi-head attention"
// without K/V generation per step) and a ReLU FFN. The source and target embeddings and the
// pre-softmax projection share one table (Vaswani Sec. 3.4), embeddings are scaled by sqrt(d)
// and sinusoidal position encodings are constants (no parameters).
//
// Layer indices: encoder layers 0..E-1, decoder layers E..E+D-1; per-layer lists of heads and
// ffn cover the encoder layers first, then the decoder layers.
#include <cmath>

#include "model/zoo/transformer_blocks.h"
#include "model/zoo/zoo_registry.h"
#include "tessera/core/error.h"

namespace tessera::model::zoo {
namespace {

std::vector<ParamSpec> encdec_params() {
  return {
      {"batch", "1", "sentences translated together"},
      {"src_seq", "128", "source tokens (encoder sequence length)"},
      {"seq", "128", "target tokens (decoder sequence length; default generation length)"},
      {"d", "512", "model dimension d_model"},
      {"heads", "8", "attention heads; one value or a list over encoder then decoder layers"},
      {"head_dim", "", "width of one head (default d/heads)"},
      {"enc_layers", "6", "encoder layers"},
      {"dec_layers", "6", "decoder layers"},
      {"ffn", "", "FFN dimension d_ff (default 4*d); one value or a per-layer list"},
      {"vocab", "37000", "shared source/target vocabulary (WMT'14 En-De BPE)"},
      {"activation", "relu", "FFN activation: relu or gelu"},
  };
}

struct EncDec {
  int64_t enc_layers = 0, dec_layers = 0, src_seq = 0;
  TransformerDims dims;
};

EncDec read_encdec(const ModelParams& p) {
  EncDec m;
  m.enc_layers = read_count(p, "enc_layers", kMaxLayers);
  m.dec_layers = read_count(p, "dec_layers", kMaxLayers);
  m.src_seq = p.get_int("src_seq");
  m.dims = read_transformer_dims(p, m.enc_layers + m.dec_layers);
  return m;
}

// Token lookup in the shared table, scaled by sqrt(d), plus the sinusoidal encoding.
TensorId embed(GraphBuilder& b, const std::string& side, TensorId ids, TensorId table,
               int64_t tokens, int64_t d) {
  b.set_layer(-1, "embeddings.");
  TensorId x = lookup(b, "embeddings." + side, ids, table);
  x = b.unary(side + "_scale", OpKind::Scale, Role::Embedding, x);
  return b.binary(side + "_position", OpKind::Add, Role::Embedding, x,
                  b.constant(side + "_sinusoid", {1, tokens, d}));
}

// Attention sub-block with its residual and post-LN.
TensorId attend(GraphBuilder& b, const std::string& name, TensorId x, const KeyValueSource& kv,
                const LayerDims& layer, bool project_new_kv = false) {
  TensorId y = multi_head_attention(b, name, x, kv, layer, project_new_kv);
  return b.layernorm(name + ".ln", residual(b, name + ".residual", x, y));
}

TensorId ffn_block(GraphBuilder& b, TensorId x, const LayerDims& layer, OpKind activation) {
  return b.layernorm("ffn.ln",
                     residual(b, "ffn.residual", x, feed_forward(b, "ffn", x, layer, activation)));
}

void set_decoder_layer(GraphBuilder& b, const EncDec& m, int64_t j) {
  b.set_layer(static_cast<int32_t>(m.enc_layers + j), "decoder.layer" + std::to_string(j) + ".");
}

const LayerDims& decoder_dims(const EncDec& m, int64_t j) {
  return m.dims.layers[static_cast<size_t>(m.enc_layers + j)];
}

TensorId encode(GraphBuilder& b, const EncDec& m, TensorId table) {
  TensorId src_ids = b.input("src_ids", {m.dims.batch, m.src_seq});
  TensorId x = embed(b, "src", src_ids, table, m.src_seq, m.dims.d);
  for (int64_t i = 0; i < m.enc_layers; ++i) {
    const LayerDims& layer = m.dims.layers[static_cast<size_t>(i)];
    b.set_layer(static_cast<int32_t>(i), "encoder.layer" + std::to_string(i) + ".");
    KeyValueSource self;
    self.memory = x;
    x = ffn_block(b, attend(b, "self_attn", x, self, layer), layer, m.dims.activation);
  }
  return x;
}

TensorId make_table(GraphBuilder& b, const EncDec& m) {
  b.set_layer(-1, "embeddings.");
  return b.weight("shared", {m.dims.vocab, m.dims.d});
}

void lm_head(GraphBuilder& b, TensorId x, TensorId table) {
  b.set_layer(-1, "");
  b.mark_output(b.matmul("lm_head", Role::Classifier, x, table, /*transpose_b=*/true));
}

Graph build_encdec(const ModelParams& p) {
  const EncDec m = read_encdec(p);
  const int64_t seq = p.get_int("seq");
  GraphBuilder b(p.model_name(), Domain::Transformer);
  TensorId table = make_table(b, m);
  TensorId memory = encode(b, m, table);
  TensorId tgt_ids = b.input("tgt_ids", {m.dims.batch, seq});
  TensorId x = embed(b, "tgt", tgt_ids, table, seq, m.dims.d);
  KeyValueSource self, cross;
  self.mask = causal_mask(b, seq);
  cross.memory = memory;
  for (int64_t j = 0; j < m.dec_layers; ++j) {
    const LayerDims& layer = decoder_dims(m, j);
    set_decoder_layer(b, m, j);
    self.memory = x;
    x = attend(b, "self_attn", x, self, layer);
    x = ffn_block(b, attend(b, "cross_attn", x, cross, layer), layer, m.dims.activation);
  }
  lm_head(b, x, table);
  return std::move(b).finish();
}

// Before the first generated token: the encoder, then either each decoder layer's cross-attention
// K/V projections of its output (no prompt) or a whole teacher-forced pass over the prompt
// (which projects them itself).
Graph build_encdec_prefill(const ModelParams& p, int64_t prompt) {
  if (prompt > 0) {
    ModelParams with_prompt = p;
    with_prompt.set("seq", std::to_string(prompt));
    Graph g = build_encdec(with_prompt);
    g.name = "encoder over " + p.get_string("src_seq") + " source tokens, prefill of " +
             std::to_string(prompt) + " target tokens";
    return g;
  }
  const EncDec m = read_encdec(p);
  GraphBuilder b(
      "encoder over " + std::to_string(m.src_seq) + " source tokens and cross-attention K/V",
      Domain::Transformer);
  TensorId memory = encode(b, m, make_table(b, m));
  for (int64_t j = 0; j < m.dec_layers; ++j) {
    const LayerDims& layer = decoder_dims(m, j);
    set_decoder_layer(b, m, j);
    b.mark_output(b.linear("cross_attn.k", Role::KeyProjection, memory, layer.attention_width()));
    b.mark_output(b.linear("cross_attn.v", Role::ValueProjection, memory, layer.attention_width()));
  }
  return std::move(b).finish();
}

// One target token with `context` tokens in the self-attention cache; the cross-attention K/V
// of the encoder output were computed once (build_prefill) and are read from their caches.
Graph build_encdec_step(const ModelParams& p, int64_t context) {
  if (context < 1)
    throw Error(p.model_name() + ": decode step needs at least 1 token of context, got " +
                std::to_string(context));
  const EncDec m = read_encdec(p);
  const int64_t batch = m.dims.batch;
  GraphBuilder b(p.model_name(), Domain::Transformer);
  TensorId table = make_table(b, m);
  TensorId x = embed(b, "tgt", b.input("tgt_ids", {batch, 1}), table, 1, m.dims.d);
  for (int64_t j = 0; j < m.dec_layers; ++j) {
    const LayerDims& layer = decoder_dims(m, j);
    set_decoder_layer(b, m, j);
    KeyValueSource self, cross;
    self.k_cache = b.kv_cache("self_attn.k_cache", {batch, layer.heads, context, layer.head_dim});
    self.v_cache = b.kv_cache("self_attn.v_cache", {batch, layer.heads, context, layer.head_dim});
    cross.k_cache =
        b.kv_cache("cross_attn.k_cache", {batch, layer.heads, m.src_seq, layer.head_dim});
    cross.v_cache =
        b.kv_cache("cross_attn.v_cache", {batch, layer.heads, m.src_seq, layer.head_dim});
    x = attend(b, "self_attn", x, self, layer, /*project_new_kv=*/true);
    x = ffn_block(b, attend(b, "cross_attn", x, cross, layer), layer, m.dims.activation);
  }
  lm_head(b, x, table);
  return std::move(b).finish();
}

}  // namespace

ZooFamily transformer_encdec_family() {
  ZooFamily f;
  f.name = "transformer-encdec";
  f.domain = Domain::Transformer;
  f.description = "Vaswani encoder-decoder Transformer with cross-attention (--mode decoder)";
  f.params = encdec_params();
  f.build = build_encdec;
  f.build_decode_step = build_encdec_step;
  f.build_prefill = build_encdec_prefill;
  return f;
}

}  // namespace tessera::model::zoo
