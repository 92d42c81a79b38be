// protocol.h -- the protocols of docs/FORMAT.md section 2, on a region.
//
// What a handle's operations (bus.h) run once they have checked their
// arguments and the handle's role. Reads need only a RegionView; poll also
// the caller's waiter word; set and unset a writable Region and the writer's
// state, with its mutex held.
#ifndef SPLINTER_SRC_PROTOCOL_H
#define SPLINTER_SRC_PROTOCOL_H

#include "key.h"
#include "region.h"
#include "thread_safety.h"

#include <cstddef>
#include <cstdint>

namespace splinter::protocol {

// ---- readers (read.cpp, wait.cpp) ----

// 2.4: OK, NOT_FOUND, BUFFER (*out_len = the size needed), CORRUPT or AGAIN.
int get(const RegionView &r, const Key &k, void *buf, std::size_t cap, std::size_t *out_len,
        std::uint64_t *out_epoch);
// The key's current epoch (0 when absent), as 2.4 without copying the value: OK or AGAIN.
int key_epoch(const RegionView &r, const Key &k, std::uint64_t *out);
// Calls fn per live key that get would find; fn returns non-zero to stop,
// and that value is returned.
using ListFn = int (*)(void *ctx, const char *key, std::size_t value_len, std::uint64_t epoch);
int list(const RegionView &r, ListFn fn, void *ctx);
// 2.5. k == nullptr waits on the bus epoch. waiters: the word to register
// on, or nullptr (then waits in slices of SPLINTER_UNREGISTERED_WAIT_MS).
// spin_us: how long to re-check before sleeping. OK, TIMEOUT or AGAIN.
int poll(const RegionView &r, std::uint32_t *waiters, std::uint32_t spin_us, const Key *k, std::uint64_t since,
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
};

// 2.2: OK, TOO_LARGE, FULL or CORRUPT.
int set(Region &r, Writer &w, const Key &k, const void *value, std::size_t len, std::uint64_t *out_epoch)
    SPLINTER_REQUIRES(w.mu);
// 2.3: OK, NOT_FOUND or FULL.
int unset(Region &r, Writer &w, const Key &k, std::uint64_t *out_epoch) SPLINTER_REQUIRES(w.mu);
// 2.6: wakes the pollers of a region after a commit (or after taking the role).
void wake(const RegionView &r);

}  // namespace splinter::protocol

#endif  // SPLINTER_SRC_PROTOCOL_H
