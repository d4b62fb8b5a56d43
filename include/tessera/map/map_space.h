// The mapspace (STYLE.md example 6, after Timeloop's mapspaces): an indexable product of
// per-dimension tile factorisations (divisor chains over the levels and array axes the
// constraints allow), per-level loop orders of the non-unit loops, and bypass choices.
// `construct(id)` builds one Mapping; `split(n)` cuts the space for parallel exhaustive search.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "tessera/core/rng.h"
#include "tessera/map/constraints.h"
#include "tessera/map/mapping.h"

namespace tessera::map {

// A point of the mapspace: one coordinate per sub-space.
struct MapId {
  std::array<uint32_t, kMaxDims> tiling{};   // index into the dim's factorisation list
  std::array<uint32_t, kMaxLevels> order{};  // permutation index of the level's non-unit loops
  uint32_t bypass = 0;                       // one bit per free (level, tensor) keep choice
};

class MapSpace {
 public:
  // Throws tessera::Error when a dimension has no factorisation that satisfies `constraints`.
  MapSpace(const LoopProblem& problem, const MapArch& arch, const MapConstraints& constraints);

  const LoopProblem& problem() const { return *problem_; }
  const MapArch& arch() const { return *arch_; }
  double size() const;  // number of points (orders counted over all dims; an estimate)
  size_t tilings(int dim) const { return tables_->factorizations[dim].size(); }
  int bypass_bits() const { return static_cast<int>(tables_->free_keeps.size()); }
  // Loops with a factor > 1 at `level` under this tiling (the order index's radix is k!).
  int nonunit_loops(const MapId& id, int level) const;

  void construct(const MapId& id, Mapping& mapping) const;
  Mapping construct(const MapId& id) const;
  MapId random_id(RandomStream& rng) const;
  // Re-draws one coordinate of `id` (a mutation step for evolutionary search).
  void mutate(MapId& id, RandomStream& rng) const;
  // n sub-spaces that partition this one along its largest tiling coordinate.
  std::vector<MapSpace> split(int n) const;
  uint32_t tiling_begin(int dim) const { return dim == split_dim_ ? begin_ : 0; }
  uint32_t tiling_end(int dim) const {
    return dim == split_dim_ ? end_ : static_cast<uint32_t>(tilings(dim));
  }

 private:
  struct Slot {
    int level;  // -1 spatial x, -2 spatial y
  };
  struct Tables {
    std::array<std::vector<Slot>, kMaxDims> slots;
    std::array<std::vector<std::array<int64_t, kMaxLevels + 2>>, kMaxDims> factorizations;
    std::vector<std::pair<int, int>> free_keeps;  // (level, tensor)
  };
  const LoopProblem* problem_;
  const MapArch* arch_;
  MapConstraints constraints_;
  std::shared_ptr<const Tables> tables_;  // immutable, shared by split() copies
  int split_dim_ = -1;
  uint32_t begin_ = 0, end_ = 0;
};

// Decodes permutation index `index` < k! of `items` (Lehmer code) in place.
void nth_permutation(uint64_t index, uint8_t* items, int k);

}  // namespace tessera::map
