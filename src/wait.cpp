// wait.cpp -- poll and wake: the waiter-count / futex handshake (FORMAT.md 2.5, 2.6).
#include "mutants.h"
#include "os.h"
#include "protocol.h"

#include <splinter/splinter.h>

#include <algorithm>

namespace splinter::protocol {
namespace {

// Upper bound on a finite timeout (about 31 years): keeps timespec arithmetic exact.
constexpr std::int64_t kMaxTimeoutMs = std::int64_t{1} << 40;

int current(const RegionView &r, const Key *k, std::uint64_t *e) {
  if (k) return key_epoch(r, *k, e);
  *e = r.header().bus_epoch(std::memory_order_acquire);
  return SPLINTER_OK;
}

std::uint64_t to_us(const timespec &t) {
  return static_cast<std::uint64_t>(t.tv_sec) * 1000000u + static_cast<std::uint64_t>(t.tv_nsec) / 1000u;
}

}  // namespace

void wake(const RegionView &r, std::optional<std::uint64_t> /*key_hash: one futex word in version 3*/) {
  // Pairs with the poller's fence after it registers (2.5 step 2): either this
  // load sees its registration, or its re-check sees the commit just made.
  std::atomic_thread_fence(std::memory_order_seq_cst);
  if constexpr (mutant::kNoWake) return;
  if (r.waiters(std::memory_order_relaxed) > 0) os::futex_wake_all(r.header().futex_word());
}

int poll(const RegionView &r, std::uint32_t *waiters, std::uint32_t spin_us, const Key *k, std::uint64_t since,
         std::int64_t timeout_ms, std::uint64_t *out_epoch) {
  std::uint64_t e = 0;
  if (int st = current(r, k, &e)) return st;
  if (e != since) {
    if (out_epoch) *out_epoch = e;
    return SPLINTER_OK;
  }
  if (timeout_ms == 0) return SPLINTER_E_TIMEOUT;
  const bool forever = timeout_ms < 0;
  const timespec start = os::monotonic_now();
  const timespec deadline = os::add_ms(start, forever ? 0 : std::min(timeout_ms, kMaxTimeoutMs));

  // Optional spin budget (splinter_set_spin): re-check without sleeping.
  if (spin_us > 0) {
    const std::uint64_t spin_end = to_us(start) + spin_us;
    for (int n = 0;; ++n) {
      if (int st = current(r, k, &e)) return st;
      if (e != since) {
        if (out_epoch) *out_epoch = e;
        return SPLINTER_OK;
      }
      if ((n & 63) == 63) {
        const timespec now = os::monotonic_now();
        if (to_us(now) >= spin_end || (!forever && !os::before(now, deadline))) break;
      }
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause();
#endif
    }
  }

  if (waiters) std::atomic_ref<std::uint32_t>(*waiters).fetch_add(1, std::memory_order_seq_cst);
  // Pairs with the writer's fence in wake_waiters (2.6 step 1).
  std::atomic_thread_fence(std::memory_order_seq_cst);
  int result = SPLINTER_E_TIMEOUT;
  for (;;) {
    const auto f = static_cast<std::uint32_t>(r.header().bus_epoch(std::memory_order_acquire));
    if (int st = current(r, k, &e)) {
      result = st;
      break;
    }
    if (e != since) {
      result = SPLINTER_OK;
      break;
    }
    const timespec now = os::monotonic_now();
    if (!forever && !os::before(now, deadline)) break;
    const timespec *until = forever ? nullptr : &deadline;
    timespec slice{};
    if (!waiters) {  // unregistered: wake up to re-check at least every few ms
      slice = os::add_ms(now, SPLINTER_UNREGISTERED_WAIT_MS);
      if (forever || os::before(slice, deadline)) until = &slice;
    }
    os::futex_wait(r.header().futex_word(), f, until);
  }
  if (waiters) std::atomic_ref<std::uint32_t>(*waiters).fetch_sub(1, std::memory_order_release);
  if (result == SPLINTER_OK && out_epoch) *out_epoch = e;
  return result;
}

}  // namespace splinter::protocol
