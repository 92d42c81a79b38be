// read.cpp -- get, list, ttl and key epochs: the reader's protocol (FORMAT.md 2.4).
#include "clock.h"
#include "hash.h"
#include "mutants.h"
#include "protocol.h"
#include "status.h"
#include "test_hooks.h"

#include <sched.h>

#include <new>
#include <vector>

namespace splinter::protocol {
namespace {

using layout::State;

// Attempts before a read gives up with AGAIN. A retry happens only when the
// writer mutated this very slot during the copy; a dead writer never causes one.
constexpr int kMaxAttempts = 4096;

enum class Step { next, found, absent };

// One probe step of 2.4 steps 2-3 at slot i: is the key here, absent, or further on?
inline __attribute__((always_inline)) Step look(const RegionView &r, std::uint32_t i, const StoredKey &k, std::uint64_t *w) {
  *w = r.word(i, std::memory_order_acquire);  // pairs with the writer's release store of the word
  switch (layout::word_state(*w)) {
    case State::empty:
      return Step::absent;
    case State::tombstone:
      return mutant::kLookupStopsAtTombstone ? Step::absent : Step::next;
    case State::invalid:
      return Step::next;
    case State::live:
      // The buffer's line is fetched while the key is compared.
      r.prefetch_buffer(i, layout::word_sel(*w));
      return r.hash(i) == k.hash && r.key_equals(i, k) ? Step::found : Step::next;
  }
  return Step::next;
}

// F11's and F23's meta shape: what a reader checks before it trusts a meta
// read under a stable word (the epoch separately: the current value's is the word's).
bool meta_shape_ok(const RegionView &r, const Meta &m) {
  return m.len <= r.geo().max_value_size && m.reserved == 0 && m.deadline <= layout::kDeadlineMax;
}
// F11 for the buffer word w selects.
bool meta_ok(const RegionView &r, const Meta &m, std::uint64_t w) {
  return meta_shape_ok(r, m) && m.epoch == layout::word_epoch(w);
}

// Pairs with the writer's release fence (2.2 step 4), then re-reads the word.
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

// 2.4 steps 5 and 7 in one pass: copies the value m describes into buf and
// sets *sum to its check as computed from the bytes copied (copy.h). Copies
// nothing if m.len exceeds max_value_size (meta_ok then fails).
void copy_value(const RegionView &r, std::uint32_t i, unsigned b, const Meta &m, const StoredKey &k, void *buf,
                std::uint64_t *sum) {
  r.read_value_checked(i, b, m.len, buf, value_seed(k.hash, m.epoch, m.deadline), sum);
}

}  // namespace

int get(const RegionView &r, const StoredKey &k, void *buf, std::size_t cap, std::size_t *out_len,
        std::uint64_t *out_epoch) {
  for (int attempt = 0; attempt < kMaxAttempts; backoff(attempt++)) {
    std::uint32_t i = r.home(k.hash);
    r.prefetch(i);  // most hits are in their home slot; further probes fetch on demand
    const std::uint32_t limit = r.probe_bound();
    for (std::uint32_t n = 0; n < limit; ++n, i = r.next(i)) {
      std::uint64_t w;
      const Step s = look(r, i, k, &w);
      if (s == Step::absent) return SPLINTER_E_NOT_FOUND;
      if (s == Step::next) continue;
      const unsigned b = layout::word_sel(w);
      if (b >= r.buffers()) {
        if (!stable(r, i, w)) goto retry;
        return fail(SPLINTER_E_CORRUPT, "slot %u: sel %u names no buffer (F11)", i, b);
      }
      const Meta m = r.meta(i, b);
      const bool fits = m.len <= cap;
      std::uint64_t sum = 0;
      if (fits) copy_value(r, i, b, m, k, buf, &sum);
      if (!stable(r, i, w)) goto retry;
      if (!meta_ok(r, m, w)) return fail(SPLINTER_E_CORRUPT, "slot %u: malformed buffer meta (F11, F23)", i);
      if (!fits) {
        // (An expired key is absent whatever its size; the bytes, not copied, are not verified.)
        if (m.deadline != 0 && layout::expired(m.deadline, clock::now_ms())) return SPLINTER_E_NOT_FOUND;
        if (out_len) *out_len = m.len;
        return fail(SPLINTER_E_BUFFER, "value is %u bytes, buffer %zu", m.len, cap);
      }
      if (!mutant::kNoChecksumVerify && sum != m.check)
        return fail(SPLINTER_E_CORRUPT, "slot %u: value fails its checksum (F12)", i);
      // F23: from its deadline on the key is absent (verified first, so that
      // a damaged deadline is CORRUPT, not a silent NOT_FOUND). The clock is
      // read only for a key that has a deadline.
      if constexpr (!mutant::kExpiryIgnored)
        if (m.deadline != 0 && layout::expired(m.deadline, clock::now_ms())) return SPLINTER_E_NOT_FOUND;
      if (out_len) *out_len = m.len;
      if (out_epoch) *out_epoch = m.epoch;
      return SPLINTER_OK;
    }
    return SPLINTER_E_NOT_FOUND;
  retry:;
  }
  return fail(SPLINTER_E_AGAIN, "no stable read after %d attempts", kMaxAttempts);
}

int key_epoch(const RegionView &r, const StoredKey &k, std::uint64_t *out, std::uint64_t *out_deadline) {
  for (int attempt = 0; attempt < kMaxAttempts; backoff(attempt++)) {
    std::uint32_t i = r.home(k.hash);
    bool retry = false;
    const std::uint32_t limit = r.probe_bound();
    for (std::uint32_t n = 0; n < limit && !retry; ++n, i = r.next(i)) {
      std::uint64_t w;
      const Step s = look(r, i, k, &w);
      if (s == Step::absent) break;
      if (s == Step::next) continue;
      const unsigned b = layout::word_sel(w);
      // The current value's deadline (none when sel or the field is
      // malformed: get reports that as CORRUPT; here the key is just live).
      std::uint64_t d = b < r.buffers() ? r.deadline(i, b) : 0;
      if (!stable(r, i, w)) {
        retry = true;
        break;
      }
      if (d > layout::kDeadlineMax) d = 0;
      if (d != 0 && !mutant::kExpiryIgnored && layout::expired(d, clock::now_ms())) break;  // absent
      *out = layout::word_epoch(w);
      if (out_deadline) *out_deadline = d;
      return SPLINTER_OK;
    }
    if (!retry) {
      *out = 0;
      if (out_deadline) *out_deadline = 0;
      return SPLINTER_OK;
    }
  }
  return fail(SPLINTER_E_AGAIN, "no stable read after %d attempts", kMaxAttempts);
}

int ttl(const RegionView &r, const StoredKey &k, std::uint64_t *out_ms) {
  for (int attempt = 0; attempt < kMaxAttempts; backoff(attempt++)) {
    std::uint32_t i = r.home(k.hash);
    const std::uint32_t limit = r.probe_bound();
    for (std::uint32_t n = 0; n < limit; ++n, i = r.next(i)) {
      std::uint64_t w;
      const Step s = look(r, i, k, &w);
      if (s == Step::absent) return SPLINTER_E_NOT_FOUND;
      if (s == Step::next) continue;
      const unsigned b = layout::word_sel(w);
      if (b >= r.buffers()) {
        if (!stable(r, i, w)) goto retry;
        return fail(SPLINTER_E_CORRUPT, "slot %u: sel %u names no buffer (F11)", i, b);
      }
      const Meta m = r.meta(i, b);
      if (!stable(r, i, w)) goto retry;
      if (!meta_ok(r, m, w)) return fail(SPLINTER_E_CORRUPT, "slot %u: malformed buffer meta (F11, F23)", i);
      if (m.deadline == 0) {
        *out_ms = UINT64_MAX;
        return SPLINTER_OK;
      }
      const std::uint64_t now = clock::now_ms();
      if (layout::expired(m.deadline, now)) return SPLINTER_E_NOT_FOUND;
      *out_ms = m.deadline - now;
      return SPLINTER_OK;
    }
    return SPLINTER_E_NOT_FOUND;
  retry:;
  }
  return fail(SPLINTER_E_AGAIN, "no stable read after %d attempts", kMaxAttempts);
}

int list(const RegionView &r, ListFn fn, void *ctx) {
  // One clock read for the walk, taken when the first deadline is met.
  std::uint64_t now = 0;
  for (std::uint32_t i = 0; i < r.slots(); ++i) {
    for (int attempt = 0; attempt < 64; backoff(attempt++)) {
      const std::uint64_t w = r.word(i, std::memory_order_acquire);
      if (layout::word_state(w) != State::live) break;
      StoredKey k;
      r.load_key(i, &k);
      const unsigned b = layout::word_sel(w);
      if (b >= r.buffers()) break;  // F11: get says CORRUPT; splinter_check names it
      const Meta m = r.meta(i, b);
      if (!stable(r, i, w)) continue;
      // Skip what get would not find or not return as a value (F9, F10,
      // F11); splinter_check names it. A value failing its checksum (F12)
      // is listed: the key is there, and get says CORRUPT.
      if (!k.well_formed() || k.hash != key_hash(k.bytes(), k.len) || !meta_ok(r, m, w)) break;
      if (m.deadline != 0) {  // an expired key is absent (F23)
        if (now == 0) now = clock::now_ms();
        if (layout::expired(m.deadline, now)) break;
      }
      char name[layout::kKeyBytes];
      std::memcpy(name, k.words, sizeof name);
      if (const int rc = fn(ctx, name, m.len, layout::word_epoch(w))) return rc;
      break;
    }
  }
  return SPLINTER_OK;
}

namespace {

// One stable read of a key's history: the metas of buffers a, a-1, ...
// (until a zero meta, or history_depth + 1 of them) and their bytes.
struct HistoryRead {
  std::vector<Meta> metas;
  std::vector<std::size_t> offsets;  // into bytes
  std::vector<unsigned char> bytes;
};

}  // namespace

int history(const RegionView &r, const StoredKey &k, HistoryFn fn, void *ctx) {
  const unsigned K = r.buffers();
  HistoryRead h;
  try {
    h.metas.reserve(K);
    h.offsets.reserve(K);
  } catch (const std::bad_alloc &) {
    return fail(SPLINTER_E_SYSTEM, "out of memory");
  }
  for (int attempt = 0; attempt < kMaxAttempts; backoff(attempt++)) {
    std::uint32_t i = r.home(k.hash);
    const std::uint32_t limit = r.probe_bound();
    std::uint64_t w = 0;
    bool found = false;
    for (std::uint32_t n = 0; n < limit; ++n, i = r.next(i)) {
      const Step s = look(r, i, k, &w);
      if (s == Step::absent) break;
      if (s == Step::found) {
        found = true;
        break;
      }
    }
    if (!found) return SPLINTER_E_NOT_FOUND;
    const unsigned a = layout::word_sel(w);
    if (a >= K) {
      if (!stable(r, i, w)) continue;
      return fail(SPLINTER_E_CORRUPT, "slot %u: sel %u names no buffer (F11)", i, a);
    }
    // Copy buffers a, a-1, ..., a-history_depth (1.4): none of them is the
    // spare the next set writes, so a stable word means none changed.
    h.metas.clear();
    h.offsets.clear();
    h.bytes.clear();
    // (The mutant stops one short: the oldest value of a full history is lost.)
    const unsigned depth = r.geo().history_depth;
    const unsigned count = mutant::kHistoryDropsOldest && depth > 0 ? depth : depth + 1;
    for (unsigned j = 0; j < count; ++j) {
      const unsigned b = r.buffer_add(a, -static_cast<int>(j));
      const Meta m = r.meta(i, b);
      if (j > 0 && m.zero()) break;  // the history began here
      h.metas.push_back(m);
      h.offsets.push_back(h.bytes.size());
      if (m.len > r.geo().max_value_size) break;  // reported below, after the newer ones
      try {
        h.bytes.resize(h.bytes.size() + m.len);
      } catch (const std::bad_alloc &) {
        return fail(SPLINTER_E_SYSTEM, "out of memory for a history of %zu bytes", h.bytes.size() + m.len);
      }
      r.read_value(i, b, m.len, h.bytes.data() + h.offsets.back());
    }
    if (!stable(r, i, w)) continue;
    // Each value is verified before it is given: the current one against
    // the word's epoch, each earlier one against an epoch strictly older.
    std::uint64_t newer = layout::word_epoch(w);
    for (std::size_t j = 0; j < h.metas.size(); ++j) {
      const Meta &m = h.metas[j];
      const bool shape = j == 0 ? meta_ok(r, m, w) : meta_shape_ok(r, m) && m.epoch >= 1 && m.epoch < newer;
      const unsigned char *v = h.bytes.data() + h.offsets[j];
      if (!shape || value_check(k.hash, m.epoch, v, m.len, m.deadline) != m.check)
        return j == 0 ? fail(SPLINTER_E_CORRUPT, "slot %u: the current value is damaged (F11/F12)", i)
                      : fail(SPLINTER_E_CORRUPT, "slot %u: history entry %zu is damaged (F19)", i, j);
      // An expired key has no history (F23): absent, as for get -- decided
      // after the current value is verified, so that a damaged deadline is
      // CORRUPT, not a silent NOT_FOUND.
      if (j == 0 && !mutant::kExpiryIgnored && m.deadline != 0 && layout::expired(m.deadline, clock::now_ms()))
        return SPLINTER_E_NOT_FOUND;
      if constexpr (!mutant::kHistoryOldestFirst)
        if (const int rc = fn(ctx, m.epoch, v, m.len)) return rc;
      newer = m.epoch;
    }
    if constexpr (mutant::kHistoryOldestFirst)
      for (std::size_t j = h.metas.size(); j-- > 0;)
        if (const int rc = fn(ctx, h.metas[j].epoch, h.bytes.data() + h.offsets[j], h.metas[j].len)) return rc;
    return SPLINTER_OK;
  }
  return fail(SPLINTER_E_AGAIN, "no stable read after %d attempts", kMaxAttempts);
}

int changes(const RegionView &r, std::uint64_t since, ChangeFn fn, void *ctx, std::uint64_t *out_last) {
  std::uint64_t last = since;
  auto done = [&](int st) {
    if (out_last) *out_last = last;
    return st;
  };
  // 2.9 step 1: pairs with the writer's release store of the bus epoch
  // (2.2 step 9), which follows the feed entry of every epoch up to it.
  const std::uint64_t bus = r.header().bus_epoch(std::memory_order_acquire);
  const std::uint64_t ring = r.geo().change_ring;
  if (since > bus)
    return done(fail(SPLINTER_E_COMPACTED,
                     "since %llu is ahead of the bus epoch %llu: the bus was recreated, or changes made after the "
                     "last flush were lost",
                     static_cast<unsigned long long>(since), static_cast<unsigned long long>(bus)));
  const std::uint64_t oldest = bus >= ring ? bus - ring + 1 : 1;
  if (since + 1 < oldest)
    return done(fail(SPLINTER_E_COMPACTED, "the feed holds epochs %llu..%llu; %llu is gone",
                     static_cast<unsigned long long>(oldest), static_cast<unsigned long long>(bus),
                     static_cast<unsigned long long>(since + 1)));
  for (std::uint64_t e = since + 1 + (mutant::kFeedSkipsEntry && since > 0 ? 1 : 0); e <= bus; ++e) {
    // 2.9 step 3: a seqlock read of the entry.
    const std::uint64_t w1 = r.feed_word(e, std::memory_order_acquire);  // pairs with the writer's release store
    SPLINTER_CRASH_POINT(test::kFeedWordRead);
    const std::uint64_t check = r.feed_check_word(e);
    StoredKey k;
    r.load_feed_key(e, &k);
    // Pairs with the writer's release fence after it cleared the word (2.2 step 8).
    std::atomic_thread_fence(std::memory_order_acquire);
    const std::uint64_t w2 = mutant::kFeedNoRecheck ? w1 : r.feed_word(e, std::memory_order_relaxed);
    if (w1 != w2 || layout::feed_epoch(w1) != e || layout::feed_op(w1) == layout::kOpNone)
      return done(fail(SPLINTER_E_COMPACTED,
                       "the entry of epoch %llu was overwritten (the writer wrapped the ring) or removed by recovery",
                       static_cast<unsigned long long>(e)));
    const unsigned op = layout::feed_op(w1);
    if ((w1 & 0xF8u) != 0 || op > layout::kOpExpire || !k.well_formed() || check != layout::feed_check(k.hash, w1))
      return done(fail(SPLINTER_E_CORRUPT, "the feed entry of epoch %llu is damaged (F20); run splinter_check",
                       static_cast<unsigned long long>(e)));
    char name[layout::kKeyBytes];
    std::memcpy(name, k.words, sizeof name);
    last = e;
    if (const int rc = fn(ctx, e, static_cast<int>(op), name)) return done(rc);
  }
  return done(SPLINTER_OK);
}

}  // namespace splinter::protocol
