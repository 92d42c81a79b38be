// Crashes: a writer killed at every step of set and unset, or mid-stream.
#include "fixture.h"
#include "test_hooks.h"
#include "waiting.h"

#include <signal.h>
#include <sys/wait.h>

#include <map>
#include <random>

namespace splinter::testing {
namespace {

using Crash = BusTest;

int g_crash_at = 0;
void kill_at_point(int point) {
  if (point == g_crash_at) ::raise(SIGKILL);
}

// Runs `mutate` as a writer in a child that dies at crash point `point`.
// Returns true if the child died there (false if it never reached it).
template <class F>
bool run_killed_at(splinter_backing backing, const std::string &name, int point, F mutate) {
  const pid_t kid = ::fork();
  if (kid == 0) {
    splinter_bus *w = nullptr;
    if (splinter_open(&w, backing, name.c_str(), SPLINTER_WRITER) != SPLINTER_OK) ::_exit(2);
    g_crash_at = point;
    test::set_crash_hook(kill_at_point);
    mutate(w);
    ::_exit(0);
  }
  int status = 0;
  EXPECT_EQ(::waitpid(kid, &status, 0), kid);
  if (WIFEXITED(status)) {
    EXPECT_EQ(WEXITSTATUS(status), 0);
  }
  return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

// The writer's crash points of set (2.2), in protocol order, and of unset (2.3).
const std::vector<int> kSetPoints = {test::kSetFenced,     test::kSetKeyWritten, test::kSetValueHalf,
                                     test::kSetValueWritten, test::kSetMetaWritten, test::kSetCommitted,
                                     test::kSetFeedWritten, test::kSetEpochPublished};
const std::vector<int> kUnsetPoints = {test::kUnsetCommitted, test::kUnsetFeedWritten, test::kUnsetEpochPublished,
                                       test::kUnsetReclaimStep};

// The change feed after a crash (section 3): a committed mutation is in it,
// an uncommitted one is not.
std::vector<std::pair<uint64_t, std::string>> feed_of(const splinter_bus *b, uint64_t since) {
  std::vector<std::pair<uint64_t, std::string>> out;
  const int st = splinter_changes(
      b, since,
      [](void *ctx, uint64_t e, int op, const char *key) {
        static_cast<std::vector<std::pair<uint64_t, std::string>> *>(ctx)->emplace_back(
            e, std::string(op == SPLINTER_OP_SET ? "set " : "unset ") + key);
        return 0;
      },
      &out, nullptr);
  EXPECT_EQ(st, SPLINTER_OK) << splinter_last_error();
  return out;
}

TEST_P(Crash, KilledMidSetKeepsOldOrNew) {
  const std::string old_v(40, 'o'), new_v(57, 'n');
  for (const int point : kSetPoints) {
    SCOPED_TRACE("crash point " + std::to_string(point));
    splinter_bus *w = create(8, 64);
    ASSERT_EQ(set_str(w, "k", old_v), SPLINTER_OK);
    ASSERT_EQ(set_str(w, "k", std::string(40, 'p')), SPLINTER_OK);  // fill both buffers
    ASSERT_EQ(set_str(w, "k", old_v), SPLINTER_OK);
    ASSERT_EQ(set_str(w, "other", "stays"), SPLINTER_OK);
    splinter_close(w);
    const bool died = run_killed_at(backing(), name_.str(), point, [&](splinter_bus *b) {
      (void)set_str(b, "k", new_v);
    });
    EXPECT_TRUE(died || point == test::kSetKeyWritten);
    // Readers do not block on the dead writer.
    splinter_bus *r = open(SPLINTER_READER);
    const std::string seen = get_str(r, "k");
    EXPECT_TRUE(seen == old_v || seen == new_v) << seen;
    splinter_close(r);
    w = open(SPLINTER_WRITER);
    ASSERT_NE(w, nullptr) << splinter_last_error();
    EXPECT_EQ(get_str(w, "k"), seen);
    EXPECT_EQ(get_str(w, "other"), "stays");
    EXPECT_EQ(check(w).worst, 0);
    const bool committed = seen == new_v;
    EXPECT_EQ(splinter_epoch(w), committed ? 5u : 4u);
    EXPECT_EQ(feed_of(w, 3), committed ? (std::vector<std::pair<uint64_t, std::string>>{{4, "set other"}, {5, "set k"}})
                                       : (std::vector<std::pair<uint64_t, std::string>>{{4, "set other"}}));
    splinter_close(w);
    ASSERT_EQ(splinter_destroy(backing(), name_.c_str()), SPLINTER_OK);
  }
}

TEST_P(Crash, KilledMidNewKeyLeavesItAbsentOrPresent) {
  for (const int point : kSetPoints) {
    SCOPED_TRACE("crash point " + std::to_string(point));
    splinter_bus *w = create(4, 16);
    const auto keys = colliding_keys(4, 1, 3);
    ASSERT_EQ(set_str(w, keys[0].c_str(), "a"), SPLINTER_OK);
    ASSERT_EQ(set_str(w, keys[1].c_str(), "b"), SPLINTER_OK);
    ASSERT_EQ(splinter_unset(w, keys[0].c_str(), nullptr), SPLINTER_OK);  // a tombstone to reuse
    splinter_close(w);
    EXPECT_TRUE(run_killed_at(backing(), name_.str(), point, [&](splinter_bus *b) {
      (void)set_str(b, keys[2].c_str(), "new");
    }));
    w = open(SPLINTER_WRITER);
    ASSERT_NE(w, nullptr) << splinter_last_error();
    const std::string seen = get_str(w, keys[2].c_str());
    EXPECT_TRUE(seen == "new" || seen == "<SPLINTER_E_NOT_FOUND>") << seen;
    EXPECT_EQ(get_str(w, keys[1].c_str()), "b");
    EXPECT_EQ(get_str(w, keys[0].c_str()), "<SPLINTER_E_NOT_FOUND>");
    EXPECT_EQ(check(w).worst, 0);
    EXPECT_EQ(feed_of(w, 3).size(), seen == "new" ? 1u : 0u);
    splinter_close(w);
    ASSERT_EQ(splinter_destroy(backing(), name_.c_str()), SPLINTER_OK);
  }
}

TEST_P(Crash, KilledMidUnsetLeavesOldOrAbsent) {
  for (const int point : kUnsetPoints) {
    SCOPED_TRACE("crash point " + std::to_string(point));
    splinter_bus *w = create(8, 16);
    const auto keys = colliding_keys(8, 6, 2);  // slots 6, 7; slot 0 empty: unsetting both reclaims
    ASSERT_EQ(set_str(w, keys[0].c_str(), "a"), SPLINTER_OK);
    ASSERT_EQ(set_str(w, keys[1].c_str(), "b"), SPLINTER_OK);
    ASSERT_EQ(splinter_unset(w, keys[0].c_str(), nullptr), SPLINTER_OK);
    splinter_close(w);
    EXPECT_TRUE(run_killed_at(backing(), name_.str(), point, [&](splinter_bus *b) {
      (void)splinter_unset(b, keys[1].c_str(), nullptr);
    }));
    w = open(SPLINTER_WRITER);
    ASSERT_NE(w, nullptr) << splinter_last_error();
    const std::string seen = get_str(w, keys[1].c_str());
    EXPECT_TRUE(seen == "b" || seen == "<SPLINTER_E_NOT_FOUND>") << seen;
    EXPECT_EQ(check(w).worst, 0);
    EXPECT_EQ(splinter_epoch(w), 4u);
    EXPECT_EQ(feed_of(w, 3), (std::vector<std::pair<uint64_t, std::string>>{{4, "unset " + keys[1]}}));
    splinter_close(w);
    ASSERT_EQ(splinter_destroy(backing(), name_.c_str()), SPLINTER_OK);
  }
}

TEST_P(Crash, WriterKilledMidStreamLosesNoAcknowledgedWrite) {
  // The writer is killed once it has acknowledged `kill_after` writes (from
  // the seed): an event, so a slow machine changes when, never whether.
  const std::uint32_t seed = test_seed();
  SCOPED_TRACE("seed " + std::to_string(seed));
  const auto kill_after = static_cast<std::uint32_t>(1 + std::mt19937(seed)() % 500);
  splinter_close(create(32, 64));
  int acks[2];
  ASSERT_EQ(::pipe(acks), 0);
  const pid_t kid = ::fork();
  if (kid == 0) {
    ::close(acks[0]);
    splinter_bus *w = nullptr;
    if (splinter_open(&w, GetParam(), name_.c_str(), SPLINTER_WRITER) != SPLINTER_OK) ::_exit(2);
    for (uint32_t i = 1;; ++i) {
      const std::string k = "k" + std::to_string(i % 20);
      if (set_str(w, k.c_str(), std::to_string(i)) != SPLINTER_OK) ::_exit(3);
      if (::write(acks[1], &i, sizeof i) != sizeof i) ::_exit(4);  // acknowledged
    }
  }
  ::close(acks[1]);
  std::map<std::string, uint32_t> last;
  uint32_t i = 0, highest = 0;
  auto take_ack = [&] {
    if (::read(acks[0], &i, sizeof i) != sizeof i) return false;
    last["k" + std::to_string(i % 20)] = i;
    highest = i;
    return true;
  };
  while (highest < kill_after && take_ack()) {
  }
  ::kill(kid, SIGKILL);
  int status = 0;
  ASSERT_EQ(::waitpid(kid, &status, 0), kid);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "the writer ended on its own: " << status;
  while (take_ack()) {  // what it acknowledged before the kill landed
  }
  ::close(acks[0]);
  ASSERT_GE(highest, kill_after);
  splinter_bus *w = open(SPLINTER_WRITER);
  ASSERT_NE(w, nullptr) << splinter_last_error();
  for (const auto &[k, v] : last) {
    const std::string seen = get_str(w, k.c_str());
    // The acknowledged value, or the single in-flight one after it.
    const bool in_flight = seen == std::to_string(highest + 1) && ("k" + std::to_string((highest + 1) % 20)) == k;
    EXPECT_TRUE(seen == std::to_string(v) || in_flight) << k << ": " << seen << " acked " << v;
  }
  EXPECT_EQ(check(w).worst, 0);
  splinter_close(w);
}

SPLINTER_BOTH_BACKINGS(Crash);

}  // namespace
}  // namespace splinter::testing
