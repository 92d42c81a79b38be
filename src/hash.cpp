// hash.cpp -- checksums via xxHash (Debian libxxhash-dev).
#include "hash.h"

#include "layout.h"
#include "xxh3_kernels.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace splinter {

std::uint64_t key_hash(const void *bytes, std::size_t len) { return XXH3_64bits(bytes, len); }

std::uint64_t value_check(std::uint64_t key_hash, std::uint64_t epoch, const void *bytes, std::size_t len,
                          std::uint64_t deadline) {
  return xxh3_seeded(bytes, len, value_seed(key_hash, epoch, deadline));
}

// Up to 240 bytes XXH3 is scalar whatever the CPU: inlined here. Longer
// inputs go to the widest kernel the CPU runs (xxh3_kernels.h).
std::uint64_t xxh3_seeded(const void *bytes, std::size_t len, std::uint64_t seed) {
  if (len <= XXH3_MIDSIZE_MAX) return XXH3_64bits_withSeed(bytes, len, seed);
#if defined(__x86_64__)
  switch (kernel()) {
    case Kernel::avx512: return spl_xxh3_avx512(bytes, len, seed);
    case Kernel::avx2: return spl_xxh3_avx2(bytes, len, seed);
    case Kernel::base: break;
  }
#endif
  return spl_xxh3_base(bytes, len, seed);
}

namespace {
// Read once, before main (a call before then runs the base kernel: the same
// result, only slower). __builtin_cpu_supports checks that the OS saves the
// vector registers too. A ThreadSanitizer build always runs the base kernel:
// TSan cannot see the wide kernels' asm loads of the region (FORMAT.md 2.4
// step 4), and does see the base copy's 8-byte atomic loads.
Kernel detect() {
#if defined(__x86_64__)
  if (kThreadSanitizer) return Kernel::base;
  __builtin_cpu_init();
  const bool avx2 = __builtin_cpu_supports("avx2");
  if (avx2 && __builtin_cpu_supports("avx512f")) return Kernel::avx512;
  if (avx2) return Kernel::avx2;
#endif
  return Kernel::base;
}
const Kernel kKernel = detect();
}  // namespace

Kernel kernel() { return kKernel; }

std::uint64_t header_check(const void *first_48_bytes) {
  return XXH3_64bits(first_48_bytes, layout::kHeaderCheckedBytes);
}

}  // namespace splinter
