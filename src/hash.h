// hash.h -- the two hash functions of the format (docs/FORMAT.md 1.1, 1.3).
#ifndef SPLINTER_SRC_HASH_H
#define SPLINTER_SRC_HASH_H

#include <cstddef>
#include <cstdint>

namespace splinter {

// A key's key_hash: XXH3-64 (seed 0) of its bytes, without the NUL.
std::uint64_t key_hash(const void *bytes, std::size_t len);

// The home slot of a key_hash in a table of `slots` slots: the high 64 bits
// of the 128-bit product key_hash * slots (multiply-shift range reduction,
// one multiply instead of a 64-bit division).
constexpr std::uint32_t home_slot(std::uint64_t key_hash, std::uint32_t slots) {
  __extension__ using u128 = unsigned __int128;
  return static_cast<std::uint32_t>((u128{key_hash} * slots) >> 64);
}
static_assert(home_slot(~std::uint64_t{0}, 7) == 6 && home_slot(0, 7) == 0, "home_slot maps onto [0, slots)");

// A buffer's check: XXH3-64 of the value bytes, seeded with
// key_hash ^ epoch ^ rotl64(deadline, 32): it binds the bytes to the key,
// the mutation and the deadline (0: none) that the meta gives them.
std::uint64_t value_check(std::uint64_t key_hash, std::uint64_t epoch, const void *bytes, std::size_t len,
                          std::uint64_t deadline = 0);
// XXH3-64 of len bytes with a seed: inlined up to 240 bytes, above that
// the widest kernel the CPU runs (xxh3_kernels.h).
std::uint64_t xxh3_seeded(const void *bytes, std::size_t len, std::uint64_t seed);
// That seed (copy_checked, copy.h, takes it).
constexpr std::uint64_t value_seed(std::uint64_t key_hash, std::uint64_t epoch, std::uint64_t deadline = 0) {
  return key_hash ^ epoch ^ ((deadline << 32) | (deadline >> 32));
}

// The header's check: XXH3-64 (seed 0) of header bytes 0..47.
std::uint64_t header_check(const void *first_48_bytes);

}  // namespace splinter

#endif  // SPLINTER_SRC_HASH_H
