// Running independent work items (attention chunks) on the engine's threads, 002 Sec. III-C-2:
// the skewness-minimised dynamic scheduler hands the next item to whichever thread is idle;
// the static head-first, chunk-first and random schedules fix each thread's list up front.
// Items are (group, chunk) pairs numbered group-major. Results never depend on the schedule:
// every item writes its own output.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "tessera/run/nlp_opt.h"

namespace tessera::run {

struct ScheduleTiming {
  double busy_s = 0.0;      // summed over threads
  double makespan_s = 0.0;  // wall time of the whole set
};

// Which items each thread runs under a static schedule (empty lists for Dynamic).
std::vector<std::vector<int64_t>> static_assignment(Schedule schedule, int64_t groups,
                                                    int64_t chunks, int threads, uint64_t seed);

ScheduleTiming run_items(Schedule schedule, int64_t groups, int64_t chunks, int threads,
                         uint64_t seed, const std::function<void(int64_t item)>& work);

}  // namespace tessera::run
