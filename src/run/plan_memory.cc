#include "run/plan_memory.h"

#include <algorithm>
#include <map>

namespace tessera::run {

int64_t PoolLayout::total_bytes() const {
  int64_t total = 0;
  for (int64_t b : slot_bytes) total += b;
  return total;
}

PoolLayout layout_pool(const std::vector<PoolRequest>& requests) {
  PoolLayout layout;
  layout.slot_of_request.assign(requests.size(), -1);
  std::vector<size_t> order(requests.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return requests[a].first_step < requests[b].first_step;
  });
  std::multimap<int, size_t> live;  // last step -> request
  std::vector<int> free_slots;
  for (size_t idx : order) {
    const PoolRequest& r = requests[idx];
    // Release what was last read before this step.
    for (auto it = live.begin(); it != live.end() && it->first < r.first_step;) {
      free_slots.push_back(layout.slot_of_request[it->second]);
      it = live.erase(it);
    }
    // Best fit: the smallest free slot that holds it, else the largest one grown.
    int best = -1;
    for (size_t f = 0; f < free_slots.size(); ++f) {
      int s = free_slots[f];
      if (layout.slot_bytes[static_cast<size_t>(s)] >= r.bytes &&
          (best < 0 ||
           layout.slot_bytes[static_cast<size_t>(s)] <
               layout.slot_bytes[static_cast<size_t>(free_slots[static_cast<size_t>(best)])]))
        best = static_cast<int>(f);
    }
    int slot;
    if (best >= 0) {
      slot = free_slots[static_cast<size_t>(best)];
      free_slots.erase(free_slots.begin() + best);
    } else {
      slot = static_cast<int>(layout.slot_bytes.size());
      layout.slot_bytes.push_back(r.bytes);
    }
    layout.slot_of_request[idx] = slot;
    live.emplace(r.last_step, idx);
  }
  return layout;
}

}  // namespace tessera::run
