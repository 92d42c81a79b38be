// clock.h -- the clock of deadlines (docs/FORMAT.md 1.4, splinter.h "Expiry").
//
// Milliseconds since the Unix epoch on CLOCK_REALTIME_COARSE: the wall clock
// as of the last kernel tick, the same for every process of the machine, and
// a vDSO read of a few ns (CLOCK_REALTIME costs about ten times as much).
// Test builds add an offset that a test sets (test_hooks.h), to move time
// on without waiting for it, and can freeze it (fuzz/: one instant for the
// library and the reference reader).
#ifndef SPLINTER_SRC_CLOCK_H
#define SPLINTER_SRC_CLOCK_H

#include "test_hooks.h"

#include <time.h>

#include <cstdint>

namespace splinter::clock {

inline std::uint64_t now_ms() {
#if defined(SPLINTER_TEST_HOOKS)
  if (const std::uint64_t frozen = test::frozen_clock_ms(); frozen != test::kRealClock)
    return frozen + static_cast<std::uint64_t>(test::clock_offset_ms());
#endif
  timespec t{};
  ::clock_gettime(CLOCK_REALTIME_COARSE, &t);
  const std::uint64_t ms =
      static_cast<std::uint64_t>(t.tv_sec) * 1000u + static_cast<std::uint64_t>(t.tv_nsec) / 1000000u;
#if defined(SPLINTER_TEST_HOOKS)
  return ms + static_cast<std::uint64_t>(test::clock_offset_ms());
#else
  return ms;
#endif
}

}  // namespace splinter::clock

#endif  // SPLINTER_SRC_CLOCK_H
