// write.cpp -- set, unset and expiry: the writer's protocols (FORMAT.md 2.2,
// 2.3, 2.10).
#include "clock.h"
#include "hash.h"
#include "mutants.h"
#include "protocol.h"
#include "status.h"
#include "test_hooks.h"

#include <algorithm>

namespace splinter::protocol {
namespace {

using layout::State;

struct Probe {
  bool found = false;
  std::uint32_t slot = 0;
  std::uint64_t word = 0;
  bool have_free = false;  // first TOMBSTONE (or invalid) passed, else the EMPTY that ended the probe
  std::uint32_t free_slot = 0;
  std::uint64_t free_word = 0;
};

// The writer's probe (2.2 step 1). Only the writer mutates, so plain relaxed
// loads of its own words suffice.
Probe probe(const RegionView &r, const StoredKey &k) {
  Probe p;
  std::uint32_t i = r.home(k.hash);
  for (std::uint32_t n = 0; n < r.slots(); ++n, i = r.next(i)) {
    const std::uint64_t w = r.word(i, std::memory_order_relaxed);
    const State st = layout::word_state(w);
    if (st == State::live) {
      if (r.hash(i) == k.hash && r.key_equals(i, k)) {
        p.found = true;
        p.slot = i;
        p.word = w;
        return p;
      }
      continue;
    }
    if (!p.have_free) {
      p.have_free = true;
      p.free_slot = i;
      p.free_word = w;
    }
    if (st == State::empty) return p;
  }
  return p;
}

// True if slot t lies on the probe path [home, j] of some live key.
bool on_a_live_path(const RegionView &r, std::uint32_t t) {
  const std::uint64_t n = r.slots();
  for (std::uint32_t j = 0; j < n; ++j) {
    if (layout::word_state(r.word(j, std::memory_order_relaxed)) != State::live) continue;
    const std::uint64_t h = r.home(r.hash(j));
    if ((t + n - h) % n <= (j + n - h) % n) return true;
  }
  return false;
}

// Reclaim (2.3 step 4): every TOMBSTONE of the cluster around slot i (the run
// of non-EMPTY slots it belongs to) that lies on no live key's probe path
// becomes EMPTY. No reader looking for a live key ever needs to pass such a
// slot, and live keys never move, so this is safe under concurrent readers.
void reclaim(Region &r, std::uint32_t i) {
  const std::uint32_t n = r.slots();
  std::uint32_t start = i, back = 0;
  while (back < n && r.word(r.prev(start), std::memory_order_relaxed) != 0) {
    start = r.prev(start);
    ++back;
  }
  if (back == n) {  // no EMPTY slot anywhere: the ring is one cluster
    if (!on_a_live_path(r, i)) {
      r.set_word(i, 0, std::memory_order_release);
      SPLINTER_CRASH_POINT(test::kUnsetReclaimStep);
    }
    return;
  }
  std::uint32_t len = 0;  // cluster = [start, start + len)
  for (std::uint32_t x = start; len < n && r.word(x, std::memory_order_relaxed) != 0; x = r.next(x)) ++len;
  // Walk the cluster backwards; m is the smallest home offset of a live key
  // seen so far (further on): a slot at offset o is on a live path iff m <= o.
  std::uint32_t m = n;
  for (std::uint32_t o = len; o-- > 0;) {
    const auto x = static_cast<std::uint32_t>((std::uint64_t{start} + o) % n);
    const std::uint64_t w = r.word(x, std::memory_order_relaxed);
    const State st = layout::word_state(w);
    if (st == State::live) {
      const auto h = static_cast<std::uint32_t>((std::uint64_t{r.home(r.hash(x))} + n - start) % n);
      m = std::min(m, h <= o ? h : 0);  // a home outside the cluster: be conservative
    } else if (st == State::tombstone && m > o) {
      r.set_word(x, 0, std::memory_order_release);
      SPLINTER_CRASH_POINT(test::kUnsetReclaimStep);
    }
  }
}

// The deadline of the current value of live slot i with word w (0: none;
// also when sel or the field is malformed: the writer removes no key for it).
std::uint64_t current_deadline(const RegionView &r, std::uint32_t i, std::uint64_t w) {
  const unsigned a = layout::word_sel(w);
  const std::uint64_t d = a < r.buffers() ? r.deadline(i, a) : 0;
  return d <= layout::kDeadlineMax ? d : 0;
}

// 2.3 steps 1-4 (op UNSET) and 2.10 (op EXPIRE): removes the live key k of
// slot i, whose word is word, with the mutation of epoch E + 1. OK or FULL.
int remove(Region &r, Writer &w, std::uint32_t slot, std::uint64_t word, const StoredKey &k, unsigned op,
           std::uint64_t *out_epoch) SPLINTER_REQUIRES(w.mu) {
  const std::uint64_t e = r.header().bus_epoch(std::memory_order_relaxed);
  if (e >= layout::kEpochMax) return fail(SPLINTER_E_FULL, "epoch space exhausted");
  const std::uint64_t next = e + 1;
  const bool expire = op == layout::kOpExpire;
  const bool timed = current_deadline(r, slot, word) != 0;
  // 2.3 step 1: a set of this key that died before its commit (section 3,
  // 2.2 steps 1-6) may have left the spare buffer intact with this very
  // epoch; the tombstone must not name an intact value of its key (F18 would
  // take it for a LIVE word whose state byte was damaged). No read of the
  // committed word reads the spare (a get reads buffer a, a history a-1 ..
  // a-history_depth; the spare is a+1 = a-history_depth-1 mod K), and the
  // release store of the word below orders this store before the commit.
  const unsigned spare = r.buffer_add(layout::word_sel(word) % r.buffers(), 1);
  if (r.meta(slot, spare).epoch == next) r.set_meta(slot, spare, Meta{});
  // 2.3 step 2 (the mutant leaves an EMPTY slot, cutting the probe paths through it).
  r.set_word(slot, mutant::kNoTombstone ? 0 : layout::make_word(State::tombstone, op, next), std::memory_order_release);
  SPLINTER_CRASH_POINT(expire ? test::kExpireCommitted : test::kUnsetCommitted);
  // 2.3 step 3 (the mutant records an unset as a SET).
  append_feed(r, next, mutant::kFeedUnsetAsSet && !expire ? layout::kOpSet : op, k);
  SPLINTER_CRASH_POINT(expire ? test::kExpireFeedWritten : test::kUnsetFeedWritten);
  r.header().set_bus_epoch(next, std::memory_order_release);
  if (!expire) SPLINTER_CRASH_POINT(test::kUnsetEpochPublished);
  --w.live;
  if (timed && w.timed > 0) --w.timed;
  wake(r, k.hash);
  reclaim(r, slot);
  if (out_epoch) *out_epoch = next;
  return SPLINTER_OK;
}

// 2.10: removes the key of live slot i (word wd) if its deadline has passed
// at `now`. *removed is incremented for a removal. OK or FULL.
int expire_slot(Region &r, Writer &w, std::uint32_t i, std::uint64_t wd, std::uint64_t now, std::uint32_t *removed)
    SPLINTER_REQUIRES(w.mu) {
  if (layout::word_state(wd) != State::live || !layout::expired(current_deadline(r, i, wd), now)) return SPLINTER_OK;
  StoredKey k;
  r.load_key(i, &k);
  if (!k.well_formed()) return SPLINTER_OK;  // damage (F9): recovery's, not expiry's
  k.hash = key_hash(k.bytes(), k.len);
  if (int st = remove(r, w, i, wd, k, layout::kOpExpire, nullptr)) return st;
  ++*removed;
  return SPLINTER_OK;
}

// 2.10's bounded lazy step, before each set and unset: the next kLazySlots
// slots after the writer's cursor (only while some live key has a deadline).
constexpr std::uint32_t kLazySlots = 4;
int expire_lazily(Region &r, Writer &w) SPLINTER_REQUIRES(w.mu) {
  if (w.timed == 0) return SPLINTER_OK;
  const std::uint64_t now = clock::now_ms();
  std::uint32_t removed = 0;
  for (std::uint32_t n = 0; n < kLazySlots && n < r.slots(); ++n) {
    const std::uint32_t i = w.cursor % r.slots();
    w.cursor = r.next(i);
    if (int st = expire_slot(r, w, i, r.word(i, std::memory_order_relaxed), now, &removed)) return st;
  }
  return SPLINTER_OK;
}

}  // namespace

std::uint32_t count_timed(const RegionView &r) {
  std::uint32_t timed = 0;
  for (std::uint32_t i = 0; i < r.slots(); ++i) {
    const std::uint64_t w = r.word(i, std::memory_order_relaxed);
    if (layout::word_state(w) == State::live && current_deadline(r, i, w) != 0) ++timed;
  }
  return timed;
}

int expire(Region &r, Writer &w, std::uint32_t max, std::uint32_t *out_removed) {
  const std::uint64_t now = clock::now_ms();
  std::uint32_t removed = 0;
  int st = SPLINTER_OK;
  for (std::uint32_t i = 0; i < r.slots() && (max == 0 || removed < max) && st == SPLINTER_OK; ++i)
    st = expire_slot(r, w, i, r.word(i, std::memory_order_relaxed), now, &removed);
  if (out_removed) *out_removed = removed;
  return st;
}

std::uint32_t count_live(const RegionView &r) {
  std::uint32_t live = 0;
  for (std::uint32_t i = 0; i < r.slots(); ++i)
    if (layout::word_state(r.word(i, std::memory_order_relaxed)) == State::live) ++live;
  return live;
}

void append_feed(Region &r, std::uint64_t epoch, unsigned op, const StoredKey &k) {
  // 2.2 step 8. The word is cleared first, and the release fence after it
  // pairs with a feed reader's acquire fence (2.9 step 3): a reader that
  // copied any byte of the new check or key also sees the cleared word when
  // it re-reads it, so it never pairs the old word with new bytes.
  r.set_feed_word(epoch, 0, std::memory_order_relaxed);
  std::atomic_thread_fence(std::memory_order_release);
  const std::uint64_t w = layout::make_feed_word(op, epoch);
  r.store_feed_body(epoch, layout::feed_check(k.hash, w), k);
  // Pairs with the reader's acquire load of the word (2.9 step 3).
  r.set_feed_word(epoch, w, std::memory_order_release);
}

int set(Region &r, Writer &w, const StoredKey &k, const void *value, std::size_t len, std::uint64_t deadline,
        std::uint64_t *out_epoch) {
  if (len > r.geo().max_value_size)
    return fail(SPLINTER_E_TOO_LARGE, "value of %zu bytes exceeds max_value_size %u", len, r.geo().max_value_size);
  if (deadline > layout::kDeadlineMax) return fail(SPLINTER_E_INVALID, "deadline beyond the format's range (F23)");
  // 2.10: the bounded lazy removal of expired keys, then this key if it has
  // expired (it is absent: its next value starts a new key, a new history).
  if (int st = expire_lazily(r, w)) return st;
  Probe p = probe(r, k);
  if (const std::uint64_t d = p.found ? current_deadline(r, p.slot, p.word) : 0; d != 0 && layout::expired(d, clock::now_ms())) {
    if (int st = remove(r, w, p.slot, p.word, k, layout::kOpExpire, nullptr)) return st;
    p = probe(r, k);
  }
  // A new key in a bus whose every slot is live: expired keys make room.
  if (!p.found && w.live >= r.slots()) {
    std::uint32_t removed = 0;
    if (int st = expire(r, w, 0, &removed)) return st;
    if (removed > 0) p = probe(r, k);
  }
  const std::uint64_t e = r.header().bus_epoch(std::memory_order_relaxed);
  if (e >= layout::kEpochMax) return fail(SPLINTER_E_FULL, "epoch space exhausted");
  if (!p.found && w.live >= r.slots()) {
    // The count says full: make sure the table agrees before saying FULL
    // (a table changed behind the writer's back is damage, not a full bus).
    const std::uint32_t live = count_live(r);
    if (live != w.live)
      return fail(SPLINTER_E_CORRUPT,
                  "the writer counted %u live keys but the slot table holds %u: the region was changed behind "
                  "the writer's back; close the bus and run splinter_recover",
                  w.live, live);
    return fail(SPLINTER_E_FULL, "all %u slots hold live keys", r.slots());
  }
  if (!p.found && !p.have_free) return fail(SPLINTER_E_CORRUPT, "no free slot although %u of %u are live", w.live, r.slots());
  const std::uint32_t i = p.found ? p.slot : p.free_slot;
  const unsigned K = r.buffers();
  // 2.2 step 2: an existing key's next value goes to the spare buffer, the
  // one after the current (the mutant writes over the current one).
  unsigned t = 0;
  if (p.found) {
    const unsigned a = layout::word_sel(p.word);
    if (a >= K) return fail(SPLINTER_E_CORRUPT, "slot %u: sel %u names no buffer (F11); run splinter_recover", i, a);
    t = mutant::kWriteActiveBuffer ? a : r.buffer_add(a, 1);
  }
  // The mutant keeps an overwritten key's epoch, and leaves the feed and the bus epoch alone.
  const bool keep_epoch = mutant::kNoEpochBumpOnOverwrite && p.found;
  const std::uint64_t next = keep_epoch ? layout::word_epoch(p.word) : e + 1;
  const std::uint64_t new_word = layout::make_word(State::live, t, next);
  const std::uint64_t check = value_check(k.hash, next, value, len, deadline);
  const bool was_timed = p.found && current_deadline(r, i, p.word) != 0;

  // 2.2 step 3: lookups stop after probe_limit slots; raise it before the
  // key can be seen further from home than any before.
  if (!p.found) {
    const std::uint32_t need = r.distance(k.hash, i) + 1;
    if (need > r.header().probe_limit(std::memory_order_relaxed))
      r.header().set_probe_limit(need, std::memory_order_release);
  }
  // Pairs with the reader's acquire fence before its re-check (2.4 step 5):
  // a reader that sees any store below also sees every slot word stored
  // before it, so its re-check fails instead of returning mixed bytes.
  std::atomic_thread_fence(std::memory_order_release);
  SPLINTER_CRASH_POINT(test::kSetFenced);
  if constexpr (mutant::kPublishBeforeValue) r.set_word(i, new_word, std::memory_order_release);
  if (!p.found) {
    r.store_key(i, k);
    // Every other buffer may hold a value of an earlier key of this slot, or
    // of this key before it was removed: none may pass for this key's history
    // or its previous value in recovery (1.4; F11/F12 rollback).
    for (unsigned b = 0; b < K; ++b)
      if (b != t && !mutant::kHistoryNotCleared) r.set_meta(i, b, Meta{});
    SPLINTER_CRASH_POINT(test::kSetKeyWritten);
  }
  const std::size_t words = Region::value_words(len);
  r.write_value_words(i, t, value, len, 0, words / 2);
  SPLINTER_CRASH_POINT(test::kSetValueHalf);
  r.write_value_words(i, t, value, len, words / 2, words);
  SPLINTER_CRASH_POINT(test::kSetValueWritten);
  r.set_meta(i, t, Meta{static_cast<std::uint32_t>(len), 0, next, check, deadline});
  // (The mutant writes the feed entry before the commit: a crash between
  // the two leaves an entry for a mutation that never happened.)
  if constexpr (mutant::kFeedBeforeCommit)
    if (!keep_epoch) append_feed(r, next, layout::kOpSet, k);
  SPLINTER_CRASH_POINT(test::kSetMetaWritten);
  // The commit point: pairs with the reader's acquire load of the word (2.4 step 2).
  r.set_word(i, new_word, std::memory_order_release);
  SPLINTER_CRASH_POINT(test::kSetCommitted);
  if (!keep_epoch) {
    if constexpr (!mutant::kFeedBeforeCommit) append_feed(r, next, layout::kOpSet, k);
    SPLINTER_CRASH_POINT(test::kSetFeedWritten);
    r.header().set_bus_epoch(next, std::memory_order_release);
    SPLINTER_CRASH_POINT(test::kSetEpochPublished);
  }
  if (!p.found) ++w.live;
  if (was_timed && w.timed > 0) --w.timed;
  if (deadline != 0) ++w.timed;
  wake(r, k.hash);
  if (out_epoch) *out_epoch = next;
  return SPLINTER_OK;
}

int unset(Region &r, Writer &w, const StoredKey &k, std::uint64_t *out_epoch) {
  if (int st = expire_lazily(r, w)) return st;
  const Probe p = probe(r, k);
  if (!p.found) return SPLINTER_E_NOT_FOUND;
  // An expired key is absent: the writer removes it as expired (2.10).
  if (const std::uint64_t d = current_deadline(r, p.slot, p.word); d != 0 && layout::expired(d, clock::now_ms())) {
    if (int st = remove(r, w, p.slot, p.word, k, layout::kOpExpire, nullptr)) return st;
    return SPLINTER_E_NOT_FOUND;
  }
  return remove(r, w, p.slot, p.word, k, layout::kOpUnset, out_epoch);
}

}  // namespace splinter::protocol
