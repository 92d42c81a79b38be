// region.cpp -- key construction (the only validation a key needs).
#include "region.h"

#include "hash.h"

namespace splinter {

int make_key(const char *data, std::size_t len, Key *out) {
  if (data == nullptr || len == 0) return SPLINTER_E_INVALID;
  if (len > SPLINTER_KEY_MAX) return SPLINTER_E_KEY_TOO_LONG;
  if (std::memchr(data, '\0', len) != nullptr) return SPLINTER_E_INVALID;
  Key k;
  std::memcpy(k.words, data, len);
  k.len = len;
  k.hash = fnv1a64(k.bytes(), len);
  *out = k;
  return SPLINTER_OK;
}

int make_key(const char *key, Key *out) {
  if (key == nullptr) return SPLINTER_E_INVALID;
  return make_key(key, strnlen(key, SPLINTER_KEY_MAX + 1), out);
}

}  // namespace splinter
