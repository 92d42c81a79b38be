// Probing: collisions, tombstones, reuse and reclamation.
#include "fixture.h"

namespace splinter::testing {
namespace {

using Probing = BusTest;

uint32_t tombstones(const splinter_bus *b) {
  splinter_info in{};
  EXPECT_EQ(splinter_info_get(b, &in), SPLINTER_OK);
  return in.tombstones;
}

TEST_P(Probing, CollidingKeysAreAllReachable) {
  splinter_bus *w = create(8, 8);
  const auto keys = colliding_keys(8, 3, 6);
  for (const auto &k : keys) ASSERT_EQ(set_str(w, k.c_str(), k), SPLINTER_OK);
  for (const auto &k : keys) EXPECT_EQ(get_str(w, k.c_str()), k);
  splinter_info in{};
  ASSERT_EQ(splinter_info_get(w, &in), SPLINTER_OK);
  EXPECT_EQ(in.longest_probe, 6u);
  EXPECT_EQ(check(w).worst, 0);
  splinter_close(w);
}

TEST_P(Probing, UnsetKeepsLaterCollidingKeysReachable) {
  splinter_bus *w = create(8, 8);
  const auto keys = colliding_keys(8, 5, 3);  // slots 5, 6, 7
  for (const auto &k : keys) ASSERT_EQ(set_str(w, k.c_str(), k), SPLINTER_OK);
  ASSERT_EQ(splinter_unset(w, keys[0].c_str(), nullptr), SPLINTER_OK);
  EXPECT_EQ(get_str(w, keys[1].c_str()), keys[1]);
  EXPECT_EQ(get_str(w, keys[2].c_str()), keys[2]);
  EXPECT_EQ(get_str(w, keys[0].c_str()), "<SPLINTER_E_NOT_FOUND>");
  EXPECT_EQ(check(w).worst, 0);
  splinter_close(w);
}

TEST_P(Probing, DeletedKeyDoesNotComeBack) {
  splinter_bus *w = create(4, 8);
  const auto keys = colliding_keys(4, 0, 2);
  ASSERT_EQ(set_str(w, keys[0].c_str(), "a0"), SPLINTER_OK);
  ASSERT_EQ(set_str(w, keys[1].c_str(), "b0"), SPLINTER_OK);
  ASSERT_EQ(set_str(w, keys[1].c_str(), "b1"), SPLINTER_OK);
  ASSERT_EQ(splinter_unset(w, keys[0].c_str(), nullptr), SPLINTER_OK);
  ASSERT_EQ(splinter_unset(w, keys[1].c_str(), nullptr), SPLINTER_OK);
  ASSERT_EQ(set_str(w, keys[1].c_str(), "b2"), SPLINTER_OK);
  EXPECT_EQ(get_str(w, keys[1].c_str()), "b2");
  EXPECT_EQ(get_str(w, keys[0].c_str()), "<SPLINTER_E_NOT_FOUND>");
  ASSERT_EQ(splinter_unset(w, keys[1].c_str(), nullptr), SPLINTER_OK);
  EXPECT_EQ(get_str(w, keys[1].c_str()), "<SPLINTER_E_NOT_FOUND>");
  splinter_close(w);
}

TEST_P(Probing, NewKeyReusesATombstone) {
  splinter_bus *w = create(8, 8);
  const auto keys = colliding_keys(8, 2, 3);  // slots 2, 3, 4
  for (const auto &k : keys) ASSERT_EQ(set_str(w, k.c_str(), "v"), SPLINTER_OK);
  ASSERT_EQ(splinter_unset(w, keys[0].c_str(), nullptr), SPLINTER_OK);
  EXPECT_EQ(tombstones(w), 1u);
  const auto more = colliding_keys(8, 2, 4);
  ASSERT_EQ(set_str(w, more[3].c_str(), "new"), SPLINTER_OK);
  EXPECT_EQ(tombstones(w), 0u);
  EXPECT_EQ(get_str(w, more[3].c_str()), "new");
  EXPECT_EQ(check(w).worst, 0);
  splinter_close(w);
}

TEST_P(Probing, TrailingTombstonesAreReclaimed) {
  splinter_bus *w = create(8, 8);
  const auto keys = colliding_keys(8, 1, 3);  // slots 1, 2, 3; slot 4 empty
  for (const auto &k : keys) ASSERT_EQ(set_str(w, k.c_str(), "v"), SPLINTER_OK);
  ASSERT_EQ(splinter_unset(w, keys[0].c_str(), nullptr), SPLINTER_OK);
  ASSERT_EQ(splinter_unset(w, keys[1].c_str(), nullptr), SPLINTER_OK);
  EXPECT_EQ(tombstones(w), 2u);
  ASSERT_EQ(splinter_unset(w, keys[2].c_str(), nullptr), SPLINTER_OK);
  EXPECT_EQ(tombstones(w), 0u);
  EXPECT_EQ(check(w).worst, 0);
  splinter_close(w);
}

TEST_P(Probing, ChurnDoesNotPileUpTombstones) {
  splinter_bus *w = create(64, 8);
  for (int round = 0; round < 200; ++round) {
    for (int i = 0; i < 16; ++i) ASSERT_EQ(set_str(w, ("r" + std::to_string(round) + "k" + std::to_string(i)).c_str(), "v"), SPLINTER_OK);
    for (int i = 0; i < 16; ++i) ASSERT_EQ(splinter_unset(w, ("r" + std::to_string(round) + "k" + std::to_string(i)).c_str(), nullptr), SPLINTER_OK);
  }
  EXPECT_EQ(tombstones(w), 0u);
  EXPECT_EQ(check(w).worst, 0);
  splinter_close(w);
}

TEST_P(Probing, MissOnAFullTableTerminates) {
  splinter_bus *w = create(4, 8);
  for (int i = 0; i < 4; ++i) ASSERT_EQ(set_str(w, ("k" + std::to_string(i)).c_str(), "v"), SPLINTER_OK);
  EXPECT_EQ(get_str(w, "absent"), "<SPLINTER_E_NOT_FOUND>");
  uint64_t e = 0;
  EXPECT_EQ(splinter_poll(w, "absent", 0, 0, &e), SPLINTER_E_TIMEOUT);
  splinter_close(w);
}

SPLINTER_BOTH_BACKINGS(Probing);

}  // namespace
}  // namespace splinter::testing

namespace splinter::testing {
namespace {

TEST_P(Probing, TombstonesOnNoProbePathAreReclaimedAtOnce) {
  splinter_bus *w = create(8, 8);
  const std::string a = colliding_keys(8, 1, 1)[0], b = colliding_keys(8, 2, 1)[0];
  ASSERT_EQ(set_str(w, a.c_str(), "a"), SPLINTER_OK);  // slot 1
  ASSERT_EQ(set_str(w, b.c_str(), "b"), SPLINTER_OK);  // slot 2: its path does not cross slot 1
  ASSERT_EQ(splinter_unset(w, a.c_str(), nullptr), SPLINTER_OK);
  EXPECT_EQ(tombstones(w), 0u);
  EXPECT_EQ(get_str(w, b.c_str()), "b");
  EXPECT_EQ(check(w).worst, 0);
  splinter_close(w);
}

TEST_P(Probing, ReplacingKeysKeepsTombstonesOffTheTable) {
  splinter_bus *w = create(1024, 8);
  std::vector<std::string> live;
  for (int i = 0; i < 512; ++i) {
    live.push_back("id" + std::to_string(i));
    ASSERT_EQ(set_str(w, live.back().c_str(), "v"), SPLINTER_OK);
  }
  uint32_t seed = 1;
  for (int i = 512; i < 10512; ++i) {  // a steady 512 keys whose names change
    seed = seed * 1103515245u + 12345u;
    std::string &victim = live[(seed >> 8) % live.size()];
    ASSERT_EQ(splinter_unset(w, victim.c_str(), nullptr), SPLINTER_OK);
    victim = "id" + std::to_string(i);
    ASSERT_EQ(set_str(w, victim.c_str(), "v"), SPLINTER_OK);
  }
  splinter_info in{};
  ASSERT_EQ(splinter_info_get(w, &in), SPLINTER_OK);
  // Only tombstones on a live key's probe path remain, so EMPTY slots -- where
  // a miss stops -- stay plentiful. (Without reclamation all 512 free slots
  // end up TOMBSTONEs and every miss scans the whole table.)
  EXPECT_EQ(in.live_keys, 512u);
  EXPECT_GT(in.slots - in.live_keys - in.tombstones, in.slots / 4) << in.tombstones << " tombstones";
  EXPECT_EQ(check(w).worst, 0);
  splinter_close(w);
}

}  // namespace
}  // namespace splinter::testing
