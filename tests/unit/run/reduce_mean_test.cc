#include <gtest/gtest.h>

#include <vector>

#include "tessera/run/kernels.h"

namespace tessera::run {

TEST(ReduceMeanKernel, AveragesTheMiddleAxis) {
  // x viewed as [2, 3, 2]: mean over the 3.
  std::vector<float> x = {1, 2, 3, 4, 5, 6, 10, 20, 30, 40, 50, 60};
  std::vector<float> y(4, -1.0f);
  reduce_mean_axis(x.data(), 2, 3, 2, y.data(), 2);
  EXPECT_FLOAT_EQ(y[0], 3.0f);
  EXPECT_FLOAT_EQ(y[1], 4.0f);
  EXPECT_FLOAT_EQ(y[2], 30.0f);
  EXPECT_FLOAT_EQ(y[3], 40.0f);
}

}  // namespace tessera::run
