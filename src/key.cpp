// key.cpp -- key construction (the only validation a key needs).
#include "key.h"

#include "hash.h"

#include <cstring>

namespace splinter {

namespace {
// Builds the key in place; the caller has checked 1 <= len <= 63 and no NUL.
void fill_key(const char *data, std::size_t len, StoredKey *out) {
  std::memset(out->words, 0, sizeof out->words);
  std::memcpy(out->words, data, len);
  out->len = len;
  out->hash = key_hash(out->words, len);
}
}  // namespace

int make_key(const char *data, std::size_t len, StoredKey *out) {
  if (data == nullptr || len == 0) return SPLINTER_E_INVALID;
  if (len > SPLINTER_KEY_MAX) return SPLINTER_E_KEY_TOO_LONG;
  if (std::memchr(data, '\0', len) != nullptr) return SPLINTER_E_INVALID;
  fill_key(data, len, out);
  return SPLINTER_OK;
}

int make_key(const char *key, StoredKey *out) {
  if (key == nullptr) return SPLINTER_E_INVALID;
  const std::size_t len = strnlen(key, SPLINTER_KEY_MAX + 1);  // stops at the first NUL
  if (len == 0) return SPLINTER_E_INVALID;
  if (len > SPLINTER_KEY_MAX) return SPLINTER_E_KEY_TOO_LONG;
  fill_key(key, len, out);
  return SPLINTER_OK;
}

}  // namespace splinter

namespace splinter {

void prepare_key(const StoredKey &k, splinter_key *out) {
  std::memcpy(out->opaque, k.words, sizeof k.words);
  out->opaque[kPreparedHash] = k.hash;
  out->opaque[kPreparedCheck] = prepared_check(out->opaque);
}

int prepared_for_write(const splinter_key *p, StoredKey *out) {
  StoredKey k;
  if (prepared_for_read(p, &k) != SPLINTER_OK) return SPLINTER_E_INVALID;
  // The key rebuilt from its bytes up to the first NUL must be the prepared
  // one, word for word (F9: NUL padding to the end) and hash for hash.
  const char *bytes = reinterpret_cast<const char *>(k.words);
  const std::size_t len = strnlen(bytes, layout::kKeyBytes);
  if (len == 0 || len > SPLINTER_KEY_MAX) return SPLINTER_E_INVALID;
  fill_key(bytes, len, out);
  if (std::memcmp(out->words, k.words, sizeof k.words) != 0 || out->hash != k.hash) return SPLINTER_E_INVALID;
  return SPLINTER_OK;
}

}  // namespace splinter
