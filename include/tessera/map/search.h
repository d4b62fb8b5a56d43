// Search strategies over a MapSpace (STYLE.md example 6, Timeloop's search.hpp): a search knows
// nothing of the cost model. It proposes batches of points (`next`) and hears how they scored
// (`report`); the driver in mapper.h evaluates each batch in parallel.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/map/map_space.h"
#include "tessera/map/nest_analysis.h"

namespace tessera::map {

enum class Objective : uint8_t { Latency, Energy, Edp };
std::string_view objective_name(Objective o);
Objective parse_objective(const std::string& name);  // latency, energy, edp
double objective_value(const NestResult& r, Objective o);

struct Outcome {
  Validity validity = Validity::BadFactors;
  double value = std::numeric_limits<double>::infinity();  // objective; inf when invalid
  double latency_s = 0, energy_j = 0;
  bool valid() const { return validity == Validity::Valid; }
};

struct SearchOptions {
  Objective objective = Objective::Edp;
  uint64_t seed = 1;
  int64_t samples = 10000;              // random: valid mappings wanted
  int64_t max_evaluations = 5'000'000;  // every search stops here
  int population = 100;                 // genetic
  int generations = 100;                // genetic
  size_t batch = 4096;                  // points per batch (fixed: results never depend on threads)
};

class Search {
 public:
  virtual ~Search() = default;
  virtual std::string_view name() const = 0;
  // Fills `batch` with the next points to evaluate; returns false when the search is done.
  virtual bool next(std::vector<MapId>& batch) = 0;
  // Scores of the last batch, in order. Returns how many leading entries count (a random search
  // that reached its quota drops the rest, so results never depend on the batch split).
  virtual size_t report(const std::vector<MapId>& batch, const std::vector<Outcome>& outcomes) = 0;
};

// Searches by name ("exhaustive", "random", "genetic"); throws tessera::Error for unknown names
// (the heuristic mapper is constructive, see heuristic.h).
std::unique_ptr<Search> make_search(const std::string& name, const MapSpace& space,
                                    const SearchOptions& options);

struct MapperInfo {
  const char* name;
  const char* description;
};
const std::vector<MapperInfo>& mapper_list();  // from mappers.def

}  // namespace tessera::map
