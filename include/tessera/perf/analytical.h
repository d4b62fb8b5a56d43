// The analytical tiled-accelerator model of the survey (001 Sec. 3.3, Fig. 11; App. A.5):
// a W x W PE array (weight-, output- or input-stationary) computing tiled matmuls with a pipeline
// latency per tile, a special-function unit at one cycle per vector, a double-buffered
// scratchpad and an accumulator that fix the largest tiles (square in the output, K chosen to
// fit), compute and memory overlapped (latency = max of the two), and only DRAM<->L2 traffic
// counted (not L2<->scratchpad, to avoid double counting). Outputs headed for nonlinear ops
// leave the accumulator in 32 bits. Ops the accelerator cannot run go to the host CPU
// (001 Sec. 3.4.2) or are flagged Bound::Unsupported. Non-matrix hardware (CPUs, GPUs) falls
// back to the roofline evaluator, op by op. Gemmini's microarchitecture (001 Sec. 3.4) enters
// through the spec: the DMA engine's outstanding-request limit bounds the tile bandwidth, the
// bias may enter the accumulator as a full matrix, outputs are double-buffered like operands,
// and energy charges every level the spec gives per-byte energies for. Arrays whose folds drain
// one by one (hw::FoldSchedule::Serial) pay SCALE-Sim's per-fold preload and skew (Samajdar et
// al., ISPASS 2020; docs/evaluators.md "SCALE-Sim side by side").
#pragma once

#include <cstdint>

#include "tessera/perf/evaluator.h"

namespace tessera::perf {

struct AnalyticalOptions {
  // Nonlinear ops on a special-function unit take their input straight from the accumulator
  // of the matmul before them (no DRAM round trip); the survey's runs have this off.
  bool fuse_nonlinear = false;
  // 32-bit outputs before nonlinear ops (001 Sec. 3.3); off = outputs in the workload's type.
  bool wide_outputs_before_nonlinear = true;
};

// One tiling of a (batched) matmul on the PE array and what it costs.
struct MatmulTiling {
  int64_t tile_m = 0, tile_k = 0, tile_n = 0;
  double compute_cycles = 0;  // PE array, all tiles, with the per-tile pipeline latency
  double array_folds = 0;     // rows x cols blocks of the array streamed, all tiles and batches
  double stream_cycles = 0;   // sum over folds of the streamed length (no fill, drain, preload)
  double traffic_bytes = 0;   // DRAM<->L2 bytes with re-reads from tiling
  double overhead_s = 0;      // first tile load and last tile store that cannot overlap
  double latency_s = 0;       // max(compute, memory) + overhead
};

class AnalyticalEvaluator : public Evaluator {
 public:
  explicit AnalyticalEvaluator(AnalyticalOptions options = {}) : options_(options) {}
  std::string_view name() const override { return "analytical"; }
  Cost evaluate(const workload::Op& op, const hw::Hardware& hw,
                const EvalContext& context) const override;
  const AnalyticalOptions& options() const { return options_; }

 private:
  AnalyticalOptions options_;
};

// The best tiling of batch x [M x K] x [K x N] with operands of `operand_bytes` per element
// and `output_bytes` per output element; a_bytes/b_bytes are whole-operand bytes per batch item.
// Throws tessera::Error when the hardware has no PE array.
MatmulTiling best_matmul_tiling(const hw::Hardware& hw, int64_t batch, int64_t m, int64_t k,
                                int64_t n, double a_bytes, double b_bytes, double out_bytes,
                                double operand_bytes_per_element);

// Bandwidth of the tile traffic: the slowest level beyond the scratchpad, and the DMA engine's
// outstanding-request limit (hw::Dma) where the spec gives one.
double tile_bandwidth(const hw::Hardware& hw);

// Seconds to move a tiling's DRAM reads and writes. Gemmini's DMA is a stream reader and a
// stream writer, each with its own window of hw::Dma::max_in_flight_requests transactions
// (ucb-bar/gemmini src/main/scala/gemmini/Scratchpad.scala instantiates StreamReader and
// StreamWriter with max_in_flight_mem_reqs each; DMA.scala frees a writer id on its TileLink
// ack), joined by one crossbar onto the system bus: reads and writes overlap, each bounded by
// its window, and together by the slowest level beyond the scratchpad.
double tile_memory_s(const hw::Hardware& hw, double read_bytes, double write_bytes);

}  // namespace tessera::perf
