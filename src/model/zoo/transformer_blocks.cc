// Transformer building blocks shared by the zoo families (001 Sec. 2.1, Fig. 1 and Table 2).
#include "model/zoo/transformer_blocks.h"

#include "tessera/core/checked_math.h"
#include "tessera/core/error.h"

namespace tessera::model::zoo {
namespace {

// [B, l, h*dh] -> [B, h, l, dh]: a view and a layout change. The workload analysis absorbs the
// transpose into the attention matmul's operand addressing (no traffic of its own), as the
// survey's MOP model has no layout ops (001 Sec. 2.2.1).
TensorId split_heads(GraphBuilder& b, const std::string& name, TensorId t, const LayerDims& dims) {
  const Shape s = b.shape(t);
  TensorId view = b.reshape(name + ".view", t, {s[0], s[1], dims.heads, dims.head_dim});
  return b.transpose(name + ".heads", view, {0, 2, 1, 3});
}

// [B, h, l, dh] -> [B, l, h*dh].
TensorId merge_heads(GraphBuilder& b, const std::string& name, TensorId t, const LayerDims& dims) {
  const Shape s = b.shape(t);
  TensorId swapped = b.transpose(name + ".merge", t, {0, 2, 1, 3});
  return b.reshape(name + ".view", swapped, {s[0], s[2], dims.attention_width()});
}

void set_heads(GraphBuilder& b, TensorId t, int64_t heads) {
  Graph& g = b.mutable_graph();
  g.nodes.at(static_cast<size_t>(g.tensor(t).producer)).heads = static_cast<int32_t>(heads);
}

}  // namespace

int64_t read_count(const ModelParams& params, const std::string& key, int64_t limit) {
  int64_t value = params.get_int(key);
  if (value > limit)
    throw Error(params.model_name() + ": " + key + "=" + std::to_string(value) +
                " is absurdly large (limit " + std::to_string(limit) + ")");
  return value;
}

TransformerDims read_transformer_dims(const ModelParams& params, int64_t layer_count) {
  TransformerDims dims;
  const std::string& model = params.model_name();
  dims.batch = params.get_int("batch");
  dims.d = params.get_int("d");
  dims.vocab = params.get_int("vocab");
  std::string activation = params.get_string("activation");
  if (activation == "gelu")
    dims.activation = OpKind::Gelu;
  else if (activation == "relu")
    dims.activation = OpKind::Relu;
  else
    throw Error(model + ": activation '" + activation + "' is not one of gelu, relu");
  std::vector<int64_t> heads = params.get_int_list("heads", layer_count);
  std::vector<int64_t> ffn =
      params.has("ffn")
          ? params.get_int_list("ffn", layer_count)
          : std::vector<int64_t>(static_cast<size_t>(layer_count), checked_mul(4, dims.d, "ffn"));
  bool per_layer_heads = false;
  for (int64_t h : heads) per_layer_heads = per_layer_heads || h != heads.front();
  bool explicit_head_dim = params.has("head_dim");
  int64_t head_dim = explicit_head_dim ? params.get_int("head_dim") : 0;
  for (int64_t i = 0; i < layer_count; ++i) {
    LayerDims layer;
    layer.heads = heads[static_cast<size_t>(i)];
    layer.ffn = ffn[static_cast<size_t>(i)];
    std::string where = per_layer_heads ? " in layer " + std::to_string(i) : "";
    if (explicit_head_dim) {
      layer.head_dim = head_dim;
      (void)checked_mul(layer.heads, head_dim, "heads * head_dim");
    } else {
      if (dims.d % layer.heads != 0)
        throw Error(model + ": heads=" + std::to_string(layer.heads) + " does not divide d=" +
                    std::to_string(dims.d) + where + " (set head_dim to decouple them)");
      layer.head_dim = dims.d / layer.heads;
    }
    dims.layers.push_back(layer);
  }
  return dims;
}

TensorId multi_head_attention(GraphBuilder& b, const std::string& name, TensorId x,
                              const KeyValueSource& kv, const LayerDims& dims,
                              bool project_new_kv) {
  const int64_t width = dims.attention_width();
  TensorId q =
      split_heads(b, name + ".q", b.linear(name + ".q", Role::QueryProjection, x, width), dims);
  TensorId k = kv.k_cache, v = kv.v_cache;
  if (kv.memory >= 0) {
    k = split_heads(b, name + ".k", b.linear(name + ".k", Role::KeyProjection, kv.memory, width),
                    dims);
    v = split_heads(b, name + ".v", b.linear(name + ".v", Role::ValueProjection, kv.memory, width),
                    dims);
  } else if (project_new_kv) {
    // The new token's key and value: written once into the caches, read back by later steps.
    b.mark_output(b.linear(name + ".k", Role::KeyProjection, x, width));
    b.mark_output(b.linear(name + ".v", Role::ValueProjection, x, width));
  }
  if (k < 0 || v < 0) throw Error(name + ": attention needs keys and values", ErrorKind::Failure);
  TensorId scores = b.matmul(name + ".qk", Role::AttentionScore, q, k, /*transpose_b=*/true,
                             static_cast<int32_t>(dims.heads));
  if (kv.mask >= 0) {
    scores = b.binary(name + ".mask", OpKind::Add, Role::AttentionScale, scores, kv.mask);
    set_heads(b, scores, dims.heads);
  }
  TensorId probs = b.softmax(name + ".softmax", scores);
  set_heads(b, probs, dims.heads);
  TensorId context = b.matmul(name + ".sv", Role::AttentionContext, probs, v, false,
                              static_cast<int32_t>(dims.heads));
  TensorId merged = merge_heads(b, name + ".context", context, dims);
  return b.linear(name + ".out", Role::OutputProjection, merged, b.shape(x).back());
}

TensorId feed_forward(GraphBuilder& b, const std::string& name, TensorId x, const LayerDims& dims,
                      OpKind activation) {
  TensorId hidden = b.linear(name + ".fc1", Role::Ffn1, x, dims.ffn);
  TensorId activated = b.unary(name + ".act", activation, Role::Activation, hidden);
  return b.linear(name + ".fc2", Role::Ffn2, activated, b.shape(x).back());
}

TensorId residual(GraphBuilder& b, const std::string& name, TensorId x, TensorId y) {
  return b.binary(name, OpKind::Add, Role::Residual, x, y);
}

TensorId lookup(GraphBuilder& b, const std::string& name, TensorId ids, TensorId table) {
  Node node;
  node.name = name;
  node.kind = OpKind::Embedding;
  node.role = Role::Embedding;
  node.inputs = {ids, table};
  Shape out = b.shape(ids);
  out.push_back(b.shape(table).back());
  NodeId id = b.add_node(std::move(node), {out});
  return b.graph().nodes[static_cast<size_t>(id)].outputs[0];
}

void set_role(GraphBuilder& b, TensorId t, Role role) {
  Graph& g = b.mutable_graph();
  g.nodes.at(static_cast<size_t>(g.tensor(t).producer)).role = role;
}

TensorId causal_mask(GraphBuilder& b, int64_t length) {
  return b.constant("causal_mask", {1, 1, length, length});
}

}  // namespace tessera::model::zoo
