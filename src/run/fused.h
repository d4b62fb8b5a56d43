// The NLP-Opt blocks on the CPU (002 Sec. III-B/C, V-A). Pointers are resolved by the plan.
#pragma once

#include <vector>

#include "run/blocks.h"
#include "tessera/run/nlp_opt.h"

namespace tessera::run {

struct AttentionPointers {
  const float *xq = nullptr, *xk = nullptr, *xv = nullptr;
  const float *wq = nullptr, *bq = nullptr, *wk = nullptr, *bk = nullptr;
  const float *wv = nullptr, *bv = nullptr, *wo = nullptr, *bo = nullptr;
  const float *q = nullptr, *k = nullptr, *v = nullptr;
  float* out = nullptr;
};

// What a fused attention step keeps between runs (owned by its plan step): the per-head
// weight panels of partial-head update, packed on the first run (weights do not change between
// runs: W_Q as [heads][d_in][d_k], W_K|W_V as [heads][d_in_kv][d_k + d_v], biases likewise),
// W_Q|W_K|W_V side by side ([d_in][2 d_k h + d_v h], for `qkv`), and the Q/K/V, context and
// chunk-partial buffers, reused instead of reallocated.
struct AttentionWorkspace {
  std::vector<float> wq, bq, wkv, bkv, wqkv, bqkv;
  std::vector<float> q, k, v, attention, partial_o, partial_m, partial_l;
};

// Multi-head attention (or its bare core) with partial-head update, the column-based lazy
// softmax, zero skipping and V-Gen skipping as `options` say. Adds what it skipped and the
// scheduler's busy time to `stats`.
void run_attention_block(const AttentionBlock& block, const AttentionPointers& p,
                         const OptOptions& options, int threads, OptStats& stats,
                         AttentionWorkspace* workspace = nullptr);

struct FfnPointers {
  const float *x = nullptr, *w1 = nullptr, *b1 = nullptr, *w2 = nullptr, *b2 = nullptr;
  float* out = nullptr;
};

// Feed-forward splitting: per row block, column chunks of W1 with the activation and the
// matching rows of W2, accumulated in chunk order (a fixed-order reduce).
void run_ffn_block(const FfnBlock& block, const FfnPointers& p, const OptOptions& options,
                   int threads);

}  // namespace tessera::run
