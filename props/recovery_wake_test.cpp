// recovery_wake_test.cpp -- the lost wake-up the SPIN model found
// (props/spin/protocol.pml of format 3; now wake.pml's BUG_RECOVERY_NO_WAKE),
// on the real bus.
//
// A poller sleeps on key k. A writer commits a new value of k (2.2) and dies
// before its wake-up (2.6). The next writer opens and recovers (it raises
// bus_epoch, F13); it must then wake the pollers (FORMAT.md 2.1, 2.6 step
// 3), or the poller sleeps on although k has changed -- until its safety
// slice ends (SPLINTER_POLL_SLICE_MS), which this test lengthens to an hour
// (test::set_poll_slice_ms) so that only a wake-up or the poll's timeout can
// end the sleep.
//
// Nothing here waits for a duration: the test waits for observable states
// (the poller registered and blocked in FUTEX_WAIT, as /proc shows) and for
// events (the crashing child's death, the poll's return). The poll's own
// timeout is only the bound that tells "woken" from "never woken"; it is
// generous, so a loaded machine passes. Negative control: the same program
// linked against splinter_mutant_no_wake must fail (props/CMakeLists.txt).
#include "crash.h"
#include "test_hooks.h"

#include <splinter/splinter.h>
#include <splinter/splinter.hpp>

#include <gtest/gtest.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <future>
#include <string>
#include <thread>

namespace splinter::props {
namespace {

using Clock = std::chrono::steady_clock;

// The poll's timeout: long enough that a woken poller on a loaded machine
// returns well before it, short enough that the negative control (whose
// poller is never woken and returns at it) stays quick.
constexpr std::int64_t kTimeoutMs = 10000;

// True while thread `tid` of this process is blocked in the futex system
// call (the first field of /proc/self/task/TID/syscall is its number;
// "running" when it is not blocked).
bool blocked_in_futex(pid_t tid) {
  std::ifstream in("/proc/self/task/" + std::to_string(tid) + "/syscall");
  std::string nr;
  return static_cast<bool>(in >> nr) && nr == std::to_string(SYS_futex);
}

TEST(RecoveryWake, PollerOfADeadWritersCommitWakesWhenTheNextWriterOpens) {
  test::set_poll_slice_ms(3600 * 1000);
  const std::string name = "splinter-props-wake-" + std::to_string(::getpid());
  (void)Bus::destroy(Backing::shm, name);
  auto created = Bus::create(Backing::shm, name, 4, 16);
  ASSERT_TRUE(created.ok()) << last_error();
  std::uint64_t e1 = 0;
  ASSERT_TRUE(created->set("k", std::string_view("old"), &e1).ok());
  created->close();

  auto reader = Bus::open(Backing::shm, name, Role::reader);
  ASSERT_TRUE(reader.ok());
  std::atomic<pid_t> poller_tid{0};
  Clock::time_point deadline;  // written before poller_tid is published
  auto polled = std::async(std::launch::async, [&] {
    deadline = Clock::now() + std::chrono::milliseconds(kTimeoutMs);
    poller_tid.store(static_cast<pid_t>(::syscall(SYS_gettid)), std::memory_order_release);
    auto r = reader->poll("k", e1, kTimeoutMs);
    return std::make_pair(r.status().code(), Clock::now());
  });

  // Wait until the poller has announced itself and sleeps in FUTEX_WAIT (2.5
  // step 3): only then can a commit without a wake-up leave it sleeping. If it
  // is not asleep before its timeout it has returned, and the test fails.
  pid_t tid = 0;
  for (;;) {
    tid = poller_tid.load(std::memory_order_acquire);
    auto in = reader->info();
    ASSERT_TRUE(in.ok());
    if (tid != 0 && in->waiters > 0 && blocked_in_futex(tid)) break;
    ASSERT_EQ(polled.wait_for(std::chrono::milliseconds(1)), std::future_status::timeout)
        << "the poll returned before it went to sleep";
  }

  // A writer commits "new" and dies before waking anyone.
  const ChildOutcome out = run_crashing_writer(SPLINTER_SHM, name, test::kSetCommitted, 1, [](splinter_bus *b) {
    return splinter_set(b, "k", "new", 3, nullptr);
  });
  ASSERT_TRUE(out.killed);

  // The next writer opens (recovery), and must wake the poller: the poll
  // returns OK before its timeout. A poller nobody wakes returns only at its
  // timeout (with OK too, as its last re-check sees the new epoch).
  auto writer = Bus::open(Backing::shm, name, Role::writer);
  ASSERT_TRUE(writer.ok()) << last_error();
  const auto [code, returned_at] = polled.get();
  EXPECT_EQ(code, Code::ok);
  const bool woken = returned_at < deadline;
  EXPECT_TRUE(woken) << "the poller slept until its " << kTimeoutMs
                     << " ms timeout although the recovering writer opened: recovery does not wake pollers";
  writer->close();
  reader->close();
  (void)Bus::destroy(Backing::shm, name);
}

}  // namespace
}  // namespace splinter::props
