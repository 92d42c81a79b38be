// key.h -- a key as stored in a slot (docs/FORMAT.md 1.3), the one
// validation a key needs, and prepared keys (splinter_key, splinter.h).
#ifndef SPLINTER_SRC_KEY_H
#define SPLINTER_SRC_KEY_H

#include "layout.h"
#include "mutants.h"

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace splinter {

// A key as stored in a slot: 64 NUL-padded bytes as 8 words, and its hash.
struct StoredKey {
  std::uint64_t words[layout::kKeyBytes / 8] = {};
  std::size_t len = 0;
  std::uint64_t hash = 0;
  const unsigned char *bytes() const { return reinterpret_cast<const unsigned char *>(words); }
  // F9: 1..63 bytes, then NUL bytes to the end of the 64.
  bool well_formed() const {
    if (len < 1 || len > SPLINTER_KEY_MAX) return false;
    for (std::size_t j = len; j < layout::kKeyBytes; ++j)
      if (bytes()[j] != 0) return false;
    return true;
  }
};

// Builds a StoredKey from a NUL-terminated C string: OK, INVALID (NULL or empty)
// or KEY_TOO_LONG. Reads at most SPLINTER_KEY_MAX + 1 bytes of `key`.
int make_key(const char *key, StoredKey *out);
// The same from a sized string: INVALID also when it contains a NUL.
int make_key(const char *data, std::size_t len, StoredKey *out);

// ---- prepared keys ----
// A splinter_key: words 0..7 the 64 key bytes as a slot stores them, word 8
// the key_hash, word 9 prepared_check of words 0..8.
static_assert(sizeof(splinter_key) == 80 && layout::kKeyBytes == 64, "splinter_key: 8 key words, hash, check");
inline constexpr std::size_t kPreparedHash = 8, kPreparedCheck = 9;

// The check word: fmix64 (a bijection) of the format version plus each word
// times its own odd constant. A change confined to one word (any change of
// one byte) changes the sum -- an odd constant is invertible mod 2^64 -- and
// so the check: it is caught every time, not just with high probability.
inline std::uint64_t prepared_check(const std::uint64_t *w) {
  constexpr std::uint64_t kOdd[9] = {0x9E3779B97F4A7C15ull, 0xC2B2AE3D27D4EB4Full, 0x165667B19E3779F9ull,
                                     0xD6E8FEB86659FD93ull, 0xFF51AFD7ED558CCDull, 0xC4CEB9FE1A85EC53ull,
                                     0x27D4EB2F165667C5ull, 0x85EBCA77C2B2AE63ull, 0x94D049BB133111EBull};
  // Written out (GCC -O2 kept the loops and their counters on every get_k):
  // nine independent multiplies summed as a tree.
  const std::uint64_t a = (0x5350'4C4B'4559'0000ull + layout::kFormatVersion) + w[0] * kOdd[0];
  const std::uint64_t b = w[1] * kOdd[1] + w[2] * kOdd[2], c = w[3] * kOdd[3] + w[4] * kOdd[4];
  const std::uint64_t d = w[5] * kOdd[5] + w[6] * kOdd[6], e = w[7] * kOdd[7] + w[8] * kOdd[8];
  std::uint64_t x = (a + b) + (c + (d + e));
  x ^= x >> 33;
  x *= 0xFF51AFD7ED558CCDull;
  x ^= x >> 33;
  x *= 0xC4CEB9FE1A85EC53ull;
  x ^= x >> 33;
  return x;
}

// Writes the prepared form of a well-formed key.
void prepare_key(const StoredKey &k, splinter_key *out);

// The read path's use of a prepared key: its words and hash (len is left 0:
// no read needs it) if the check word holds. OK or INVALID.
inline int prepared_for_read(const splinter_key *p, StoredKey *out) {
  if (p == nullptr) return SPLINTER_E_INVALID;
  if (!mutant::kPreparedKeyUnchecked && prepared_check(p->opaque) != p->opaque[kPreparedCheck])
    return SPLINTER_E_INVALID;
  std::memcpy(out->words, p->opaque, sizeof out->words);
  out->hash = p->opaque[kPreparedHash];
  return SPLINTER_OK;
}

// A mutation's use: also the F9 shape, the length, and the hash recomputed,
// so that nothing but a valid key reaches the region. OK or INVALID.
int prepared_for_write(const splinter_key *p, StoredKey *out);

}  // namespace splinter

#endif  // SPLINTER_SRC_KEY_H
