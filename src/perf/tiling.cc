// Tile search of the analytical model (001 Sec. 3.3): output tiles square (t x t, clamped to
// the matrix), the reduction depth chosen to fit, all candidates multiples of the array side.
// The choice minimises traffic (then latency); the traffic of a tiling counts re-reads of A once
// per column tile and of B once per row tile, outputs written once (K innermost, partial sums stay
// in the accumulator). Array folds follow each other pipelined (preload hidden, one fill/drain
// per tile) or serially (SCALE-Sim's 2R + C + T - 2 per fold), as hw::FoldSchedule says.
#include <algorithm>
#include <cmath>

#include "tessera/core/error.h"
#include "tessera/perf/analytical.h"

namespace tessera::perf {
namespace {

struct Split {  // a dimension cut into tiles of `tile` (the last one may be smaller)
  int64_t count = 1, tile = 1, last = 1;
};

Split split(int64_t extent, int64_t tile) {
  Split s;
  s.tile = std::min(extent, tile);
  s.count = (extent + s.tile - 1) / s.tile;
  s.last = extent - (s.count - 1) * s.tile;
  return s;
}

// Sum over the tiles of ceil(size / side): PE-array blocks along a dimension.
double blocks(const Split& s, int64_t side) {
  auto b = [&](int64_t x) { return static_cast<double>((x + side - 1) / side); };
  return static_cast<double>(s.count - 1) * b(s.tile) + b(s.last);
}
// Sum over the tiles of max(size, side): cycles streaming along a dimension (a block costs at
// least `side` cycles: the next block's operands are preloaded behind it).
double stream(const Split& s, int64_t side) {
  auto c = [&](int64_t x) { return static_cast<double>(std::max(x, side)); };
  return static_cast<double>(s.count - 1) * c(s.tile) + c(s.last);
}

// Levels beyond the scratchpad (L2, DRAM) carry the tile traffic; the slowest bounds it.
double bus_bandwidth(const hw::Hardware& hw) {
  double bw = hw.dram().bandwidth_bytes_per_s;
  bool beyond = false;
  for (const auto& level : hw.memory) {
    if (beyond) bw = std::min(bw, level.bandwidth_bytes_per_s);
    if (level.name == "scratchpad") beyond = true;
  }
  return bw;
}

}  // namespace

double tile_bandwidth(const hw::Hardware& hw) {
  double bw = bus_bandwidth(hw);
  if (hw.dma && hw.dma->bandwidth_bytes_per_s() > 0)
    bw = std::min(bw, hw.dma->bandwidth_bytes_per_s());
  return bw;
}

double tile_memory_s(const hw::Hardware& hw, double read_bytes, double write_bytes) {
  const double bus_s = (read_bytes + write_bytes) / bus_bandwidth(hw);
  if (!hw.dma || hw.dma->bandwidth_bytes_per_s() <= 0) return bus_s;
  const double window = hw.dma->bandwidth_bytes_per_s();  // per direction
  return std::max({bus_s, read_bytes / window, write_bytes / window});
}

MatmulTiling best_matmul_tiling(const hw::Hardware& hw, int64_t batch, int64_t m, int64_t k,
                                int64_t n, double a_bytes, double b_bytes, double out_bytes,
                                double operand_bytes_per_element) {
  if (!hw.pe_array) throw Error(hw.name + ": the analytical model needs a pe_array");
  const hw::PeArray& pe = *hw.pe_array;
  const int64_t rows = pe.rows, cols = pe.cols;
  const hw::MemoryLevel* scratchpad = hw.find_level("scratchpad");
  const hw::MemoryLevel* accumulator = hw.find_level("accumulator");
  const double sp_bytes = scratchpad ? static_cast<double>(scratchpad->capacity_bytes) : 0;
  const double buffers = scratchpad && scratchpad->double_buffered ? 2.0 : 1.0;
  // Outputs are double-buffered like the operands (001 Sec. 3.3: compute overlaps memory reads
  // *and writes*): each output tile gets half the accumulator, one half draining while the
  // other accumulates, as Gemmini's tiled_matmul_auto sizes its tiles from ACC_ROWS / 2.
  const bool outputs_double_buffered =
      (accumulator && accumulator->double_buffered) || buffers > 1.0;
  const double acc_bytes = accumulator ? static_cast<double>(accumulator->capacity_bytes) /
                                             (outputs_double_buffered ? 2.0 : 1.0)
                                       : 0;
  const double acc_elem = static_cast<double>(model::dtype_bytes(pe.accumulator_dtype));
  const double bw = tile_bandwidth(hw);
  const double fill = pe.fill_drain_cycles >= 0 ? static_cast<double>(pe.fill_drain_cycles)
                                                : static_cast<double>(rows + cols);
  const double out_per_element = out_bytes / static_cast<double>(m * n);
  const int64_t k_padded = (k + rows - 1) / rows * rows;

  MatmulTiling best;
  best.latency_s = -1;
  // Output tiles t x t for every multiple t of the array side (clamped to the matrix); the
  // reduction depth is the deepest multiple of the array side whose operand tiles fit (it does
  // not change the DRAM traffic, only the tile count).
  for (int64_t t = cols;; t += cols) {
    const Split sm = split(m, t), sn = split(n, t);
    const double out_tile = static_cast<double>(sm.tile * sn.tile);
    // The square tile is the hardware's (001 Sec. 3.3 "square tiling"): t x t must fit even
    // where the matrix clamps it, so a short-and-wide output is cut into t-wide column tiles.
    bool fits_acc = accumulator ? static_cast<double>(t * t) * acc_elem <= acc_bytes : true;
    if (!fits_acc && t > cols) break;  // larger output tiles fit even less
    double per_k = static_cast<double>(sm.tile + sn.tile) * operand_bytes_per_element * buffers;
    double fixed = accumulator ? 0.0 : out_tile * acc_elem;  // partial sums in the scratchpad
    int64_t tk = sp_bytes > fixed ? static_cast<int64_t>((sp_bytes - fixed) / per_k) : 0;
    tk = std::min(k_padded, tk / rows * rows);
    if (tk < rows) {
      if (t > cols) break;
      tk = rows;  // the smallest tile runs whatever the scratchpad holds
    }
    const Split sk = split(k, tk);
    // Folds: the array's rows x cols blocks of the stationary operand (of the outputs for OS),
    // each streaming the third dimension; `along` is that dimension's split.
    double folds_per_stream_tile = 0;
    const Split* along = &sm;
    switch (pe.dataflow) {
      case hw::Dataflow::WeightStationary:
        folds_per_stream_tile = blocks(sk, rows) * blocks(sn, cols);
        along = &sm;
        break;
      case hw::Dataflow::OutputStationary:
        folds_per_stream_tile = blocks(sm, rows) * blocks(sn, cols);
        along = &sk;
        break;
      case hw::Dataflow::InputStationary:
        folds_per_stream_tile = blocks(sk, rows) * blocks(sm, cols);
        along = &sn;
        break;
    }
    const double tiles = static_cast<double>(sm.count * sn.count * sk.count);
    const double folds = folds_per_stream_tile * static_cast<double>(along->count);
    const double extent = static_cast<double>((along->count - 1) * along->tile + along->last);
    const double streamed = folds_per_stream_tile * extent;
    double cycles = 0;
    if (pe.fold_schedule == hw::FoldSchedule::Serial) {
      // Every fold drains before the next: stationary preload (none for OS) plus the skew.
      const double preload = pe.dataflow == hw::Dataflow::OutputStationary ? 0.0 : rows;
      cycles = streamed + folds * (preload + static_cast<double>(rows + cols - 2));
    } else {
      cycles = folds_per_stream_tile * stream(*along, rows) + tiles * fill;
    }
    cycles *= static_cast<double>(batch);
    const double traffic =
        static_cast<double>(batch) * (a_bytes * static_cast<double>(sn.count) +
                                      b_bytes * static_cast<double>(sm.count) + out_bytes);
    const double overhead =
        (static_cast<double>(sm.tile * sk.tile + sk.tile * sn.tile) * operand_bytes_per_element +
         out_tile * out_per_element) /
            bw +
        hw.dram().latency_s;
    const double out_traffic = static_cast<double>(batch) * out_bytes;
    const double latency =
        std::max(cycles / hw.clock_hz, tile_memory_s(hw, traffic - out_traffic, out_traffic)) +
        overhead;
    // Largest tiles that fit (least traffic, 001 Sec. 3.3 "square tiles"); among equal
    // traffic the fastest (fewer tiles, less pipeline latency).
    bool better = best.latency_s < 0 || traffic < best.traffic_bytes * (1 - 1e-12) ||
                  (traffic <= best.traffic_bytes * (1 + 1e-12) && latency < best.latency_s);
    if (better)
      best = {sm.tile,
              sk.tile,
              sn.tile,
              cycles,
              folds * static_cast<double>(batch),
              streamed * static_cast<double>(batch),
              traffic,
              overhead,
              latency};
    if (sm.count == 1 && sn.count == 1) break;
  }
  return best;
}

}  // namespace tessera::perf
