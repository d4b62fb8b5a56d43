// Fusion-optimised scheduling, survey 001 Sec. 5.5.2, Figs. 21-22: BERT-Base matmuls fused with
// the Softmax / LayerNorm that follows, on Gemmini with I-BERT normalisation units
// (gemmini-transformer preset, scratchpad held at 256 KB as in the paper, accumulator 128 / 256
// KB). Both schedules use Gemmini's own tile choice (tiled_matmul_auto in the I-BERT gemmini.h):
// WS tiles are double-buffered (half the scratchpad, half the accumulator per tile), tiles grow
// round robin (J, I, K) in 16×16 blocks, the outer loops run i0, j0, k0 with k innermost. Fused
// (act = LAYERNORM/SOFTMAX: tile_I = 1, tile_J = the whole row, tile_K = 1, then grown), the
// output row (N) is whole in the accumulator half: rows per tile = ⌊accumulator / 2 / (N × 4 B)
// / 16⌋ × 16, and the
// reduction tile K is what the scratchpad half (128 KB) then holds beside the K × 768 weight
// panel: 160 (10 blocks). W_out (K = 768) and W2 (K = 3072): 16 rows per tile at 128 KB, 32 at
// 256 KB; 5 and 20 K tiles.
// So the reduction is NOT free inside the accumulator: it is split at DRAM; Gemmini's k-innermost
// order keeps the partial sums resident across the K tiles and instead re-fetches the whole
// weight matrix once per row block: the fused matmuls move 1.9-3.8× the non-fused DRAM bytes
// (pinned below; the non-fused 176×176 tiles re-read weights 3× and inputs 5×).
//
// Softmax (rows of l int32): tessera -58% / -72% at l = 512 (128 / 256 KB; paper: Softmax is ~78%
// of the pair's cycles and fusion hides it), -37% at l = 4096 / 256 KB (paper -22%). At l = 4096 /
// 128 KB not one 16-row block of 4096 fits the accumulator half; 4-row tiles re-read K per tile
// and the fused Q×K matmul turns DRAM-bound: fusion hurts (+10%; no paper value, the paper
// describes the mechanism at 4096: "can no longer avoid tiling at the DRAM level").
//
// LayerNorm, on the preset's 16 B/cycle DRAM bus (FireSim system bus): the extra weight traffic
// exactly saturates the bus at 128 KB (fused matmul DRAM cycles = compute cycles, so the gain of
// hiding LayerNorm is lost: W2 0%, W_out -5%) and fits under compute at 256 KB (W_out -9%, W2
// -2%). Paper: W_out hurts at 128 KB (matmul 83% slower) and helps at 256 KB; W2 hurts 27%.
// The losses need a DRAM-bound fused matmul. Timeloop's Gemmini-like architecture (the
// Timeloop/Accelergy exercises' spec, DRAM word-bits 8, shared_bandwidth 8 → 8 B/cycle), which
// the paper's Timeloop runs plausibly used, halves the bus; with it tessera reproduces the W_out
// trend (+73% pair / +108% matmul at 128 KB vs paper +83% matmul; -10% at 256 KB, paper "helps")
// and W2 at 128 KB hurts (+95%), but W2 at 256 KB stays neutral (+0%, paper +27%). That residual
// gap: the paper attributes it to partial sums spilling to DRAM, i.e. a Timeloop mapping with the
// reduction outside the row loop; Gemmini's own loop order never spills, and tessera models what
// Gemmini does.
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
  EXPECT_NEAR(find(cases, "MHA QxK", 512, 128).improvement(), 0.58, 0.05);
  EXPECT_NEAR(find(cases, "MHA QxK", 512, 256).improvement(), 0.72, 0.05);
  EXPECT_NEAR(find(cases, "MHA QxK", 4096, 256).improvement(), 0.37, 0.05);
  // 4 rows of 4096 per tile: the fused matmul is DRAM-bound and fusion hurts (no paper value).
  const FusionCase& long128 = find(cases, "MHA QxK", 4096, 128);
  EXPECT_NEAR(long128.improvement(), -0.10, 0.05);
  EXPECT_GT(long128.fused.matmul_cycles, long128.non_fused.matmul_cycles);
  // LayerNorm fusion on a 16 B/cycle bus: neutral to small gains (paper: losses; see top).
  EXPECT_NEAR(find(cases, "MHA W_out", 512, 128).improvement(), 0.055, 0.02);
  EXPECT_NEAR(find(cases, "MHA W_out", 512, 256).improvement(), 0.09, 0.02);
  EXPECT_NEAR(find(cases, "FFN W2", 512, 128).improvement(), 0.0, 0.01);
  EXPECT_NEAR(find(cases, "FFN W2", 512, 256).improvement(), 0.024, 0.01);
  EXPECT_NEAR(find(cases, "FFN W2", 4096, 256).improvement(), 0.025, 0.01);
  // The row constraint's cost: the weight panel re-fetched per row block (16 rows at 128 KB,
  // 32 at 256 KB) multiplies the matmul's DRAM bytes; at 128 KB it saturates the bus.
  for (const char* pair : {"MHA W_out", "FFN W2"}) {
    const FusionCase& c128 = find(cases, pair, 512, 128);
    const FusionCase& c256 = find(cases, pair, 512, 256);
    EXPECT_GT(c128.fused.matmul_dram_cycles, 3.0 * c128.non_fused.matmul_dram_cycles) << pair;
    EXPECT_GT(c256.fused.matmul_dram_cycles, 1.9 * c256.non_fused.matmul_dram_cycles) << pair;
    EXPECT_NEAR(c128.fused.matmul_dram_cycles / c128.fused.matmul_cycles, 1.0, 0.01) << pair;
    EXPECT_LT(c256.fused.matmul_dram_cycles, 0.6 * c256.fused.matmul_cycles) << pair;
  }
  // The non-fused tiles are Gemmini's: 176 rows (11 blocks of 16) under each weight block.
  EXPECT_NE(find(cases, "FFN W2", 512, 256).non_fused.loop_nest.find("for m0 in [0:176)"),
            std::string::npos);
}

// Sensitivity to the DRAM bus: Timeloop's Gemmini-like spec moves 8 B/cycle (see top).
TEST(MapFusion, HalfTheDramBandwidthTurnsLayerNormFusionIntoALoss) {
  hw::Hardware h = resolve_hardware("gemmini-transformer");
  for (auto& level : h.memory)
    if (level.off_chip) level.bandwidth_bytes_per_s = 8e9;  // 8 B/cycle at 1 GHz
  std::vector<FusionCase> cases = fusion_study(h);
  const FusionCase& wout128 = find(cases, "MHA W_out", 512, 128);
  EXPECT_NEAR(wout128.improvement(), -0.73, 0.05);  // paper: hurts (matmul +83%)
  EXPECT_NEAR(wout128.fused.matmul_cycles / wout128.non_fused.matmul_cycles, 2.08, 0.05);
  EXPECT_NEAR(find(cases, "MHA W_out", 512, 256).improvement(), 0.10, 0.03);  // paper: helps
  EXPECT_NEAR(find(cases, "FFN W2", 512, 128).improvement(), -0.95, 0.05);
  EXPECT_NEAR(find(cases, "FFN W2", 512, 256).improvement(), 0.0, 0.01);  // paper: -27%
  // Softmax fusion still wins where the paper says it does.
  EXPECT_GT(find(cases, "MHA QxK", 512, 128).improvement(), 0.5);
  EXPECT_GT(find(cases, "MHA QxK", 4096, 256).improvement(), 0.3);
}

TEST(MapFusion, NeedsNormalisationUnits) {
  // The baseline Gemmini runs LayerNorm/Softmax on the host: no unit to fuse with.
  EXPECT_THROW(fusion_study(resolve_hardware("gemmini")), Error);
}

}  // namespace
}  // namespace tessera::map
