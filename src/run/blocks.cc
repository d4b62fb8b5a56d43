#include "run/blocks.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "tessera/run/kernels.h"

namespace tessera::run {
namespace {

using model::Graph;
using model::Node;
using model::NodeId;
using model::OpKind;
using model::Role;
using model::TensorId;

int64_t product(const model::Shape& s, size_t begin, size_t end) {
  int64_t p = 1;
  for (size_t i = begin; i < end; ++i) p *= s[i];
  return p;
}

bool is_movement(const Node& n) {
  return n.kind == OpKind::Reshape || n.kind == OpKind::Transpose || n.kind == OpKind::Identity;
}
bool is_projection(const Graph& g, const Node& n) {
  return n.kind == OpKind::MatMul && !n.matmul.transpose_b && n.inputs.size() >= 2 &&
         g.tensor(n.inputs[1]).tensor_class == model::TensorClass::Weight &&
         g.tensor(n.inputs[1]).shape.size() == 2;
}

// Follows data-movement producers back from `t`; collects them. Returns the first producer
// that is not data movement (-1 for graph inputs).
NodeId walk_back(const Graph& g, TensorId t, std::vector<NodeId>& movement) {
  NodeId p = g.tensor(t).producer;
  while (p >= 0 && is_movement(g.nodes[static_cast<size_t>(p)])) {
    movement.push_back(p);
    p = g.tensor(g.nodes[static_cast<size_t>(p)].inputs[0]).producer;
  }
  return p;
}

// Every tensor a block produces, except its output, must be consumed inside the block.
bool self_contained(const Graph& g, const std::vector<NodeId>& nodes, TensorId output,
                    const std::vector<std::vector<NodeId>>& consumers) {
  std::set<NodeId> inside(nodes.begin(), nodes.end());
  for (NodeId n : nodes)
    for (TensorId t : g.nodes[static_cast<size_t>(n)].outputs) {
      if (t == output) continue;
      if (std::find(g.outputs.begin(), g.outputs.end(), t) != g.outputs.end()) return false;
      for (NodeId c : consumers[static_cast<size_t>(t)])
        if (!inside.count(c)) return false;
    }
  return true;
}

TensorId bias_of(const Node& n) { return n.inputs.size() >= 3 ? n.inputs[2] : -1; }

// Matches score -> [scale/mask...] -> softmax -> context starting from a context node.
bool match_core(const Graph& g, const Node& context, std::vector<NodeId>& nodes, NodeId& score_id,
                float& scale, TensorId& mask) {
  NodeId p = g.tensor(context.inputs[0]).producer;
  if (p < 0 || g.nodes[static_cast<size_t>(p)].kind != OpKind::Softmax) return false;
  nodes.push_back(p);
  scale = 1.0f;
  NodeId q = g.tensor(g.nodes[static_cast<size_t>(p)].inputs[0]).producer;
  while (q >= 0 && g.nodes[static_cast<size_t>(q)].role == Role::AttentionScale) {
    const Node& s = g.nodes[static_cast<size_t>(q)];
    if (s.kind == OpKind::Scale)
      scale *= scale_factor(g, s);
    else if (is_causal_mask_add(g, s) && mask < 0)
      mask = s.inputs[1];  // fused by position
    else if (is_causal_mask_add(g, s))
      return false;
    else if (!(s.kind == OpKind::Add || s.kind == OpKind::Mul || s.kind == OpKind::Div) ||
             s.inputs.size() != 2 ||
             g.tensor(s.inputs[1]).tensor_class != model::TensorClass::Constant)
      return false;  // constants are 1: neutral for added masks and for mul/div (run/weights)
    nodes.push_back(q);
    q = g.tensor(s.inputs[0]).producer;
  }
  if (q < 0) return false;
  const Node& score = g.nodes[static_cast<size_t>(q)];
  if (score.kind != OpKind::MatMul || score.role != Role::AttentionScore) return false;
  nodes.push_back(q);
  score_id = q;
  return true;
}

}  // namespace

bool is_causal_mask_add(const Graph& g, const Node& n) {
  if (n.kind != OpKind::Add || n.inputs.size() != 2 || n.outputs.empty()) return false;
  const model::Tensor& mask = g.tensor(n.inputs[1]);
  const model::Shape& x = g.tensor(n.inputs[0]).shape;
  const model::Shape& m = mask.shape;
  return mask.tensor_class == model::TensorClass::Constant &&
         mask.name.find("causal_mask") != std::string::npos && m.size() >= 2 && x.size() >= 2 &&
         m[m.size() - 1] == x.back() && m[m.size() - 2] == x[x.size() - 2] &&
         m.back() == m[m.size() - 2] && g.tensor(n.outputs[0]).shape == x;
}

std::vector<std::vector<NodeId>> consumers_of(const Graph& graph) {
  std::vector<std::vector<NodeId>> consumers(graph.tensors.size());
  for (size_t i = 0; i < graph.nodes.size(); ++i)
    for (TensorId t : graph.nodes[i].inputs)
      consumers[static_cast<size_t>(t)].push_back(static_cast<NodeId>(i));
  return consumers;
}

float scale_factor(const Graph& graph, const Node& node) {
  if (node.role != Role::AttentionScale) return 1.0f;
  NodeId p = graph.tensor(node.inputs[0]).producer;
  while (p >= 0 && graph.nodes[static_cast<size_t>(p)].kind != OpKind::MatMul)
    p = graph.tensor(graph.nodes[static_cast<size_t>(p)].inputs[0]).producer;
  if (p < 0) return 1.0f;
  const model::Shape& q = graph.tensor(graph.nodes[static_cast<size_t>(p)].inputs[0]).shape;
  return 1.0f / std::sqrt(static_cast<float>(q.back()));
}

std::vector<AttentionBlock> find_attention_blocks(const Graph& g) {
  std::vector<AttentionBlock> blocks;
  auto consumers = consumers_of(g);
  for (size_t ci = 0; ci < g.nodes.size(); ++ci) {
    const Node& context = g.nodes[ci];
    if (context.kind != OpKind::MatMul || context.role != Role::AttentionContext) continue;
    AttentionBlock b;
    NodeId score_id = -1;
    b.nodes.push_back(static_cast<NodeId>(ci));
    if (!match_core(g, context, b.nodes, score_id, b.scale, b.mask)) continue;
    const Node& score = g.nodes[static_cast<size_t>(score_id)];
    const model::Shape& qs = g.tensor(score.inputs[0]).shape;
    const model::Shape& ks = g.tensor(score.inputs[1]).shape;
    const model::Shape& vs = g.tensor(context.inputs[1]).shape;
    b.k_transposed = !score.matmul.transpose_b;
    b.nq = qs[qs.size() - 2];
    b.dk = qs.back();
    b.nk = b.k_transposed ? ks.back() : ks[ks.size() - 2];
    b.dv = vs.back();
    b.causal = b.mask >= 0;
    if (b.causal && b.nk < b.nq) continue;  // every query must see at least one key
    // Try the full multi-head block: the context flows through movement into W_out.
    std::vector<NodeId> after;
    const std::vector<NodeId>* next = &consumers[static_cast<size_t>(context.outputs[0])];
    NodeId out_id = -1;
    while (next->size() == 1) {
      const Node& n = g.nodes[static_cast<size_t>((*next)[0])];
      if (is_movement(n)) {
        after.push_back((*next)[0]);
        next = &consumers[static_cast<size_t>(n.outputs[0])];
        continue;
      }
      if (n.role == Role::OutputProjection && is_projection(g, n)) out_id = (*next)[0];
      break;
    }
    std::vector<NodeId> movement;
    NodeId qp = walk_back(g, score.inputs[0], movement);
    NodeId kp = walk_back(g, score.inputs[1], movement);
    NodeId vp = walk_back(g, context.inputs[1], movement);
    auto proj_ok = [&](NodeId id, Role role) {
      return id >= 0 && g.nodes[static_cast<size_t>(id)].role == role &&
             is_projection(g, g.nodes[static_cast<size_t>(id)]);
    };
    if (out_id >= 0 && proj_ok(qp, Role::QueryProjection) && proj_ok(kp, Role::KeyProjection) &&
        proj_ok(vp, Role::ValueProjection)) {
      const Node& nq = g.nodes[static_cast<size_t>(qp)];
      const Node& nk = g.nodes[static_cast<size_t>(kp)];
      const Node& nv = g.nodes[static_cast<size_t>(vp)];
      const Node& no = g.nodes[static_cast<size_t>(out_id)];
      const model::Shape& xq = g.tensor(nq.inputs[0]).shape;
      const model::Shape& xk = g.tensor(nk.inputs[0]).shape;
      const model::Shape& wq = g.tensor(nq.inputs[1]).shape;
      const model::Shape& wo = g.tensor(no.inputs[1]).shape;
      int64_t heads =
          product(qs, 0, qs.size() - 2) / std::max<int64_t>(1, product(xq, 0, xq.size() - 2));
      AttentionBlock full = b;
      full.has_projections = true;
      full.xq = nq.inputs[0];
      full.xk = nk.inputs[0];
      full.xv = nv.inputs[0];
      full.wq = nq.inputs[1], full.bq = bias_of(nq);
      full.wk = nk.inputs[1], full.bk = bias_of(nk);
      full.wv = nv.inputs[1], full.bv = bias_of(nv);
      full.wo = no.inputs[1], full.bo = bias_of(no);
      full.batch = product(xq, 0, xq.size() - 1) / b.nq;
      full.heads = heads;
      full.d_in = xq.back();
      full.d_in_kv = xk.back();
      full.d_out = wo.back();
      full.output = no.outputs[0];
      bool shapes_ok = heads >= 1 && wq.back() == heads * b.dk && wo[0] == heads * b.dv &&
                       g.tensor(nv.inputs[1]).shape.back() == heads * b.dv &&
                       g.tensor(nk.inputs[1]).shape.back() == heads * b.dk &&
                       g.tensor(nv.inputs[0]).shape == xk &&
                       product(xk, 0, xk.size() - 1) == full.batch * b.nk &&
                       full.batch * b.nq == product(xq, 0, xq.size() - 1);
      full.nodes.insert(full.nodes.end(), movement.begin(), movement.end());
      full.nodes.insert(full.nodes.end(), after.begin(), after.end());
      full.nodes.push_back(qp), full.nodes.push_back(kp), full.nodes.push_back(vp);
      full.nodes.push_back(out_id);
      std::sort(full.nodes.begin(), full.nodes.end());
      full.nodes.erase(std::unique(full.nodes.begin(), full.nodes.end()), full.nodes.end());
      if (shapes_ok && self_contained(g, full.nodes, full.output, consumers)) {
        blocks.push_back(std::move(full));
        continue;
      }
    }
    // The bare core (MemNet hops, or a block with unusual projections).
    b.has_projections = false;
    b.q = score.inputs[0];
    b.k = score.inputs[1];
    b.v = context.inputs[1];
    b.batch = product(qs, 0, qs.size() - 2);
    b.k_batch = product(ks, 0, ks.size() - 2);
    b.v_batch = product(vs, 0, vs.size() - 2);
    b.output = context.outputs[0];
    std::sort(b.nodes.begin(), b.nodes.end());
    bool batches_ok = (b.k_batch == b.batch || b.k_batch == 1) &&
                      (b.v_batch == b.batch || b.v_batch == 1) &&
                      g.tensor(b.output).elements() == b.batch * b.nq * b.dv;
    if (batches_ok && self_contained(g, b.nodes, b.output, consumers))
      blocks.push_back(std::move(b));
  }
  return blocks;
}

std::vector<FfnBlock> find_ffn_blocks(const Graph& g) {
  std::vector<FfnBlock> blocks;
  auto consumers = consumers_of(g);
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& f1 = g.nodes[i];
    if (f1.role != Role::Ffn1 || !is_projection(g, f1)) continue;
    const auto& c1 = consumers[static_cast<size_t>(f1.outputs[0])];
    if (c1.size() != 1) continue;
    const Node& act = g.nodes[static_cast<size_t>(c1[0])];
    if (act.role != Role::Activation || !is_unary_kind(act.kind) || act.kind == OpKind::Scale)
      continue;
    const auto& c2 = consumers[static_cast<size_t>(act.outputs[0])];
    if (c2.size() != 1) continue;
    const Node& f2 = g.nodes[static_cast<size_t>(c2[0])];
    if (f2.role != Role::Ffn2 || !is_projection(g, f2)) continue;
    FfnBlock b;
    b.nodes = {static_cast<NodeId>(i), c1[0], c2[0]};
    b.x = f1.inputs[0];
    b.w1 = f1.inputs[1], b.b1 = bias_of(f1);
    b.w2 = f2.inputs[1], b.b2 = bias_of(f2);
    b.activation = act.kind;
    b.output = f2.outputs[0];
    const model::Shape& xs = g.tensor(b.x).shape;
    b.d_in = xs.back();
    b.rows = product(xs, 0, xs.size() - 1);
    b.d_ff = g.tensor(b.w1).shape.back();
    b.d_out = g.tensor(b.w2).shape.back();
    if (std::find(g.outputs.begin(), g.outputs.end(), f1.outputs[0]) != g.outputs.end()) continue;
    blocks.push_back(std::move(b));
  }
  return blocks;
}

}  // namespace tessera::run
