// c_api.cpp -- the C ABI of splinter.h: argument checks and translation onto
// the core, and the diagnostics (status names, messages, the error detail).
#include "bus.h"
#include "status.h"

#include <splinter/splinter.hpp>

namespace {

using splinter::StoredKey;

// Every entry point starts by clearing the thread's error detail (splinter.h,
// "Errors"); only the diagnostics of status.cpp leave it alone.
struct Call {
  Call() { splinter::clear_error(); }
};

int bad(const char *what) { return splinter::fail(SPLINTER_E_INVALID, "%s", what); }

int key_or_fail(const char *key, StoredKey *k) {
  const int st = splinter::make_key(key, k);
  if (st == SPLINTER_E_KEY_TOO_LONG) return splinter::fail(st, "key longer than %d bytes (not truncated)", SPLINTER_KEY_MAX);
  if (st != SPLINTER_OK) return splinter::fail(st, "empty or NULL key");
  return st;
}

int prepared_or_fail(const splinter_key *key, StoredKey *k, bool for_write) {
  const int st = for_write ? splinter::prepared_for_write(key, k) : splinter::prepared_for_read(key, k);
  if (st != SPLINTER_OK)
    return splinter::fail(st, key == nullptr ? "NULL prepared key"
                                             : "prepared key fails its check (changed since splinter_key_init, "
                                               "or from a library of another format version)");
  return st;
}

splinter::FindingSink c_sink(splinter_finding_fn fn, void *ctx) {
  if (fn == nullptr) return nullptr;
  return [fn, ctx](const splinter::Finding &f) {
    const splinter_finding cf{f.rule, f.severity, f.fix, f.slot, f.key.c_str(), f.detail.c_str()};
    return fn(ctx, &cf) == 0;
  };
}

}  // namespace

extern "C" {

SPLINTER_API int splinter_create(splinter_bus **out, splinter_backing backing, const char *name, uint32_t slots,
                                 uint32_t max_value_size, uint32_t mode) {
  Call c;
  splinter::core::Options o;
  o.slots = slots;
  o.max_value_size = max_value_size;
  o.mode = mode;
  return splinter::core::create(out, backing, name, o);
}

SPLINTER_API int splinter_create_ex(splinter_bus **out, splinter_backing backing, const char *name,
                                    const splinter_options *opts) {
  Call c;
  // The first version of the struct: six u32 fields. A later, larger one is
  // accepted when the fields this library does not know are all zero.
  constexpr std::size_t kFirstVersion = 24, kLargest = 4096;
  static_assert(sizeof(splinter_options) == kFirstVersion, "splinter_options grew: update kFirstVersion's comment");
  if (opts == nullptr) return bad("NULL options");
  if (opts->size < kFirstVersion || opts->size > kLargest)
    return splinter::fail(SPLINTER_E_INVALID, "options size %u (expected %zu..%zu: set it to sizeof(splinter_options))",
                          opts->size, kFirstVersion, kLargest);
  const auto *bytes = reinterpret_cast<const unsigned char *>(opts);
  for (std::size_t i = sizeof(splinter_options); i < opts->size; ++i)
    if (bytes[i] != 0)
      return splinter::fail(SPLINTER_E_INVALID, "options byte %zu is not zero: a field this library does not know", i);
  splinter::core::Options o;
  o.slots = opts->slots;
  o.max_value_size = opts->max_value_size;
  o.mode = opts->mode;
  o.change_ring = opts->change_ring;
  o.history_depth = opts->history_depth;
  return splinter::core::create(out, backing, name, o);
}

SPLINTER_API int splinter_open(splinter_bus **out, splinter_backing backing, const char *name, splinter_role role) {
  Call c;
  return splinter::core::open(out, backing, name, role);
}

SPLINTER_API void splinter_close(splinter_bus *bus) {
  Call c;
  splinter::core::close(bus);
}

SPLINTER_API int splinter_destroy(splinter_backing backing, const char *name) {
  Call c;
  return splinter::core::destroy(backing, name);
}

SPLINTER_API int splinter_set(splinter_bus *bus, const char *key, const void *value, size_t len, uint64_t *out_epoch) {
  Call c;
  if (bus == nullptr) return bad("NULL bus");
  StoredKey k;
  if (int st = key_or_fail(key, &k)) return st;
  return splinter::core::set(bus, k, value, len, 0, out_epoch);
}

SPLINTER_API int splinter_set_ttl(splinter_bus *bus, const char *key, const void *value, size_t len, uint64_t ttl_ms,
                                  uint64_t *out_epoch) {
  Call c;
  if (bus == nullptr) return bad("NULL bus");
  StoredKey k;
  if (int st = key_or_fail(key, &k)) return st;
  return splinter::core::set_ttl(bus, k, value, len, ttl_ms, out_epoch);
}

SPLINTER_API int splinter_expire(splinter_bus *bus, uint32_t max, uint32_t *out_removed) {
  Call c;
  if (bus == nullptr) return bad("NULL bus");
  return splinter::core::expire(bus, max, out_removed);
}

SPLINTER_API int splinter_ttl(const splinter_bus *bus, const char *key, uint64_t *out_ms) {
  Call c;
  if (bus == nullptr || out_ms == nullptr) return bad("NULL bus or out-pointer");
  StoredKey k;
  if (int st = key_or_fail(key, &k)) return st;
  return splinter::core::ttl(bus, k, out_ms);
}

SPLINTER_API int splinter_unset(splinter_bus *bus, const char *key, uint64_t *out_epoch) {
  Call c;
  if (bus == nullptr) return bad("NULL bus");
  StoredKey k;
  if (int st = key_or_fail(key, &k)) return st;
  return splinter::core::unset(bus, k, out_epoch);
}

SPLINTER_API int splinter_flush(splinter_bus *bus) {
  Call c;
  if (bus == nullptr) return bad("NULL bus");
  return splinter::core::flush(bus);
}

SPLINTER_API int splinter_get(const splinter_bus *bus, const char *key, void *buf, size_t cap, size_t *out_len,
                              uint64_t *out_epoch) {
  Call c;
  if (bus == nullptr) return bad("NULL bus");
  if (buf == nullptr && cap > 0) return bad("NULL buffer with capacity > 0");
  StoredKey k;
  if (int st = key_or_fail(key, &k)) return st;
  return splinter::core::get(bus, k, buf, cap, out_len, out_epoch);
}

SPLINTER_API int splinter_list(const splinter_bus *bus, int (*fn)(void *, const char *, size_t, uint64_t), void *ctx) {
  Call c;
  if (bus == nullptr || fn == nullptr) return bad("NULL bus or callback");
  return splinter::core::list(bus, fn, ctx);
}

SPLINTER_API int splinter_changes(const splinter_bus *bus, uint64_t since, splinter_change_fn fn, void *ctx,
                                  uint64_t *out_last) {
  Call c;
  if (bus == nullptr || fn == nullptr) return bad("NULL bus or callback");
  return splinter::core::changes(bus, since, fn, ctx, out_last);
}

SPLINTER_API int splinter_history(const splinter_bus *bus, const char *key, splinter_history_fn fn, void *ctx) {
  Call c;
  if (bus == nullptr || fn == nullptr) return bad("NULL bus or callback");
  StoredKey k;
  if (int st = key_or_fail(key, &k)) return st;
  return splinter::core::history(bus, k, fn, ctx);
}

SPLINTER_API int splinter_poll(const splinter_bus *bus, const char *key, uint64_t since_epoch, int64_t timeout_ms,
                               uint64_t *out_epoch) {
  Call c;
  if (bus == nullptr) return bad("NULL bus");
  if (key == nullptr) return splinter::core::poll(bus, nullptr, since_epoch, timeout_ms, out_epoch);
  StoredKey k;
  if (int st = key_or_fail(key, &k)) return st;
  return splinter::core::poll(bus, &k, since_epoch, timeout_ms, out_epoch);
}

SPLINTER_API int splinter_key_init(splinter_key *out, const char *key) {
  Call c;
  if (out == nullptr) return bad("NULL out-pointer");
  StoredKey k;
  if (int st = key_or_fail(key, &k)) return st;
  splinter::prepare_key(k, out);
  return SPLINTER_OK;
}

SPLINTER_API int splinter_get_k(const splinter_bus *bus, const splinter_key *key, void *buf, size_t cap,
                                size_t *out_len, uint64_t *out_epoch) {
  Call c;
  if (bus == nullptr) return bad("NULL bus");
  if (buf == nullptr && cap > 0) return bad("NULL buffer with capacity > 0");
  StoredKey k;
  if (int st = prepared_or_fail(key, &k, false)) return st;
  return splinter::core::get(bus, k, buf, cap, out_len, out_epoch);
}

SPLINTER_API int splinter_set_k(splinter_bus *bus, const splinter_key *key, const void *value, size_t len,
                                uint64_t *out_epoch) {
  Call c;
  if (bus == nullptr) return bad("NULL bus");
  StoredKey k;
  if (int st = prepared_or_fail(key, &k, true)) return st;
  return splinter::core::set(bus, k, value, len, 0, out_epoch);
}

SPLINTER_API int splinter_unset_k(splinter_bus *bus, const splinter_key *key, uint64_t *out_epoch) {
  Call c;
  if (bus == nullptr) return bad("NULL bus");
  StoredKey k;
  if (int st = prepared_or_fail(key, &k, true)) return st;
  return splinter::core::unset(bus, k, out_epoch);
}

SPLINTER_API int splinter_poll_k(const splinter_bus *bus, const splinter_key *key, uint64_t since_epoch,
                                 int64_t timeout_ms, uint64_t *out_epoch) {
  Call c;
  if (bus == nullptr) return bad("NULL bus");
  StoredKey k;
  if (int st = prepared_or_fail(key, &k, false)) return st;
  return splinter::core::poll(bus, &k, since_epoch, timeout_ms, out_epoch);
}

SPLINTER_API int splinter_set_spin(splinter_bus *bus, uint32_t spin_us) {
  Call c;
  if (bus == nullptr || spin_us > 1000000) return bad("NULL bus or spin budget over 1 s");
  splinter::core::set_spin(bus, spin_us);
  return SPLINTER_OK;
}

SPLINTER_API uint64_t splinter_epoch(const splinter_bus *bus) {
  Call c;
  return bus ? splinter::core::epoch(bus) : 0;
}

SPLINTER_API int splinter_info_get(const splinter_bus *bus, splinter_info *out) {
  Call c;
  if (bus == nullptr || out == nullptr) return bad("NULL bus or out-pointer");
  return splinter::core::info(bus, out);
}

SPLINTER_API int splinter_check(splinter_backing backing, const char *name, splinter_finding_fn fn, void *ctx,
                                splinter_report *out) {
  Call c;
  return splinter::core::check(backing, name, c_sink(fn, ctx), out);
}

SPLINTER_API int splinter_check_bus(const splinter_bus *bus, splinter_finding_fn fn, void *ctx, splinter_report *out) {
  Call c;
  if (bus == nullptr) return bad("NULL bus");
  return splinter::core::check_bus(bus, c_sink(fn, ctx), out);
}

SPLINTER_API int splinter_recover(splinter_backing backing, const char *name, splinter_finding_fn fn, void *ctx,
                                  splinter_report *out) {
  Call c;
  return splinter::core::recover(backing, name, c_sink(fn, ctx), out);
}

// ---- Diagnostics: they never change the thread's error detail. ----
SPLINTER_API const char *splinter_strerror(int status) {
  switch (status) {
    case SPLINTER_OK: return "success";
    case SPLINTER_E_NOT_FOUND: return "key not found";
    case SPLINTER_E_INVALID: return "invalid argument";
    case SPLINTER_E_KEY_TOO_LONG: return "key longer than SPLINTER_KEY_MAX bytes";
    case SPLINTER_E_TOO_LARGE: return "value larger than the bus's max_value_size";
    case SPLINTER_E_BUFFER: return "buffer too small for the value";
    case SPLINTER_E_FULL: return "bus full: every slot holds a live key";
    case SPLINTER_E_BUSY: return "another writer holds the bus";
    case SPLINTER_E_READ_ONLY: return "mutation through a reader handle";
    case SPLINTER_E_TIMEOUT: return "timed out";
    case SPLINTER_E_EXISTS: return "a bus of that name already exists";
    case SPLINTER_E_NO_BUS: return "no bus of that name";
    case SPLINTER_E_CORRUPT: return "bus fails validation";
    case SPLINTER_E_VERSION: return "unsupported format version";
    case SPLINTER_E_AGAIN: return "no stable read within the retry budget; retry";
    case SPLINTER_E_SYSTEM: return "operating-system error";
    case SPLINTER_E_COMPACTED: return "the change feed no longer holds the changes asked for; resynchronise";
    default: return "unknown status";
  }
}

SPLINTER_API const char *splinter_status_name(int status) {
  switch (status) {
#define SPLINTER_NAME(s) \
  case s: return #s;
    SPLINTER_NAME(SPLINTER_OK)
    SPLINTER_NAME(SPLINTER_E_NOT_FOUND)
    SPLINTER_NAME(SPLINTER_E_INVALID)
    SPLINTER_NAME(SPLINTER_E_KEY_TOO_LONG)
    SPLINTER_NAME(SPLINTER_E_TOO_LARGE)
    SPLINTER_NAME(SPLINTER_E_BUFFER)
    SPLINTER_NAME(SPLINTER_E_FULL)
    SPLINTER_NAME(SPLINTER_E_BUSY)
    SPLINTER_NAME(SPLINTER_E_READ_ONLY)
    SPLINTER_NAME(SPLINTER_E_TIMEOUT)
    SPLINTER_NAME(SPLINTER_E_EXISTS)
    SPLINTER_NAME(SPLINTER_E_NO_BUS)
    SPLINTER_NAME(SPLINTER_E_CORRUPT)
    SPLINTER_NAME(SPLINTER_E_VERSION)
    SPLINTER_NAME(SPLINTER_E_AGAIN)
    SPLINTER_NAME(SPLINTER_E_SYSTEM)
    SPLINTER_NAME(SPLINTER_E_COMPACTED)
#undef SPLINTER_NAME
    default: return nullptr;
  }
}

SPLINTER_API const char *splinter_last_error(void) { return splinter::error_detail(); }
SPLINTER_API const char *splinter_version(void) { return SPLINTER_VERSION_STRING; }

}  // extern "C"
