// wait.cpp -- poll and wake: the eventcount handshake on the waiter page
// (FORMAT.md 2.5, 2.6; the words and their operations: eventcount.h).
#include "clock.h"
#include "mutants.h"
#include "os.h"
#include "protocol.h"
#include "test_hooks.h"

#include <splinter/splinter.h>

#include <algorithm>

namespace splinter::protocol {
namespace {

// Upper bound on a finite timeout (about 31 years): keeps timespec arithmetic exact.
constexpr std::int64_t kMaxTimeoutMs = std::int64_t{1} << 40;

// The epoch a poll waits on to change; for a key also its deadline (0: none),
// at which it becomes 0 with no writer's help (2.5, F23).
int current(const RegionView &r, const StoredKey *k, std::uint64_t *e, std::uint64_t *deadline = nullptr) {
  if (k) return key_epoch(r, *k, e, deadline);
  *e = r.header().bus_epoch(std::memory_order_acquire);
  if (deadline) *deadline = 0;
  return SPLINTER_OK;
}

std::uint64_t to_ns(const timespec &t) {
  return static_cast<std::uint64_t>(t.tv_sec) * 1000000000u + static_cast<std::uint64_t>(t.tv_nsec);
}

void pause() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

// The safety slice of a poll that announced (2.5 step 3).
std::int64_t poll_slice_ms() {
#if defined(SPLINTER_TEST_HOOKS)
  return test::poll_slice_ms();
#else
  return SPLINTER_POLL_SLICE_MS;
#endif
}

// The waiter-page word of a poll of k: its bucket, or the bus word.
std::uint32_t wait_word(const StoredKey *k) { return k ? layout::key_wait_word(k->hash) : 0; }

}  // namespace

void wake(Region &r, std::uint64_t key_hash) {
  // 2.6 step 1. Pairs with every poller's fence after its announcement (2.5
  // step 3): either the loads of the words below see that announcement (or a
  // later value of the word), or the poller's re-check after its fence sees
  // the commit and bus_epoch this writer stored before this fence.
  std::atomic_thread_fence(std::memory_order_seq_cst);
  if constexpr (mutant::kNoWake) return;
  const WaitWords words = r.wait_words();
  words.wake(layout::key_wait_word(key_hash));  // 2.6 step 2: the key's bucket,
  words.wake(0);                                // and the bus word
}

void wake_all(Region &r) {
  // 2.6 step 3. Pairs with every poller's fence after its announcement, as
  // in wake(): the writer role's recovery (bus_epoch raised, F13) and any
  // commit of a dead writer precede it.
  std::atomic_thread_fence(std::memory_order_seq_cst);
  if constexpr (mutant::kNoWake) return;
  const WaitWords words = r.wait_words();
  for (std::uint32_t n = 0; n < layout::kWaitWords; ++n) words.wake_unconditionally(n);
}

int poll(const RegionView &r, const WaitWords *announce, Spin spin, const StoredKey *k, std::uint64_t since,
         std::int64_t timeout_ms, std::uint64_t *out_epoch) {
  // 2.5 step 1.
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
  const std::uint64_t start_ns = to_ns(start);

  // 2.5 step 2: the spin budget. splinter_set_spin's re-checks densely; the
  // adaptive one spins only when a change this handle waited for returned
  // less than a budget ago (a watcher keeping up with a busy writer), and
  // re-checks sparsely: each check reads cache lines the writer writes on
  // every set, so dense checks would slow the writer as much as wakes do.
  const bool adaptive = spin.us == kAdaptiveSpin;
  std::uint64_t spin_ns = std::uint64_t{spin.us} * 1000u;
  std::uint64_t check_ns = 0;
  if (adaptive) {
    // A hint from the same handle's earlier polls: any value is safe (it
    // only decides whether to re-check for 20 us more before sleeping).
    const std::uint64_t last_ns = spin.last_change_us->load(std::memory_order_relaxed) * 1000u;
    const bool recent = last_ns != 0 && start_ns >= last_ns && start_ns - last_ns < SPLINTER_ADAPTIVE_SPIN_US * 1000u;
    spin_ns = recent ? SPLINTER_ADAPTIVE_SPIN_US * 1000u : 0;
    check_ns = SPLINTER_ADAPTIVE_CHECK_NS;
  }
  // Returns the change found. hot: found without sleeping in the kernel,
  // after step 1 -- the writer outpaces this poll's caller. That is the
  // adaptive spin's hint for the next poll; a change that woke this poll
  // from a sleep is not (a poll after it sleeps at once: a spin before a
  // long sleep only costs, also in wake latency on a small machine).
  auto changed = [&](bool hot, std::uint64_t now_ns) {
    if (adaptive && hot) spin.last_change_us->store(now_ns / 1000u, std::memory_order_relaxed);
    if (out_epoch) *out_epoch = e;
    return SPLINTER_OK;
  };
  if (spin_ns > 0) {
    const std::uint64_t spin_end = start_ns + spin_ns;
    const std::uint64_t until_ns = forever ? UINT64_MAX : to_ns(deadline);
    for (int n = 0;; ++n) {
      if (int st = current(r, k, &e)) return st;
      if (check_ns > 0) {
        const std::uint64_t now_ns = to_ns(os::monotonic_now());
        if (e != since) return changed(true, now_ns);
        if (now_ns >= spin_end || now_ns >= until_ns) break;
        while (to_ns(os::monotonic_now()) < now_ns + check_ns) pause();
        continue;
      }
      if (e != since) return changed(false, 0);  // a set budget: no hint to keep
      if ((n & 63) == 63) {
        const std::uint64_t now_ns = to_ns(os::monotonic_now());
        if (now_ns >= spin_end || now_ns >= until_ns) break;
      }
      pause();
    }
  }

  // 2.5 step 3: the eventcount loop.
  const std::uint32_t n = wait_word(k);
  const WaitWordsView view = r.wait_words();
  const std::int64_t slice_ms = announce ? poll_slice_ms() : std::int64_t{SPLINTER_UNREGISTERED_WAIT_MS};
  for (;;) {
    std::uint32_t v = 0;
    if (announce) {
      v = announce->announce(n);
      // Pairs with the writer's fence after its commit and bus_epoch store
      // (2.6 step 1): either the re-check below sees that commit, or the
      // writer's load of this word sees the announcement and wakes it.
      std::atomic_thread_fence(std::memory_order_seq_cst);
    } else {
      // A poll that cannot write the page: nobody learns that it waits, so
      // only its short slice bounds the wait (the order is immaterial).
      v = view.load(n, std::memory_order_relaxed);
    }
    std::uint64_t expiry = 0;
    if (int st = current(r, k, &e, &expiry)) return st;
    if (e != since) return changed(true, adaptive ? to_ns(os::monotonic_now()) : 0);
    const timespec now = os::monotonic_now();
    if (!forever && !os::before(now, deadline)) return SPLINTER_E_TIMEOUT;
    // Sleep while the word holds v, until min(deadline, now + slice): the
    // slice bounds what a scribbled waiter page can delay (the writer found
    // no announcement to wake), and an unregistered poll's wait.
    timespec until = os::add_ms(now, slice_ms);
    if (!forever && os::before(deadline, until)) until = deadline;
    // The key's own deadline ends the sleep too: from then on it is absent
    // (epoch 0), and nobody wakes a poll for that (at least 1 ms: the clock
    // of deadlines ticks coarsely, and the re-check must not spin).
    if (expiry != 0) {
      const std::uint64_t now_ms = clock::now_ms();
      const std::uint64_t left = expiry > now_ms ? expiry - now_ms : 0;
      const timespec at = os::add_ms(now, static_cast<std::int64_t>(std::max<std::uint64_t>(left, 1)));
      if (os::before(at, until)) until = at;
    }
    const timespec *limit = &until;
    if constexpr (mutant::kNoPollSlice) {
      if (announce) limit = forever ? nullptr : &deadline;
    }
    os::futex_wait(view.word(n), v, limit);
    // Woken (most often by a change), EAGAIN or the slice's end: look before
    // announcing again, so that a poll a wake-up ends leaves no announcement
    // behind for the next set to clear.
    if (int st = current(r, k, &e)) return st;
    if (e != since) return changed(false, 0);
  }
}

}  // namespace splinter::protocol
