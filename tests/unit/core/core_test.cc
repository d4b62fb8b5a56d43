#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <limits>
#include <set>

#include "tessera/core/atomic_file.h"
#include "tessera/core/checked_math.h"
#include "tessera/core/rng.h"
#include "tessera/core/text_table.h"

namespace tessera {

TEST(CheckedMath, DetectsOverflow) {
  EXPECT_EQ(checked_mul(1 << 20, 1 << 20), int64_t{1} << 40);
  EXPECT_THROW(checked_mul(std::numeric_limits<int64_t>::max() / 2, 3), Error);
  EXPECT_THROW(checked_add(std::numeric_limits<int64_t>::max(), 1), Error);
  EXPECT_EQ(checked_product({2, 3, 4}), 24);
  EXPECT_EQ(ceil_div(7, 2), 4);
}

TEST(RandomStream, DependsOnlyOnSeedAndIndex) {
  RandomStream a(42, 7), b(42, 7), c(42, 8);
  for (int i = 0; i < 100; ++i) {
    uint64_t va = a.next_u64();
    EXPECT_EQ(va, b.next_u64());
    EXPECT_NE(va, c.next_u64());
  }
  RandomStream u(1, 0);
  std::set<uint64_t> seen;
  for (int i = 0; i < 1000; ++i) {
    double x = u.uniform();
    EXPECT_GE(x, 0.0);
    EXPECT_LT(x, 1.0);
    seen.insert(u.below(10));
  }
  EXPECT_EQ(seen.size(), 10u);
}

TEST(AtomicFile, WritesWholeFileOrThrows) {
  std::string path = ::testing::TempDir() + "/tessera_atomic_test.txt";
  write_file_atomically(path, "hello\n");
  EXPECT_EQ(read_file(path), "hello\n");
  std::remove(path.c_str());
  EXPECT_THROW(write_file_atomically("/nonexistent-dir/x.txt", "x"), Error);
  EXPECT_THROW(read_file("/nonexistent-dir/x.txt"), Error);
}

TEST(TextTable, AlignsColumns) {
  TextTable t({"name", "value"});
  t.add_row({"a", "1"});
  t.add_row({"longer", "22"});
  std::string text = t.render();
  EXPECT_NE(text.find("longer     22"), std::string::npos) << text;
  EXPECT_EQ(format_si(22.42e9), "22.4 G");
  EXPECT_EQ(format_percent(0.325), "32.5%");
}

}  // namespace tessera
