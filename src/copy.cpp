// copy.cpp -- one-pass verified copy of a value (copy.h).
#include "copy.h"

#include "hash.h"
#include "words.h"

#include <algorithm>
#include <cstring>

#define XXH_STATIC_LINKING_ONLY  // XXH3_state_t on the stack
#include <xxhash.h>
// Not libxxhash's run-time dispatch (xxh_x86dispatch.h): Debian's libxxhash.a lacks
// it, and a fully static consumer must link (ci/test-install step 3).

namespace splinter {
namespace {

// Values up to this size are copied whole and hashed once from dst (still in
// L1); larger ones go through the streaming state a chunk at a time.
constexpr std::size_t kChunk = 4096;
static_assert(kChunk % 8 == 0, "chunks keep the source 8-byte aligned");
// Up to XXH3's short-input limit the hash is scalar whatever the CPU: it is
// inlined (hash.cpp) rather than called through libxxhash's dispatch.
constexpr std::size_t kShort = 240;

// Copies len bytes, a word at a time (four in flight per iteration). The
// last partial word is loaded whole (the buffer is padded to 8) and only its
// len % 8 bytes are stored. (16-byte SSE2 loads, outside the C++ memory
// model, were tried: no measurable gain at 4 KiB or 64 KiB, so the copy
// stays on the model's widest lock-free load, 8 bytes.)
void copy_words(const std::uint8_t *src, std::size_t len, unsigned char *out) {
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
    return xxh3_seeded(out, len, seed);
  }
  if (len <= kChunk) {
    copy_words(src, len, out);
    return XXH3_64bits_withSeed(out, len, seed);
  }
  XXH3_state_t state;
  XXH3_INITSTATE(&state);
  XXH3_64bits_reset_withSeed(&state, seed);
  for (std::size_t off = 0; off < len; off += kChunk) {
    const std::size_t n = std::min(kChunk, len - off);
    copy_words(src + off, n, out + off);
    // The next chunk's lines are fetched while this one is hashed, so the
    // memory and the hash overlap (a prefetch is a hint, not an access).
    const std::size_t next = std::min(kChunk, len - off - n);
    for (std::size_t p = 0; p < next; p += 64) __builtin_prefetch(src + off + n + p);
    XXH3_64bits_update(&state, out + off, n);
  }
  return XXH3_64bits_digest(&state);
}

}  // namespace splinter
