#include "tessera/run/nlp_fast_models.h"

#include "tessera/core/error.h"
#include "tessera/model/graph_builder.h"

namespace tessera::run {
namespace {

using model::GraphBuilder;
using model::OpKind;
using model::Role;
using model::TensorId;

void check(const NlpFastConfig& c) {
  if (c.heads <= 0 || c.hidden % c.heads != 0)
    throw Error("heads " + std::to_string(c.heads) + " do not divide d_H " +
                std::to_string(c.hidden));
}

// Multi-head attention on rows [b, s, d]; K/V from `memory` ([b, n, d]).
TensorId attention(GraphBuilder& g, const NlpFastConfig& c, TensorId x, TensorId memory,
                   const std::string& p) {
  int64_t b = c.batch, d = c.hidden, h = c.heads, dk = d / h;
  int64_t s = g.shape(x)[1], n = g.shape(memory)[1];
  auto split = [&](TensorId t, int64_t rows, const std::string& name) {
    TensorId r = g.reshape(p + name + ".split", t, {b, rows, h, dk});
    return g.transpose(p + name + ".heads", r, {0, 2, 1, 3});
  };
  TensorId q = split(g.linear(p + "q", Role::QueryProjection, x, d), s, "q");
  TensorId k = split(g.linear(p + "k", Role::KeyProjection, memory, d), n, "k");
  TensorId v = split(g.linear(p + "v", Role::ValueProjection, memory, d), n, "v");
  TensorId scores =
      g.matmul(p + "scores", Role::AttentionScore, q, k, true, static_cast<int32_t>(h));
  TensorId scaled = g.unary(p + "scale", OpKind::Scale, Role::AttentionScale, scores);
  TensorId probs = g.softmax(p + "softmax", scaled);
  TensorId context =
      g.matmul(p + "context", Role::AttentionContext, probs, v, false, static_cast<int32_t>(h));
  TensorId merged = g.transpose(p + "merge", context, {0, 2, 1, 3});
  TensorId flat = g.reshape(p + "flat", merged, {b, s, d});
  return g.linear(p + "out", Role::OutputProjection, flat, d);
}

TensorId add_norm(GraphBuilder& g, TensorId x, TensorId y, const std::string& p) {
  TensorId sum = g.binary(p + "residual", OpKind::Add, Role::Residual, x, y);
  return g.layernorm(p + "norm", sum);
}

TensorId ffn(GraphBuilder& g, const NlpFastConfig& c, TensorId x, OpKind act,
             const std::string& p) {
  TensorId t1 = g.linear(p + "ffn1", Role::Ffn1, x, c.ffn);
  TensorId t2 = g.unary(p + "act", act, Role::Activation, t1);
  return g.linear(p + "ffn2", Role::Ffn2, t2, c.hidden);
}

TensorId encoder_layer(GraphBuilder& g, const NlpFastConfig& c, TensorId x, OpKind act) {
  TensorId a = add_norm(g, x, attention(g, c, x, x, "attn."), "attn.");
  return add_norm(g, a, ffn(g, c, a, act, "ffn."), "ffn.");
}

}  // namespace

model::Graph build_bert(const NlpFastConfig& c) {
  check(c);
  GraphBuilder g("nlp-fast-bert", model::Domain::Transformer);
  TensorId x = g.input("hidden", {c.batch, c.seq, c.hidden});
  for (int64_t l = 0; l < c.layers; ++l) {
    g.set_layer(static_cast<int32_t>(l), "layer" + std::to_string(l) + ".");
    x = encoder_layer(g, c, x, OpKind::Gelu);
  }
  g.mark_output(x);
  return std::move(g).finish();
}

model::Graph build_transformer(const NlpFastConfig& c) {
  check(c);
  GraphBuilder g("nlp-fast-transformer", model::Domain::Transformer);
  TensorId x = g.input("source", {c.batch, c.seq, c.hidden});
  for (int64_t l = 0; l < c.layers; ++l) {
    g.set_layer(static_cast<int32_t>(l), "encoder" + std::to_string(l) + ".");
    x = encoder_layer(g, c, x, OpKind::Relu);
  }
  TensorId y = g.input("target", {c.batch, c.seq, c.hidden});
  for (int64_t l = 0; l < c.layers; ++l) {
    g.set_layer(static_cast<int32_t>(c.layers + l), "decoder" + std::to_string(l) + ".");
    TensorId a = add_norm(g, y, attention(g, c, y, y, "self."), "self.");
    TensorId e = add_norm(g, a, attention(g, c, a, x, "cross."), "cross.");
    y = add_norm(g, e, ffn(g, c, e, OpKind::Relu, "ffn."), "ffn.");
  }
  g.mark_output(y);
  return std::move(g).finish();
}

model::Graph build_memnet(const NlpFastConfig& c) {
  GraphBuilder g("nlp-fast-memnet", model::Domain::Transformer);
  TensorId u = g.input("question", {c.batch, c.queries, c.hidden});
  TensorId keys = g.input("memory_in", {c.batch, c.seq, c.hidden});
  TensorId values = g.input("memory_out", {c.batch, c.seq, c.hidden});
  for (int64_t hop = 0; hop < c.hops; ++hop) {
    g.set_layer(static_cast<int32_t>(hop), "hop" + std::to_string(hop) + ".");
    TensorId scores = g.matmul("scores", Role::AttentionScore, u, keys, true);
    TensorId probs = g.softmax("softmax", scores);
    TensorId o = g.matmul("context", Role::AttentionContext, probs, values);
    u = g.binary("residual", OpKind::Add, Role::Residual, u, o);
  }
  TensorId answer = g.linear("answer", Role::Classifier, u, c.hidden);
  g.mark_output(answer);
  return std::move(g).finish();
}

}  // namespace tessera::run
