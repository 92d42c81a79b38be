// copy.cpp -- one-pass verified copy of a value (copy.h).
#include "copy.h"

#include "hash.h"
#include "words.h"
#include "xxh3_kernels.h"

#include <cstring>

#define XXH_INLINE_ALL  // the short-input hash inlined into the copy
#include <xxhash.h>

namespace splinter {
namespace {

// Without AVX2, values up to this size are copied whole and hashed once from
// dst (still in L1); larger ones go through the streaming state a chunk at a
// time. With it, the fused kernel copies and hashes a stripe at a time.
constexpr std::size_t kChunk = 4096;
static_assert(kChunk % 8 == 0, "chunks keep the source 8-byte aligned");
// Up to XXH3's short-input limit the hash is scalar whatever the CPU: it is
// inlined here rather than called through a kernel (xxh3_kernels.h).
constexpr std::size_t kShort = 240;

// Above this size the AVX-512 machine's fused copy uses the AVX2 kernel: on
// the EPYC of docs/PERFORMANCE.md, over 512 values visited in turn, 64 KiB
// took 2.0 us with AVX2 stripes and 2.4 - 2.6 us with AVX-512 ones (from
// memory), 4 KiB 102 ns and 89 ns (from cache).
constexpr std::size_t kAvx512Max = 16384;

// Copies len bytes, a word at a time (four in flight per iteration). The
// last partial word is loaded whole (the buffer is padded to 8) and only its
// len % 8 bytes are stored. It copies values up to 240 bytes, the tail of a
// larger one on the fused kernels, and every value where the CPU has no AVX2.
inline __attribute__((always_inline)) void copy_words(const std::uint8_t *src, std::size_t len, unsigned char *out) {
  const std::size_t full = len / 8;
  std::size_t w = 0;
  for (; w + 4 <= full; w += 4) {
    const std::uint64_t v0 = load64(src + 8 * w), v1 = load64(src + 8 * w + 8), v2 = load64(src + 8 * w + 16),
                        v3 = load64(src + 8 * w + 24);
    std::memcpy(out + 8 * w, &v0, 8);
    std::memcpy(out + 8 * w + 8, &v1, 8);
    std::memcpy(out + 8 * w + 16, &v2, 8);
    std::memcpy(out + 8 * w + 24, &v3, 8);
  }
  for (; w < full; ++w) {
    const std::uint64_t v = load64(src + 8 * w);
    std::memcpy(out + 8 * w, &v, 8);
  }
  if (const std::size_t tail = len % 8) {
    const std::uint64_t v = load64(src + 8 * full);
    std::memcpy(out + 8 * full, &v, tail);
  }
}

}  // namespace

std::uint64_t copy_checked(const std::uint8_t *src, std::size_t len, void *dst, std::uint64_t seed) {
  auto *out = static_cast<unsigned char *>(dst);
  if (len <= kShort) {
    copy_words(src, len, out);
    return XXH3_64bits_withSeed(out, len, seed);  // scalar whatever the CPU
  }
#if defined(__x86_64__)
  switch (kernel()) {
    case Kernel::avx512:
      // Two 32-byte loads a stripe beat one 64-byte load once the value
      // streams from memory (kAvx512Max, measured: docs/PERFORMANCE.md).
      if (len > kAvx512Max) return spl_copy_xxh3_fused_avx2(src, len, out, seed, copy_words);
      return spl_copy_xxh3_fused_avx512(src, len, out, seed, copy_words);
    case Kernel::avx2: return spl_copy_xxh3_fused_avx2(src, len, out, seed, copy_words);
    case Kernel::base: break;
  }
#endif
  if (len <= kChunk) {
    copy_words(src, len, out);
    return spl_xxh3_base(out, len, seed);
  }
  return spl_copy_xxh3_base(src, len, out, seed, kChunk, copy_words);
}

}  // namespace splinter
