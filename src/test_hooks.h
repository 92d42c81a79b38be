// test_hooks.h -- crash points inside the write protocol, and the wait
// path's knobs and counters, for tests only.
//
// Compiled in only with SPLINTER_TEST_HOOKS (the splinter_testing and
// splinter_mutant_* libraries of src/CMakeLists.txt; the hook itself is in
// test_hooks.cpp); release builds have no hook and no call. A test installs a hook that, at a chosen point, kills
// the process (raise(SIGKILL) in a forked child) to simulate a writer that
// dies at exactly that step of docs/FORMAT.md 2.2 / 2.3.
#ifndef SPLINTER_SRC_TEST_HOOKS_H
#define SPLINTER_SRC_TEST_HOOKS_H

#include <cstdint>

namespace splinter::test {

enum CrashPoint : int {
  kSetFenced = 1,        // 2.2 step 4 done (the release fence)
  kSetKeyWritten = 2,    // 2.2 step 5 done (new key only)
  kSetValueHalf = 3,     // half of the value's words stored
  kSetValueWritten = 4,  // 2.2 step 6: bytes done, meta not yet
  kSetMetaWritten = 5,   // 2.2 step 6 done
  kSetCommitted = 6,     // 2.2 step 7 done (slot word published)
  kSetEpochPublished = 7,// 2.2 step 9 done
  kUnsetCommitted = 8,   // 2.3 step 2 done
  kUnsetEpochPublished = 9,  // 2.3 step 3 done (feed entry and bus epoch)
  kUnsetReclaimStep = 10,    // after each reclaimed tombstone (2.3 step 4)
  // Added with format version 4 (after the others, so their numbers stay):
  kSetFeedWritten = 11,      // 2.2 step 8 done (feed entry written, bus epoch not yet)
  kUnsetFeedWritten = 12,    // 2.3 step 3: feed entry written, bus epoch not yet
  // A reader's point, not the writer's: changes() has loaded an entry's
  // word and not yet its check and key (2.9 step 3).
  kFeedWordRead = 13,
  // Added with format version 5: the removal of an expired key (2.10).
  kExpireCommitted = 14,     // the TOMBSTONE (EXPIRE) word stored
  kExpireFeedWritten = 15,   // its feed entry written, bus epoch not yet
  kCrashPointCount = 16
};

using CrashHook = void (*)(int point);

#if defined(SPLINTER_TEST_HOOKS)
// Installs a process-wide hook (nullptr removes it). Not thread-safe.
void set_crash_hook(CrashHook hook);
void crash_point(int point);
#define SPLINTER_CRASH_POINT(p) ::splinter::test::crash_point(p)

// The safety slice of a poll that announced (SPLINTER_POLL_SLICE_MS in the
// installed library). A test that must tell a writer's wake-up from the
// slice's expiry lengthens it; ms <= 0 restores the default, which is
// $SPLINTER_TEST_POLL_SLICE_MS when set (for harnesses of many processes),
// else SPLINTER_POLL_SLICE_MS. Process-wide; a forked child inherits it.
void set_poll_slice_ms(std::int64_t ms);
std::int64_t poll_slice_ms();

// Milliseconds added to the clock of deadlines (clock.h): a test moves time
// on by raising it. Process-wide; a forked child inherits it.
void set_clock_offset_ms(std::int64_t ms);
std::int64_t clock_offset_ms();
// Freezes the clock of deadlines at ms (the offset is still added), so that
// a harness comparing the library with a reference reader (fuzz/) asks both
// at the same instant; kRealClock lets it run again. Process-wide.
inline constexpr std::uint64_t kRealClock = UINT64_MAX;
void freeze_clock_ms(std::uint64_t ms);
std::uint64_t frozen_clock_ms();

// FUTEX_WAKE system calls made by this process so far (src/os.cpp).
std::uint64_t futex_wakes();
void count_futex_wake();
#else
#define SPLINTER_CRASH_POINT(p) ((void)0)
#endif

}  // namespace splinter::test

#endif  // SPLINTER_SRC_TEST_HOOKS_H
