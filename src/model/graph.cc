#include "tessera/model/graph.h"

#include "tessera/core/checked_math.h"

namespace tessera::model {

int64_t Tensor::elements() const {
  int64_t n = 1;
  for (int64_t d : shape) n = checked_mul(n, d, "tensor size");
  return n;
}

int64_t Graph::parameter_count() const {
  int64_t total = 0;
  for (const Tensor& t : tensors)
    if (t.tensor_class == TensorClass::Weight) total = checked_add(total, t.elements(), "#params");
  return total;
}

}  // namespace tessera::model
