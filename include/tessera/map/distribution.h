// Mapspace characterisation (001 Sec. 5.5.1, Figs. 18-20): the EDP of N random valid mappings
// relative to the best one seen, as a log-binned histogram and an empirical CDF, with the two
// figures the survey quotes: the 10th-percentile relative EDP and the share within 3× of best.
#pragma once

#include <string>
#include <vector>

#include "tessera/map/search.h"

namespace tessera::map {

struct EdpDistribution {
  std::string label;
  std::vector<double> relative_edp;  // sorted ascending; the first is 1
  double best_edp = 0;               // J·s
  double p10 = 0;                    // 10th-percentile relative EDP
  double within_3x = 0;              // share (0..1) of mappings within 3× of the best
  double max_relative = 0;
};

EdpDistribution make_distribution(std::string label, const std::vector<Outcome>& samples);

// Histogram over log10(relative EDP) in `bins` bins per decade, and the CDF, one row per bin and
// series: series,bin_low,bin_high,count,share,cdf.
std::string distribution_csv(const std::vector<EdpDistribution>& series, int bins_per_decade = 10);
// Two panels as in Figs. 18-19: histograms (left) and CDFs (right) of every series.
std::string distribution_svg(const std::vector<EdpDistribution>& series, int bins_per_decade = 10);

}  // namespace tessera::map
