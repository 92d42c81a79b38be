// Poll: immediate returns, timeouts, wake-ups across threads and processes.
#include "fixture.h"
#include "waiting.h"

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace splinter::testing {
namespace {

using Poll = BusTest;
using Clock = std::chrono::steady_clock;

TEST_P(Poll, ReturnsAtOnceWhenTheEpochDiffers) {
  splinter_bus *w = create();
  uint64_t e = 0, seen = 0;
  ASSERT_EQ(set_str(w, "k", "v", &e), SPLINTER_OK);
  EXPECT_EQ(splinter_poll(w, "k", 0, -1, &seen), SPLINTER_OK);
  EXPECT_EQ(seen, e);
  EXPECT_EQ(splinter_poll(w, nullptr, 0, -1, &seen), SPLINTER_OK);
  EXPECT_EQ(seen, e);
  splinter_close(w);
}

TEST_P(Poll, ZeroTimeoutChecksOnce) {
  splinter_bus *w = create();
  uint64_t e = 5;
  EXPECT_EQ(splinter_poll(w, "k", 0, 0, &e), SPLINTER_E_TIMEOUT);
  EXPECT_EQ(e, 5u);
  splinter_close(w);
}

TEST_P(Poll, TimesOutWhenNothingChanges) {
  splinter_bus *w = create();
  splinter_bus *r = open(SPLINTER_READER);
  const auto t0 = Clock::now();
  EXPECT_EQ(splinter_poll(r, "k", 0, 30, nullptr), SPLINTER_E_TIMEOUT);
  EXPECT_GE(Clock::now() - t0, std::chrono::milliseconds(30));
  // Its announcement stays until a set wakes the word (Wake.TimedOutPoll*).
  splinter_info in{};
  ASSERT_EQ(splinter_info_get(r, &in), SPLINTER_OK);
  EXPECT_EQ(in.waiters, 1u) << "a poll that slept announced itself on its key's word";
  splinter_close(r);
  splinter_close(w);
}

// How long a poll below may wait for another thread or process to act: a
// liveness bound (a loaded machine passes), never a speed target.
constexpr int64_t kLivenessMs = 60000;

TEST_P(Poll, BlockedPollWakesOnSet) {
  const PollSlice no_slice(PollSlice::kLong);  // only the set, or the deadline, ends the sleep
  splinter_bus *w = create();
  splinter_bus *r = open(SPLINTER_READER);
  uint64_t seen = 0;
  constexpr int64_t kTimeoutMs = 10000;
  Poller poller([&] { return splinter_poll(r, "k", 0, kTimeoutMs, &seen); });
  ASSERT_TRUE(poller.wait_until_asleep()) << "the poll returned before any set: " << poller.status();
  uint64_t e = 0;
  ASSERT_EQ(set_str(w, "k", "v", &e), SPLINTER_OK);
  poller.join();
  EXPECT_EQ(poller.status(), SPLINTER_OK);
  EXPECT_EQ(seen, e);
  // Woken by the set, not by its own deadline (a poll that missed the wake-up
  // re-checks at its deadline and returns OK then).
  EXPECT_LT(poller.took(), std::chrono::milliseconds(kTimeoutMs)) << "the set did not wake the poll";
  splinter_close(r);
  splinter_close(w);
}

TEST_P(Poll, WaitsForAKeyThatDoesNotExistYet) {
  splinter_bus *w = create();
  splinter_bus *r = open(SPLINTER_READER);
  uint64_t seen = 0;
  Poller poller([&] { return splinter_poll(r, "later", 0, kLivenessMs, &seen); });
  ASSERT_TRUE(poller.wait_until_asleep()) << poller.status();
  ASSERT_EQ(set_str(w, "other", "v"), SPLINTER_OK);  // not the key: keeps waiting
  ASSERT_EQ(set_str(w, "later", "v"), SPLINTER_OK);
  poller.join();
  EXPECT_EQ(poller.status(), SPLINTER_OK);
  EXPECT_EQ(seen, 2u) << "the poll returned on the other key's set";
  splinter_close(r);
  splinter_close(w);
}

TEST_P(Poll, RemovalWakesWithEpochZero) {
  splinter_bus *w = create();
  uint64_t e = 0;
  ASSERT_EQ(set_str(w, "k", "v", &e), SPLINTER_OK);
  splinter_bus *r = open(SPLINTER_READER);
  uint64_t seen = 99;
  Poller poller([&] { return splinter_poll(r, "k", e, kLivenessMs, &seen); });
  ASSERT_TRUE(poller.wait_until_asleep()) << poller.status();
  ASSERT_EQ(splinter_unset(w, "k", nullptr), SPLINTER_OK);
  poller.join();
  EXPECT_EQ(poller.status(), SPLINTER_OK);
  EXPECT_EQ(seen, 0u);
  splinter_close(r);
  splinter_close(w);
}

TEST_P(Poll, NoUpdateIsMissedBetweenGetAndPoll) {
  splinter_bus *w = create();
  splinter_bus *r = open(SPLINTER_READER);
  constexpr int kUpdates = 300;
  std::thread writer([&] {
    for (int i = 1; i <= kUpdates; ++i) ASSERT_EQ(set_str(w, "k", std::to_string(i)), SPLINTER_OK);
  });
  uint64_t since = 0;
  int last = 0;
  while (last < kUpdates) {
    uint64_t e = 0;
    ASSERT_EQ(splinter_poll(r, "k", since, kLivenessMs, &e), SPLINTER_OK) << "missed update after " << last;
    uint64_t ge = 0;
    const std::string v = get_str(r, "k", nullptr, &ge);
    const int now = std::stoi(v);
    EXPECT_GE(now, last);
    last = now;
    since = ge;
  }
  writer.join();
  splinter_close(r);
  splinter_close(w);
}

TEST_P(Poll, WakesAReaderInAnotherProcess) {
  splinter_bus *w = create();
  const pid_t kid = ::fork();
  if (kid == 0) {
    splinter_bus *r = nullptr;
    if (splinter_open(&r, GetParam(), name_.c_str(), SPLINTER_READER) != SPLINTER_OK) ::_exit(2);
    uint64_t e = 0;
    const int st = splinter_poll(r, "k", 0, kLivenessMs, &e);
    ::_exit(st == SPLINTER_OK && e == 1 ? 0 : 1);
  }
  // Set once the child sleeps in its poll.
  int status = 0;
  const bool asleep = wait_until_asleep_in_poll(kid, kid, [&] { return ::waitpid(kid, &status, WNOHANG) == kid; });
  ASSERT_TRUE(asleep) << "the child ended before it polled: " << status;
  splinter_info in{};
  ASSERT_EQ(splinter_info_get(w, &in), SPLINTER_OK);
  EXPECT_EQ(in.waiters, 1u) << "a reader blocked in poll has announced itself";
  ASSERT_EQ(set_str(w, "k", "v"), SPLINTER_OK);
  ASSERT_EQ(::waitpid(kid, &status, 0), kid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  splinter_close(w);
}

TEST_P(Poll, SpinBudgetIsBounded) {
  splinter_bus *w = create();
  EXPECT_EQ(splinter_set_spin(w, 1000001), SPLINTER_E_INVALID);
  EXPECT_EQ(splinter_set_spin(nullptr, 10), SPLINTER_E_INVALID);
  ASSERT_EQ(splinter_set_spin(w, 200), SPLINTER_OK);
  EXPECT_EQ(splinter_poll(w, "k", 0, 5, nullptr), SPLINTER_E_TIMEOUT);
  splinter_close(w);
}

TEST_P(Poll, SpinBudgetMayChangeWhileAnotherThreadPolls) {
  splinter_bus *w = create();
  splinter_bus *r = open(SPLINTER_READER);
  std::atomic<bool> polling{false};
  int st = SPLINTER_E_INVALID;
  std::thread poller([&] {
    polling.store(true);
    st = splinter_poll(r, "k", 0, 10000, nullptr);
  });
  while (!polling.load()) std::this_thread::yield();
  // Races with the poll's read of the budget unless both are atomic (TSan).
  for (uint32_t us : {50u, 0u, 100u}) ASSERT_EQ(splinter_set_spin(r, us), SPLINTER_OK);
  ASSERT_EQ(set_str(w, "k", "v"), SPLINTER_OK);
  poller.join();
  EXPECT_EQ(st, SPLINTER_OK);
  splinter_close(r);
  splinter_close(w);
}

// The default (adaptive) spin follows a returned change: it must change no
// result. Two threads of one handle follow a busy writer -- each sees epochs
// only increase and ends at the last one -- and then a poll right after a
// change, with nothing new, still times out.
TEST_P(Poll, AdaptiveSpinAfterAChangeKeepsEveryResult) {
  splinter_bus *w = create();
  splinter_bus *r = open(SPLINTER_READER);
  constexpr int kSets = 3000;
  std::uint64_t last = 0;
  std::atomic<int> ready{0};
  auto follow = [&](bool *ok) {
    std::uint64_t e = 0;
    ready.fetch_add(1);
    while (e < static_cast<std::uint64_t>(kSets)) {
      std::uint64_t next = 0;
      if (splinter_poll(r, "k", e, -1, &next) != SPLINTER_OK || next <= e) return;
      e = next;
    }
    *ok = e == static_cast<std::uint64_t>(kSets);
  };
  bool ok1 = false, ok2 = false;
  std::thread t1(follow, &ok1), t2(follow, &ok2);
  while (ready.load() < 2) std::this_thread::yield();
  for (int i = 0; i < kSets; ++i) ASSERT_EQ(set_str(w, "k", "v", &last), SPLINTER_OK);
  t1.join();
  t2.join();
  EXPECT_TRUE(ok1 && ok2) << "a follower missed the last epoch or saw one go back";
  ASSERT_EQ(last, static_cast<std::uint64_t>(kSets));  // "k" is the only key: its epoch is the bus's
  std::uint64_t e = 0;
  ASSERT_EQ(splinter_poll(r, "k", 0, -1, &e), SPLINTER_OK);  // a change: the next poll spins
  EXPECT_EQ(e, last);
  EXPECT_EQ(splinter_poll(r, "k", e, 1, nullptr), SPLINTER_E_TIMEOUT);
  EXPECT_EQ(splinter_poll(r, "k", e, 0, nullptr), SPLINTER_E_TIMEOUT);
  splinter_close(r);
  splinter_close(w);
}

SPLINTER_BOTH_BACKINGS(Poll);

}  // namespace
}  // namespace splinter::testing
