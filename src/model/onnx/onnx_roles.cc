#include "model/onnx/onnx_roles.h"

#include <algorithm>
#include <set>

namespace tessera::model::onnx_import {
namespace {

bool is_activation(OpKind k) {
  return k == OpKind::Relu || k == OpKind::Relu6 || k == OpKind::Gelu || k == OpKind::Sigmoid ||
         k == OpKind::Swish || k == OpKind::HardSigmoid || k == OpKind::HardSwish ||
         k == OpKind::Tanh;
}
bool is_data_movement(OpKind k) {
  return k == OpKind::Reshape || k == OpKind::Transpose || k == OpKind::Concat ||
         k == OpKind::Split || k == OpKind::Slice || k == OpKind::Gather || k == OpKind::Cast ||
         k == OpKind::Expand || k == OpKind::Identity;
}

class RoleAssigner {
 public:
  explicit RoleAssigner(Graph& g) : g_(g), users_(g.tensors.size()) {
    for (size_t i = 0; i < g.nodes.size(); ++i)
      for (TensorId t : g.nodes[i].inputs)
        users_[static_cast<size_t>(t)].push_back(static_cast<NodeId>(i));
  }

  void run() {
    for (Node& n : g_.nodes) n.role = base_role(n);
    for (size_t i = 0; i < g_.nodes.size(); ++i)
      if (g_.nodes[i].kind == OpKind::Softmax) find_attention(static_cast<NodeId>(i));
    find_squeeze_excite();
    bool any_conv = std::any_of(g_.nodes.begin(), g_.nodes.end(), [](const Node& n) {
      return n.kind == OpKind::Conv2d || n.kind == OpKind::ConvTranspose2d;
    });
    g_.domain = !blocks_.empty() ? Domain::Transformer : any_conv ? Domain::Cnn : Domain::Other;
    assign_layers();
    assign_linears();
    assign_head();
  }

 private:
  struct Block {
    NodeId q = -1, k = -1, v = -1, out = -1, score = -1, context = -1;
  };

  Node& node(NodeId id) { return g_.nodes[static_cast<size_t>(id)]; }
  const Tensor& tensor(TensorId t) const { return g_.tensor(t); }
  NodeId producer(TensorId t) const { return tensor(t).producer; }
  bool is_weight(TensorId t) const { return tensor(t).tensor_class == TensorClass::Weight; }
  bool is_projection(NodeId id) {
    return id >= 0 && node(id).kind == OpKind::MatMul && is_weight(node(id).inputs.at(1));
  }

  Role base_role(const Node& n) const {
    switch (n.kind) {
      case OpKind::MatMul:
        return Role::Other;
      case OpKind::Conv2d:
      case OpKind::ConvTranspose2d: {
        const Shape& x = tensor(n.inputs[0]).shape;
        const Shape& w = tensor(n.inputs[1]).shape;
        if (n.conv.groups > 1 && n.conv.groups == x[1]) return Role::DepthwiseConv;
        if (w[2] == 1 && w[3] == 1 && n.conv.groups == 1) return Role::PointwiseConv;
        return Role::Conv;
      }
      case OpKind::BatchNorm:
        return Role::BatchNorm;
      case OpKind::LayerNorm:
        return Role::LayerNorm;
      case OpKind::MaxPool:
      case OpKind::AvgPool:
      case OpKind::GlobalAvgPool:
        return Role::Pooling;
      case OpKind::Softmax:
        return Role::Softmax;
      case OpKind::Embedding:
        return Role::Embedding;
      case OpKind::Unsupported:
        return Role::Other;
      case OpKind::Add: {
        const Shape& out = tensor(n.outputs[0]).shape;
        bool residual = n.inputs.size() == 2;
        for (TensorId t : n.inputs)
          residual = residual && tensor(t).tensor_class == TensorClass::Activation &&
                     tensor(t).shape == out;
        return residual ? Role::Residual : Role::Elementwise;
      }
      default:
        if (is_activation(n.kind)) return Role::Activation;
        if (is_data_movement(n.kind) || n.kind == OpKind::Reshape) return Role::DataMovement;
        return Role::Elementwise;
    }
  }

  // The node that computes t, looking through data movement (and scaling when asked).
  NodeId source(TensorId t, bool through_scale = false) {
    for (int guard = 0; guard < 16; ++guard) {
      NodeId p = producer(t);
      if (p < 0) return -1;
      const Node& n = node(p);
      bool pass = (is_data_movement(n.kind) && n.kind != OpKind::Concat) ||
                  (through_scale && n.kind == OpKind::Scale);
      if (!pass || n.inputs.empty()) return p;
      t = n.inputs[0];
    }
    return -1;
  }

  // The nodes that consume t, looking through data movement.
  std::vector<NodeId> sinks(TensorId t) {
    std::vector<NodeId> out;
    std::vector<TensorId> todo = {t};
    for (int guard = 0; !todo.empty() && guard < 64; ++guard) {
      TensorId cur = todo.back();
      todo.pop_back();
      for (NodeId u : users_[static_cast<size_t>(cur)]) {
        const Node& n = node(u);
        if (is_data_movement(n.kind) && n.kind != OpKind::Concat && n.inputs[0] == cur)
          for (TensorId o : n.outputs) todo.push_back(o);
        else
          out.push_back(u);
      }
    }
    return out;
  }

  void find_attention(NodeId softmax) {
    // Back from the softmax through scaling and masking to the QK^T matmul.
    std::vector<NodeId> scale_ops;
    NodeId p = source(node(softmax).inputs[0]);
    while (p >= 0 && scale_ops.size() < 4 && node(p).kind != OpKind::MatMul) {
      const Node& n = node(p);
      if (n.kind != OpKind::Scale && n.kind != OpKind::Add && n.kind != OpKind::Sub &&
          n.kind != OpKind::Mul && n.kind != OpKind::Div && n.kind != OpKind::Where)
        return;
      scale_ops.push_back(p);
      // Follow the operand shaped like the scores (masks broadcast from smaller shapes).
      TensorId next = -1;
      for (TensorId t : n.inputs)
        if (tensor(t).tensor_class == TensorClass::Activation &&
            tensor(t).shape == tensor(n.outputs[0]).shape && producer(t) >= 0 && next < 0)
          next = t;
      if (next < 0) return;
      p = source(next);
    }
    if (p < 0 || node(p).kind != OpKind::MatMul || is_weight(node(p).inputs[1])) return;
    NodeId context = -1;
    for (NodeId u : sinks(node(softmax).outputs[0]))
      if (node(u).kind == OpKind::MatMul && !is_weight(node(u).inputs[1])) context = u;
    if (context < 0) return;
    Block b;
    b.score = p;
    b.context = context;
    const Shape& scores = tensor(node(p).outputs[0]).shape;
    int32_t heads = scores.size() >= 4 ? static_cast<int32_t>(scores[scores.size() - 3]) : 1;
    node(p).role = Role::AttentionScore;
    node(context).role = Role::AttentionContext;
    for (NodeId id : {p, context, softmax}) node(id).heads = heads;
    for (NodeId s : scale_ops) node(s).role = Role::AttentionScale;
    for (NodeId s : scale_ops) node(s).heads = heads;
    // Scaling applied to Q before QK^T also belongs to the attention scale.
    NodeId q_scale = source(node(p).inputs[0]);
    if (q_scale >= 0 && node(q_scale).kind == OpKind::Scale)
      node(q_scale).role = Role::AttentionScale;
    b.q = source(node(p).inputs[0], true);
    b.k = source(node(p).inputs[1], true);
    b.v = source(node(context).inputs[1], true);
    if (is_projection(b.v)) node(b.v).role = Role::ValueProjection;
    if (is_projection(b.k)) node(b.k).role = Role::KeyProjection;
    if (is_projection(b.q)) node(b.q).role = Role::QueryProjection;
    for (NodeId u : sinks(node(context).outputs[0]))
      if (is_projection(u)) {
        node(u).role = Role::OutputProjection;
        b.out = u;
      }
    blocks_.push_back(b);
  }

  // Squeeze-excite: x * gate(conv(act(conv(pool(x))))).
  void find_squeeze_excite() {
    for (Node& mul : g_.nodes) {
      if (mul.kind != OpKind::Mul || mul.inputs.size() != 2) continue;
      for (int side = 0; side < 2; ++side) {
        TensorId x = mul.inputs[static_cast<size_t>(side)];
        std::vector<NodeId> chain;
        NodeId p = source(mul.inputs[static_cast<size_t>(1 - side)]);
        while (p >= 0 && chain.size() < 8) {
          chain.push_back(p);
          const Node& n = node(p);
          if (n.kind == OpKind::GlobalAvgPool || n.kind == OpKind::ReduceMean) break;
          if (n.kind != OpKind::Conv2d && !is_activation(n.kind) && n.kind != OpKind::MatMul) {
            p = -1;
            break;
          }
          p = source(n.inputs[0]);
        }
        if (p < 0 || chain.size() < 3 || node(p).inputs[0] != x) continue;
        mul.role = Role::SqueezeExcite;
        for (size_t i = 0; i < chain.size(); ++i) {
          Node& n = node(chain[i]);
          // The gate (first from the multiply) is SE's; the inner activation stays one.
          if (i == 0 || !is_activation(n.kind)) n.role = Role::SqueezeExcite;
        }
        break;
      }
    }
  }

  void assign_layers() {
    if (blocks_.empty()) return;
    std::vector<NodeId> starts;
    NodeId previous_end = -1;
    for (const Block& b : blocks_) {
      NodeId start = b.score;
      for (NodeId id : {b.q, b.k, b.v})
        if (id >= 0) start = std::min(start, id);
      // Pre-LN blocks: the LayerNorm feeding only the projections opens the block (in post-LN
      // blocks the previous block's LayerNorm also feeds the residual).
      if (b.q >= 0) {
        NodeId ln = source(node(b.q).inputs[0]);
        bool only_projections = ln >= 0 && node(ln).kind == OpKind::LayerNorm;
        if (only_projections)
          for (NodeId u : sinks(node(ln).outputs[0]))
            only_projections = only_projections && is_projection(u);
        if (only_projections && ln > previous_end) start = std::min(start, ln);
      }
      starts.push_back(start);
      previous_end = b.context;
    }
    // The last block ends after its FFN (the first linear after the output projection that
    // feeds an activation, then the linear that activation feeds) and the residual add and
    // LayerNorm that directly follow; heads such as a pooler stay outside the layers.
    NodeId end = blocks_.back().out >= 0 ? blocks_.back().out : blocks_.back().context;
    NodeId ffn1 = -1, act = -1;
    for (NodeId i = end + 1; i < static_cast<NodeId>(g_.nodes.size()) && act < 0; ++i)
      if (is_projection(i))
        for (NodeId u : sinks(node(i).outputs[0]))
          if (is_activation(node(u).kind)) ffn1 = i, act = u;
    for (NodeId i = act + 1; act >= 0 && i < static_cast<NodeId>(g_.nodes.size()); ++i)
      if (is_projection(i) && source(node(i).inputs[0]) == act) {
        end = i;
        break;
      }
    if (ffn1 > end) end = ffn1;
    while (end + 1 < static_cast<NodeId>(g_.nodes.size()) &&
           (node(end + 1).kind == OpKind::Add || node(end + 1).kind == OpKind::LayerNorm))
      ++end;
    for (size_t b = 0; b < starts.size(); ++b) {
      NodeId stop = b + 1 < starts.size() ? starts[b + 1] : end + 1;
      for (NodeId i = starts[b]; i < stop; ++i) node(i).layer = static_cast<int32_t>(b);
    }
    // Before the first block: the embedding sum and its LayerNorm belong to the embedding (as in
    // the zoo). After the last: a head's slicing and activation belong to its classifier.
    for (NodeId i = 0; i < starts.front(); ++i) {
      Node& n = node(i);
      if (n.kind != OpKind::Add && n.kind != OpKind::LayerNorm && n.kind != OpKind::Scale) continue;
      for (TensorId t : n.inputs)
        if (producer(t) >= 0 && node(producer(t)).role == Role::Embedding) n.role = Role::Embedding;
    }
    head_start_ = end + 1;
  }

  bool is_ffn_like(NodeId id) {
    for (NodeId u : sinks(node(id).outputs[0]))
      if (is_activation(node(u).kind)) return true;
    NodeId in = source(node(id).inputs[0]);
    return in >= 0 && is_activation(node(in).kind);
  }

  // A linear whose result reaches a graph output without another matmul: a classifier/head.
  bool reaches_output_directly(NodeId id) {
    std::vector<TensorId> todo = {node(id).outputs[0]};
    std::set<TensorId> outputs(g_.outputs.begin(), g_.outputs.end());
    for (int guard = 0; !todo.empty() && guard < 256; ++guard) {
      TensorId t = todo.back();
      todo.pop_back();
      if (outputs.count(t)) return true;
      for (NodeId u : users_[static_cast<size_t>(t)]) {
        const Node& n = node(u);
        if (n.kind == OpKind::MatMul || n.kind == OpKind::Conv2d) continue;
        for (TensorId o : n.outputs) todo.push_back(o);
      }
    }
    return false;
  }

  void assign_head() {
    for (NodeId i = head_start_; i > 0 && i < static_cast<NodeId>(g_.nodes.size()); ++i) {
      Node& n = node(i);
      if (n.role == Role::Classifier) continue;
      bool after = false, before = false;
      for (TensorId t : n.inputs)
        after = after || (producer(t) >= 0 && node(producer(t)).role == Role::Classifier);
      if (is_data_movement(n.kind))
        for (NodeId u : sinks(n.outputs[0])) before = before || node(u).role == Role::Classifier;
      if ((after && is_activation(n.kind)) || before) n.role = Role::Classifier;
    }
  }

  void assign_linears() {
    for (NodeId i = 0; i < static_cast<NodeId>(g_.nodes.size()); ++i) {
      Node& n = node(i);
      if (!is_projection(i) || n.role != Role::Other) continue;
      if (g_.domain == Domain::Cnn || (n.layer < 0 && reaches_output_directly(i))) {
        n.role = Role::Classifier;
        continue;
      }
      if (g_.domain != Domain::Transformer || n.layer < 0) continue;
      bool feeds_activation = false;
      for (NodeId u : sinks(n.outputs[0]))
        feeds_activation = feeds_activation || is_activation(node(u).kind);
      if (feeds_activation)
        n.role = Role::Ffn1;
      else if (is_ffn_like(i))
        n.role = Role::Ffn2;
    }
  }

  Graph& g_;
  std::vector<std::vector<NodeId>> users_;
  std::vector<Block> blocks_;
  NodeId head_start_ = -1;
};

}  // namespace

void assign_roles(Graph& graph) { RoleAssigner(graph).run(); }

}  // namespace tessera::model::onnx_import
