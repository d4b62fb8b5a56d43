#include "tessera/map/map_space.h"

#include <fmt/format.h>

#include <cmath>

#include "tessera/core/checked_math.h"
#include "tessera/core/error.h"

namespace tessera::map {

void nth_permutation(uint64_t index, uint8_t* items, int k) {
  // Lehmer code: digit i picks among the k - i items not yet placed.
  for (int i = 0; i < k - 1; ++i) {
    uint64_t radix = static_cast<uint64_t>(k - i);
    int pick = static_cast<int>(index % radix);
    index /= radix;
    uint8_t chosen = items[i + pick];
    for (int j = i + pick; j > i; --j) items[j] = items[j - 1];
    items[i] = chosen;
  }
}

namespace {

constexpr size_t kMaxFactorizations = 4'000'000;
constexpr int kSlotX = kMaxLevels, kSlotY = kMaxLevels + 1;

uint64_t factorial(int k) {
  uint64_t f = 1;
  for (int i = 2; i <= k; ++i) f *= static_cast<uint64_t>(i);
  return f;
}

std::vector<int64_t> divisors(int64_t n) {
  std::vector<int64_t> small, large;
  for (int64_t i = 1; i * i <= n; ++i) {
    if (n % i) continue;
    small.push_back(i);
    if (i != n / i) large.push_back(n / i);
  }
  small.insert(small.end(), large.rbegin(), large.rend());
  return small;
}

// Divisor chains over `slots`; the outermost level takes what is left (ceil when a fixed factor
// does not divide).
void enumerate(const std::vector<int>& slot_ids, size_t i, int64_t remaining, int64_t sx,
               int64_t sy, const MapArch& arch, const MapConstraints& c, int d, int top,
               std::array<int64_t, kMaxLevels + 2>& cur,
               std::vector<std::array<int64_t, kMaxLevels + 2>>& out) {
  if (out.size() >= kMaxFactorizations)
    throw Error(fmt::format("mapspace: more than {} tilings of one dimension; add constraints",
                            kMaxFactorizations));
  if (i == slot_ids.size()) {
    int64_t outer = c.fixed_temporal[top][d];
    if (outer > 0 && outer != remaining) return;
    cur[top] = remaining;
    out.push_back(cur);
    return;
  }
  int slot = slot_ids[i];
  int64_t fixed = slot == kSlotX   ? c.fixed_spatial_x[d]
                  : slot == kSlotY ? c.fixed_spatial_y[d]
                                   : c.fixed_temporal[slot][d];
  auto take = [&](int64_t f) {
    int64_t nx = slot == kSlotX ? sx * f : sx, ny = slot == kSlotY ? sy * f : sy;
    if (nx > arch.array_cols || ny > arch.array_rows) return;
    cur[slot] = f;
    enumerate(slot_ids, i + 1, ceil_div(remaining, f), nx, ny, arch, c, d, top, cur, out);
    cur[slot] = 1;
  };
  if (fixed > 0) {
    take(fixed);
    return;
  }
  for (int64_t f : divisors(remaining)) take(f);
}

}  // namespace

MapSpace::MapSpace(const LoopProblem& problem, const MapArch& arch, const MapConstraints& c)
    : problem_(&problem), arch_(&arch), constraints_(c) {
  validate_constraints(problem, arch, c);
  auto tables = std::make_shared<Tables>();
  const int top = arch.num_levels - 1;
  for (int d = 0; d < problem.num_dims; ++d) {
    std::vector<int> slot_ids;
    for (int l = 0; l < top; ++l)
      if ((c.temporal_dims[l] >> d) & 1u) slot_ids.push_back(l);
    if ((c.spatial_x_dims >> d) & 1u) slot_ids.push_back(kSlotX);
    if ((c.spatial_y_dims >> d) & 1u) slot_ids.push_back(kSlotY);
    std::array<int64_t, kMaxLevels + 2> cur;
    cur.fill(1);
    enumerate(slot_ids, 0, problem.bound[d], 1, 1, arch, c, d, top, cur, tables->factorizations[d]);
    if (tables->factorizations[d].empty())
      throw Error(fmt::format("constraints leave no way to tile {} = {} (check fixed factors)",
                              problem.dim_name[d], problem.bound[d]));
  }
  for (int l = 0; l < top; ++l)
    for (int t = 0; t < kTensors; ++t) {
      bool may = (arch.levels[l].may_hold >> t) & 1u;
      bool forced = ((c.keep_forced[l] | c.bypass_forced[l]) >> t) & 1u;
      if (may && !forced) tables->free_keeps.emplace_back(l, t);
    }
  tables_ = std::move(tables);
}

double MapSpace::size() const {
  double n = std::pow(2.0, bypass_bits());
  for (int d = 0; d < problem_->num_dims; ++d)
    n *= static_cast<double>(tiling_end(d) - tiling_begin(d));
  n *= std::pow(static_cast<double>(factorial(problem_->num_dims)), arch_->num_levels);
  return n;
}

int MapSpace::nonunit_loops(const MapId& id, int level) const {
  int k = 0;
  for (int d = 0; d < problem_->num_dims; ++d)
    if (tables_->factorizations[d][id.tiling[d]][level] > 1) ++k;
  return k;
}

void MapSpace::construct(const MapId& id, Mapping& m) const {
  const LoopProblem& p = *problem_;
  const MapArch& a = *arch_;
  m.num_levels = a.num_levels;
  m.spatial_x.fill(1);
  m.spatial_y.fill(1);
  for (int l = 0; l < a.num_levels; ++l) m.temporal[l].fill(1);
  for (int d = 0; d < p.num_dims; ++d) {
    const auto& f = tables_->factorizations[d][id.tiling[d]];
    for (int l = 0; l < a.num_levels; ++l) m.temporal[l][d] = f[l];
    m.spatial_x[d] = f[kSlotX];
    m.spatial_y[d] = f[kSlotY];
  }
  for (int l = 0; l < a.num_levels; ++l) {
    // Unit loops first (they do not matter), then the permuted non-unit loops, inner→outer.
    uint8_t units[kMaxDims], loops[kMaxDims];
    int nu = 0, k = 0;
    for (int d = 0; d < p.num_dims; ++d) {
      if (m.temporal[l][d] > 1)
        loops[k++] = static_cast<uint8_t>(d);
      else
        units[nu++] = static_cast<uint8_t>(d);
    }
    nth_permutation(id.order[l] % factorial(k), loops, k);
    for (int i = 0; i < nu; ++i) m.order[l][i] = units[i];
    for (int i = 0; i < k; ++i) m.order[l][nu + i] = loops[i];
    m.keep[l] = static_cast<uint8_t>(constraints_.keep_forced[l] & a.levels[l].may_hold);
  }
  m.keep[a.num_levels - 1] = 0b111;
  const auto& free = tables_->free_keeps;
  for (size_t i = 0; i < free.size(); ++i)
    if (!((id.bypass >> i) & 1u))
      m.keep[free[i].first] |= static_cast<uint8_t>(1u << free[i].second);
}

Mapping MapSpace::construct(const MapId& id) const {
  Mapping m;
  construct(id, m);
  return m;
}

MapId MapSpace::random_id(RandomStream& rng) const {
  MapId id;
  for (int d = 0; d < problem_->num_dims; ++d) {
    uint32_t b = tiling_begin(d), e = tiling_end(d);
    id.tiling[d] = b + static_cast<uint32_t>(rng.below(e - b));
  }
  for (int l = 0; l < arch_->num_levels; ++l)
    id.order[l] = static_cast<uint32_t>(rng.below(factorial(nonunit_loops(id, l))));
  id.bypass = bypass_bits() ? static_cast<uint32_t>(rng.below(uint64_t{1} << bypass_bits())) : 0;
  return id;
}

void MapSpace::mutate(MapId& id, RandomStream& rng) const {
  const int dims = problem_->num_dims, levels = arch_->num_levels;
  uint64_t choice = rng.below(static_cast<uint64_t>(dims + levels + 1));
  if (choice < static_cast<uint64_t>(dims)) {
    int d = static_cast<int>(choice);
    id.tiling[d] =
        tiling_begin(d) + static_cast<uint32_t>(rng.below(tiling_end(d) - tiling_begin(d)));
  } else if (choice < static_cast<uint64_t>(dims + levels)) {
    int l = static_cast<int>(choice) - dims;
    id.order[l] = static_cast<uint32_t>(rng.below(factorial(nonunit_loops(id, l))));
  } else if (bypass_bits()) {
    id.bypass ^= 1u << rng.below(static_cast<uint64_t>(bypass_bits()));
  }
}

std::vector<MapSpace> MapSpace::split(int n) const {
  int best = 0;
  for (int d = 1; d < problem_->num_dims; ++d)
    if (tiling_end(d) - tiling_begin(d) > tiling_end(best) - tiling_begin(best)) best = d;
  uint32_t b = tiling_begin(best), e = tiling_end(best);
  std::vector<MapSpace> parts;
  for (int i = 0; i < n; ++i) {
    uint32_t lo = b + static_cast<uint32_t>((uint64_t{e - b} * i) / n);
    uint32_t hi = b + static_cast<uint32_t>((uint64_t{e - b} * (i + 1)) / n);
    if (lo == hi) continue;
    MapSpace part = *this;
    part.split_dim_ = best;
    part.begin_ = lo;
    part.end_ = hi;
    parts.push_back(std::move(part));
  }
  return parts;
}

}  // namespace tessera::map
