// Fusion-aware scheduling of a matmul with the Softmax or LayerNorm that follows it (survey 001
// Sec. 5.5.2, Figs. 21-22) on hardware with normalisation units. Both schedules take Gemmini's
// own tiles (tiled_matmul_auto: double-buffered WS tiles in 16×16 blocks, k innermost at DRAM).
// Non-fused: the matmul alone, its int32 outputs go to DRAM and the unit reads them back.
// Fused: whole output rows must be resident in the accumulator (tile constraint), the unit
// normalises finished rows while the array computes the next ones (latency hiding, so the
// accumulator holds two row tiles: double-buffered), and the intermediate DRAM round trip
// disappears.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tessera/hw/hardware.h"
#include "tessera/map/mapper.h"

namespace tessera::map {

struct FusionPair {
  std::string name;  // "MHA QxK + Softmax"
  LoopProblem matmul;
  model::OpKind nonlinear = model::OpKind::Softmax;
  int64_t rows = 0, row_length = 0;  // the normalised tensor: rows × row_length elements
};

struct ScheduleCost {
  bool feasible = true;
  double matmul_cycles = 0;
  double nonlinear_cycles = 0;  // exposed (not hidden behind the matmul)
  double total_cycles = 0;
  double matmul_dram_cycles = 0;  // the matmul's DRAM traffic / bandwidth (overlaps its compute)
  Mapping mapping;
  std::string loop_nest;  // the mapping as Fig. 17 prints it
};

struct FusionCase {
  std::string pair;
  int64_t seq = 0, accumulator_bytes = 0;
  ScheduleCost non_fused, fused;
  double improvement() const {  // > 0: fusion is faster
    return 1.0 - fused.total_cycles / non_fused.total_cycles;
  }
};

// BERT-Base (d = 768, 12 heads, d_ffn = 3072) pairs at sequence length `seq`.
std::vector<FusionPair> bert_base_fusion_pairs(int64_t seq);
// Both schedules of one pair on `hw` (which must have a special-function unit for the op).
FusionCase evaluate_fusion(const FusionPair& pair, const hw::Hardware& hw);
// The paper's sweep: l = 512 and 4096 with 128 KB and 256 KB accumulators.
std::vector<FusionCase> fusion_study(const hw::Hardware& base);
nlohmann::json fusion_study_json(const std::vector<FusionCase>& cases);
std::string fusion_study_table(const std::vector<FusionCase>& cases);

}  // namespace tessera::map
