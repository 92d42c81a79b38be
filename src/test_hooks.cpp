// test_hooks.cpp -- the hooks of test_hooks.h (test builds only).
#include "test_hooks.h"

#if defined(SPLINTER_TEST_HOOKS)
#include <splinter/splinter.h>

#include <atomic>
#include <cstdlib>

namespace splinter::test {
namespace {
CrashHook g_hook = nullptr;
std::atomic<std::int64_t> g_poll_slice_ms{0};
std::atomic<std::uint64_t> g_futex_wakes{0};
std::atomic<std::int64_t> g_clock_offset_ms{0};
std::atomic<std::uint64_t> g_frozen_clock_ms{kRealClock};

std::int64_t default_poll_slice_ms() {
  static const std::int64_t ms = [] {
    const char *env = std::getenv("SPLINTER_TEST_POLL_SLICE_MS");
    const long long v = env ? std::atoll(env) : 0;
    return v > 0 ? static_cast<std::int64_t>(v) : std::int64_t{SPLINTER_POLL_SLICE_MS};
  }();
  return ms;
}
}  // namespace

void set_crash_hook(CrashHook hook) { g_hook = hook; }
void crash_point(int point) {
  if (g_hook) g_hook(point);
}

void set_poll_slice_ms(std::int64_t ms) { g_poll_slice_ms.store(ms > 0 ? ms : 0, std::memory_order_relaxed); }
std::int64_t poll_slice_ms() {
  const std::int64_t ms = g_poll_slice_ms.load(std::memory_order_relaxed);
  return ms > 0 ? ms : default_poll_slice_ms();
}

void set_clock_offset_ms(std::int64_t ms) { g_clock_offset_ms.store(ms, std::memory_order_relaxed); }
std::int64_t clock_offset_ms() { return g_clock_offset_ms.load(std::memory_order_relaxed); }
void freeze_clock_ms(std::uint64_t ms) { g_frozen_clock_ms.store(ms, std::memory_order_relaxed); }
std::uint64_t frozen_clock_ms() { return g_frozen_clock_ms.load(std::memory_order_relaxed); }

std::uint64_t futex_wakes() { return g_futex_wakes.load(std::memory_order_relaxed); }
void count_futex_wake() { g_futex_wakes.fetch_add(1, std::memory_order_relaxed); }
}  // namespace splinter::test
#endif
