// NLP-Opt for the CPU (002 Sec. III-B, III-C, V-A): each switch separate, as the isMP / isZS /
// params arguments of the NLP-Fast libraries (Fig. 8a).
//  - holistic model partitioning (isMP): partial-head update (per-head Q/K/V-Gen, partial
//    attention FC and a fixed-order reduce-sum), column-based algorithm (lazy softmax: partial
//    exponent sums per key chunk, division last) and feed-forward splitting (column blocks of
//    W1 with the activation and the matching rows of W2 per chunk, reduced);
//  - cross-operation zero skipping (isZS): score threshold (no exponential and no weighted-sum
//    work for scores below it) and V-Gen skipping (no V row for keys whose zero ratio over the
//    queries exceeds the zero-ratio threshold);
//  - the skewness-minimised dynamic scheduler (chunks handed to idle threads) against static
//    head-first, chunk-first and random schedules (Sec. III-C-2);
//  - not in 002: `qkv`, self-attention Q/K/V-Gen as one GEMM over the concatenated weights.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tessera::run {

enum class Schedule : uint8_t { Dynamic, HeadFirst, ChunkFirst, Random, kCount };
std::string_view schedule_name(Schedule schedule);
Schedule parse_schedule(const std::string& name);  // throws tessera::Error with the choices

struct OptOptions {
  bool partial_head = false;     // P
  bool column_based = false;     // C
  bool ffn_split = false;        // F
  bool zero_skip = false;        // score threshold
  bool vgen_skip = false;        // zero-ratio threshold (needs zero_skip: it counts skipped scores)
  bool qkv_fused = false;        // self-attention Q/K/V-Gen as one GEMM (concatenated weights)
  double score_threshold = 0.0;  // 002 Sec. V-A uses 0.0 on BERT
  double zero_ratio_threshold = 0.99;  // 002 Sec. V-A
  int64_t key_chunk = 256;             // keys per column-based chunk
  int64_t ffn_chunk = 1024;            // d_FF columns per feed-forward split
  int64_t row_block = 128;             // query / token rows per FFN work item
  int64_t query_block = 0;  // query rows per score tile of a key chunk; 0 = sized for the L2
  Schedule schedule = Schedule::Dynamic;
  uint64_t schedule_seed = 1;  // for Schedule::Random

  bool any() const {
    return partial_head || column_based || ffn_split || zero_skip || vgen_skip || qkv_fused;
  }
  std::string describe() const;  // "mp(P,C,F)+zs(score>=0,vgen>0.99)" style
};

// Parses --opt: none | mp | zs | all | a comma list of p,c,f,score,vs,qkv (mp = p,c,f;
// zs = score,vs; qkv is tessera's own, in no group).
// Thresholds are checked here: outside [0, 1] is an error (the zero-ratio threshold is a
// ratio; the score threshold is applied to scaled scores and must lie in [0, 1] as in 002's
// Fig. 7 sweep).
OptOptions parse_opt(const std::string& text, double score_threshold, double zero_ratio_threshold);

// What the optimised path did, summed over a run (002 Fig. 7's "computation reduction").
struct OptStats {
  // "needed" counts what the algorithm cannot skip (002's computation-reduction metric);
  // "done" counts what the kernels executed: exponentials are evaluated on whole vectors and
  // the weighted sum runs as a GEMM over the keys that survive V-Gen skipping.
  int64_t exp_total = 0, exp_needed = 0;                                  // softmax exponentials
  int64_t wsum_macs_total = 0, wsum_macs_needed = 0, wsum_macs_done = 0;  // P x V
  int64_t vgen_rows_total = 0, vgen_rows_done = 0;                        // V-Gen rows
  int64_t empty_rows = 0;  // query rows with every score skipped
  // Scheduler: busy seconds per thread over the attention stages, and their makespan.
  double busy_s = 0.0, makespan_s = 0.0;
  int threads = 1;
  double utilization() const;  // busy / (threads * makespan)
  void add(const OptStats& other);
};

}  // namespace tessera::run
