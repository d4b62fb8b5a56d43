#include "run/scheduler.h"

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <chrono>

#include "tessera/core/rng.h"

namespace tessera::run {
namespace {

double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

std::vector<std::vector<int64_t>> static_assignment(Schedule schedule, int64_t groups,
                                                    int64_t chunks, int threads, uint64_t seed) {
  std::vector<std::vector<int64_t>> lists(static_cast<size_t>(threads));
  if (schedule == Schedule::Dynamic) return lists;
  int64_t total = groups * chunks;
  std::vector<int64_t> order(static_cast<size_t>(total));
  for (int64_t i = 0; i < total; ++i) order[static_cast<size_t>(i)] = i;  // group-major
  if (schedule == Schedule::ChunkFirst) {
    // Chunk-major: a thread's contiguous share holds the same chunks of different heads.
    for (int64_t i = 0; i < total; ++i)
      order[static_cast<size_t>(i)] = (i % groups) * chunks + i / groups;
  } else if (schedule == Schedule::Random) {
    RandomStream stream(seed, 0x5c4ed);
    for (int64_t i = total - 1; i > 0; --i)
      std::swap(order[static_cast<size_t>(i)], order[stream.below(static_cast<uint64_t>(i + 1))]);
  }
  // Contiguous equal shares (head-first: a thread gets whole heads).
  for (int64_t i = 0; i < total; ++i)
    lists[static_cast<size_t>(i * threads / std::max<int64_t>(total, 1))].push_back(
        order[static_cast<size_t>(i)]);
  return lists;
}

ScheduleTiming run_items(Schedule schedule, int64_t groups, int64_t chunks, int threads,
                         uint64_t seed, const std::function<void(int64_t item)>& work) {
  int64_t total = groups * chunks;
  std::vector<double> busy(static_cast<size_t>(threads), 0.0);
  auto lists = static_assignment(schedule, groups, chunks, threads, seed);
  std::atomic<int64_t> next{0};
  double start = now_s();
#pragma omp parallel num_threads(threads)
  {
    int t = omp_get_thread_num();
    double t0 = now_s();
    if (schedule == Schedule::Dynamic) {
      for (int64_t item = next.fetch_add(1); item < total; item = next.fetch_add(1)) work(item);
    } else {
      for (int64_t item : lists[static_cast<size_t>(t)]) work(item);
    }
    busy[static_cast<size_t>(t)] = now_s() - t0;
  }
  ScheduleTiming timing;
  timing.makespan_s = now_s() - start;
  for (double b : busy) timing.busy_s += b;
  return timing;
}

}  // namespace tessera::run
