#include "tessera/map/nest_analysis.h"

#include <algorithm>
#include <cmath>

#include "tessera/core/checked_math.h"

namespace tessera::map {

std::string_view validity_name(Validity v) {
  switch (v) {
    case Validity::Valid:
      return "valid";
    case Validity::OverCapacity:
      return "over capacity";
    case Validity::OverArray:
      return "over the PE array";
    case Validity::BadFactors:
      return "bad factors or bypass";
  }
  return "?";
}

namespace {

// Per-mapping tables built once, so every reuse count below is a few multiplications.
// Position p: 0 = the MACs, l + 1 = storage level l; tile[p][d] is what one instance there holds.
struct Nest {
  int num_dims = 0, num_levels = 0, spatial_level = 0;
  std::array<int64_t, kMaxDims> bound{};
  std::array<int64_t, kMaxDims> spatial{};  // x * y per dim
  std::array<std::array<int64_t, kMaxDims>, kMaxLevels + 1> tile{};
  // Non-unit temporal loops of every level, inner→outer, flattened by level.
  std::array<uint8_t, kMaxLevels * kMaxDims> loop_dim{};
  std::array<int64_t, kMaxLevels * kMaxDims> loop_factor{};
  // Extent of the loop's dim below it (spatial fan-out included): one iteration moves the
  // tiles underneath by this much.
  std::array<int64_t, kMaxLevels * kMaxDims> loop_step{};
  std::array<int, kMaxLevels + 1> level_begin{};  // loops of level l: [begin[l], begin[l+1])
};

void build_nest(const LoopProblem& problem, const MapArch& arch, const Mapping& m, Nest& n) {
  n.num_dims = problem.num_dims;
  n.num_levels = arch.num_levels;
  n.spatial_level = arch.spatial_level;
  n.bound = problem.bound;
  for (int d = 0; d < kMaxDims; ++d) {
    n.spatial[d] = d < problem.num_dims ? m.spatial_x[d] * m.spatial_y[d] : 1;
    n.tile[0][d] = 1;
  }
  int count = 0;
  for (int l = 0; l < arch.num_levels; ++l) {
    n.level_begin[l] = count;
    for (int d = 0; d < kMaxDims; ++d) {
      int64_t t = n.tile[l][d] * (d < problem.num_dims ? m.temporal[l][d] : 1);
      if (l == arch.spatial_level) t *= n.spatial[d];
      n.tile[l + 1][d] = t;
    }
    for (int i = 0; i < problem.num_dims; ++i) {
      int d = m.order[l][i];
      if (m.temporal[l][d] > 1) {
        n.loop_dim[count] = static_cast<uint8_t>(d);
        n.loop_factor[count] = m.temporal[l][d];
        n.loop_step[count] = n.tile[l][d] * (l == arch.spatial_level ? n.spatial[d] : 1);
        ++count;
      }
    }
  }
  n.level_begin[arch.num_levels] = count;
}

struct Fills {
  int64_t fills = 0;     // elements written into every instance at position p
  int64_t distinct = 0;  // elements read from the parent (spatial multicast / reduction folded)
};

// Input elements one instance at position `pos` fetches when consecutive tiles of a
// convolution's sliding window overlap: a fill brings only the part of the new tile the previous
// one did not hold. Every increment of loop i above `pos` moves the tile by i's step along its
// dimension. As Timeloop counts it (reference outputs of Accelergy-Project/
// timeloop-accelergy-exercises, exercises/timeloop/01, 03, 04 at 27850fc), the overlap is kept
// only when no loop inside i that the inputs depend on rewinds at that increment; a rewound
// tile is fetched whole even where it overlaps the last one. With exact tiles (factors multiply
// to the bounds) all increments of loop i move the tile alike. Without windows this equals the
// refetch count of count_fills (a step along a dimension moves the tile past its extent).
int64_t sliding_window_fills(const LoopProblem& problem, const Nest& n, int pos) {
  const std::array<int64_t, kMaxDims>& tile = n.tile[pos];
  const int begin = n.level_begin[pos], end = n.level_begin[n.num_levels];
  std::array<int64_t, kMaxLevels * kMaxDims + 1> outer_iterations;  // product of loops > i
  outer_iterations[end - begin] = 1;
  for (int i = end - 1; i >= begin; --i)
    outer_iterations[i - begin] = outer_iterations[i - begin + 1] * n.loop_factor[i];
  uint32_t window_dims = 0;
  std::array<int64_t, 2> window_extent{};
  for (int w = 0; w < problem.num_windows; ++w) {
    const Window& win = problem.windows[w];
    window_dims |= (1u << win.out_dim) | (1u << win.kernel_dim);
    window_extent[w] =
        (tile[win.out_dim] - 1) * win.stride + (tile[win.kernel_dim] - 1) * win.dilation + 1;
  }
  const int64_t box = problem.footprint(kInputs, tile);
  int64_t fills = box;
  bool rewinds = false;  // a loop inside the current one moves the inputs
  for (int i = begin; i < end; ++i) {
    const int d = n.loop_dim[i];
    const int64_t events = (n.loop_factor[i] - 1) * outer_iterations[i - begin + 1];
    const bool relevant = problem.is_relevant(kInputs, d);
    int64_t kept = 0;
    if (!rewinds) {
      kept = box;
      for (int w = 0; w < problem.num_windows; ++w) {
        const Window& win = problem.windows[w];
        int64_t shift = d == win.out_dim      ? n.loop_step[i] * win.stride
                        : d == win.kernel_dim ? n.loop_step[i] * win.dilation
                                              : 0;
        kept = kept / window_extent[w] * std::max<int64_t>(0, window_extent[w] - shift);
      }
      // A step along any other dimension the inputs depend on moves the tile past its extent.
      if (relevant && !((window_dims >> d) & 1u)) kept = 0;
    }
    fills += events * (box - kept);
    rewinds = rewinds || relevant;
  }
  return fills;
}

// Every loop's iterations all do work: the factors of each dimension multiply to its bound (no
// partial tile, no outer factor larger than the remainder needs).
bool exact_tiles(const Nest& n) {
  for (int d = 0; d < n.num_dims; ++d)
    if (n.tile[n.num_levels][d] != n.bound[d]) return false;
  return true;
}

// Elements of `tensor` moved into position `pos` over the whole run. A tile stays resident while
// the loops directly above it iterate over dimensions it does not depend on (temporal reuse);
// every other loop above refetches it. Summed over tiles, a relevant dimension contributes its
// full bound (partial tiles included) and a sliding window contributes the exact halo sum.
// `parent` is the level the fills come from: multicast and spatial reduction fold the parent's
// side only when the array's fan-out lies between it and `pos`.
Fills count_fills(const LoopProblem& problem, const Nest& n, int pos, int parent, int tensor,
                  bool reuse) {
  std::array<int64_t, kMaxDims> skipped;
  skipped.fill(1);
  if (reuse) {
    for (int i = n.level_begin[pos]; i < n.level_begin[n.num_levels]; ++i) {
      int d = n.loop_dim[i];
      if (problem.is_relevant(tensor, d)) break;
      skipped[d] *= n.loop_factor[i];
    }
  }
  const bool replicated = n.spatial_level >= pos;
  const bool spatial_above = replicated && n.spatial_level <= parent;
  if (reuse && tensor == kInputs && problem.num_windows > 0 && exact_tiles(n)) {
    int64_t per_instance = sliding_window_fills(problem, n, pos);
    int64_t instances = 1, distinct_instances = 1;
    for (int d = 0; d < n.num_dims && replicated; ++d) {
      instances *= n.spatial[d];
      if (problem.is_relevant(tensor, d) || !spatial_above) distinct_instances *= n.spatial[d];
    }
    return {per_instance * instances, per_instance * distinct_instances};
  }

  int64_t fills = 1, distinct = 1;
  uint32_t window_dims = 0;
  if (tensor == kInputs) {
    for (int w = 0; w < problem.num_windows; ++w) {
      const Window& win = problem.windows[w];
      int64_t dp = n.bound[win.out_dim], dr = n.bound[win.kernel_dim];
      int64_t np = ceil_div(dp, std::min(n.tile[pos][win.out_dim], dp));
      int64_t nr = ceil_div(dr, std::min(n.tile[pos][win.kernel_dim], dr));
      int64_t halo = nr * win.stride * (dp - np) + np * win.dilation * (dr - nr) + np * nr;
      fills *= halo;
      distinct *= halo;
      window_dims |= (1u << win.out_dim) | (1u << win.kernel_dim);
    }
  }
  for (int d = 0; d < n.num_dims; ++d) {
    if ((window_dims >> d) & 1u) continue;
    if (problem.is_relevant(tensor, d)) {
      fills *= n.bound[d];
      distinct *= n.bound[d];
      continue;
    }
    int64_t reused = n.tile[pos][d] * skipped[d];
    fills *= ceil_div(n.bound[d], std::min(reused, n.bound[d]));
    int64_t folded = spatial_above ? reused * n.spatial[d] : reused;
    distinct *= ceil_div(n.bound[d], std::min(folded, n.bound[d]));
  }
  return {fills, distinct};
}

// Output elements one level's instances start from zero: the tensor once, times the spatial
// copies of each partial sum when the level sits below a fan-out that reduces over them.
int64_t first_touches(const LoopProblem& problem, const Nest& n, int level) {
  int64_t copies = 1;
  for (int d = 0; d < n.num_dims && level < n.spatial_level; ++d)
    if (!problem.is_relevant(kOutputs, d)) copies *= n.spatial[d];
  return problem.tensor_size(kOutputs) * copies;
}

// Array steps along one dimension, partial tiles included: loops inner→outer are the temporal
// loops of levels below the fan-out, the spatial loop, then the temporal loops above it.
struct DimSteps {
  double total = 0, per_pass = 1;
};

DimSteps dim_steps(const MapArch& arch, const Mapping& m, int d, int64_t bound) {
  std::array<int64_t, kMaxLevels + 1> factor{}, inner{};
  std::array<bool, kMaxLevels + 1> spatial{};
  std::array<double, kMaxLevels + 1> full{};
  int loops = 0;
  for (int l = 0; l < arch.num_levels; ++l) {
    if (l == arch.spatial_level) {
      factor[loops] = m.spatial_x[d] * m.spatial_y[d];
      spatial[loops++] = true;
    }
    factor[loops] = m.temporal[l][d];
    spatial[loops++] = false;
  }
  int64_t tile = 1;
  double steps = 1;  // steps of one full tile below loop i
  DimSteps out;
  for (int i = 0; i < loops; ++i) {
    inner[i] = tile;
    full[i] = steps;
    if (spatial[i]) out.per_pass = steps;
    tile *= factor[i];
    if (!spatial[i]) steps *= static_cast<double>(factor[i]);
  }
  int64_t e = std::min(bound, tile);
  for (int i = loops - 1; i >= 0 && e > 0; --i) {
    if (spatial[i]) {
      if (e >= inner[i]) {
        out.total += full[i];
        return out;
      }
      continue;
    }
    out.total += static_cast<double>(e / inner[i]) * full[i];
    e %= inner[i];
  }
  return out;
}

int64_t tensor_bytes(const MapArch& arch, int tensor) {
  return tensor == kOutputs ? arch.accumulator_bytes : arch.operand_bytes;
}

}  // namespace

Validity check_mapping(const LoopProblem& problem, const MapArch& arch, const Mapping& m,
                       int* failing_level) {
  int64_t sx = 1, sy = 1;
  for (int d = 0; d < problem.num_dims; ++d) {
    int64_t covered = m.spatial_x[d] * m.spatial_y[d];
    if (m.spatial_x[d] < 1 || m.spatial_y[d] < 1) return Validity::BadFactors;
    for (int l = 0; l < arch.num_levels; ++l) {
      if (m.temporal[l][d] < 1) return Validity::BadFactors;
      covered = covered > problem.bound[d] ? covered : covered * m.temporal[l][d];
    }
    if (covered < problem.bound[d]) return Validity::BadFactors;
    sx *= m.spatial_x[d];
    sy *= m.spatial_y[d];
  }
  if (sx > arch.array_cols || sy > arch.array_rows) return Validity::OverArray;
  std::array<int64_t, kMaxDims> tile;
  tile.fill(1);
  for (int l = 0; l < arch.num_levels; ++l) {
    if ((m.keep[l] & ~arch.levels[l].may_hold) != 0) {
      if (failing_level) *failing_level = l;
      return Validity::BadFactors;
    }
    for (int d = 0; d < problem.num_dims; ++d) {
      tile[d] *= m.temporal[l][d];
      if (l == arch.spatial_level) tile[d] *= m.spatial_x[d] * m.spatial_y[d];
    }
    const ArchLevel& level = arch.levels[l];
    if (level.capacity_bytes <= 0) continue;
    int64_t bytes = 0;
    for (int t = 0; t < kTensors; ++t)
      if (m.keeps(l, t)) bytes += problem.footprint(t, tile) * tensor_bytes(arch, t);
    if (level.double_buffered) bytes *= 2;
    if (bytes > level.capacity_bytes) {
      if (failing_level) *failing_level = l;
      return Validity::OverCapacity;
    }
  }
  return Validity::Valid;
}

int64_t level_footprint_bytes(const LoopProblem& problem, const MapArch& arch, const Mapping& m,
                              int level) {
  std::array<int64_t, kMaxDims> tile;
  tile.fill(1);
  for (int l = 0; l <= level; ++l)
    for (int d = 0; d < problem.num_dims; ++d) {
      tile[d] *= m.temporal[l][d];
      if (l == arch.spatial_level) tile[d] *= m.spatial_x[d] * m.spatial_y[d];
    }
  int64_t bytes = 0;
  for (int t = 0; t < kTensors; ++t)
    if (m.keeps(level, t)) bytes += problem.footprint(t, tile) * tensor_bytes(arch, t);
  return arch.levels[level].double_buffered ? 2 * bytes : bytes;
}

void analyze_nest(const LoopProblem& problem, const MapArch& arch, const Mapping& m,
                  NestResult& r) {
  r = NestResult{};
  r.macs = problem.macs;
  r.validity = check_mapping(problem, arch, m, &r.failing_level);
  if (!r.valid()) return;
  Nest n;
  build_nest(problem, arch, m, n);
  const int top = arch.num_levels - 1;
  for (int t = 0; t < kTensors; ++t) {
    int prev = -1;
    for (int l = 0; l < arch.num_levels; ++l) {
      if (l != top && !m.keeps(l, t)) continue;
      // The MACs fetch every operand (no latch); storage levels keep tiles across reuse loops.
      Fills f = count_fills(problem, n, prev + 1, l, t, prev >= 0);
      if (prev >= 0) r.fills[prev][t] = f.fills;
      if (t != kOutputs) {
        r.reads[l][t] += f.distinct;
        if (prev >= 0) r.writes[prev][t] += f.fills;
      } else {
        // The first update of each partial sum in each instance starts from zero (no read):
        // below the fan-out, every PE a spatial reduction spans starts its own copy.
        r.writes[l][t] += f.distinct;
        r.updates[l] += f.distinct;
        r.reads[l][t] += std::max<int64_t>(0, f.distinct - first_touches(problem, n, l));
        if (prev >= 0) {
          r.reads[prev][t] += f.fills;
          r.writes[prev][t] += std::max<int64_t>(0, f.fills - first_touches(problem, n, prev));
        }
      }
      prev = l;
    }
  }
  // Compute: array steps per dimension multiply (the iteration space is a grid).
  double steps = 1, passes = 1;
  for (int d = 0; d < problem.num_dims; ++d) {
    DimSteps s = dim_steps(arch, m, d, problem.bound[d]);
    steps *= s.total;
    passes *= std::max(1.0, std::ceil(s.total / s.per_pass));
  }
  // Each pass of the array loads the stationary operand (array_rows cycles to shift it in).
  // With double-buffered PE registers the next load hides behind a pass that streams at least
  // that long, and the wavefront fills and drains once; otherwise every pass pays it.
  const bool has_array = arch.array_rows * arch.array_cols > 1;
  const bool hidden =
      !arch.serial_folds && arch.spatial_level > 0 && arch.levels[0].double_buffered;
  r.compute_cycles =
      has_array && hidden ? std::max(steps, passes * static_cast<double>(arch.array_rows)) : steps;
  r.overhead_cycles = !has_array ? 0.0
                      : hidden   ? static_cast<double>(arch.fill_drain_cycles)
                                 : passes * static_cast<double>(arch.fill_drain_cycles);
  double slowest = r.compute_cycles;
  int first_output_level = top;
  for (int l = top; l >= 0; --l)
    if (m.keeps(l, kOutputs)) first_output_level = l;
  std::array<int64_t, kMaxDims> tile;
  tile.fill(1);
  for (int l = 0; l < arch.num_levels; ++l) {
    const ArchLevel& level = arch.levels[l];
    double read_bytes = 0, write_bytes = 0;
    for (int t = 0; t < kTensors; ++t) {
      double bytes = static_cast<double>(tensor_bytes(arch, t));
      double reads = static_cast<double>(r.reads[l][t]),
             writes = static_cast<double>(r.writes[l][t]);
      if (t == kOutputs && l > first_output_level) {
        // Above the level that accumulates, final outputs travel quantised; only spilled
        // partial sums keep the accumulator's width.
        double size = static_cast<double>(problem.tensor_size(t));
        double quantised = static_cast<double>(arch.final_output_bytes);
        double final_reads = std::min(reads, l == top ? 0.0 : size);
        read_bytes += final_reads * quantised + (reads - final_reads) * bytes;
        write_bytes += std::min(writes, size) * quantised + std::max(0.0, writes - size) * bytes;
      } else {
        read_bytes += reads * bytes;
        write_bytes += writes * bytes;
      }
    }
    r.level_energy_pj[l] =
        read_bytes * level.read_pj_per_byte + write_bytes * level.write_pj_per_byte;
    r.energy_pj += r.level_energy_pj[l];
    if (l >= arch.spatial_level && level.bytes_per_cycle > 0) {
      r.level_cycles[l] = (read_bytes + write_bytes) / level.bytes_per_cycle;
      slowest = std::max(slowest, r.level_cycles[l]);
    }
    for (int d = 0; d < problem.num_dims; ++d) {
      tile[d] *= m.temporal[l][d];
      if (l == arch.spatial_level) tile[d] *= m.spatial_x[d] * m.spatial_y[d];
    }
    int64_t bytes = 0;
    for (int t = 0; t < kTensors; ++t)
      if (m.keeps(l, t)) bytes += problem.footprint(t, tile) * tensor_bytes(arch, t);
    r.footprint_bytes[l] = level.double_buffered ? 2 * bytes : bytes;
  }
  r.mac_energy_pj = static_cast<double>(problem.macs) * arch.mac_pj;
  r.energy_pj += r.mac_energy_pj;
  r.cycles = slowest + r.overhead_cycles;
  r.latency_s = r.cycles / arch.clock_hz;
  r.utilization = static_cast<double>(problem.macs) /
                  (r.cycles * static_cast<double>(arch.array_rows * arch.array_cols));
}

NestResult analyze_nest(const LoopProblem& problem, const MapArch& arch, const Mapping& m) {
  NestResult r;
  analyze_nest(problem, arch, m, r);
  return r;
}

}  // namespace tessera::map
