// recovery_wake_test.cpp -- the lost wake-up the SPIN model found
// (props/spin/protocol.pml, variant BUG_RECOVERY_NO_WAKE), on the real bus.
//
// A poller sleeps on key k. A writer commits a new value of k (2.2 step 6)
// and dies before its wake-up (2.6). The next writer opens and recovers (it
// raises bus_epoch, F13) but does not wake: the poller sleeps on until its
// timeout -- forever, with a negative timeout -- although k has changed.
// Expected: the writer open wakes registered pollers after recovery.
#include "crash.h"
#include "test_hooks.h"

#include <splinter/splinter.h>
#include <splinter/splinter.hpp>

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <string>
#include <thread>

namespace splinter::props {
namespace {

using Clock = std::chrono::steady_clock;

TEST(RecoveryWake, PollerOfADeadWritersCommitWakesWhenTheNextWriterOpens) {
  const std::string name = "splinter-props-wake-" + std::to_string(::getpid());
  (void)Bus::destroy(Backing::shm, name);
  auto created = Bus::create(Backing::shm, name, 4, 16);
  ASSERT_TRUE(created.ok()) << last_error();
  std::uint64_t e1 = 0;
  ASSERT_TRUE(created->set("k", std::string_view("old"), &e1).ok());
  created->close();

  auto reader = Bus::open(Backing::shm, name, Role::reader);
  ASSERT_TRUE(reader.ok());
  constexpr std::int64_t kTimeoutMs = 2500;
  auto polled = std::async(std::launch::async, [&] {
    auto r = reader->poll("k", e1, kTimeoutMs);
    return std::make_pair(r.status().code(), Clock::now());
  });
  // Wait until the poller is registered (and so about to sleep or asleep).
  for (int i = 0; i < 200; ++i) {
    auto in = reader->info();
    if (in.ok() && in->waiters > 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(50));

  // A writer commits "new" and dies before waking anyone.
  const ChildOutcome out = run_crashing_writer(SPLINTER_SHM, name, test::kSetCommitted, 1, [](splinter_bus *b) {
    return splinter_set(b, "k", "new", 3, nullptr);
  });
  ASSERT_TRUE(out.killed);

  // The next writer opens (recovery). The poller should wake now.
  const auto opened_at = Clock::now();
  auto writer = Bus::open(Backing::shm, name, Role::writer);
  ASSERT_TRUE(writer.ok()) << last_error();
  const auto [code, woke_at] = polled.get();
  EXPECT_EQ(code, Code::ok);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(woke_at - opened_at).count();
  EXPECT_LT(ms, 1000) << "the poller slept " << ms << " ms after the recovering writer opened (timeout "
                      << kTimeoutMs << " ms): recovery does not wake pollers";
  writer->close();
  reader->close();
  (void)Bus::destroy(Backing::shm, name);
}

}  // namespace
}  // namespace splinter::props
