// waiting.h -- waiting for another thread or process to reach a state, never
// for a duration (a test that sleeps and then assumes progress fails on a busy
// machine): a poller thread that can be seen asleep, the poll slice of a
// test; and the seed of a test's random choices.
#ifndef SPLINTER_TESTS_WAITING_H
#define SPLINTER_TESTS_WAITING_H

#include "test_hooks.h"

#include <gtest/gtest.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <thread>

namespace splinter::testing {

// True while thread `tid` of process `pid` sleeps in the kernel wait of
// splinter_poll: a FUTEX_WAIT_BITSET on a shared word (src/os.cpp). Locks and
// condition variables of the C and C++ runtimes and of the sanitizers use
// private futexes, so this names the bus's wait and nothing else.
// /proc/PID/task/TID/syscall reads "NR ARG1 ARG2 ..." while the thread is
// blocked in a system call, "running" while it runs.
inline bool asleep_in_poll(pid_t pid, pid_t tid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/task/" + std::to_string(tid) + "/syscall");
  long nr = -1;
  std::string word, op;
  if (!(in >> nr >> word >> op)) return false;
  return nr == SYS_futex && std::stoul(op, nullptr, 16) == FUTEX_WAIT_BITSET;
}

// Waits until thread `tid` of process `pid` is asleep in splinter_poll, so that
// only a writer's wake-up (or the poll's own deadline) can end that poll. Stops
// early, returning false, once gone() says the poll will never get there (it
// returned, or its process ended). No time limit: ctest's --timeout is the bound.
template <class Gone>
bool wait_until_asleep_in_poll(pid_t pid, pid_t tid, Gone gone) {
  for (;;) {
    if (asleep_in_poll(pid, tid)) return true;
    if (gone()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));  // how often to look, not a bound
  }
}

// A poller thread of this process: its poll, and the thread's id while it runs.
class Poller {
 public:
  using Clock = std::chrono::steady_clock;
  template <class F>
  explicit Poller(F poll) : thread_([this, poll] {
    tid_.store(::gettid());
    started_ = Clock::now();
    status_ = poll();
    returned_ = Clock::now();
    done_.store(true);
  }) {}
  ~Poller() { join(); }
  // Blocks until the poll sleeps in the kernel (announced, after its
  // re-check): from then on only a wake-up, its slice or its deadline can
  // end that sleep. False if the poll returned first.
  bool wait_until_asleep() {
    while (tid_.load() == 0) std::this_thread::yield();
    return wait_until_asleep_in_poll(::getpid(), tid_.load(), [this] { return done_.load(); });
  }
  // True while the poll sleeps in the kernel now.
  bool asleep() const { return tid_.load() != 0 && asleep_in_poll(::getpid(), tid_.load()); }
  bool done() const { return done_.load(); }
  void join() {
    if (thread_.joinable()) thread_.join();
  }
  int status() const { return status_; }
  Clock::duration took() const { return returned_ - started_; }

 private:
  std::atomic<pid_t> tid_{0};
  std::atomic<bool> done_{false};
  int status_ = 0;
  Clock::time_point started_, returned_;
  std::thread thread_;
};

// The safety slice of this process's polls (src/test_hooks.h) for a scope.
// A test that asserts that a set woke a poll lengthens it, so that only the
// set -- or the poll's own deadline, which the test then tells apart -- can
// end the poll's sleep; a test of the slice itself pins it to
// SPLINTER_POLL_SLICE_MS. Inherited by processes forked in the scope.
class PollSlice {
 public:
  static constexpr std::int64_t kLong = 3600 * 1000;  // an hour: "no slice" for any test
  explicit PollSlice(std::int64_t ms) { test::set_poll_slice_ms(ms); }
  ~PollSlice() { test::set_poll_slice_ms(0); }
  PollSlice(const PollSlice &) = delete;
  PollSlice &operator=(const PollSlice &) = delete;
};

// The seed of a test's random choices: $SPLINTER_TEST_SEED when set, else
// gtest's --gtest_random_seed when given, else a fresh one. Printed (and
// recorded as the test's "seed" property) so that a failure can be replayed
// with SPLINTER_TEST_SEED=<seed>.
inline std::uint32_t test_seed() {
  std::uint32_t seed = 0;
  if (const char *env = std::getenv("SPLINTER_TEST_SEED"); env != nullptr && *env != '\0') {
    seed = static_cast<std::uint32_t>(std::strtoul(env, nullptr, 10));
  } else if (const int g = ::testing::UnitTest::GetInstance()->random_seed(); g != 0) {
    seed = static_cast<std::uint32_t>(g);
  } else {
    seed = std::random_device{}();
  }
  std::printf("[ seed     ] %u (replay: SPLINTER_TEST_SEED=%u)\n", seed, seed);
  std::fflush(stdout);
  ::testing::Test::RecordProperty("seed", std::to_string(seed));
  return seed;
}

}  // namespace splinter::testing

#endif  // SPLINTER_TESTS_WAITING_H
