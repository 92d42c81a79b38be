// read.cpp -- get, list and key epochs: the reader's protocol (FORMAT.md 2.4).
#include "hash.h"
#include "mutants.h"
#include "protocol.h"
#include "status.h"

#include <sched.h>

namespace splinter::protocol {
namespace {

using layout::State;

// Attempts before a read gives up with AGAIN. A retry happens only when the
// writer mutated this very slot during the copy; a dead writer never causes one.
constexpr int kMaxAttempts = 4096;

enum class Step { next, found, absent };

// One probe step of 2.4 steps 2-3 at slot i: is the key here, absent, or further on?
inline __attribute__((always_inline)) Step look(const RegionView &r, std::uint32_t i, const Key &k, std::uint64_t *w) {
  *w = r.word(i, std::memory_order_acquire);  // pairs with the writer's release store of the word
  switch (layout::word_state(*w)) {
    case State::empty:
      return Step::absent;
    case State::tombstone:
      return mutant::kLookupStopsAtTombstone ? Step::absent : Step::next;
    case State::invalid:
      return Step::next;
    case State::live:
      return r.hash(i) == k.hash && r.key_equals(i, k) ? Step::found : Step::next;
  }
  return Step::next;
}

// F11 for the buffer word w selects: what get and list check before they
// trust a meta read under a stable word.
bool meta_ok(const RegionView &r, const Meta &m, std::uint64_t w) {
  return m.len <= r.geo().max_value_size && m.reserved == 0 && m.epoch == layout::word_epoch(w);
}

// Pairs with the writer's release fence (2.2 step 3), then re-reads the word.
bool stable(const RegionView &r, std::uint32_t i, std::uint64_t w) {
  std::atomic_thread_fence(std::memory_order_acquire);
  if constexpr (mutant::kNoRecheck) return true;
  return r.word(i, std::memory_order_relaxed) == w;
}

// A short pause inside a retry loop.
void backoff(int attempt) {
  if (attempt < 8) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
  } else {
    sched_yield();
  }
}

}  // namespace

int get(const RegionView &r, const Key &k, void *buf, std::size_t cap, std::size_t *out_len,
        std::uint64_t *out_epoch) {
  for (int attempt = 0; attempt < kMaxAttempts; backoff(attempt++)) {
    std::uint32_t i = r.home(k.hash);
    r.prefetch(i);  // most hits are in their home slot; further probes fetch on demand
    for (std::uint32_t n = 0; n < r.slots(); ++n, i = r.next(i)) {
      std::uint64_t w;
      const Step s = look(r, i, k, &w);
      if (s == Step::absent) return SPLINTER_E_NOT_FOUND;
      if (s == Step::next) continue;
      const unsigned b = layout::word_active(w);
      const Meta m = r.meta(i, b);
      const bool fits = m.len <= cap;
      if (fits) r.read_value(i, b, m.len, buf);  // copies nothing if len > max_value_size
      if (!stable(r, i, w)) goto retry;
      if (!meta_ok(r, m, w)) return fail(SPLINTER_E_CORRUPT, "slot %u: malformed buffer meta (F11)", i);
      if (!fits) {
        if (out_len) *out_len = m.len;
        return fail(SPLINTER_E_BUFFER, "value is %u bytes, buffer %zu", m.len, cap);
      }
      if (!mutant::kNoChecksumVerify && value_check(k.hash, m.epoch, buf, m.len) != m.check)
        return fail(SPLINTER_E_CORRUPT, "slot %u: value fails its checksum (F12)", i);
      if (out_len) *out_len = m.len;
      if (out_epoch) *out_epoch = m.epoch;
      return SPLINTER_OK;
    }
    return SPLINTER_E_NOT_FOUND;
  retry:;
  }
  return fail(SPLINTER_E_AGAIN, "no stable read after %d attempts", kMaxAttempts);
}

int key_epoch(const RegionView &r, const Key &k, std::uint64_t *out) {
  for (int attempt = 0; attempt < kMaxAttempts; backoff(attempt++)) {
    std::uint32_t i = r.home(k.hash);
    bool retry = false;
    for (std::uint32_t n = 0; n < r.slots() && !retry; ++n, i = r.next(i)) {
      std::uint64_t w;
      const Step s = look(r, i, k, &w);
      if (s == Step::absent) break;
      if (s == Step::next) continue;
      if (!stable(r, i, w)) {
        retry = true;
        break;
      }
      *out = layout::word_epoch(w);
      return SPLINTER_OK;
    }
    if (!retry) {
      *out = 0;
      return SPLINTER_OK;
    }
  }
  return fail(SPLINTER_E_AGAIN, "no stable read after %d attempts", kMaxAttempts);
}

int list(const RegionView &r, ListFn fn, void *ctx) {
  for (std::uint32_t i = 0; i < r.slots(); ++i) {
    for (int attempt = 0; attempt < 64; backoff(attempt++)) {
      const std::uint64_t w = r.word(i, std::memory_order_acquire);
      if (layout::word_state(w) != State::live) break;
      Key k;
      r.load_key(i, &k);
      const Meta m = r.meta(i, layout::word_active(w));
      if (!stable(r, i, w)) continue;
      // Skip what get would not find or not return as a value (F9, F10,
      // F11); splinter_check names it. A value failing its checksum (F12)
      // is listed: the key is there, and get says CORRUPT.
      if (!k.well_formed() || k.hash != key_hash(k.bytes(), k.len) || !meta_ok(r, m, w)) break;
      char name[layout::kKeyBytes];
      std::memcpy(name, k.words, sizeof name);
      if (const int rc = fn(ctx, name, m.len, layout::word_epoch(w))) return rc;
      break;
    }
  }
  return SPLINTER_OK;
}

}  // namespace splinter::protocol
