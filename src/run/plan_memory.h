// Activation memory of a plan: tensors share buffers once their last reader has run (a
// best-fit pool over the step order), so long sequences fit; the total is estimated before
// anything is allocated and a plan that would not fit is refused with the number.
#pragma once

#include <cstdint>
#include <vector>

namespace tessera::run {

struct PoolRequest {
  int64_t bytes = 0;
  int first_step = 0;  // written by this step
  int last_step = 0;   // last step that reads it (INT32_MAX = kept to the end)
};

// Slot per request and the bytes of each slot.
struct PoolLayout {
  std::vector<int> slot_of_request;
  std::vector<int64_t> slot_bytes;
  int64_t total_bytes() const;
};

PoolLayout layout_pool(const std::vector<PoolRequest>& requests);

}  // namespace tessera::run
