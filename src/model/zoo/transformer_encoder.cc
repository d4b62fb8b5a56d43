// The BERT-style encoder family (001 Sec. 2.1 "Encoder Block", Tables 1 and 3; 002 Sec. II-A
// "BERT"): post-LN blocks of multi-head self-attention and FFN over the whole sequence at once.
//
// The graph includes BERT's embedding block (word, position and token-type lookups, their sum
// and LayerNorm, role Embedding) and, by default, the pooler (role Classifier): they hold real
// parameters (BERT-Base's 110M counts them) and real, if small, traffic. The survey's Table 3
// totals cover only the 12 Transformer layers; reports keep the two apart because the
// "embedding" and "classifier" role groups are separate rows, and each layer's ops carry their
// layer index.
#include "model/zoo/transformer_blocks.h"
#include "model/zoo/zoo_registry.h"

namespace tessera::model::zoo {
namespace {

std::vector<ParamSpec> encoder_params() {
  return {
      {"batch", "1", "sequences per inference"},
      {"seq", "128", "sequence length l (tokens)"},
      {"d", "768", "model (hidden) dimension"},
      {"heads", "12", "attention heads h; one value or a per-layer list 12/12/8"},
      {"head_dim", "", "width of one head (default d/heads; set it when heads does not divide d)"},
      {"layers", "12", "Transformer layers N"},
      {"ffn", "", "FFN dimension d_FFN (default 4*d); one value or a per-layer list"},
      {"vocab", "30522", "vocabulary size (word embedding rows)"},
      {"positions", "512", "position embedding rows (longer sequences are analysed anyway)"},
      {"type_vocab", "2", "token-type (segment) embedding rows"},
      {"activation", "gelu", "FFN activation: gelu or relu"},
      {"pooler", "true", "include BERT's pooler (dense + tanh on the first token)"},
  };
}

Graph build_encoder(const ModelParams& p) {
  const int64_t layer_count = read_count(p, "layers", kMaxLayers);
  const TransformerDims dims = read_transformer_dims(p, layer_count);
  const int64_t seq = p.get_int("seq");
  const int64_t batch = dims.batch;
  GraphBuilder b(p.model_name(), Domain::Transformer);
  TensorId ids = b.input("input_ids", {batch, seq});
  TensorId position_ids = b.input("position_ids", {1, seq});
  TensorId type_ids = b.input("token_type_ids", {batch, seq});

  b.set_layer(-1, "embeddings.");
  TensorId x = b.embedding("word", ids, dims.vocab, dims.d);
  x = b.binary("add_position", OpKind::Add, Role::Embedding, x,
               b.embedding("position", position_ids, p.get_int("positions"), dims.d));
  x = b.binary("add_token_type", OpKind::Add, Role::Embedding, x,
               b.embedding("token_type", type_ids, p.get_int("type_vocab"), dims.d));
  x = b.layernorm("ln", x);
  set_role(b, x, Role::Embedding);

  for (int64_t i = 0; i < layer_count; ++i) {
    const LayerDims& layer = dims.layers[static_cast<size_t>(i)];
    b.set_layer(static_cast<int32_t>(i), "layer" + std::to_string(i) + ".");
    KeyValueSource self;
    self.memory = x;
    TensorId attended = multi_head_attention(b, "attn", x, self, layer);
    x = b.layernorm("attn.ln", residual(b, "attn.residual", x, attended));
    TensorId transformed = feed_forward(b, "ffn", x, layer, dims.activation);
    x = b.layernorm("ffn.ln", residual(b, "ffn.residual", x, transformed));
  }
  b.mark_output(x);

  if (p.get_bool("pooler")) {
    b.set_layer(-1, "pooler.");
    Node first;
    first.name = "pooler.first_token";
    first.kind = OpKind::Slice;
    first.role = Role::Classifier;
    first.inputs = {x};
    first.axis = 1;
    NodeId id = b.add_node(std::move(first), {{batch, dims.d}});
    TensorId token = b.graph().nodes[static_cast<size_t>(id)].outputs[0];
    TensorId dense = b.linear("dense", Role::Classifier, token, dims.d);
    b.mark_output(b.unary("tanh", OpKind::Tanh, Role::Classifier, dense));
  }
  return std::move(b).finish();
}

}  // namespace

ZooFamily transformer_encoder_family() {
  ZooFamily f;
  f.name = "transformer-encoder";
  f.domain = Domain::Transformer;
  f.description = "BERT-style post-LN Transformer encoder (all tokens at once)";
  f.params = encoder_params();
  f.build = build_encoder;
  return f;
}

}  // namespace tessera::model::zoo
