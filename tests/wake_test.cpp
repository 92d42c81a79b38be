// Wake: which mutations wake which polls (a key's wait bucket, the bus
// word), one wake-up system call per sleep and none without a sleeper, the
// writer role's wake of every word, and a waiter page that another process
// zeroes or garbles (FORMAT.md 1.2, 2.5, 2.6).
//
// The writer is this process, so test::futex_wakes() counts its wake-up
// system calls. A test that asserts that a mutation woke a poll lengthens
// the poll slice (PollSlice::kLong): only the wake, or the poll's own
// deadline, can then end the sleep, and returning before the deadline tells
// them apart. The hostile-page tests pin the slice to SPLINTER_POLL_SLICE_MS:
// there the slice is what must end the sleep.
#include "fixture.h"
#include "test_hooks.h"
#include "testsupport/spec.h"
#include "waiting.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace splinter::testing {
namespace {

using Wake = BusTest;

// How long a poll may wait for another thread or process to act: a liveness
// bound (a loaded machine passes), never a speed target.
constexpr int64_t kLivenessMs = 60000;
// The timeout of a poll that a mutation must wake while the slice is
// lengthened: a poll the mutation does not wake returns only at it.
constexpr int64_t kWokenBeforeMs = 10000;
// How long a hostile-page test waits for a poll the slice must end: far above
// the slice, a liveness bound only (a loaded machine passes).
constexpr int64_t kSliceEndsItWithinMs = 20 * SPLINTER_POLL_SLICE_MS;

std::uint32_t bucket(const std::string &key) { return spec::key_hash(key) & (spec::waitf::kBuckets - 1); }

// A key whose wait bucket is (same) or is not (!same) that of `of`.
std::string key_in_bucket(const std::string &of, bool same) {
  for (int i = 0;; ++i) {
    std::string k = "key" + std::to_string(i);
    if (k != of && (bucket(k) == bucket(of)) == same) return k;
  }
}

// The bus object's waiter page mapped read-write, as any process that can
// open the object read-write may map it. Offsets from testsupport/spec.h
// (FORMAT.md 1.2, read independently of src/).
class WaiterPage {
 public:
  static constexpr std::uint32_t kWords = static_cast<std::uint32_t>(spec::kPage / 4);  // every u32 of the page

  explicit WaiterPage(const std::string &path) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0) return;
    void *p = ::mmap(nullptr, spec::kPage, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
                     static_cast<off_t>(spec::kWaiterPage));
    ::close(fd);
    if (p != MAP_FAILED) page_ = static_cast<std::uint32_t *>(p);
  }
  ~WaiterPage() {
    if (page_) ::munmap(page_, spec::kPage);
  }
  WaiterPage(const WaiterPage &) = delete;
  WaiterPage &operator=(const WaiterPage &) = delete;
  bool ok() const { return page_ != nullptr; }

  // The i-th u32 of the page (i < kWords).
  std::atomic_ref<std::uint32_t> word(std::uint32_t i) const { return std::atomic_ref<std::uint32_t>(page_[i]); }
  std::atomic_ref<std::uint32_t> at(std::uint64_t offset) const {
    return word(static_cast<std::uint32_t>((offset - spec::kWaiterPage) / 4));
  }
  std::atomic_ref<std::uint32_t> bus() const { return at(spec::waitf::kBusWait); }
  std::atomic_ref<std::uint32_t> key(const std::string &k) const { return at(spec::key_wait_offset(spec::key_hash(k))); }
  // The eventcount words (the bus word and every bucket) with bit 0 set.
  std::uint32_t announced() const {
    std::uint32_t n = bus().load() & spec::waitf::kAnnounced;
    for (std::uint32_t j = 0; j < spec::waitf::kBuckets; ++j)
      n += at(spec::waitf::kKeyWait + 4 * j).load() & spec::waitf::kAnnounced;
    return n;
  }

 private:
  std::uint32_t *page_ = nullptr;
};

// Runs f in a child process -- another process than the library's -- and
// waits for it to finish.
void in_another_process(const std::function<void()> &f) {
  const pid_t kid = ::fork();
  if (kid == 0) {
    f();
    ::_exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(kid, &status, 0), kid);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

uint32_t waiters(const splinter_bus *b) {
  splinter_info in{};
  EXPECT_EQ(splinter_info_get(b, &in), SPLINTER_OK);
  return in.waiters;
}

// ---- which mutations wake which polls ----

TEST_P(Wake, SetsOfAKeyInAnotherBucketDoNotWakeAPoll) {
  const PollSlice no_slice(PollSlice::kLong);
  splinter_bus *w = create();
  splinter_bus *r = open(SPLINTER_READER);
  WaiterPage page(name_.path());
  ASSERT_TRUE(page.ok());
  const std::string a = "a", b = key_in_bucket(a, false);
  uint64_t seen = 0;
  Poller poller([&] { return splinter_poll(r, a.c_str(), 0, kLivenessMs, &seen); });
  ASSERT_TRUE(poller.wait_until_asleep()) << poller.status();
  const std::uint32_t word = page.key(a).load();
  EXPECT_EQ(word & spec::waitf::kAnnounced, 1u) << "the sleeping poll announced itself on a's bucket";
  const std::uint64_t wakes = test::futex_wakes();
  for (int i = 0; i < 100; ++i) ASSERT_EQ(set_str(w, b.c_str(), std::to_string(i)), SPLINTER_OK);
  ASSERT_EQ(splinter_unset(w, b.c_str(), nullptr), SPLINTER_OK);
  EXPECT_EQ(test::futex_wakes(), wakes) << "nobody sleeps on b's bucket or on the bus word: no system call";
  EXPECT_EQ(page.key(a).load(), word) << "a's bucket was advanced by sets of b";
  EXPECT_FALSE(poller.done()) << "the poll of a returned although a never changed";
  uint64_t e = 0;
  ASSERT_EQ(set_str(w, a.c_str(), "v", &e), SPLINTER_OK);
  poller.join();
  EXPECT_EQ(poller.status(), SPLINTER_OK);
  EXPECT_EQ(seen, e);
  splinter_close(r);
  splinter_close(w);
}

TEST_P(Wake, PollOfAKeyTimesOutWhileKeysOfOtherBucketsChange) {
  splinter_bus *w = create();
  splinter_bus *r = open(SPLINTER_READER);
  const std::string a = "a", b = key_in_bucket(a, false);
  std::atomic<bool> stop{false};
  std::atomic<int> sets{0};
  std::thread writer([&] {
    while (!stop.load()) {
      ASSERT_EQ(set_str(w, b.c_str(), "x"), SPLINTER_OK);
      sets.fetch_add(1);
    }
  });
  while (sets.load() == 0) std::this_thread::yield();
  uint64_t seen = 77;
  EXPECT_EQ(splinter_poll(r, a.c_str(), 0, 200, &seen), SPLINTER_E_TIMEOUT);
  EXPECT_EQ(seen, 77u) << "a TIMEOUT writes no epoch";
  stop.store(true);
  writer.join();
  splinter_close(r);
  splinter_close(w);
}

TEST_P(Wake, SetOfAKeySharingTheBucketWakesThePollWhichSleepsOn) {
  const PollSlice no_slice(PollSlice::kLong);
  splinter_bus *w = create();
  splinter_bus *r = open(SPLINTER_READER);
  WaiterPage page(name_.path());
  ASSERT_TRUE(page.ok());
  const std::string a = "a", c = key_in_bucket(a, true);
  uint64_t seen = 0;
  Poller poller([&] { return splinter_poll(r, a.c_str(), 0, kLivenessMs, &seen); });
  ASSERT_TRUE(poller.wait_until_asleep()) << poller.status();
  const std::uint32_t word = page.key(a).load();
  const std::uint64_t wakes = test::futex_wakes();
  ASSERT_EQ(set_str(w, c.c_str(), "v"), SPLINTER_OK);
  EXPECT_EQ(test::futex_wakes(), wakes + 1) << "one FUTEX_WAKE, on the shared bucket (the bus word is not announced)";
  EXPECT_NE(page.key(a).load() >> 1, word >> 1) << "the writer advances the word it wakes";
  // Woken, the poll re-checks a, finds it unchanged, announces itself anew
  // and sleeps again: it does not return to its caller.
  while (!((page.key(a).load() & spec::waitf::kAnnounced) && poller.asleep()) && !poller.done())
    std::this_thread::sleep_for(std::chrono::milliseconds(1));  // how often to look, not a bound
  EXPECT_FALSE(poller.done()) << "the poll of a returned on a set of another key";
  uint64_t e = 0;
  ASSERT_EQ(set_str(w, a.c_str(), "v", &e), SPLINTER_OK);
  poller.join();
  EXPECT_EQ(poller.status(), SPLINTER_OK);
  EXPECT_EQ(seen, e);
  splinter_close(r);
  splinter_close(w);
}

// Polls `key` (nullptr: the bus) from `since` in a thread of this process,
// then runs `mutate` (the writer: this thread) once the poll sleeps, and
// expects the poll to be woken by it -- returning OK with `want` (the
// mutation's epoch when want is nullopt) before its deadline -- with exactly
// one FUTEX_WAKE.
void expect_woken_by(splinter_bus *r, const char *key, uint64_t since, const std::function<int(uint64_t *)> &mutate,
                     std::optional<uint64_t> want = std::nullopt) {
  uint64_t seen = ~0ull;
  Poller poller([&] { return splinter_poll(r, key, since, kWokenBeforeMs, &seen); });
  ASSERT_TRUE(poller.wait_until_asleep()) << poller.status();
  const std::uint64_t wakes = test::futex_wakes();
  uint64_t e = 0;
  ASSERT_EQ(mutate(&e), SPLINTER_OK);
  EXPECT_EQ(test::futex_wakes(), wakes + 1) << "one FUTEX_WAKE: the poll's word only";
  poller.join();
  EXPECT_EQ(poller.status(), SPLINTER_OK);
  EXPECT_EQ(seen, want.value_or(e));
  EXPECT_LT(poller.took(), std::chrono::milliseconds(kWokenBeforeMs)) << "the mutation did not wake the poll";
}

TEST_P(Wake, PollOfAKeyWakesOnItsCreationItsSetAndItsRemoval) {
  const PollSlice no_slice(PollSlice::kLong);
  splinter_bus *w = create();
  splinter_bus *r = open(SPLINTER_READER);
  uint64_t e1 = 0, e2 = 0;
  {
    SCOPED_TRACE("creation");
    expect_woken_by(r, "a", 0, [&](uint64_t *e) { return set_str(w, "a", "1", e); });
  }
  e1 = splinter_epoch(w);
  {
    SCOPED_TRACE("set");
    expect_woken_by(r, "a", e1, [&](uint64_t *e) { return set_str(w, "a", "2", e); });
  }
  e2 = splinter_epoch(w);
  {
    SCOPED_TRACE("removal");
    expect_woken_by(r, "a", e2, [&](uint64_t *e) { return splinter_unset(w, "a", e); }, 0);
  }
  splinter_close(r);
  splinter_close(w);
}

TEST_P(Wake, BusPollWakesOnEveryChange) {
  const PollSlice no_slice(PollSlice::kLong);
  splinter_bus *w = create();
  splinter_bus *r = open(SPLINTER_READER);
  const std::function<int(uint64_t *)> mutations[] = {
      [&](uint64_t *e) { return set_str(w, "x", "new key", e); },
      [&](uint64_t *e) { return set_str(w, "x", "overwritten", e); },
      [&](uint64_t *e) { return set_str(w, key_in_bucket("x", false).c_str(), "another bucket", e); },
      [&](uint64_t *e) { return splinter_unset(w, "x", e); },
  };
  int i = 0;
  for (const auto &mutate : mutations) {
    SCOPED_TRACE("mutation " + std::to_string(i++));
    expect_woken_by(r, nullptr, splinter_epoch(w), mutate);
  }
  splinter_close(r);
  splinter_close(w);
}

// ---- one wake per sleep ----

TEST_P(Wake, MutationsWithNoSleepingPollMakeNoSystemCall) {
  splinter_bus *w = create(64, 16);
  WaiterPage page(name_.path());
  ASSERT_TRUE(page.ok());
  const std::uint64_t wakes = test::futex_wakes();
  for (int i = 0; i < 500; ++i) {
    const std::string k = "k" + std::to_string(i % 40);
    if (i % 7 == 6)
      (void)splinter_unset(w, k.c_str(), nullptr);
    else
      ASSERT_EQ(set_str(w, k.c_str(), std::to_string(i)), SPLINTER_OK);
  }
  EXPECT_EQ(test::futex_wakes(), wakes) << "a mutation nobody sleeps on made a system call";
  for (std::uint32_t i = 0; i < WaiterPage::kWords; ++i)
    ASSERT_EQ(page.word(i).load(), 0u) << "the writer changed u32 " << i << " of the waiter page";
  splinter_close(w);
}

TEST_P(Wake, APollWokenOnceCostsTheNextSetsNothing) {
  const PollSlice no_slice(PollSlice::kLong);
  splinter_bus *w = create();
  splinter_bus *r = open(SPLINTER_READER);
  expect_woken_by(r, "k", 0, [&](uint64_t *e) { return set_str(w, "k", "1", e); });
  // The woken poll saw the change and returned without announcing again.
  EXPECT_EQ(waiters(w), 0u);
  const std::uint64_t wakes = test::futex_wakes();
  for (int i = 0; i < 100; ++i) ASSERT_EQ(set_str(w, "k", std::to_string(i)), SPLINTER_OK);
  EXPECT_EQ(test::futex_wakes(), wakes) << "sets after the wake-up, with nobody asleep, made system calls";
  splinter_close(r);
  splinter_close(w);
}

TEST_P(Wake, TimedOutPollLeavesOneWakeForTheNextSet) {
  splinter_bus *w = create();
  splinter_bus *r = open(SPLINTER_READER);
  EXPECT_EQ(splinter_poll(r, "k", 0, 30, nullptr), SPLINTER_E_TIMEOUT);
  EXPECT_EQ(waiters(r), 1u) << "the poll announced itself before it slept";
  const std::uint64_t wakes = test::futex_wakes();
  ASSERT_EQ(set_str(w, "k", "1"), SPLINTER_OK);
  EXPECT_EQ(test::futex_wakes(), wakes + 1) << "the announcement costs the next set of its word one wake-up";
  EXPECT_EQ(waiters(r), 0u) << "the writer clears the announcement it wakes";
  ASSERT_EQ(set_str(w, "k", "2"), SPLINTER_OK);
  EXPECT_EQ(test::futex_wakes(), wakes + 1) << "and only one";
  splinter_close(r);
  splinter_close(w);
}

// ---- the writer role ----

TEST_P(Wake, TakingTheWriterRoleWakesEveryWord) {
  splinter_bus *w = create();
  WaiterPage page(name_.path());
  ASSERT_TRUE(page.ok());
  splinter_close(w);
  in_another_process([&] {
    for (std::uint32_t i = 0; i < WaiterPage::kWords; ++i) page.word(i).store(0xFFFFFFFFu);
  });
  const std::uint64_t wakes = test::futex_wakes();
  w = open(SPLINTER_WRITER);
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(test::futex_wakes(), wakes + 1 + spec::waitf::kBuckets) << "one FUTEX_WAKE per word, announced or not";
  EXPECT_EQ(page.announced(), 0u) << "every announcement found is advanced";
  EXPECT_EQ(waiters(w), 0u);
  splinter_close(w);
}

int g_crash_at = 0;
void kill_at_point(int point) {
  if (point == g_crash_at) ::raise(SIGKILL);
}

TEST_P(Wake, TakingTheWriterRoleWakesAPollADeadWriterLeftAsleep) {
  const PollSlice no_slice(PollSlice::kLong);
  splinter_bus *w = create();
  uint64_t e1 = 0;
  ASSERT_EQ(set_str(w, "a", "old", &e1), SPLINTER_OK);
  splinter_close(w);
  WaiterPage page(name_.path());
  ASSERT_TRUE(page.ok());
  // A writer that will commit a new value of a and die before its wake
  // (after 2.2 step 9). It takes the role -- waking every word -- before the
  // poll below starts, and sets a only once the poll sleeps.
  int ready[2], go[2];
  ASSERT_EQ(::pipe(ready), 0);
  ASSERT_EQ(::pipe(go), 0);
  const pid_t kid = ::fork();
  if (kid == 0) {
    splinter_bus *dying = nullptr;
    if (splinter_open(&dying, backing(), name_.c_str(), SPLINTER_WRITER) != SPLINTER_OK) ::_exit(2);
    char c = 'r';
    if (::write(ready[1], &c, 1) != 1 || ::read(go[0], &c, 1) != 1) ::_exit(3);
    g_crash_at = test::kSetEpochPublished;
    test::set_crash_hook(kill_at_point);
    (void)set_str(dying, "a", "new");
    ::_exit(4);
  }
  char c = 0;
  ASSERT_EQ(::read(ready[0], &c, 1), 1) << "the dying writer did not open";
  splinter_bus *r = open(SPLINTER_READER);
  uint64_t seen = 0;
  Poller poller([&] { return splinter_poll(r, "a", e1, kWokenBeforeMs, &seen); });
  ASSERT_TRUE(poller.wait_until_asleep()) << poller.status();
  ASSERT_EQ(::write(go[1], &c, 1), 1);
  int status = 0;
  ASSERT_EQ(::waitpid(kid, &status, 0), kid);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
  for (int fd : {ready[0], ready[1], go[0], go[1]}) ::close(fd);
  // It may also have advanced a's word -- clearing the announcement --
  // before dying between that fetch_add and its FUTEX_WAKE (2.6 step 2).
  in_another_process([&] { page.key("a").fetch_add(1); });
  EXPECT_EQ(page.key("a").load() & spec::waitf::kAnnounced, 0u);
  // The next writer wakes every word, announced or not.
  w = open(SPLINTER_WRITER);
  ASSERT_NE(w, nullptr) << splinter_last_error();
  poller.join();
  EXPECT_EQ(poller.status(), SPLINTER_OK);
  EXPECT_EQ(seen, e1 + 1);
  EXPECT_LT(poller.took(), std::chrono::milliseconds(kWokenBeforeMs)) << "the new writer did not wake the poll";
  splinter_close(r);
  splinter_close(w);
}

// ---- a hostile waiter page ----

// A poll of "a" with no timeout sleeps in another process; `scribble` (run
// by a third process) then erases its announcement, and "a" is set: the
// writer finds nothing to wake, and only the poll's slice can end its sleep.
// The poll must return OK with the new epoch, within the slice; the test
// waits for that event up to kSliceEndsItWithinMs, a liveness bound.
void expect_slice_ends_the_sleep(splinter_backing backing, const BusName &name,
                                 const std::function<void(const WaiterPage &)> &scribble) {
  const PollSlice real(SPLINTER_POLL_SLICE_MS);
  splinter_bus *w = nullptr;
  ASSERT_EQ(splinter_create(&w, backing, name.c_str(), 16, 64, 0), SPLINTER_OK);
  WaiterPage page(name.path());
  ASSERT_TRUE(page.ok());
  const pid_t kid = ::fork();
  if (kid == 0) {
    splinter_bus *r = nullptr;
    if (splinter_open(&r, backing, name.c_str(), SPLINTER_READER) != SPLINTER_OK) ::_exit(2);
    uint64_t e = 0;
    const int st = splinter_poll(r, "a", 0, -1, &e);
    ::_exit(st == SPLINTER_OK && e == 1 ? 0 : 1);
  }
  int status = 0;
  auto gone = [&] { return ::waitpid(kid, &status, WNOHANG) == kid; };
  ASSERT_TRUE(wait_until_asleep_in_poll(kid, kid, gone)) << "the poller ended before it slept: " << status;
  ASSERT_EQ(page.key("a").load() & spec::waitf::kAnnounced, 1u);
  in_another_process([&] { scribble(page); });
  ASSERT_EQ(page.key("a").load() & spec::waitf::kAnnounced, 0u) << "the scribble must erase the announcement";
  ASSERT_EQ(page.bus().load() & spec::waitf::kAnnounced, 0u);
  const std::uint64_t wakes = test::futex_wakes();
  uint64_t e = 0;
  ASSERT_EQ(splinter_set(w, "a", "v", 1, &e), SPLINTER_OK);
  ASSERT_EQ(e, 1u);
  EXPECT_EQ(test::futex_wakes(), wakes) << "the writer woke a word with no announcement";
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(kSliceEndsItWithinMs);
  bool returned = false;
  while (!(returned = gone()) && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // how often to look, not a bound
  if (!returned) {
    ::kill(kid, SIGKILL);
    ::waitpid(kid, &status, 0);
  }
  EXPECT_TRUE(returned) << "a poll with no timeout slept on for " << kSliceEndsItWithinMs
                        << " ms after its key changed, its announcement erased: no safety slice";
  if (returned) {
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the poller's exit status " << status;
  }
  splinter_close(w);
}

TEST_P(Wake, PollWhoseWaiterPageWasZeroedWakesWithinASlice) {
  expect_slice_ends_the_sleep(backing(), name_, [](const WaiterPage &page) {
    for (std::uint32_t i = 0; i < WaiterPage::kWords; ++i) page.word(i).store(0);
  });
}

TEST_P(Wake, PollWhoseWaiterPageWasGarbledWakesWithinASlice) {
  std::mt19937 rng(test_seed());
  std::vector<std::uint32_t> garbage(WaiterPage::kWords);
  for (auto &g : garbage) g = static_cast<std::uint32_t>(rng()) & ~spec::waitf::kAnnounced;
  expect_slice_ends_the_sleep(backing(), name_, [&](const WaiterPage &page) {
    for (std::uint32_t i = 0; i < WaiterPage::kWords; ++i) page.word(i).store(garbage[i]);
  });
}

TEST_P(Wake, GarbageOnTheWaiterPageNeverMakesAMutationWakeMoreThanTwoWords) {
  std::mt19937 rng(test_seed());
  splinter_bus *w = create(64, 16);
  WaiterPage page(name_.path());
  ASSERT_TRUE(page.ok());
  for (int round = 0; round < 10; ++round) {
    std::vector<std::uint32_t> garbage(WaiterPage::kWords);
    for (auto &g : garbage) g = static_cast<std::uint32_t>(rng());
    in_another_process([&] {
      for (std::uint32_t i = 0; i < WaiterPage::kWords; ++i) page.word(i).store(garbage[i]);
    });
    EXPECT_EQ(waiters(w), page.announced()) << "info counts the words whose bit 0 is set";
    for (int i = 0; i < 50; ++i) {
      const std::string k = "k" + std::to_string(rng() % 30);
      const std::uint64_t wakes = test::futex_wakes();
      const int st = rng() % 4 == 0 ? splinter_unset(w, k.c_str(), nullptr) : set_str(w, k.c_str(), "v");
      ASSERT_TRUE(st == SPLINTER_OK || st == SPLINTER_E_NOT_FOUND) << splinter_status_name(st);
      EXPECT_LE(test::futex_wakes() - wakes, 2u) << "one wake per word (the key's bucket, the bus word) at most";
    }
  }
  // Every word announced: the first set wakes its two, the next none.
  in_another_process([&] {
    for (std::uint32_t i = 0; i < WaiterPage::kWords; ++i) page.word(i).store(0xFFFFFFFFu);
  });
  std::uint64_t wakes = test::futex_wakes();
  ASSERT_EQ(set_str(w, "x", "1"), SPLINTER_OK);
  EXPECT_EQ(test::futex_wakes(), wakes + 2);
  wakes = test::futex_wakes();
  ASSERT_EQ(set_str(w, "x", "2"), SPLINTER_OK);
  EXPECT_EQ(test::futex_wakes(), wakes);
  splinter_close(w);
}

TEST_P(Wake, PollOnAGarbledWaiterPageStillWakesOnASet) {
  const PollSlice no_slice(PollSlice::kLong);
  std::mt19937 rng(test_seed());
  splinter_bus *w = create();
  splinter_bus *r = open(SPLINTER_READER);
  WaiterPage page(name_.path());
  ASSERT_TRUE(page.ok());
  std::vector<std::uint32_t> garbage(WaiterPage::kWords);
  for (auto &g : garbage) g = static_cast<std::uint32_t>(rng());
  in_another_process([&] {
    for (std::uint32_t i = 0; i < WaiterPage::kWords; ++i) page.word(i).store(garbage[i]);
  });
  // Clear the word's stale announcement first, so that the set below wakes
  // only what the poll announces.
  ASSERT_EQ(set_str(w, "a", "0"), SPLINTER_OK);
  expect_woken_by(r, "a", splinter_epoch(w), [&](uint64_t *e) { return set_str(w, "a", "1", e); });
  splinter_close(r);
  splinter_close(w);
}

SPLINTER_BOTH_BACKINGS(Wake);

}  // namespace
}  // namespace splinter::testing
