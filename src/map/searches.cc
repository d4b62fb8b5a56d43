// Exhaustive, random and genetic searches over a MapSpace. Every random draw comes from
// RandomStream(seed, index) with an index fixed by the search's own bookkeeping, so the same seed
// gives the same points whatever the thread count.
#include <fmt/format.h>

#include <algorithm>

#include "tessera/core/error.h"
#include "tessera/map/search.h"

namespace tessera::map {

std::string_view objective_name(Objective o) {
  switch (o) {
    case Objective::Latency:
      return "latency";
    case Objective::Energy:
      return "energy";
    case Objective::Edp:
      return "edp";
  }
  return "edp";
}

Objective parse_objective(const std::string& name) {
  if (name == "latency" || name == "delay") return Objective::Latency;
  if (name == "energy") return Objective::Energy;
  if (name == "edp") return Objective::Edp;
  throw Error("unknown objective '" + name + "' (latency, energy, edp)");
}

double objective_value(const NestResult& r, Objective o) {
  switch (o) {
    case Objective::Latency:
      return r.latency_s;
    case Objective::Energy:
      return r.energy_pj;
    case Objective::Edp:
      return r.edp();
  }
  return r.edp();
}

namespace {

uint64_t factorial(int k) {
  uint64_t f = 1;
  for (int i = 2; i <= k; ++i) f *= static_cast<uint64_t>(i);
  return f;
}

// Mixed-radix walk over tilings × bypass choices × loop orders. Tilings whose smallest variant
// (all bypass bits set) already overflows a buffer are still tried per bypass choice; a
// (tiling, bypass) pair that overflows is pruned with all of its loop orders.
class ExhaustiveSearch final : public Search {
 public:
  ExhaustiveSearch(const MapSpace& space, const SearchOptions& o) : space_(space), options_(o) {
    for (int d = 0; d < space.problem().num_dims; ++d) id_.tiling[d] = space.tiling_begin(d);
    start_orders();
  }
  std::string_view name() const override { return "exhaustive"; }

  bool next(std::vector<MapId>& batch) override {
    batch.clear();
    while (!done_ && batch.size() < options_.batch && issued_ < options_.max_evaluations) {
      if (!pruned_) {
        batch.push_back(id_);
        ++issued_;
      }
      advance();
    }
    return !batch.empty();
  }
  size_t report(const std::vector<MapId>& batch, const std::vector<Outcome>&) override {
    return batch.size();
  }

 private:
  void start_orders() {
    const int levels = space_.arch().num_levels;
    for (int l = 0; l < levels; ++l) {
      id_.order[l] = 0;
      radix_[l] = factorial(space_.nonunit_loops(id_, l));
    }
    space_.construct(id_, scratch_);
    pruned_ = check_mapping(space_.problem(), space_.arch(), scratch_) != Validity::Valid;
  }
  void advance() {
    const int levels = space_.arch().num_levels;
    if (!pruned_) {
      for (int l = 0; l < levels; ++l) {
        if (++id_.order[l] < radix_[l]) return;
        id_.order[l] = 0;
      }
    }
    if (++id_.bypass < (1u << space_.bypass_bits())) {
      start_orders();
      return;
    }
    id_.bypass = 0;
    for (int d = 0; d < space_.problem().num_dims; ++d) {
      if (++id_.tiling[d] < space_.tiling_end(d)) {
        start_orders();
        return;
      }
      id_.tiling[d] = space_.tiling_begin(d);
    }
    done_ = true;
  }

  const MapSpace& space_;
  SearchOptions options_;
  MapId id_;
  std::array<uint64_t, kMaxLevels> radix_{};
  Mapping scratch_;
  bool pruned_ = false, done_ = false;
  int64_t issued_ = 0;
};

class RandomSearch final : public Search {
 public:
  RandomSearch(const MapSpace& space, const SearchOptions& o) : space_(space), options_(o) {}
  std::string_view name() const override { return "random"; }
  bool next(std::vector<MapId>& batch) override {
    batch.clear();
    if (valid_ >= options_.samples || drawn_ >= options_.max_evaluations) return false;
    size_t n = static_cast<size_t>(
        std::min<int64_t>(static_cast<int64_t>(options_.batch), options_.max_evaluations - drawn_));
    for (size_t i = 0; i < n; ++i) {
      RandomStream rng(options_.seed, static_cast<uint64_t>(drawn_ + static_cast<int64_t>(i)));
      batch.push_back(space_.random_id(rng));
    }
    drawn_ += static_cast<int64_t>(n);
    return true;
  }
  size_t report(const std::vector<MapId>& batch, const std::vector<Outcome>& outcomes) override {
    for (size_t i = 0; i < batch.size(); ++i) {
      if (outcomes[i].valid() && ++valid_ == options_.samples) return i + 1;
    }
    return batch.size();
  }

 private:
  const MapSpace& space_;
  SearchOptions options_;
  int64_t drawn_ = 0, valid_ = 0;
};

class GeneticSearch final : public Search {
 public:
  GeneticSearch(const MapSpace& space, const SearchOptions& o) : space_(space), options_(o) {}
  std::string_view name() const override { return "genetic"; }

  bool next(std::vector<MapId>& batch) override {
    batch.clear();
    const int pop = std::max(4, options_.population);
    if (generation_ >= options_.generations ||
        static_cast<int64_t>(generation_) * pop >= options_.max_evaluations)
      return false;
    for (int i = 0; i < pop; ++i) {
      RandomStream rng(options_.seed, static_cast<uint64_t>(generation_) * pop + i);
      if (generation_ == 0 || fitness_.empty()) {
        batch.push_back(space_.random_id(rng));
      } else if (i == 0) {
        batch.push_back(best_id_);  // elitism
      } else {
        MapId child = crossover(tournament(rng), tournament(rng), rng);
        int mutations = 1 + static_cast<int>(rng.below(2));
        for (int k = 0; k < mutations; ++k)
          if (rng.uniform() < 0.7) space_.mutate(child, rng);
        batch.push_back(child);
      }
    }
    ++generation_;
    return true;
  }
  size_t report(const std::vector<MapId>& batch, const std::vector<Outcome>& outcomes) override {
    population_ = batch;
    fitness_.assign(outcomes.size(), 0.0);
    for (size_t i = 0; i < outcomes.size(); ++i) {
      fitness_[i] = outcomes[i].value;
      if (outcomes[i].valid() && outcomes[i].value < best_value_) {
        best_value_ = outcomes[i].value;
        best_id_ = batch[i];
      }
    }
    return batch.size();
  }

 private:
  const MapId& tournament(RandomStream& rng) const {
    size_t best = rng.below(population_.size());
    for (int k = 0; k < 2; ++k) {
      size_t other = rng.below(population_.size());
      if (fitness_[other] < fitness_[best]) best = other;
    }
    return population_[best];
  }
  MapId crossover(const MapId& a, const MapId& b, RandomStream& rng) const {
    MapId c = a;
    for (int d = 0; d < kMaxDims; ++d)
      if (rng.below(2)) c.tiling[d] = b.tiling[d];
    for (int l = 0; l < kMaxLevels; ++l)
      if (rng.below(2)) c.order[l] = b.order[l];
    uint32_t mask = static_cast<uint32_t>(rng.next_u64());
    c.bypass = (a.bypass & mask) | (b.bypass & ~mask);
    return c;
  }

  const MapSpace& space_;
  SearchOptions options_;
  int generation_ = 0;
  std::vector<MapId> population_;
  std::vector<double> fitness_;
  MapId best_id_;
  double best_value_ = std::numeric_limits<double>::infinity();
};

}  // namespace

const std::vector<MapperInfo>& mapper_list() {
  static const std::vector<MapperInfo> list = {
#define TESSERA_MAPPER(name, description) {#name, description},
#include "tessera/map/mappers.def"
#undef TESSERA_MAPPER
  };
  return list;
}

std::unique_ptr<Search> make_search(const std::string& name, const MapSpace& space,
                                    const SearchOptions& options) {
  if (name == "exhaustive") return std::make_unique<ExhaustiveSearch>(space, options);
  if (name == "random") return std::make_unique<RandomSearch>(space, options);
  if (name == "genetic") return std::make_unique<GeneticSearch>(space, options);
  std::string names;
  for (const MapperInfo& m : mapper_list())
    names += std::string(names.empty() ? "" : ", ") + m.name;
  throw Error(fmt::format("unknown mapper '{}' (available: {})", name, names));
}

}  // namespace tessera::map
