// Values of every size class the reader copies differently (src/copy.h):
// whole, and a chunk at a time, with the chunk boundaries and the last
// partial word exercised; each comes back byte for byte.
#include "fixture.h"

#include <string>
#include <vector>

namespace splinter::testing {
namespace {

using LargeValue = BusTest;

std::string pattern(std::size_t len, unsigned seed) {
  std::string v(len, '\0');
  for (std::size_t j = 0; j < len; ++j) v[j] = static_cast<char>((j * 131 + seed * 7 + (j >> 8)) & 0xFF);
  return v;
}

TEST_P(LargeValue, EveryLengthAroundTheChunkSizeComesBackIntact) {
  constexpr std::size_t kMax = 3 * 4096 + 9;
  splinter_bus *w = create(8, kMax);
  splinter_bus *r = open(SPLINTER_READER);
  splinter_key k;
  ASSERT_EQ(splinter_key_init(&k, "big"), SPLINTER_OK);
  std::vector<std::size_t> lengths;
  for (std::size_t base : {std::size_t{0}, std::size_t{4096}, std::size_t{8192}, std::size_t{3 * 4096}})
    for (std::size_t d = 0; d <= 9; ++d) {
      if (base >= d) lengths.push_back(base - d);
      if (base + d <= kMax) lengths.push_back(base + d);
    }
  std::string got(kMax, '\0');
  unsigned seed = 0;
  for (const std::size_t len : lengths) {
    const std::string v = pattern(len, ++seed);
    uint64_t e = 0, ge = 0;
    ASSERT_EQ(splinter_set(w, "big", v.data(), v.size(), &e), SPLINTER_OK) << len;
    size_t n = 0;
    ASSERT_EQ(splinter_get(r, "big", got.data(), got.size(), &n, &ge), SPLINTER_OK) << len;
    EXPECT_EQ(n, len);
    EXPECT_EQ(ge, e);
    EXPECT_EQ(got.substr(0, n), v) << len;
    n = 0;
    ASSERT_EQ(splinter_get_k(r, &k, got.data(), len, &n, nullptr), SPLINTER_OK) << len;  // exactly fits
    EXPECT_EQ(got.substr(0, n), v) << len;
  }
  splinter_close(r);
  splinter_close(w);
}

SPLINTER_BOTH_BACKINGS(LargeValue);

}  // namespace
}  // namespace splinter::testing
