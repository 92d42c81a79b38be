// The XXH3 kernels (src/xxh3_kernels.h) against libxxhash's XXH3-64: the
// format's check must not depend on which kernel a CPU runs, or a file written
// on one machine would be CORRUPT on another.
#include "copy.h"
#include "xxh3_kernels.h"

#include <gtest/gtest.h>
#include <xxhash.h>

#include <cstring>
#include <functional>
#include <random>
#include <vector>

namespace splinter::testing {
namespace {

using Hash = std::function<std::uint64_t(const void *, std::size_t, std::uint64_t)>;

// Lengths where XXH3 changes path (16, 128, 240, a stripe, a block, the
// streaming buffer) and where copy_checked does (4096-byte chunks), each +-3.
std::vector<std::size_t> lengths() {
  std::vector<std::size_t> out;
  for (std::size_t b : {0u, 16u, 64u, 128u, 240u, 256u, 320u, 512u, 1024u, 1088u, 2048u, 4096u, 8192u, 12288u, 65536u})
    for (std::size_t d = 0; d <= 3; ++d) {
      if (b >= d) out.push_back(b - d);
      out.push_back(b + d);
    }
  return out;
}

// How many (length, seed) pairs `hash` gets wrong against libxxhash.
int mismatches(const Hash &hash) {
  std::mt19937_64 rng(17);
  std::vector<unsigned char> bytes(65536 + 8);
  for (auto &b : bytes) b = static_cast<unsigned char>(rng());
  int wrong = 0;
  for (const std::size_t len : lengths())
    for (const std::uint64_t seed : {std::uint64_t{0}, std::uint64_t{0x9E3779B97F4A7C15}, rng()})
      wrong += hash(bytes.data(), len, seed) != XXH3_64bits_withSeed(bytes.data(), len, seed);
  return wrong;
}

void copy_plain(const std::uint8_t *src, std::size_t n, unsigned char *dst) { std::memcpy(dst, src, n); }

// A kernel's streaming copy as a hash: copies in `chunk`-byte steps, then
// checks that the copy is exact before returning its hash.
Hash streaming(std::uint64_t (*copy_xxh3)(const std::uint8_t *, std::size_t, unsigned char *, std::uint64_t,
                                          std::size_t, spl_copy_fn),
               std::size_t chunk) {
  return [copy_xxh3, chunk](const void *p, std::size_t len, std::uint64_t seed) {
    std::vector<unsigned char> dst(len + 1, 0xA5);
    const std::uint64_t h = copy_xxh3(static_cast<const std::uint8_t *>(p), len, dst.data(), seed, chunk, copy_plain);
    EXPECT_EQ(std::memcmp(dst.data(), p, len), 0) << len;
    EXPECT_EQ(dst[len], 0xA5) << "wrote past the end, len " << len;
    return h;
  };
}

// A fused kernel (one pass, xxh3_kernels.h) as a hash, checked the same way.
Hash fused(std::uint64_t (*copy_xxh3)(const std::uint8_t *, std::size_t, unsigned char *, std::uint64_t, spl_copy_fn)) {
  return [copy_xxh3](const void *p, std::size_t len, std::uint64_t seed) {
    std::vector<unsigned char> dst(len + 1, 0xA5);
    const std::uint64_t h = copy_xxh3(static_cast<const std::uint8_t *>(p), len, dst.data(), seed, copy_plain);
    EXPECT_EQ(std::memcmp(dst.data(), p, len), 0) << len;
    EXPECT_EQ(dst[len], 0xA5) << "wrote past the end, len " << len;
    return h;
  };
}

TEST(Xxh3Kernels, BaseKernelIsLibxxhashXxh3) {
  EXPECT_EQ(mismatches(spl_xxh3_base), 0);
  EXPECT_EQ(mismatches(streaming(spl_copy_xxh3_base, 4096)), 0);
  EXPECT_EQ(mismatches(streaming(spl_copy_xxh3_base, 1024)), 0);
}

#if defined(__x86_64__)
TEST(Xxh3Kernels, Avx2KernelIsLibxxhashXxh3) {
  if (!__builtin_cpu_supports("avx2")) GTEST_SKIP() << "this CPU has no AVX2";
  EXPECT_NE(kernel(), Kernel::base);
  EXPECT_EQ(mismatches(spl_xxh3_avx2), 0);
  EXPECT_EQ(mismatches(streaming(spl_copy_xxh3_avx2, 4096)), 0);
  EXPECT_EQ(mismatches(streaming(spl_copy_xxh3_avx2, 1024)), 0);
  EXPECT_EQ(mismatches(fused(spl_copy_xxh3_fused_avx2)), 0);
}

TEST(Xxh3Kernels, Avx512KernelIsLibxxhashXxh3) {
  if (!__builtin_cpu_supports("avx512f")) GTEST_SKIP() << "this CPU has no AVX-512";
  EXPECT_EQ(kernel(), Kernel::avx512);
  EXPECT_EQ(mismatches(spl_xxh3_avx512), 0);
  EXPECT_EQ(mismatches(streaming(spl_copy_xxh3_avx512, 4096)), 0);
  EXPECT_EQ(mismatches(streaming(spl_copy_xxh3_avx512, 1024)), 0);
  EXPECT_EQ(mismatches(fused(spl_copy_xxh3_fused_avx512)), 0);
}
#endif

TEST(Xxh3Kernels, CopyCheckedIsTheValueCheckWhateverTheLength) {
  std::mt19937_64 rng(5);
  std::vector<std::uint64_t> words(65536 / 8 + 1);  // 8-byte aligned, padded like a buffer
  for (auto &w : words) w = rng();
  std::vector<unsigned char> dst(65536);
  const auto *src = reinterpret_cast<const std::uint8_t *>(words.data());
  for (const std::size_t len : lengths()) {
    const std::uint64_t seed = rng();
    EXPECT_EQ(copy_checked(src, len, dst.data(), seed), XXH3_64bits_withSeed(src, len, seed)) << len;
    EXPECT_EQ(std::memcmp(dst.data(), src, len), 0) << len;
  }
}

// Negative control of the oracle: a kernel off by one seed is caught.
TEST(Xxh3Kernels, ControlAWrongKernelIsCaught) {
  EXPECT_GT(mismatches([](const void *p, std::size_t len, std::uint64_t seed) { return spl_xxh3_base(p, len, seed + 1); }),
            0);
}

}  // namespace
}  // namespace splinter::testing
