// hash.cpp -- checksums via xxHash (Debian libxxhash-dev).
#include "hash.h"

#include "layout.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace splinter {

std::uint64_t key_hash(const void *bytes, std::size_t len) { return XXH3_64bits(bytes, len); }

std::uint64_t value_check(std::uint64_t key_hash, std::uint64_t epoch, const void *bytes, std::size_t len,
                          std::uint64_t deadline) {
  return XXH3_64bits_withSeed(bytes, len, value_seed(key_hash, epoch, deadline));
}

std::uint64_t xxh3_seeded(const void *bytes, std::size_t len, std::uint64_t seed) {
  return XXH3_64bits_withSeed(bytes, len, seed);
}

std::uint64_t header_check(const void *first_48_bytes) {
  return XXH3_64bits(first_48_bytes, layout::kHeaderCheckedBytes);
}

}  // namespace splinter
