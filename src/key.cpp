// key.cpp -- key construction (the only validation a key needs).
#include "key.h"

#include "hash.h"

#include <cstring>

namespace splinter {

namespace {
// Builds the key in place; the caller has checked 1 <= len <= 63 and no NUL.
void fill_key(const char *data, std::size_t len, Key *out) {
  std::memset(out->words, 0, sizeof out->words);
  std::memcpy(out->words, data, len);
  out->len = len;
  out->hash = key_hash(out->words, len);
}
}  // namespace

int make_key(const char *data, std::size_t len, Key *out) {
  if (data == nullptr || len == 0) return SPLINTER_E_INVALID;
  if (len > SPLINTER_KEY_MAX) return SPLINTER_E_KEY_TOO_LONG;
  if (std::memchr(data, '\0', len) != nullptr) return SPLINTER_E_INVALID;
  fill_key(data, len, out);
  return SPLINTER_OK;
}

int make_key(const char *key, Key *out) {
  if (key == nullptr) return SPLINTER_E_INVALID;
  const std::size_t len = strnlen(key, SPLINTER_KEY_MAX + 1);  // stops at the first NUL
  if (len == 0) return SPLINTER_E_INVALID;
  if (len > SPLINTER_KEY_MAX) return SPLINTER_E_KEY_TOO_LONG;
  fill_key(key, len, out);
  return SPLINTER_OK;
}

}  // namespace splinter
