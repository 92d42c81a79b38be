// The XXH3 kernels (src/xxh3_kernels.h) against libxxhash's XXH3-64: the
// format's check must not depend on which kernel a CPU runs, or a file written
// on one machine would be CORRUPT on another.
#include "copy.h"
#include "words.h"
#include "xxh3_kernels.h"

#include <gtest/gtest.h>
#include <xxhash.h>

#include <sys/mman.h>
#include <unistd.h>

#include <cstdlib>
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

// A copy as a hash: copies into a buffer of exactly len bytes (and a
// sentinel), checks that the copy is exact, and returns the copy's hash.
using Copy = std::function<std::uint64_t(const std::uint8_t *, std::size_t, unsigned char *, std::uint64_t)>;
Hash copying(const Copy &copy_xxh3) {
  return [copy_xxh3](const void *p, std::size_t len, std::uint64_t seed) {
    std::vector<unsigned char> dst(len + 1, 0xA5);
    const std::uint64_t h = copy_xxh3(static_cast<const std::uint8_t *>(p), len, dst.data(), seed);
    EXPECT_EQ(std::memcmp(dst.data(), p, len), 0) << len;
    EXPECT_EQ(dst[len], 0xA5) << "wrote past the end, len " << len;
    return h;
  };
}
// The base kernel's chunked copy, chunk bytes at a time.
Hash chunked(std::size_t chunk) {
  return copying([chunk](const std::uint8_t *src, std::size_t len, unsigned char *dst, std::uint64_t seed) {
    return spl_copy_xxh3_base(src, len, dst, seed, chunk, copy_plain);
  });
}
#if defined(__x86_64__)
// A wide kernel's one-pass copy.
Hash fused(std::uint64_t (*copy_xxh3)(const std::uint8_t *, std::size_t, unsigned char *, std::uint64_t, spl_copy_fn)) {
  return copying([copy_xxh3](const std::uint8_t *src, std::size_t len, unsigned char *dst, std::uint64_t seed) {
    return copy_xxh3(src, len, dst, seed, copy_plain);
  });
}
#endif

// The widest kernel the CPU runs is the one copy_checked uses -- except
// under ThreadSanitizer, which sees only the base kernel's loads.
TEST(Xxh3Kernels, TheWidestKernelTheCpuRunsIsChosen) {
#if defined(__x86_64__)
  Kernel want = Kernel::base;
  if (__builtin_cpu_supports("avx2")) want = __builtin_cpu_supports("avx512f") ? Kernel::avx512 : Kernel::avx2;
  if (kThreadSanitizer) want = Kernel::base;
  EXPECT_EQ(kernel(), want);
#else
  EXPECT_EQ(kernel(), Kernel::base);
#endif
}

TEST(Xxh3Kernels, BaseKernelIsLibxxhashXxh3) {
  EXPECT_EQ(mismatches(spl_xxh3_base), 0);
  EXPECT_EQ(mismatches(chunked(4096)), 0);
  EXPECT_EQ(mismatches(chunked(1024)), 0);
}

#if defined(__x86_64__)
TEST(Xxh3Kernels, Avx2KernelIsLibxxhashXxh3) {
  if (!__builtin_cpu_supports("avx2")) GTEST_SKIP() << "this CPU has no AVX2";
  EXPECT_EQ(mismatches(spl_xxh3_avx2), 0);
  EXPECT_EQ(mismatches(fused(spl_copy_xxh3_fused_avx2)), 0);
}

TEST(Xxh3Kernels, Avx512KernelIsLibxxhashXxh3) {
  if (!__builtin_cpu_supports("avx512f")) GTEST_SKIP() << "this CPU has no AVX-512";
  EXPECT_EQ(mismatches(spl_xxh3_avx512), 0);
  EXPECT_EQ(mismatches(fused(spl_copy_xxh3_fused_avx512)), 0);
}
#endif

// Two buffers that each end at an inaccessible page: src's padded words end
// there (a value buffer is padded to 8 bytes, not to a stripe), and so do
// dst's len bytes. A copy that reads or writes one byte too far faults --
// also inside the kernels' asm loads, which ASan does not see.
class Guarded {
 public:
  Guarded() {
    const long page = sysconf(_SC_PAGESIZE);
    page_ = static_cast<std::size_t>(page);
    span_ = (kMax + page_ - 1) / page_ * page_;
    for (auto *m : {&src_, &dst_}) {
      void *p = mmap(nullptr, span_ + page_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (p == MAP_FAILED) std::abort();
      *m = static_cast<unsigned char *>(p);
      if (mprotect(*m + span_, page_, PROT_NONE) != 0) std::abort();  // the guard page
    }
    std::mt19937_64 rng(5);
    for (std::size_t i = 0; i < span_; ++i) src_[i] = static_cast<unsigned char>(rng());
  }
  ~Guarded() {
    munmap(src_, span_ + page_);
    munmap(dst_, span_ + page_);
  }
  // A value of len bytes whose padded words end at the guard page.
  const std::uint8_t *src(std::size_t len) const { return src_ + span_ - (len + 7) / 8 * 8; }
  // len bytes that end at the guard page.
  unsigned char *dst(std::size_t len) const { return dst_ + span_ - len; }
  static constexpr std::size_t kMax = 70000;

 private:
  std::size_t page_ = 0, span_ = 0;
  unsigned char *src_ = nullptr, *dst_ = nullptr;
};

// Every length up to 5000 (every stripe and block boundary of XXH3's long
// loop, every tail length) and the lengths() boundaries beyond.
std::vector<std::size_t> guarded_lengths() {
  std::vector<std::size_t> out;
  for (std::size_t len = 0; len <= 5000; ++len) out.push_back(len);
  for (const std::size_t len : lengths())
    if (len > 5000) out.push_back(len);
  return out;
}

TEST(Xxh3Kernels, CopyCheckedReadsAndWritesOnlyTheValueAndReturnsItsCheck) {
  const Guarded g;
  std::mt19937_64 rng(7);
  for (const std::size_t len : guarded_lengths()) {
    const std::uint64_t seed = len % 2 ? rng() : 0;  // XXH3's seed-0 path uses the default secret
    const std::uint8_t *src = g.src(len);
    unsigned char *dst = g.dst(len);
    ASSERT_EQ(copy_checked(src, len, dst, seed), XXH3_64bits_withSeed(src, len, seed)) << len;
    ASSERT_EQ(std::memcmp(dst, src, len), 0) << len;
  }
}

#if defined(__x86_64__)
TEST(Xxh3Kernels, FusedKernelsReadAndWriteOnlyTheValue) {
  const Guarded g;
  for (auto *fused_kernel : {spl_copy_xxh3_fused_avx2, spl_copy_xxh3_fused_avx512}) {
    if (fused_kernel == spl_copy_xxh3_fused_avx2 && !__builtin_cpu_supports("avx2")) continue;
    if (fused_kernel == spl_copy_xxh3_fused_avx512 && !__builtin_cpu_supports("avx512f")) continue;
    for (const std::size_t len : guarded_lengths()) {
      const std::uint8_t *src = g.src(len);
      unsigned char *dst = g.dst(len);
      ASSERT_EQ(fused_kernel(src, len, dst, len, copy_plain), XXH3_64bits_withSeed(src, len, len)) << len;
      ASSERT_EQ(std::memcmp(dst, src, len), 0) << len;
    }
  }
}
#endif

// Negative control of the guard: a read one word past a value's padding faults.
TEST(Xxh3KernelsDeathTest, ControlAReadPastTheValuesPaddingFaults) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  const Guarded g;
  const std::uint8_t *src = g.src(64);
  EXPECT_DEATH(
      {
        volatile std::uint64_t sink = load64(src + 64);
        (void)sink;
      },
      "");
}

// Negative control of the oracle: a kernel off by one seed is caught.
TEST(Xxh3Kernels, ControlAWrongKernelIsCaught) {
  EXPECT_GT(mismatches([](const void *p, std::size_t len, std::uint64_t seed) { return spl_xxh3_base(p, len, seed + 1); }),
            0);
}

}  // namespace
}  // namespace splinter::testing
