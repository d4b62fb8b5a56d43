// Multi-head attention under NLP-Opt (002 Sec. III-B-1/2, III-C, Fig. 5b-c, Eq. 4).
//  stage 1  Q-Gen per head (partial-head update) or one Q/K/V GEMM each (baseline order);
//  stage 2  per (batch, head, key chunk) item: K-Gen for the chunk (with V-Gen in one GEMM
//           from per-head weight panels when V-Gen skipping is off), scores, zero skipping,
//           V-Gen only for keys that survive, partial exponent sums and partial weighted sum
//           (column-based algorithm: the softmax division is deferred), in query-row tiles
//           sized for the L2 cache. A causal block computes only the visible part of each
//           tile and skips tiles no query of theirs sees;
//  stage 3  per (batch, head): merge the chunks in chunk order and divide (lazy division);
//  stage 4  attention FC: per row block, the partial FC of head groups reduce-summed in head
//           order (partial-head update), or one GEMM over the concatenated heads.
// Buffers and panels live in the plan step's AttentionWorkspace (run/fused.h), reused per run.
// Stage 2 items go through the scheduler; every item writes its own partials, so the output
// is the same for every schedule and thread count.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "run/fused.h"
#include "run/kernels/vector_math.h"
#include "run/scheduler.h"
#include "tessera/run/gemm.h"
#include "tessera/run/kernels.h"

namespace tessera::run {
namespace {

constexpr int64_t kPartialBudgetBytes = int64_t{64} << 20;
constexpr int64_t kMinFcDepth = 256;    // rows of W_O per partial attention-FC GEMM
constexpr int64_t kMinQueryBlock = 64;  // rows per score tile at the least
constexpr float kNegInf = -std::numeric_limits<float>::infinity();

// The per-core L2 size the score tiles are sized for (1 MiB when the system does not say).
int64_t l2_cache_bytes() {
  static const int64_t bytes = [] {
    long size = sysconf(_SC_LEVEL2_CACHE_SIZE);
    return size > 0 ? static_cast<int64_t>(size) : int64_t{1} << 20;
  }();
  return bytes;
}

void fill_rows(float* out, int64_t rows, int64_t cols, const float* row) {
  for (int64_t r = 0; r < rows; ++r) {
    if (row)
      std::memcpy(out + r * cols, row, sizeof(float) * cols);
    else
      std::memset(out + r * cols, 0, sizeof(float) * cols);
  }
}

// out[rows, n] = x[rows, d_in] * w[:, col0:col0+n] (+ bias[col0:]) with w's row length ldw.
void project(const float* x, int64_t rows, int64_t d_in, const float* w, const float* bias,
             int64_t ldw, int64_t col0, int64_t n, float* out, int64_t ldo) {
  for (int64_t r = 0; r < rows; ++r) {
    if (bias)
      std::memcpy(out + r * ldo, bias + col0, sizeof(float) * n);
    else
      std::memset(out + r * ldo, 0, sizeof(float) * n);
  }
  sgemm(false, false, rows, n, d_in, 1.0f, x, d_in, w + col0, ldw, 1.0f, out, ldo);
}

struct Counters {
  std::atomic<int64_t> exp_total{0}, exp_needed{0}, wsum_total{0}, wsum_needed{0}, wsum_done{0},
      vgen_total{0}, vgen_done{0}, empty_rows{0};
};

struct Matrix {
  const float* data;
  int64_t ld;
};

class AttentionRun {
 public:
  AttentionRun(const AttentionBlock& b, const AttentionPointers& p, const OptOptions& o,
               int threads, AttentionWorkspace* workspace)
      : b_(b),
        p_(p),
        o_(o),
        threads_(threads),
        ws_(workspace ? *workspace : own_),
        q_(ws_.q),
        k_(ws_.k),
        v_(ws_.v),
        attention_(ws_.attention),
        partial_o_(ws_.partial_o),
        partial_m_(ws_.partial_m),
        partial_l_(ws_.partial_l) {
    chunk_ = o.column_based ? std::min(std::max<int64_t>(1, o.key_chunk), b.nk) : b.nk;
    chunks_ = (b.nk + chunk_ - 1) / chunk_;
    groups_ = b.batch * b.heads;
    // `qkv`: a self-attention block's Q, K and V come from one GEMM over [W_Q|W_K|W_V] (one
    // pass over x, n = 3 d); per-head generation (partial-head update) gives way to it.
    qkv_ = o.qkv_fused && b.has_projections && b.xq == b.xk && b.xk == b.xv;
    per_head_ = b.has_projections && o.partial_head && !qkv_;
    panels_ = per_head_ ? &ws_ : nullptr;
    kv_fused_ = panels_ && !o.vgen_skip && b.xk == b.xv;
    kv_width_ = b.dk + b.dv;
  }

  void run(OptStats& stats) {
    if (panels_ && panels_->wq.empty()) pack_panels();
    prepare_projections();
    int64_t per_group_bytes = chunks_ * b_.nq * (b_.dv + 2) * 4;
    int64_t window = std::clamp<int64_t>(
        kPartialBudgetBytes / std::max<int64_t>(1, per_group_bytes), 1, groups_);
    for (int64_t g0 = 0; g0 < groups_; g0 += window) {
      int64_t gn = std::min(window, groups_ - g0);
      // Every item writes all of its m and l; its o rows only where m is finite, and merge()
      // reads o only there, so nothing needs clearing.
      partial_o_.resize(static_cast<size_t>(gn * chunks_ * b_.nq * b_.dv));
      partial_m_.resize(static_cast<size_t>(gn * chunks_ * b_.nq));
      partial_l_.resize(static_cast<size_t>(gn * chunks_ * b_.nq));
      if (per_head_) {
#pragma omp parallel for num_threads(threads_) schedule(dynamic, 1)
        for (int64_t g = g0; g < g0 + gn; ++g) generate_q(g);
      }
      ScheduleTiming timing =
          run_items(o_.schedule, gn, chunks_, threads_, o_.schedule_seed,
                    [&](int64_t item) { chunk_item(g0 + item / chunks_, item % chunks_, g0); });
      stats.busy_s += timing.busy_s;
      stats.makespan_s += timing.makespan_s;
#pragma omp parallel for num_threads(threads_) schedule(dynamic, 1)
      for (int64_t g = g0; g < g0 + gn; ++g) merge(g, g0);
    }
    if (b_.has_projections) attention_fc();
    stats.exp_total += counters_.exp_total, stats.exp_needed += counters_.exp_needed;
    stats.wsum_macs_total += counters_.wsum_total, stats.wsum_macs_needed += counters_.wsum_needed;
    stats.wsum_macs_done += counters_.wsum_done;
    stats.vgen_rows_total += counters_.vgen_total, stats.vgen_rows_done += counters_.vgen_done;
    stats.empty_rows += counters_.empty_rows;
  }

 private:
  int64_t hd_k() const { return b_.heads * b_.dk; }
  int64_t hd_v() const { return b_.heads * b_.dv; }

  // Without partial-head update, Q/K/V are whole GEMMs on all threads, as in the baseline.
  void prepare_projections() {
    if (!b_.has_projections) return;
    int64_t nq_rows = b_.batch * b_.nq, nk_rows = b_.batch * b_.nk;
    if (per_head_) {
      q_.resize(static_cast<size_t>(groups_ * b_.nq * b_.dk));
      return;
    }
    if (qkv_) {
      generate_qkv(nq_rows);
      return;
    }
    q_.resize(static_cast<size_t>(nq_rows * hd_k()));
    k_.resize(static_cast<size_t>(nk_rows * hd_k()));
    v_.resize(static_cast<size_t>(nk_rows * hd_v()));
    q_view_ = {q_.data(), hd_k()};
    k_view_ = {k_.data(), hd_k()};
    v_view_ = {v_.data(), hd_v()};
    fill_rows(q_.data(), nq_rows, hd_k(), p_.bq);
    fill_rows(k_.data(), nk_rows, hd_k(), p_.bk);
    fill_rows(v_.data(), nk_rows, hd_v(), p_.bv);
    sgemm(false, false, nq_rows, hd_k(), b_.d_in, 1.0f, p_.xq, b_.d_in, p_.wq, hd_k(), 1.0f,
          q_.data(), hd_k());
    sgemm(false, false, nk_rows, hd_k(), b_.d_in_kv, 1.0f, p_.xk, b_.d_in_kv, p_.wk, hd_k(), 1.0f,
          k_.data(), hd_k());
    sgemm(false, false, nk_rows, hd_v(), b_.d_in_kv, 1.0f, p_.xv, b_.d_in_kv, p_.wv, hd_v(), 1.0f,
          v_.data(), hd_v());
    counters_.vgen_total += nk_rows * b_.heads;
    counters_.vgen_done += nk_rows * b_.heads;
  }

  // One GEMM for Q, K and V of a self-attention block: x [rows, d_in] times the weights side by
  // side ([d_in][h d_k | h d_k | h d_v], packed once per plan), multi-threaded like the
  // baseline's projections. Q, K and V are column ranges of the result.
  void generate_qkv(int64_t rows) {
    int64_t width = 2 * hd_k() + hd_v();
    if (ws_.wqkv.empty()) {
      ws_.wqkv.resize(static_cast<size_t>(b_.d_in * width));
      ws_.bqkv.assign(static_cast<size_t>(width), 0.0f);
      for (int64_t r = 0; r < b_.d_in; ++r) {
        float* row = ws_.wqkv.data() + r * width;
        std::memcpy(row, p_.wq + r * hd_k(), sizeof(float) * hd_k());
        std::memcpy(row + hd_k(), p_.wk + r * hd_k(), sizeof(float) * hd_k());
        std::memcpy(row + 2 * hd_k(), p_.wv + r * hd_v(), sizeof(float) * hd_v());
      }
      if (p_.bq) std::memcpy(ws_.bqkv.data(), p_.bq, sizeof(float) * hd_k());
      if (p_.bk) std::memcpy(ws_.bqkv.data() + hd_k(), p_.bk, sizeof(float) * hd_k());
      if (p_.bv) std::memcpy(ws_.bqkv.data() + 2 * hd_k(), p_.bv, sizeof(float) * hd_v());
    }
    q_.resize(static_cast<size_t>(rows * width));
    fill_rows(q_.data(), rows, width, ws_.bqkv.data());
    sgemm(false, false, rows, width, b_.d_in, 1.0f, p_.xq, b_.d_in, ws_.wqkv.data(), width, 1.0f,
          q_.data(), width);
    q_view_ = {q_.data(), width};
    k_view_ = {q_.data() + hd_k(), width};
    v_view_ = {q_.data() + 2 * hd_k(), width};
    counters_.vgen_total += rows * b_.heads;
    counters_.vgen_done += rows * b_.heads;
  }

  // Partial-head update multiplies by one head's columns of W_Q, W_K, W_V. Slicing them out of
  // the full matrices (row stride heads x d_k) costs the GEMM ~15 % at n = 64; the panels hold
  // each head's columns contiguously, and K|V side by side so that one GEMM with n = d_k + d_v
  // generates both for a key chunk (when V-Gen skipping does not need V on its own).
  void pack_panels() {
    int64_t h_n = b_.heads, dk = b_.dk, dv = b_.dv, kvw = kv_width_;
    panels_->wq.resize(static_cast<size_t>(h_n * b_.d_in * dk));
    panels_->bq.assign(static_cast<size_t>(h_n * dk), 0.0f);
    panels_->wkv.resize(static_cast<size_t>(h_n * b_.d_in_kv * kvw));
    panels_->bkv.assign(static_cast<size_t>(h_n * kvw), 0.0f);
    for (int64_t h = 0; h < h_n; ++h) {
      for (int64_t r = 0; r < b_.d_in; ++r)
        std::memcpy(&panels_->wq[static_cast<size_t>((h * b_.d_in + r) * dk)],
                    p_.wq + r * hd_k() + h * dk, sizeof(float) * dk);
      for (int64_t r = 0; r < b_.d_in_kv; ++r) {
        float* row = &panels_->wkv[static_cast<size_t>((h * b_.d_in_kv + r) * kvw)];
        std::memcpy(row, p_.wk + r * hd_k() + h * dk, sizeof(float) * dk);
        std::memcpy(row + dk, p_.wv + r * hd_v() + h * dv, sizeof(float) * dv);
      }
      if (p_.bq) std::memcpy(&panels_->bq[static_cast<size_t>(h * dk)], p_.bq + h * dk, 4 * dk);
      if (p_.bk) std::memcpy(&panels_->bkv[static_cast<size_t>(h * kvw)], p_.bk + h * dk, 4 * dk);
      if (p_.bv)
        std::memcpy(&panels_->bkv[static_cast<size_t>(h * kvw + dk)], p_.bv + h * dv, 4 * dv);
    }
  }
  const float* panel_q(int64_t h) const { return panels_->wq.data() + h * b_.d_in * b_.dk; }
  const float* panel_kv(int64_t h) const {
    return panels_->wkv.data() + h * b_.d_in_kv * kv_width_;
  }
  const float* panel_bkv(int64_t h) const { return panels_->bkv.data() + h * kv_width_; }

  void generate_q(int64_t g) {
    int64_t bi = g / b_.heads, h = g % b_.heads;
    if (panels_) {
      project(p_.xq + bi * b_.nq * b_.d_in, b_.nq, b_.d_in, panel_q(h),
              panels_->bq.data() + h * b_.dk, b_.dk, 0, b_.dk, q_.data() + g * b_.nq * b_.dk,
              b_.dk);
      return;
    }
    project(p_.xq + bi * b_.nq * b_.d_in, b_.nq, b_.d_in, p_.wq, p_.bq, hd_k(), h * b_.dk, b_.dk,
            q_.data() + g * b_.nq * b_.dk, b_.dk);
  }

  Matrix query(int64_t g) const {
    if (!b_.has_projections) return {p_.q + g * b_.nq * b_.dk, b_.dk};
    if (per_head_) return {q_.data() + g * b_.nq * b_.dk, b_.dk};
    int64_t bi = g / b_.heads, h = g % b_.heads;
    return {q_view_.data + bi * b_.nq * q_view_.ld + h * b_.dk, q_view_.ld};
  }

  // Keys [c0, c0+n) of group g as rows (or, for a transposed core K, as columns).
  Matrix keys(int64_t g, int64_t c0, int64_t n, std::vector<float>& scratch) const {
    int64_t bi = g / b_.heads, h = g % b_.heads;
    if (!b_.has_projections) {
      const float* k = p_.k + (b_.k_batch == 1 ? 0 : g) * b_.nk * b_.dk;
      return b_.k_transposed ? Matrix{k + c0, b_.nk} : Matrix{k + c0 * b_.dk, b_.dk};
    }
    if (!per_head_) return {k_view_.data + (bi * b_.nk + c0) * k_view_.ld + h * b_.dk, k_view_.ld};
    if (panels_) {
      int64_t width = kv_fused_ ? kv_width_ : b_.dk;
      scratch.resize(static_cast<size_t>(n * width));
      project(p_.xk + (bi * b_.nk + c0) * b_.d_in_kv, n, b_.d_in_kv, panel_kv(h), panel_bkv(h),
              kv_width_, 0, width, scratch.data(), width);
      return {scratch.data(), width};
    }
    scratch.resize(static_cast<size_t>(n * b_.dk));
    project(p_.xk + (bi * b_.nk + c0) * b_.d_in_kv, n, b_.d_in_kv, p_.wk, p_.bk, hd_k(), h * b_.dk,
            b_.dk, scratch.data(), b_.dk);
    return {scratch.data(), b_.dk};
  }

  // Value rows for the listed keys (global key indices), packed [count, dv]; V-Gen happens here
  // under partial-head update, so skipped keys cost nothing.
  Matrix values(int64_t g, const std::vector<int64_t>& rows, bool contiguous,
                std::vector<float>& scratch, std::vector<float>& gather) {
    int64_t bi = g / b_.heads, h = g % b_.heads, n = static_cast<int64_t>(rows.size());
    scratch.resize(static_cast<size_t>(std::max<int64_t>(1, n) * b_.dv));
    if (per_head_) {
      counters_.vgen_total += chunk_len(rows);
      counters_.vgen_done += n;
      const float* x = p_.xv + (bi * b_.nk) * b_.d_in_kv;
      const float* w = panels_ ? panel_kv(h) : p_.wv;
      const float* bias = panels_ ? panel_bkv(h) : p_.bv;
      int64_t ldw = panels_ ? kv_width_ : hd_v(), col0 = panels_ ? b_.dk : h * b_.dv;
      if (contiguous) {
        project(x + rows[0] * b_.d_in_kv, n, b_.d_in_kv, w, bias, ldw, col0, b_.dv, scratch.data(),
                b_.dv);
        return {scratch.data(), b_.dv};
      }
      gather.resize(static_cast<size_t>(std::max<int64_t>(1, n) * b_.d_in_kv));
      for (int64_t i = 0; i < n; ++i)
        std::memcpy(gather.data() + i * b_.d_in_kv, x + rows[static_cast<size_t>(i)] * b_.d_in_kv,
                    sizeof(float) * b_.d_in_kv);
      project(gather.data(), n, b_.d_in_kv, w, bias, ldw, col0, b_.dv, scratch.data(), b_.dv);
      return {scratch.data(), b_.dv};
    }
    Matrix full = b_.has_projections
                      ? Matrix{v_view_.data + bi * b_.nk * v_view_.ld + h * b_.dv, v_view_.ld}
                      : Matrix{p_.v + (b_.v_batch == 1 ? 0 : g) * b_.nk * b_.dv, b_.dv};
    if (contiguous) return {full.data + rows[0] * full.ld, full.ld};
    for (int64_t i = 0; i < n; ++i)
      std::memcpy(scratch.data() + i * b_.dv, full.data + rows[static_cast<size_t>(i)] * full.ld,
                  sizeof(float) * b_.dv);
    return {scratch.data(), b_.dv};
  }
  int64_t chunk_len(const std::vector<int64_t>&) const { return current_chunk_len_; }

  // Causal masking (fused, no mask tensor): query i sees keys j <= i + (nk - nq). Returns how
  // many of the chunk's first n keys (from c0) row i sees.
  int64_t visible(int64_t i, int64_t c0, int64_t n) const {
    if (!b_.causal) return n;
    return std::clamp<int64_t>(i + (b_.nk - b_.nq) + 1 - c0, 0, n);
  }

  // Query rows per score tile (flash-attention style): the tile (rows x key chunk), its Q rows,
  // the chunk's K and V and the partial output rows fit in half of the L2 cache, so the
  // exponentials and the weighted sum read scores the QK GEMM has just written (a 1024 x 256
  // tile is 1 MiB; on this machine's large L3 that alone measured no faster). A causal tile on
  // the diagonal computes its whole width for its first rows, so causal blocks use tiles of a
  // quarter chunk: 53 % of the scores at s = 1024 instead of 62.5 % (tiles below 64 rows cost
  // more in GEMM calls than they save). Depends on the cache and the block only, never on the
  // thread count. V-Gen skipping needs every query's score of a key before it decides, so it
  // keeps the whole column in one tile.
  int64_t query_block_rows() const {
    if (o_.vgen_skip) return b_.nq;
    if (o_.query_block > 0) return std::min(o_.query_block, b_.nq);
    int64_t budget = l2_cache_bytes() / 2 - chunk_ * (b_.dk + b_.dv) * 4;
    int64_t per_row = (chunk_ + b_.dk + b_.dv) * 4;
    int64_t rows = std::max<int64_t>(kMinQueryBlock, budget / per_row / 16 * 16);
    if (b_.causal) rows = std::min(rows, std::max<int64_t>(kMinQueryBlock, chunk_ / 4));
    return std::min(rows, b_.nq);
  }

  void chunk_item(int64_t g, int64_t c, int64_t g0) {
    thread_local std::vector<float> k_scratch, v_scratch, gather, k_copy, v_copy;
    thread_local std::vector<int64_t> needed;
    int64_t c0 = c * chunk_, n = std::min(chunk_, b_.nk - c0), nq = b_.nq;
    int64_t slot = ((g - g0) * chunks_ + c);
    float* m_out = partial_m_.data() + slot * nq;
    float* l_out = partial_l_.data() + slot * nq;
    float* o_out = partial_o_.data() + slot * nq * b_.dv;
    // Rows before row0 see none of this chunk (causal): no scores, no exponentials, no V.
    int64_t row0 = b_.causal ? std::clamp<int64_t>(c0 - (b_.nk - nq), 0, nq) : 0;
    std::fill(m_out, m_out + row0, kNegInf);
    std::fill(l_out, l_out + row0, 0.0f);
    // Totals count the whole score tile, as the op-by-op baseline computes it (masked scores
    // included), so for causal blocks the reductions include the masked part.
    counters_.exp_total += nq * n;
    counters_.wsum_total += nq * n * b_.dv;
    if (row0 == nq) {
      if (per_head_) counters_.vgen_total += n;
      return;
    }
    Matrix q = query(g);
    Matrix k = keys(g, c0, n, k_scratch);
    if (o_.vgen_skip) {
      vgen_skip_tile(g, c0, n, row0, q, k, m_out, l_out, o_out);
      return;
    }
    needed.clear();
    for (int64_t j = 0; j < n; ++j) needed.push_back(c0 + j);
    current_chunk_len_ = n;
    Matrix v{k.data + b_.dk, k.ld};  // generated with K (kv_fused_)
    if (kv_fused_) {
      counters_.vgen_total += n;
      counters_.vgen_done += n;
    } else {
      v = values(g, needed, true, v_scratch, gather);
    }
    // Query-row tiles; a causal tile computes only the columns its last row sees, so tiles
    // above the diagonal cost nothing and diagonal tiles about half.
    int64_t qb = query_block_rows();
    // The GEMMs pack K and V on every call; rows of a head slice 4 KiB apart (d = 1024) conflict
    // in L1 while they do, so strided chunks are copied once per item.
    bool k_columns = b_.k_transposed && !b_.has_projections;  // K stored [dk, nk]
    k = contiguous(k, k_columns ? b_.dk : n, k_columns ? n : b_.dk, k_copy);
    v = contiguous(v, n, b_.dv, v_copy);
    for (int64_t ra = row0; ra < nq; ra += qb) {
      int64_t rows = std::min(qb, nq - ra), cols = visible(ra + rows - 1, c0, n);
      float* e = score_tile(q, k, ra, rows, cols);
      partial_softmax(e, rows, cols, ra, c0, n, nullptr, m_out, l_out);
      sgemm(false, false, rows, b_.dv, cols, 1.0f, e, cols, v.data, v.ld, 0.0f, o_out + ra * b_.dv,
            b_.dv);
      counters_.wsum_done += rows * cols * b_.dv;
    }
  }

  // The matrix with rows x cols elements, densely packed (copied when its rows are strided).
  static Matrix contiguous(const Matrix& m, int64_t rows, int64_t cols, std::vector<float>& copy) {
    if (m.ld == cols) return m;
    copy.resize(static_cast<size_t>(rows * cols));
    for (int64_t r = 0; r < rows; ++r)
      std::memcpy(copy.data() + r * cols, m.data + r * m.ld, sizeof(float) * cols);
    return {copy.data(), cols};
  }

  // scores[rows, cols] = scale * Q[ra.., :] K[:cols]^T in the thread's tile buffer.
  float* score_tile(const Matrix& q, const Matrix& k, int64_t ra, int64_t rows, int64_t cols) {
    thread_local std::vector<float> scores;
    scores.resize(static_cast<size_t>(rows * cols));
    sgemm(false, !b_.k_transposed || b_.has_projections, rows, cols, b_.dk, b_.scale,
          q.data + ra * q.ld, q.ld, k.data, k.ld, 0.0f, scores.data(), cols);
    return scores.data();
  }

  // Partial softmax of a tile in place (column-based algorithm): per row the max and exponent
  // sum over its visible columns (zero skipping: only scores >= the threshold), zeros in the
  // rest. `needed` (V-Gen skipping) lists the global key of each of the tile's m columns.
  void partial_softmax(float* tile, int64_t rows, int64_t m, int64_t ra, int64_t c0, int64_t n,
                       const std::vector<int64_t>* needed, float* m_out, float* l_out) {
    bool zs = o_.zero_skip;
    float threshold = static_cast<float>(o_.score_threshold);
    int64_t kept = 0, valid_total = 0, valid_needed = 0;
    for (int64_t r = 0; r < rows; ++r) {
      float* e = tile + r * m;
      int64_t lim = visible(ra + r, c0, n);
      valid_total += lim;
      int64_t valid =
          !needed ? std::min(lim, m)
                  : std::lower_bound(needed->begin(), needed->end(), c0 + lim) - needed->begin();
      valid_needed += valid;
      float row_max = zs ? masked_max_of(e, threshold, valid) : max_of(e, valid);
      float sum = 0.0f;
      if (row_max != kNegInf) {
        sum = zs ? masked_exp_shift_sum(e, threshold, row_max, e, valid, kept)
                 : exp_shift_sum(e, row_max, e, valid);
        std::fill(e + valid, e + m, 0.0f);
      } else {
        std::fill(e, e + m, 0.0f);
      }
      m_out[ra + r] = row_max;
      l_out[ra + r] = sum;
    }
    counters_.exp_needed += zs ? kept : valid_total;
    counters_.wsum_needed += (zs ? kept : valid_needed) * b_.dv;
  }

  // V-Gen skipping: one tile of every query row from row0, the zero ratio of each key column
  // (masked scores count as zeros), V only for the keys that survive, compacted columns.
  void vgen_skip_tile(int64_t g, int64_t c0, int64_t n, int64_t row0, const Matrix& q,
                      const Matrix& k, float* m_out, float* l_out, float* o_out) {
    thread_local std::vector<float> v_scratch, gather, compact;
    thread_local std::vector<int64_t> needed;
    thread_local std::vector<int32_t> zeros;
    int64_t nq = b_.nq, rows = nq - row0;
    float* scores = score_tile(q, k, row0, rows, n);
    float threshold = static_cast<float>(o_.score_threshold);
    zeros.assign(static_cast<size_t>(n), static_cast<int32_t>(row0));
    int32_t* z = zeros.data();
    for (int64_t r = 0; r < rows; ++r) {
      const float* sr = scores + r * n;
      int64_t lim = visible(row0 + r, c0, n);
#pragma omp simd
      for (int64_t j = 0; j < lim; ++j) z[j] += sr[j] < threshold ? 1 : 0;
      for (int64_t j = lim; j < n; ++j) z[j] += 1;
    }
    needed.clear();
    for (int64_t j = 0; j < n; ++j) {
      double ratio = static_cast<double>(z[j]) / static_cast<double>(nq);
      if (ratio <= o_.zero_ratio_threshold) needed.push_back(c0 + j);
    }
    int64_t m = static_cast<int64_t>(needed.size());
    float* e_all = scores;
    if (m < n) {
      compact.resize(static_cast<size_t>(std::max<int64_t>(1, rows * m)));
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t j = 0; j < m; ++j)
          compact[static_cast<size_t>(r * m + j)] =
              scores[r * n + needed[static_cast<size_t>(j)] - c0];
      e_all = compact.data();
    }
    partial_softmax(e_all, rows, m, row0, c0, n, &needed, m_out, l_out);
    if (m == 0) {
      if (per_head_) counters_.vgen_total += n;
      return;
    }
    current_chunk_len_ = n;
    Matrix v = values(g, needed, m == n, v_scratch, gather);
    sgemm(false, false, rows, b_.dv, m, 1.0f, e_all, m, v.data, v.ld, 0.0f, o_out + row0 * b_.dv,
          b_.dv);
    counters_.wsum_done += rows * m * b_.dv;
  }

  // Lazy division (Eq. 4): merge the chunks' partial sums in chunk order, divide once.
  void merge(int64_t g, int64_t g0) {
    int64_t nq = b_.nq, dv = b_.dv;
    int64_t bi = g / b_.heads, h = g % b_.heads;
    float* out =
        b_.has_projections ? attention_.data() + bi * nq * hd_v() + h * dv : p_.out + g * nq * dv;
    int64_t ld = b_.has_projections ? hd_v() : dv;
    int64_t base = (g - g0) * chunks_;
    for (int64_t i = 0; i < nq; ++i) {
      float row_max = kNegInf;
      for (int64_t c = 0; c < chunks_; ++c)
        row_max = std::max(row_max, partial_m_[static_cast<size_t>((base + c) * nq + i)]);
      float* a = out + i * ld;
      std::fill(a, a + dv, 0.0f);
      if (row_max == kNegInf) {
        counters_.empty_rows += 1;
        continue;
      }
      float total = 0.0f;
      for (int64_t c = 0; c < chunks_; ++c) {
        float mc = partial_m_[static_cast<size_t>((base + c) * nq + i)];
        if (mc == kNegInf) continue;
        float factor = exp_approx(mc - row_max);
        total += partial_l_[static_cast<size_t>((base + c) * nq + i)] * factor;
        const float* o = partial_o_.data() + ((base + c) * nq + i) * dv;
        for (int64_t j = 0; j < dv; ++j) a[j] += o[j] * factor;
      }
      float inverse = 1.0f / total;
      for (int64_t j = 0; j < dv; ++j) a[j] *= inverse;
    }
  }

  void attention_fc() {
    int64_t rows = b_.batch * b_.nq;
    if (!o_.partial_head) {
      fill_rows(p_.out, rows, b_.d_out, p_.bo);
      sgemm(false, false, rows, b_.d_out, hd_v(), 1.0f, attention_.data(), hd_v(), p_.wo, b_.d_out,
            1.0f, p_.out, b_.d_out);
      return;
    }
    int64_t rb = std::max<int64_t>(std::max<int64_t>(1, o_.row_block),
                                   (rows + threads_ - 1) / threads_);  // as in ffn_split
    int64_t blocks = (rows + rb - 1) / rb;
#pragma omp parallel for num_threads(threads_) schedule(dynamic, 1)
    for (int64_t blk = 0; blk < blocks; ++blk) {
      int64_t r0 = blk * rb, n = std::min(rb, rows - r0);
      fill_rows(p_.out + r0 * b_.d_out, n, b_.d_out, p_.bo);
      // Partial attention FC, reduce-summed in head order. Heads are taken in groups with
      // >= kMinFcDepth rows of W_O per GEMM: one head's k = d_v = 64 re-reads and re-writes the
      // whole output block once per head (16 passes for BERT), which cost more than it saved.
      int64_t per = std::max<int64_t>(1, (kMinFcDepth + b_.dv - 1) / b_.dv);
      for (int64_t h = 0; h < b_.heads; h += per) {
        int64_t k = std::min(per, b_.heads - h) * b_.dv;
        sgemm(false, false, n, b_.d_out, k, 1.0f, attention_.data() + r0 * hd_v() + h * b_.dv,
              hd_v(), p_.wo + h * b_.dv * b_.d_out, b_.d_out, 1.0f, p_.out + r0 * b_.d_out,
              b_.d_out);
      }
    }
  }

 public:
  void allocate_attention() {
    if (b_.has_projections) attention_.resize(static_cast<size_t>(b_.batch * b_.nq * hd_v()));
  }

 private:
  const AttentionBlock& b_;
  const AttentionPointers& p_;
  const OptOptions& o_;
  int threads_;
  int64_t chunk_ = 1, chunks_ = 1, groups_ = 1;
  bool per_head_ = false, kv_fused_ = false, qkv_ = false;
  Matrix q_view_{nullptr, 0}, k_view_{nullptr, 0}, v_view_{nullptr, 0};  // whole-width Q, K, V
  int64_t kv_width_ = 0;
  // Buffers live in the plan step's workspace, so repeated runs reuse memory that is already
  // mapped: fresh multi-MiB vectors per run page-faulted on every first touch, which made the
  // fused attention ~40 % slower than the baseline (whose activations are pooled) at s = 1024.
  AttentionWorkspace own_;
  AttentionWorkspace& ws_;
  AttentionWorkspace* panels_ = nullptr;
  static thread_local int64_t current_chunk_len_;
  std::vector<float>&q_, &k_, &v_, &attention_, &partial_o_, &partial_m_, &partial_l_;
  Counters counters_;
};

thread_local int64_t AttentionRun::current_chunk_len_ = 0;

}  // namespace

void run_attention_block(const AttentionBlock& block, const AttentionPointers& p,
                         const OptOptions& options, int threads, OptStats& stats,
                         AttentionWorkspace* workspace) {
  AttentionRun run(block, p, options, threads, workspace);
  run.allocate_attention();
  run.run(stats);
}

}  // namespace tessera::run
