// Fusion-optimised scheduling, survey 001 Sec. 5.5.2, Figs. 21-22: BERT-Base matmuls fused with
// the Softmax / LayerNorm that follows, on Gemmini with I-BERT normalisation units
// (gemmini-transformer preset, scratchpad held at 256 KB as in the paper, accumulator 128 / 256
// KB). The fused schedule pins the output row (N) whole in the accumulator, and, because the unit
// normalises one tile's finished rows while the array accumulates the next, the accumulator holds
// two such tiles (double-buffered): rows per tile = accumulator / (2 × N × 4 B).
//
// Softmax (rows of l int32): tessera -55% / -72% at l = 512 (128 / 256 KB; paper: Softmax is ~78%
// of the pair's cycles and fusion hides it), -37% at l = 4096 / 256 KB (paper -22%). At l = 4096 /
// 128 KB a tile holds only 4 rows of 4096, so the Q×K matmul re-reads K for every 4 rows and
// becomes DRAM-bound: fusion hurts (+19%); the paper shows no such case but describes the same
// mechanism at 4096 ("can no longer avoid tiling at the DRAM level", offset at 256 KB).
//
// LayerNorm (rows of d = 768 int32) — tessera disagrees with the paper on the sign:
//   W_out, l = 512, 128 KB: paper hurts (matmul 83% slower); tessera -9%.
//   W2, 256 KB, l = 512 / 4096: paper +27% (hurts); tessera -2% / -3%.
// The mechanism is represented: the full-row tile leaves 21 rows (128 KB) per tile, so the
// weights are re-fetched from DRAM once per row block and the fused matmul moves 34% (W_out) and
// 46% (W2) more DRAM bytes than the non-fused one (pinned below). It does not cost time because
// the 16×16 weight-stationary array needs only 16 MACs per DRAM byte to stay busy (256 MAC/cycle
// over a 16 B/cycle bus) and a row block of >= 16 rows reuses each weight byte that often: the
// extra traffic (82% of the compute cycles) overlaps compute behind the double-buffered
// scratchpad, as every tessera mapping assumes (Timeloop's model too). What remains is the hidden
// LayerNorm, a small gain. The paper attributes its loss to partial sums spilling to DRAM ("256kB
// allows more partial sums to be stored in the buffer instead of spilling"): its Timeloop mapping
// of the constrained matmul tiles the reduction outside the accumulator. tessera's heuristic keeps
// the reduction innermost (no spills), a valid and cheaper mapping, so it cannot reproduce a loss
// that comes from spilling.
#include <gtest/gtest.h>

#include "tessera/core/error.h"
#include "tessera/map/fusion.h"
#include "tessera/map/reference_hardware.h"

namespace tessera::map {
namespace {

const FusionCase& find(const std::vector<FusionCase>& cases, const std::string& prefix, int64_t seq,
                       int64_t acc_kb) {
  for (const FusionCase& c : cases)
    if (c.pair.rfind(prefix, 0) == 0 && c.seq == seq && c.accumulator_bytes == acc_kb * 1024)
      return c;
  throw std::runtime_error("missing case");
}

TEST(MapFusion, Figs21And22) {
  std::vector<FusionCase> cases = fusion_study(resolve_hardware("gemmini-transformer"));
  ASSERT_EQ(cases.size(), 12u);
  for (const FusionCase& c : cases) {
    EXPECT_TRUE(c.fused.feasible) << c.pair << " l=" << c.seq;
    // Fusion removes the intermediate DRAM round trip, so the unit's exposed time shrinks.
    EXPECT_LT(c.fused.nonlinear_cycles, c.non_fused.nonlinear_cycles) << c.pair;
  }
  // Softmax fusion: paper 78% of pair cycles hidden (l = 512), 22% faster (l = 4096, 256 KB).
  EXPECT_NEAR(find(cases, "MHA QxK", 512, 128).improvement(), 0.55, 0.05);
  EXPECT_NEAR(find(cases, "MHA QxK", 512, 256).improvement(), 0.72, 0.05);
  EXPECT_NEAR(find(cases, "MHA QxK", 4096, 256).improvement(), 0.37, 0.05);
  // 4 rows of 4096 per tile: the fused matmul is DRAM-bound and fusion hurts (no paper value).
  const FusionCase& long128 = find(cases, "MHA QxK", 4096, 128);
  EXPECT_NEAR(long128.improvement(), -0.19, 0.05);
  EXPECT_GT(long128.fused.matmul_cycles, long128.non_fused.matmul_cycles);
  // LayerNorm fusion: paper hurts (W_out at 128 KB, W2 by 27%); tessera: small gains (see top).
  EXPECT_NEAR(find(cases, "MHA W_out", 512, 128).improvement(), 0.09, 0.03);
  EXPECT_NEAR(find(cases, "FFN W2", 512, 256).improvement(), 0.02, 0.02);
  EXPECT_NEAR(find(cases, "FFN W2", 4096, 256).improvement(), 0.03, 0.02);
  // The row constraint's cost is there: weights re-fetched per 21-row block at 128 KB raise the
  // matmul's DRAM traffic (W_out +34%, W2 +46%), but it stays below the compute cycles.
  for (const char* pair : {"MHA W_out", "FFN W2"}) {
    const FusionCase& c = find(cases, pair, 512, 128);
    EXPECT_GT(c.fused.matmul_dram_cycles, 1.3 * c.non_fused.matmul_dram_cycles) << pair;
    EXPECT_LT(c.fused.matmul_dram_cycles, c.fused.matmul_cycles) << pair;
  }
}

TEST(MapFusion, NeedsNormalisationUnits) {
  // The baseline Gemmini runs LayerNorm/Softmax on the host: no unit to fuse with.
  EXPECT_THROW(fusion_study(resolve_hardware("gemmini")), Error);
}

}  // namespace
}  // namespace tessera::map
