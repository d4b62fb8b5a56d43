// Kernel fusion as inference compilers do it (compiler_fusion.h): edges whose tensor stays on
// chip lose the producer's write and the consumer's read of it.
#include "workload/compiler_fusion.h"

#include <algorithm>

namespace tessera::workload {
namespace {

using model::Graph;
using model::NodeId;
using model::OpKind;
using model::Role;
using model::TensorClass;
using model::TensorId;

bool is_matmul_or_conv(OpKind k) {
  return k == OpKind::MatMul || k == OpKind::Conv2d || k == OpKind::ConvTranspose2d;
}
bool is_conv(OpKind k) { return k == OpKind::Conv2d || k == OpKind::ConvTranspose2d; }

bool is_unary_elementwise(OpKind k) {
  switch (k) {
    case OpKind::Gelu:
    case OpKind::Relu:
    case OpKind::Relu6:
    case OpKind::Sigmoid:
    case OpKind::Swish:
    case OpKind::HardSigmoid:
    case OpKind::HardSwish:
    case OpKind::Tanh:
    case OpKind::Erf:
    case OpKind::Sqrt:
    case OpKind::Scale:
    case OpKind::Clip:
    case OpKind::Cast:
      return true;
    default:
      return false;
  }
}
bool is_binary_elementwise(OpKind k) {
  return k == OpKind::Add || k == OpKind::Sub || k == OpKind::Mul || k == OpKind::Div;
}

// Removes the bytes `op` moves for tensor `t` (its write if `output`, else its read).
void keep_on_chip(Op& op, TensorId t, bool output) {
  auto it = std::remove_if(op.traffic.begin(), op.traffic.end(), [&](const TensorTraffic& x) {
    if (x.tensor != t || x.is_output != output) return false;
    (output ? op.bytes_written : op.bytes_read) -= x.bytes;
    return true;
  });
  op.traffic.erase(it, op.traffic.end());
  if (op.bytes() == 0) op.fused = true;
}

class Fuser {
 public:
  Fuser(const Graph& graph, std::vector<Op>& ops)
      : graph_(graph), ops_(ops), consumers_(graph.tensors.size()), root_(graph.nodes.size(), -1) {
    for (size_t n = 0; n < graph.nodes.size(); ++n)
      for (TensorId t : graph.nodes[n].inputs)
        consumers_[static_cast<size_t>(t)].push_back(static_cast<NodeId>(n));
    for (TensorId t : graph.outputs) consumers_[static_cast<size_t>(t)].push_back(-1);
  }

  void run() {
    for (size_t n = 0; n < graph_.nodes.size(); ++n) visit(static_cast<NodeId>(n));
  }

 private:
  const model::Node& node(NodeId n) const { return graph_.nodes[static_cast<size_t>(n)]; }
  NodeId producer(TensorId t) const { return graph_.tensor(t).producer; }
  bool single_use(TensorId t) const { return consumers_[static_cast<size_t>(t)].size() == 1; }
  bool is_constant(TensorId t) const {
    TensorClass c = graph_.tensor(t).tensor_class;
    return c == TensorClass::Weight || c == TensorClass::Constant;
  }

  // The tensor whose bytes were actually written for `t`: through single-use reshapes (views),
  // back to the op that wrote them.
  TensorId written_tensor(TensorId t) const {
    for (;;) {
      NodeId p = producer(t);
      if (p < 0 || node(p).kind != OpKind::Reshape) return t;
      TensorId in = node(p).inputs.at(0);
      if (!single_use(in)) return t;
      t = in;
    }
  }

  // Decides, for node `n` in graph order, which one of its activation inputs (if any) stays on
  // chip, and whether `n` extends its producer's epilogue chain.
  void visit(NodeId n) {
    const model::Node& b = node(n);
    if (is_matmul_or_conv(b.kind)) root_[static_cast<size_t>(n)] = n;
    if (b.kind == OpKind::Reshape) {  // a view continues its input's chain
      TensorId in = b.inputs.at(0);
      if (producer(in) >= 0 && single_use(in))
        root_[static_cast<size_t>(n)] = root_[static_cast<size_t>(producer(in))];
      return;
    }
    for (TensorId t : b.inputs) {
      if (graph_.tensor(t).tensor_class != TensorClass::Activation || !single_use(t)) continue;
      NodeId a = producer(t);
      if (a < 0) continue;
      NodeId root = root_[static_cast<size_t>(a)];
      bool chain = false;  // b continues the producer's kernel (epilogue)
      bool fuse = false;
      if (root >= 0) {
        const model::Node& r = node(root);
        if (b.kind == OpKind::BatchNorm && is_conv(r.kind)) {
          // Folded into the conv's weights offline: no FLOPs, and its scale/shift are not read.
          Op& bn = ops_[static_cast<size_t>(n)];
          bn.flops = 0;
          for (TensorId w : b.inputs)
            if (w != t) keep_on_chip(bn, w, /*output=*/false);
          fuse = chain = true;
        } else if (is_unary_elementwise(b.kind)) {
          fuse = chain = true;
        } else if (is_binary_elementwise(b.kind)) {
          bool other_constant = std::all_of(b.inputs.begin(), b.inputs.end(),
                                            [&](TensorId x) { return x == t || is_constant(x); });
          // Residual adds go into conv epilogues (conv + BN + add + ReLU); after a matmul the
          // add is left to the following LayerNorm's pass instead.
          fuse = chain = other_constant || (is_conv(r.kind) && b.role == Role::Residual);
        } else if (b.kind == OpKind::Softmax && r.role == Role::AttentionScore) {
          fuse = true;  // attention: scores never leave the chip
        }
      }
      const model::Node& an = node(a);
      if (an.kind == OpKind::Softmax && b.kind == OpKind::MatMul &&
          b.role == Role::AttentionContext)
        fuse = true;  // attention: probabilities consumed on chip by softmax x V
      if (b.kind == OpKind::LayerNorm && an.kind == OpKind::Add) fuse = true;  // add + LN
      if (!fuse) continue;
      TensorId written = written_tensor(t);
      NodeId writer = producer(written);
      keep_on_chip(ops_[static_cast<size_t>(writer)], written, /*output=*/true);
      keep_on_chip(ops_[static_cast<size_t>(n)], t, /*output=*/false);
      if (chain) root_[static_cast<size_t>(n)] = root;
      break;  // one fused input per op: a kernel has one on-chip operand stream
    }
  }

  const Graph& graph_;
  std::vector<Op>& ops_;
  std::vector<std::vector<NodeId>> consumers_;
  std::vector<NodeId> root_;  // the matmul/conv whose kernel a node's output belongs to
};

}  // namespace

void apply_compiler_fusion(const Graph& graph, std::vector<Op>& ops) { Fuser(graph, ops).run(); }

}  // namespace tessera::workload
