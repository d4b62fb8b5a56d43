#include "tessera/map/fusion.h"

#include <fmt/format.h>

#include <cmath>

#include "tessera/core/checked_math.h"
#include "tessera/core/error.h"
#include "tessera/map/reference_hardware.h"

namespace tessera::map {

namespace {

// I-BERT's integer Softmax and LayerNorm each take three passes over a row on the unit:
// Softmax max / exp-and-sum / normalise; LayerNorm mean / variance / normalise (001 Sec. 3.4.4).
constexpr double kPassesPerRow = 3;

// Cycles per element on the unit: its passes over the row (the spec's, else kPassesPerRow)
// divided by its lanes.
double unit_cycles_per_element(const hw::Hardware& hw, model::OpKind kind) {
  for (const auto& u : hw.special_units)
    for (model::OpKind k : u.ops)
      if (k == kind) {
        auto it = u.passes.find(kind);
        double passes = it != u.passes.end() ? it->second : kPassesPerRow;
        return passes / u.elements_per_cycle;
      }
  throw Error(fmt::format("fusion study: {} has no special-function unit for {}", hw.name,
                          model::op_kind_name(kind)));
}

// 001 Sec. 5.5.2 holds the scratchpad at 256 kB and sweeps the accumulator.
hw::Hardware with_buffers(const hw::Hardware& base, int64_t accumulator_bytes) {
  hw::Hardware h = base;
  bool found = false;
  for (auto& level : h.memory) {
    if (level.name == "accumulator") {
      level.capacity_bytes = accumulator_bytes;
      found = true;
    }
    if (level.name == "scratchpad") level.capacity_bytes = 256 * 1024;
  }
  if (!found) throw Error("fusion study: " + base.name + " has no level named 'accumulator'");
  return h;
}

int find_level(const MapArch& arch, const char* name) {
  for (int l = 0; l < arch.num_levels; ++l)
    if (arch.levels[l].name == name) return l;
  return -1;
}

// Gemmini's own tile choice, tiled_matmul_auto in gemmini.h (the I-BERT version the survey ran,
// WS, double-buffered: half the scratchpad and half the accumulator per tile), in units of
// DIM×DIM blocks. Plain matmuls start from the square output tile the accumulator half allows
// (I = J = √(acc blocks)) and the K the scratchpad partition allows; a matmul feeding LayerNorm
// or Softmax (act = LAYERNORM/SOFTMAX) starts from I = 1, J = the whole row, K = 1. Then, round
// robin, J, I and K each grow by one block while (I·K + K·J)·DIM scratchpad rows (and I·J·DIM
// accumulator rows for I and J) fit. The outer loops run i0, j0, k0 (k innermost): partial sums
// stay in the accumulator across K tiles, and A and B tiles are re-fetched per tile. Returns
// false when not even one DIM-row block of whole rows fits (the caller then takes sub-DIM row
// tiles).
bool gemmini_auto_tiling(const LoopProblem& p, const MapArch& arch, bool whole_rows, Mapping& m) {
  const int acc = find_level(arch, "accumulator"), spad = find_level(arch, "scratchpad");
  const int dm = p.dim_index("M"), dn = p.dim_index("N"), dk = p.dim_index("K");
  if (acc < 0 || spad < 0 || dm < 0 || arch.array_rows != arch.array_cols) return false;
  const int64_t dim = arch.array_rows;
  const int64_t bytes_per_spad_row = dim * arch.operand_bytes;
  const int64_t bytes_per_acc_row = dim * arch.accumulator_bytes;
  const int64_t spad_rows = arch.levels[spad].capacity_bytes / bytes_per_spad_row / 2;
  const int64_t acc_rows = arch.levels[acc].capacity_bytes / bytes_per_acc_row / 2;
  const int64_t max_i = ceil_div(p.bound[dm], dim), max_j = ceil_div(p.bound[dn], dim),
                max_k = ceil_div(p.bound[dk], dim);
  auto spad_used = [&](int64_t i, int64_t j, int64_t k) { return (i * k + k * j) * dim; };
  auto acc_used = [&](int64_t i, int64_t j) { return i * j * dim; };
  int64_t ti = 1, tj = max_j, tk = 1;
  if (!whole_rows) {
    // db_max_tile_i_j = √(accumulator-half blocks); db_max_tile_k = scratchpad-partition blocks
    // (A and B each get half of the scratchpad half) / db_max_tile_i_j.
    const int64_t max_ij = static_cast<int64_t>(std::sqrt(static_cast<double>(acc_rows / dim)));
    const int64_t max_tk = spad_rows / 2 / dim / std::max<int64_t>(1, max_ij);
    ti = std::min(max_i, max_ij);
    tj = std::min(max_j, max_ij);
    tk = std::min(max_k, max_tk);
    if (ti < 1 || tj < 1 || tk < 1) return false;
  }
  if (spad_used(ti, tj, tk) > spad_rows || acc_used(ti, tj) > acc_rows) return false;
  for (bool grew = true; grew;) {
    grew = false;
    if (tj < max_j && spad_used(ti, tj + 1, tk) <= spad_rows && acc_used(ti, tj + 1) <= acc_rows)
      ++tj, grew = true;
    if (ti < max_i && spad_used(ti + 1, tj, tk) <= spad_rows && acc_used(ti + 1, tj) <= acc_rows)
      ++ti, grew = true;
    if (tk < max_k && spad_used(ti, tj, tk + 1) <= spad_rows) ++tk, grew = true;
  }
  // Onto tessera's levels: N and K blocks loop at the accumulator (the array's block), the
  // I·DIM rows of A stream through the PEs under each stationary weight block.
  // (`m` comes from heuristic_mapping: keeps, fan-out and loop orders stay; M's local level is
  // where the dataflow lets it iterate, the PE registers for WS.)
  int m_level = arch.spatial_level;
  for (int l = arch.spatial_level; l >= 0; --l)
    if (m.temporal[l][dm] > 1) m_level = l;
  for (int l = 0; l < arch.num_levels; ++l)
    m.temporal[l][dm] = m.temporal[l][dn] = m.temporal[l][dk] = 1;
  m.temporal[m_level][dm] =
      std::min(p.bound[dm], ti * dim) / std::max<int64_t>(1, m.spatial_x[dm] * m.spatial_y[dm]);
  m.temporal[arch.spatial_level][dn] =
      ceil_div(std::min(p.bound[dn], tj * dim), m.spatial_x[dn] * m.spatial_y[dn]);
  m.temporal[arch.spatial_level][dk] =
      ceil_div(std::min(p.bound[dk], tk * dim), m.spatial_x[dk] * m.spatial_y[dk]);
  complete_outer_factors(p, arch, m);
  return check_mapping(p, arch, m) == Validity::Valid;
}

ScheduleCost schedule(const FusionPair& pair, const hw::Hardware& hw, bool fused) {
  ScheduleCost s;
  MapArch arch = make_arch(hw);
  // Non-fused: the int32 scores leave for DRAM wide, to be read back by the unit.
  if (!fused) arch.final_output_bytes = arch.accumulator_bytes;
  // Gemmini double-buffers its WS tiles (tiled_matmul_auto: half the accumulator, half the
  // scratchpad per tile). Fused, that is also what lets the unit normalise the finished rows of
  // one output tile while the array accumulates the next.
  for (int l = 0; l < arch.num_levels; ++l)
    if (arch.levels[l].name == "accumulator") arch.levels[l].double_buffered = true;
  const LoopProblem& p = pair.matmul;
  MapConstraints c = default_constraints(p, arch);
  const int row_dim = p.dim_index("N"), m_dim = p.dim_index("M");
  uint32_t pinned = fused ? (1u << row_dim) : 0u;
  Mapping m = heuristic_mapping(p, arch, c, pinned);
  // Gemmini's own tile sizes where whole DIM-row blocks fit; tessera's generalised heuristic
  // (sub-DIM row tiles, weights streamed from L2) otherwise.
  Mapping gemmini = m;
  if (gemmini_auto_tiling(p, arch, fused, gemmini)) m = gemmini;
  NestResult r = analyze_nest(p, arch, m);
  if (!r.valid() && fused) {
    // Rows too long to keep the weights' row panel on chip: stream weights from L2 instead.
    for (int l = arch.spatial_level + 1; l < arch.num_levels - 1; ++l) {
      if ((arch.levels[l].may_hold & 0b111) == 0b111)
        c.keep_forced[l] |= 1u << kWeights;
      else
        c.bypass_forced[l] |= static_cast<uint8_t>(1u << kWeights) & arch.levels[l].may_hold;
    }
    m = heuristic_mapping(p, arch, c, pinned);
    r = analyze_nest(p, arch, m);
  }
  s.mapping = m;
  s.loop_nest = format_loop_nest(p, arch, m);
  if (!r.valid()) {
    s.feasible = false;
    return s;
  }
  s.matmul_cycles = r.cycles;
  s.matmul_dram_cycles = r.level_cycles[arch.num_levels - 1];
  const double per_element = unit_cycles_per_element(hw, pair.nonlinear);
  const double elements = static_cast<double>(pair.rows * pair.row_length);
  const double unit_cycles = per_element * elements;
  if (!fused) {
    const ArchLevel& dram = arch.levels[arch.num_levels - 1];
    double bytes = elements * static_cast<double>(arch.accumulator_bytes + arch.operand_bytes);
    s.nonlinear_cycles =
        std::max(unit_cycles, dram.bytes_per_cycle > 0 ? bytes / dram.bytes_per_cycle : 0);
    s.total_cycles = s.matmul_cycles + s.nonlinear_cycles;
    return s;
  }
  // Fused: rows are normalised while the array works on the next tile; only the unit's excess
  // over the matmul and the last tile's rows stay exposed.
  int64_t tile_rows = m.spatial_x[m_dim] * m.spatial_y[m_dim];
  for (int l = 0; l <= arch.spatial_level; ++l) tile_rows *= m.temporal[l][m_dim];
  double tail =
      per_element * static_cast<double>(std::min(tile_rows, p.bound[m_dim]) * pair.row_length);
  s.total_cycles = std::max(s.matmul_cycles, unit_cycles) + tail;
  s.nonlinear_cycles = s.total_cycles - s.matmul_cycles;
  return s;
}

}  // namespace

std::vector<FusionPair> bert_base_fusion_pairs(int64_t seq) {
  const int64_t d = 768, heads = 12, ffn = 3072;
  std::vector<FusionPair> pairs;
  pairs.push_back({"MHA QxK + Softmax", matmul_problem({heads, seq, d / heads, seq, false}),
                   model::OpKind::Softmax, heads * seq, seq});
  pairs.push_back({"MHA W_out + LayerNorm", matmul_problem({1, seq, d, d, true}),
                   model::OpKind::LayerNorm, seq, d});
  pairs.push_back({"FFN W2 + LayerNorm", matmul_problem({1, seq, ffn, d, true}),
                   model::OpKind::LayerNorm, seq, d});
  return pairs;
}

FusionCase evaluate_fusion(const FusionPair& pair, const hw::Hardware& hw) {
  FusionCase c;
  c.pair = pair.name;
  c.non_fused = schedule(pair, hw, false);
  c.fused = schedule(pair, hw, true);
  if (!c.non_fused.feasible)
    throw Error(fmt::format("fusion study: no non-fused mapping of {} on {}", pair.name, hw.name));
  return c;
}

std::vector<FusionCase> fusion_study(const hw::Hardware& base) {
  std::vector<FusionCase> cases;
  for (int64_t seq : {512, 4096})
    for (int64_t acc_kb : {128, 256})
      for (const FusionPair& pair : bert_base_fusion_pairs(seq)) {
        FusionCase c = evaluate_fusion(pair, with_buffers(base, acc_kb * 1024));
        c.seq = seq;
        c.accumulator_bytes = acc_kb * 1024;
        cases.push_back(std::move(c));
      }
  return cases;
}

namespace {

// What 001 reports for the case (Sec. 5.5.2, Figs. 21-22), or "" where it reports nothing.
std::string paper_note(const FusionCase& c) {
  const bool acc256 = c.accumulator_bytes == 256 * 1024;
  if (c.pair.rfind("MHA QxK", 0) == 0) {
    if (c.seq == 512) return "helps (hides Softmax, ~78% of pair cycles)";
    if (acc256) return "helps 22%";
  }
  if (c.pair.rfind("MHA W_out", 0) == 0 && c.seq == 512)
    return acc256 ? "helps slightly (-4% vs 128 KB)" : "hurts (matmul 83% slower)";
  if (c.pair.rfind("FFN W2", 0) == 0 && acc256) return "hurts 27%";
  return "";
}

}  // namespace

nlohmann::json fusion_study_json(const std::vector<FusionCase>& cases) {
  nlohmann::json out = nlohmann::json::array();
  for (const FusionCase& c : cases) {
    auto cost = [](const ScheduleCost& s) {
      return nlohmann::json{{"feasible", s.feasible},
                            {"matmul_cycles", s.matmul_cycles},
                            {"nonlinear_exposed_cycles", s.nonlinear_cycles},
                            {"total_cycles", s.total_cycles},
                            {"matmul_dram_cycles", s.matmul_dram_cycles},
                            {"loop_nest", s.loop_nest}};
    };
    out.push_back({{"pair", c.pair},
                   {"seq", c.seq},
                   {"accumulator_kb", c.accumulator_bytes / 1024},
                   {"non_fused", cost(c.non_fused)},
                   {"fused", cost(c.fused)},
                   {"improvement", c.fused.feasible ? c.improvement() : 0.0},
                   {"paper", paper_note(c)}});
  }
  return out;
}

std::string fusion_study_table(const std::vector<FusionCase>& cases) {
  std::string out = fmt::format("{:<24} {:>5} {:>6} {:>12} {:>12} {:>12} {:>12} {:>9}  {}\n",
                                "pair", "seq", "acc_kB", "nf_matmul", "nf_total", "f_matmul",
                                "f_total", "fused", "paper (001 Figs. 21-22)");
  for (const FusionCase& c : cases) {
    std::string change =
        c.fused.feasible ? fmt::format("{:+.0f}%", -100 * c.improvement()) : std::string("n/a");
    out += fmt::format("{:<24} {:>5} {:>6} {:>12.0f} {:>12.0f} {:>12.0f} {:>12.0f} {:>9}  {}\n",
                       c.pair, c.seq, c.accumulator_bytes / 1024, c.non_fused.matmul_cycles,
                       c.non_fused.total_cycles, c.fused.matmul_cycles, c.fused.total_cycles,
                       change, paper_note(c));
  }
  out += "fused: change of the pair's latency with fusion-optimised scheduling (- = faster)\n";
  return out;
}

}  // namespace tessera::map
