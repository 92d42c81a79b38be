// hash.h -- the two hash functions of the format (docs/FORMAT.md 1.1, 1.3).
#ifndef SPLINTER_SRC_HASH_H
#define SPLINTER_SRC_HASH_H

#include <cstddef>
#include <cstdint>

namespace splinter {

// FNV-1a 64 of a key: the key_hash of a slot, and the home slot's source.
constexpr std::uint64_t fnv1a64(const unsigned char *p, std::size_t n) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (std::size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 0x100000001b3ull;
  return h;
}

// A buffer's check: XXH3-64 of the value bytes, seeded with key_hash ^ epoch.
std::uint64_t value_check(std::uint64_t key_hash, std::uint64_t epoch, const void *bytes, std::size_t len);

// The header's check: XXH3-64 (seed 0) of header bytes 0..39.
std::uint64_t header_check(const void *first_40_bytes);

}  // namespace splinter

#endif  // SPLINTER_SRC_HASH_H
