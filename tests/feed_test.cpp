// The change feed (splinter_changes, FORMAT.md 2.9): exact for every since it
// holds, COMPACTED once it does not, never a wrong entry while the writer
// wraps the ring, and a poll-then-changes loop misses nothing.
#include "fixture.h"
#include "test_hooks.h"
#include "waiting.h"

#include <atomic>
#include <random>
#include <thread>

namespace splinter::testing {
namespace {

struct Change {
  uint64_t epoch;
  int op;
  std::string key;
  bool operator==(const Change &) const = default;
};
std::ostream &operator<<(std::ostream &o, const Change &c) {
  return o << "{" << c.epoch << ", " << (c.op == SPLINTER_OP_SET ? "SET" : c.op == SPLINTER_OP_UNSET ? "UNSET" : "?")
            << ", " << c.key << "}";
}

int collect(void *ctx, uint64_t epoch, int op, const char *key) {
  static_cast<std::vector<Change> *>(ctx)->push_back({epoch, op, key});
  return 0;
}

// The changes after `since`; *status and *last get what splinter_changes gave.
std::vector<Change> changes(const splinter_bus *b, uint64_t since, int *status, uint64_t *last = nullptr) {
  std::vector<Change> out;
  uint64_t l = 0xdead;
  *status = splinter_changes(b, since, collect, &out, &l);
  if (last) *last = l;
  return out;
}

class Feed : public BusTest {
 protected:
  splinter_bus *create_feed(uint32_t slots, uint32_t ring, uint32_t max_value = 32) {
    splinter_options o{};
    o.size = sizeof o;
    o.slots = slots;
    o.max_value_size = max_value;
    o.change_ring = ring;
    splinter_bus *b = nullptr;
    EXPECT_EQ(splinter_create_ex(&b, backing(), name_.c_str(), &o), SPLINTER_OK) << splinter_last_error();
    return b;
  }
  // n random sets and unsets of a few keys, journaled.
  void churn(splinter_bus *w, std::size_t n, std::mt19937 &rng) {
    const std::size_t target = journal_.size() + n;
    for (int i = 0; journal_.size() < target; ++i) {
      const std::string k = "key" + std::to_string(rng() % 6);
      uint64_t e = 0;
      if (rng() % 4 == 0) {
        const int st = splinter_unset(w, k.c_str(), &e);
        if (st == SPLINTER_E_NOT_FOUND) continue;
        ASSERT_EQ(st, SPLINTER_OK);
        journal_.push_back({e, SPLINTER_OP_UNSET, k});
      } else {
        ASSERT_EQ(set_str(w, k.c_str(), std::to_string(i), &e), SPLINTER_OK);
        journal_.push_back({e, SPLINTER_OP_SET, k});
      }
      ASSERT_EQ(e, journal_.size());
    }
  }
  std::vector<Change> journal_after(uint64_t since) const {
    return std::vector<Change>(journal_.begin() + static_cast<std::ptrdiff_t>(since), journal_.end());
  }
  std::vector<Change> journal_;
};

TEST_P(Feed, IsExactForEverySinceItHolds) {
  splinter_bus *w = create_feed(16, 16);
  splinter_bus *r = open(SPLINTER_READER);
  std::mt19937 rng(7);
  churn(w, 60, rng);
  const uint64_t bus = splinter_epoch(r);
  ASSERT_EQ(bus, journal_.size());
  ASSERT_GT(bus, 16u) << "the ring has wrapped";
  for (uint64_t since = bus - 16; since <= bus; ++since) {
    SCOPED_TRACE("since " + std::to_string(since));
    int st = 0;
    uint64_t last = 0;
    EXPECT_EQ(changes(r, since, &st, &last), journal_after(since));
    EXPECT_EQ(st, SPLINTER_OK) << splinter_last_error();
    EXPECT_EQ(last, bus);
  }
  splinter_info in{};
  ASSERT_EQ(splinter_info_get(r, &in), SPLINTER_OK);
  EXPECT_EQ(in.change_ring, 16u);
  EXPECT_EQ(in.feed_oldest, bus - 15);
  splinter_close(r);
  splinter_close(w);
}

TEST_P(Feed, SinceThatTheRingNoLongerHoldsIsCompacted) {
  splinter_bus *w = create_feed(16, 4);
  std::mt19937 rng(3);
  churn(w, 20, rng);
  const uint64_t bus = splinter_epoch(w);
  for (uint64_t since : {uint64_t{0}, bus - 5}) {
    int st = 0;
    uint64_t last = 0;
    EXPECT_TRUE(changes(w, since, &st, &last).empty());
    EXPECT_EQ(st, SPLINTER_E_COMPACTED) << since;
    EXPECT_EQ(last, since);
  }
  int st = 0;
  EXPECT_EQ(changes(w, bus - 4, &st), journal_after(bus - 4));
  EXPECT_EQ(st, SPLINTER_OK);
  splinter_close(w);
}

TEST_P(Feed, SinceAheadOfTheBusIsCompacted) {
  splinter_bus *w = create_feed(8, 8);
  ASSERT_EQ(set_str(w, "k", "v"), SPLINTER_OK);
  int st = 0;
  uint64_t last = 0;
  EXPECT_TRUE(changes(w, 2, &st, &last).empty());
  EXPECT_EQ(st, SPLINTER_E_COMPACTED);
  EXPECT_EQ(last, 2u);
  EXPECT_NE(std::string(splinter_last_error()).find("ahead of the bus"), std::string::npos) << splinter_last_error();
  splinter_close(w);
}

TEST_P(Feed, NothingNewIsOkAndEmpty) {
  splinter_bus *w = create_feed(8, 8);
  int st = 0;
  uint64_t last = 9;
  EXPECT_TRUE(changes(w, 0, &st, &last).empty());
  EXPECT_EQ(st, SPLINTER_OK);
  EXPECT_EQ(last, 0u);
  splinter_info in{};
  ASSERT_EQ(splinter_info_get(w, &in), SPLINTER_OK);
  EXPECT_EQ(in.feed_oldest, 0u);
  ASSERT_EQ(set_str(w, "k", "v"), SPLINTER_OK);
  EXPECT_TRUE(changes(w, 1, &st, &last).empty());
  EXPECT_EQ(st, SPLINTER_OK);
  EXPECT_EQ(last, 1u);
  splinter_close(w);
}

TEST_P(Feed, CallbackStopsTheWalkAndItsValueIsReturned) {
  splinter_bus *w = create_feed(8, 8);
  for (const char *k : {"a", "b", "c"}) ASSERT_EQ(set_str(w, k, "v"), SPLINTER_OK);
  int calls = 0;
  uint64_t last = 0;
  EXPECT_EQ(splinter_changes(
                w, 0, [](void *ctx, uint64_t, int, const char *) { return ++*static_cast<int *>(ctx) == 2 ? 7 : 0; },
                &calls, &last),
            7);
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(last, 2u) << "the last change passed to the callback";
  EXPECT_EQ(splinter_changes(w, 0, nullptr, nullptr, nullptr), SPLINTER_E_INVALID);
  splinter_close(w);
}

// The reader's seqlock (2.9 step 3), deterministically: the writer wraps the
// ring over the very entry a reader has loaded the word of and not yet its
// key. The reader must say COMPACTED (never CORRUPT, never a wrong entry).
splinter_bus *g_wrapper = nullptr;  // the writer the hook mutates through
int g_wrap_sets = 0;
void wrap_the_ring(int point) {
  if (point != test::kFeedWordRead || g_wrapper == nullptr) return;
  splinter_bus *w = std::exchange(g_wrapper, nullptr);  // once
  for (int i = 0; i < g_wrap_sets; ++i)
    if (splinter_set(w, "wrap", "x", 1, nullptr) != SPLINTER_OK) ADD_FAILURE() << "set in the hook";
}

TEST_P(Feed, ReaderInterruptedByTheWriterWrappingTheRingGetsCompacted) {
  splinter_bus *w = create_feed(8, 4);
  for (const char *k : {"a", "b", "c"}) ASSERT_EQ(set_str(w, k, "v"), SPLINTER_OK);
  splinter_bus *r = open(SPLINTER_READER);
  g_wrapper = w;
  g_wrap_sets = 4;  // every entry overwritten, the one being read included
  test::set_crash_hook(wrap_the_ring);
  int st = 0;
  uint64_t last = 0;
  const auto got = changes(r, 0, &st, &last);
  test::set_crash_hook(nullptr);
  EXPECT_EQ(g_wrapper, nullptr) << "the hook ran";
  EXPECT_TRUE(got.empty());
  EXPECT_EQ(st, SPLINTER_E_COMPACTED) << splinter_last_error();
  EXPECT_EQ(last, 0u);
  // Afterwards the feed holds the four new changes, exactly.
  EXPECT_EQ(changes(r, 3, &st), (std::vector<Change>{{4, SPLINTER_OP_SET, "wrap"},
                                                     {5, SPLINTER_OP_SET, "wrap"},
                                                     {6, SPLINTER_OP_SET, "wrap"},
                                                     {7, SPLINTER_OP_SET, "wrap"}}));
  EXPECT_EQ(st, SPLINTER_OK);
  splinter_close(r);
  splinter_close(w);
}

// The same race, free-running: readers in threads follow a writer that
// wraps a 4-entry ring over and over. Epoch e sets key "k<e % 7>", so every
// entry a reader gets can be checked; it gets entries or COMPACTED. The
// writer runs until the readers have made 500 walks during which it wrote
// (an event, not a time).
TEST_P(Feed, ReadersRacingTheWrapGetTheEntryOrCompacted) {
  splinter_bus *w = create_feed(16, 4);
  splinter_bus *r = open(SPLINTER_READER);
  std::atomic<bool> done{false};
  std::atomic<uint64_t> walks{0}, raced{0}, delivered{0}, compacted{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 2; ++t)
    readers.emplace_back([&] {
      while (!done.load()) {
        const uint64_t bus = splinter_epoch(r);
        const uint64_t since = bus > 2 ? bus - 2 : 0;
        std::vector<Change> got;
        uint64_t last = 0;
        const int st = splinter_changes(r, since, collect, &got, &last);
        ASSERT_TRUE(st == SPLINTER_OK || st == SPLINTER_E_COMPACTED) << splinter_status_name(st) << ": "
                                                                     << splinter_last_error();
        uint64_t e = since;
        for (const Change &c : got) {
          ASSERT_EQ(c.epoch, ++e);
          ASSERT_EQ(c.op, SPLINTER_OP_SET);
          ASSERT_EQ(c.key, "k" + std::to_string(c.epoch % 7));
        }
        ASSERT_EQ(last, e);
        delivered += got.size();
        compacted += st == SPLINTER_E_COMPACTED;
        ++walks;
        raced += splinter_epoch(r) != bus;
      }
    });
  for (uint64_t e = 1; raced.load() < 500; ++e)
    ASSERT_EQ(set_str(w, ("k" + std::to_string(e % 7)).c_str(), "v"), SPLINTER_OK);
  done = true;
  for (auto &th : readers) th.join();
  std::printf("[ feed     ] %llu walks (%llu raced by the writer's %llu sets): %llu entries delivered, %llu COMPACTED\n",
              static_cast<unsigned long long>(walks.load()), static_cast<unsigned long long>(raced.load()),
              static_cast<unsigned long long>(splinter_epoch(w)),
              static_cast<unsigned long long>(delivered.load()), static_cast<unsigned long long>(compacted.load()));
  splinter_close(r);
  splinter_close(w);
}

// Issue 14: `last = since; poll(NULL, last); changes(last)` never misses a
// mutation, in another process, while the writer runs.
TEST_P(Feed, PollThenChangesNeverMissesAMutation) {
  constexpr int kOps = 1500;
  splinter_bus *w = create_feed(32, 2048);
  int pipefd[2];
  ASSERT_EQ(::pipe(pipefd), 0);
  const pid_t kid = ::fork();
  if (kid == 0) {
    ::close(pipefd[0]);
    splinter_bus *r = nullptr;
    if (splinter_open(&r, GetParam(), name_.c_str(), SPLINTER_READER) != SPLINTER_OK) ::_exit(2);
    uint64_t last = 0;
    std::vector<Change> seen;
    while (last < kOps) {
      const int st = splinter_poll(r, nullptr, last, -1, nullptr);
      if (st != SPLINTER_OK) ::_exit(3);
      if (splinter_changes(r, last, collect, &seen, &last) != SPLINTER_OK) ::_exit(4);
    }
    for (const Change &c : seen) {
      const uint32_t rec[2] = {static_cast<uint32_t>(c.epoch), static_cast<uint32_t>(c.op)};
      if (::write(pipefd[1], rec, sizeof rec) != sizeof rec) ::_exit(5);
      const uint8_t n = static_cast<uint8_t>(c.key.size());
      if (::write(pipefd[1], &n, 1) != 1 || ::write(pipefd[1], c.key.data(), n) != n) ::_exit(5);
    }
    ::_exit(0);
  }
  ::close(pipefd[1]);
  std::mt19937 rng(11);
  churn(w, kOps, rng);  // the ring holds them all: a follower that starts late still finds every one
  std::vector<Change> seen;
  uint32_t rec[2];
  while (::read(pipefd[0], rec, sizeof rec) == sizeof rec) {
    uint8_t n = 0;
    ASSERT_EQ(::read(pipefd[0], &n, 1), 1);
    std::string k(n, '\0');
    ASSERT_EQ(::read(pipefd[0], k.data(), n), n);
    seen.push_back({rec[0], static_cast<int>(rec[1]), k});
  }
  ::close(pipefd[0]);
  int status = 0;
  ASSERT_EQ(::waitpid(kid, &status, 0), kid);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "follower exit " << WEXITSTATUS(status);
  EXPECT_EQ(seen, journal_);
  splinter_close(w);
}

SPLINTER_BOTH_BACKINGS(Feed);

}  // namespace
}  // namespace splinter::testing
