// waiting.h -- waiting for another thread or process to reach a state, never
// for a duration (a test that sleeps and then assumes progress fails on a busy
// machine), and the seed of a test's random choices.
#ifndef SPLINTER_TESTS_WAITING_H
#define SPLINTER_TESTS_WAITING_H

#include <gtest/gtest.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <sys/types.h>

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
