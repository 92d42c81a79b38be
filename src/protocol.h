// protocol.h -- the protocols of docs/FORMAT.md section 2, on a region.
//
// What a handle's operations (bus.h) run once they have checked their
// arguments and the handle's role. Reads need only a RegionView; poll also
// the caller's writable waiter page, if it has one; set and unset a writable
// Region and the writer's state, with its mutex held.
#ifndef SPLINTER_SRC_PROTOCOL_H
#define SPLINTER_SRC_PROTOCOL_H

#include "key.h"
#include "region.h"
#include "thread_safety.h"

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace splinter::protocol {

// ---- readers (read.cpp, wait.cpp) ----

// 2.4: OK, NOT_FOUND, BUFFER (*out_len = the size needed), CORRUPT or AGAIN.
int get(const RegionView &r, const StoredKey &k, void *buf, std::size_t cap, std::size_t *out_len,
        std::uint64_t *out_epoch);
// The key's current epoch (0 when absent or expired), as 2.4 without copying
// the value, and (if out_deadline) its deadline (0: none): OK or AGAIN.
int key_epoch(const RegionView &r, const StoredKey &k, std::uint64_t *out, std::uint64_t *out_deadline = nullptr);
// The key's remaining time to live in ms (UINT64_MAX: none): OK, NOT_FOUND
// (absent or expired), CORRUPT or AGAIN.
int ttl(const RegionView &r, const StoredKey &k, std::uint64_t *out_ms);
// Calls fn per live key that get would find; fn returns non-zero to stop,
// and that value is returned.
using ListFn = int (*)(void *ctx, const char *key, std::size_t value_len, std::uint64_t epoch);
int list(const RegionView &r, ListFn fn, void *ctx);
// The key's current value and its history, newest first (1.4, 2.4): OK,
// NOT_FOUND, CORRUPT (after the intact newer ones), AGAIN, SYSTEM or fn's
// non-zero return.
using HistoryFn = int (*)(void *ctx, std::uint64_t epoch, const void *value, std::size_t len);
int history(const RegionView &r, const StoredKey &k, HistoryFn fn, void *ctx);
// 2.9: the change feed after `since`: OK, COMPACTED, CORRUPT or fn's
// non-zero return; *out_last (if given) the last epoch passed to fn, else since.
using ChangeFn = int (*)(void *ctx, std::uint64_t epoch, int op, const char *key);
int changes(const RegionView &r, std::uint64_t since, ChangeFn fn, void *ctx, std::uint64_t *out_last);
// Live slots, counted now.
std::uint32_t count_live(const RegionView &r);
// 2.5. k == nullptr waits on the bus epoch. announce: a writable mapping of
// the waiter page to announce on (sleeping in slices of at most
// SPLINTER_POLL_SLICE_MS), or nullptr (then it waits in slices of
// SPLINTER_UNREGISTERED_WAIT_MS without announcing). spin: how long to
// re-check before sleeping. OK, TIMEOUT or AGAIN.
constexpr std::uint32_t kAdaptiveSpin = UINT32_MAX;  // a spin_us: SPLINTER_ADAPTIVE_SPIN_US after a change
struct Spin {
  std::uint32_t us = 0;  // the budget (splinter_set_spin), or kAdaptiveSpin
  // kAdaptiveSpin: when a poll of the handle last found a change without sleeping.
  std::atomic<std::uint64_t> *last_change_us = nullptr;
};
int poll(const RegionView &r, const WaitWords *announce, Spin spin, const StoredKey *k, std::uint64_t since,
         std::int64_t timeout_ms, std::uint64_t *out_epoch);

// ---- the writer (write.cpp, wait.cpp) ----

// The writer handle's state beside its region. mu serialises the handle's
// mutations across threads: every store to the region (set, unset, flush,
// recovery at open) happens with it held, and so does a writer's check_bus,
// so that it sees no mutation of its own in flight.
struct Writer {
  mutable Mutex mu;
  // Live slots, counted at open; FULL is decided against it.
  std::uint32_t live SPLINTER_GUARDED_BY(mu) = 0;
  // Live keys with a deadline, counted at open: while there are none, the
  // lazy removal of expired keys (2.10) costs nothing.
  std::uint32_t timed SPLINTER_GUARDED_BY(mu) = 0;
  // The next slot the lazy removal examines.
  std::uint32_t cursor SPLINTER_GUARDED_BY(mu) = 0;
};

// 2.2 step 8: writes the feed entry of `epoch` (op SET or UNSET, key k with
// its hash) -- also recovery's, for its own mutations and lost entries.
void append_feed(Region &r, std::uint64_t epoch, unsigned op, const StoredKey &k);
// 2.2, with the value's deadline (0: none; at most kDeadlineMax): OK,
// TOO_LARGE, FULL, INVALID or CORRUPT.
int set(Region &r, Writer &w, const StoredKey &k, const void *value, std::size_t len, std::uint64_t deadline,
        std::uint64_t *out_epoch) SPLINTER_REQUIRES(w.mu);
// 2.3: OK, NOT_FOUND, FULL or CORRUPT.
int unset(Region &r, Writer &w, const StoredKey &k, std::uint64_t *out_epoch) SPLINTER_REQUIRES(w.mu);
// 2.10: removes up to max (0: all) expired keys, counted in *out_removed: OK or FULL.
int expire(Region &r, Writer &w, std::uint32_t max, std::uint32_t *out_removed) SPLINTER_REQUIRES(w.mu);
// Live keys with a deadline (Writer::timed), counted now.
std::uint32_t count_timed(const RegionView &r);
// 2.6 steps 1-2: after a commit of the key with this key_hash (and its
// bus_epoch store), wakes the pollers of its bucket and of the bus -- only
// words a poller announced on, so with no poller there is no system call.
void wake(Region &r, std::uint64_t key_hash);
// 2.6 step 3: on taking the writer role, wakes every word of the waiter page.
void wake_all(Region &r);

}  // namespace splinter::protocol

#endif  // SPLINTER_SRC_PROTOCOL_H
