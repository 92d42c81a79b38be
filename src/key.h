// key.h -- a key as stored in a slot (docs/FORMAT.md 1.3), and the one
// validation a key needs.
#ifndef SPLINTER_SRC_KEY_H
#define SPLINTER_SRC_KEY_H

#include "layout.h"

#include <cstddef>
#include <cstdint>

namespace splinter {

// A key as stored in a slot: 64 NUL-padded bytes as 8 words, and its hash.
struct Key {
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

// Builds a Key from a NUL-terminated C string: OK, INVALID (NULL or empty)
// or KEY_TOO_LONG. Reads at most SPLINTER_KEY_MAX + 1 bytes of `key`.
int make_key(const char *key, Key *out);
// The same from a sized string: INVALID also when it contains a NUL.
int make_key(const char *data, std::size_t len, Key *out);

}  // namespace splinter

#endif  // SPLINTER_SRC_KEY_H
