// Finding the blocks NLP-Opt rewrites (002 Fig. 5): a multi-head attention block (Q/K/V-Gen,
// dot product, scale, softmax, weighted sum, attention FC, with the head split/merge data
// movement between them), a bare attention core (MemNet: scores, softmax, weighted sum) and a
// feed-forward block (linear-1, activation, linear-2). Matching is by role and data flow, so
// zoo graphs and imported graphs with the same structure are both recognised; anything else
// runs op by op.
#pragma once

#include <vector>

#include "tessera/model/graph.h"

namespace tessera::run {

struct AttentionBlock {
  std::vector<model::NodeId> nodes;  // every node the fused step replaces
  bool has_projections = false;
  // With projections: inputs [batch.., n, d_in] and 2-D weights [d_in, d]; biases may be -1.
  model::TensorId xq = -1, xk = -1, xv = -1;
  model::TensorId wq = -1, bq = -1, wk = -1, bk = -1, wv = -1, bv = -1, wo = -1, bo = -1;
  // Core only: Q [bh.., nq, dk], K [bh.., nk, dk] (or [.., dk, nk]), V [bh.., nk, dv].
  model::TensorId q = -1, k = -1, v = -1;
  bool k_transposed = false;         // K stored as [.., dk, nk]
  int64_t batch = 1;                 // with projections: leading rows groups; core: Q matrices
  int64_t k_batch = 1, v_batch = 1;  // core: K/V matrices (1 = broadcast)
  int64_t heads = 1, nq = 0, nk = 0, dk = 0, dv = 0, d_in = 0, d_in_kv = 0, d_out = 0;
  float scale = 1.0f;
  // Causal self-attention (the zoo's causal_mask added to the scores): fused as "query i sees
  // keys j <= i + nk - nq"; the mask tensor itself is never read.
  bool causal = false;
  model::TensorId mask = -1;
  model::TensorId output = -1;
};

struct FfnBlock {
  std::vector<model::NodeId> nodes;
  model::TensorId x = -1, w1 = -1, b1 = -1, w2 = -1, b2 = -1, output = -1;
  model::OpKind activation = model::OpKind::Relu;
  int64_t rows = 0, d_in = 0, d_ff = 0, d_out = 0;
};

std::vector<AttentionBlock> find_attention_blocks(const model::Graph& graph);
std::vector<FfnBlock> find_ffn_blocks(const model::Graph& graph);

// The factor of a Scale node: 1/sqrt(dk) when it scales attention scores (dk from the score
// matmul that produced its input), else 1.
float scale_factor(const model::Graph& graph, const model::Node& node);

// An Add of the zoo's causal mask (a constant named causal_mask, [.., L, L]) to scores of the
// same last two dims: the fused kernels apply it by position instead of reading it.
bool is_causal_mask_add(const model::Graph& graph, const model::Node& node);

// Consumers of every tensor (node ids), for matching and liveness.
std::vector<std::vector<model::NodeId>> consumers_of(const model::Graph& graph);

}  // namespace tessera::run
