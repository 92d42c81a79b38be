// Epochs: +1 per committed mutation, per-key epochs, failures change nothing.
#include "fixture.h"

namespace splinter::testing {
namespace {

using Epochs = BusTest;

TEST_P(Epochs, StartAtZero) {
  splinter_bus *w = create();
  EXPECT_EQ(splinter_epoch(w), 0u);
  uint64_t e = 99;
  EXPECT_EQ(splinter_poll(w, "missing", 0, 0, &e), SPLINTER_E_TIMEOUT);
  splinter_close(w);
}

TEST_P(Epochs, EachCommittedMutationAddsExactlyOne) {
  splinter_bus *w = create();
  uint64_t e = 0;
  ASSERT_EQ(set_str(w, "a", "1", &e), SPLINTER_OK);
  EXPECT_EQ(e, 1u);
  ASSERT_EQ(set_str(w, "b", "1", &e), SPLINTER_OK);
  EXPECT_EQ(e, 2u);
  ASSERT_EQ(splinter_unset(w, "a", &e), SPLINTER_OK);
  EXPECT_EQ(e, 3u);
  EXPECT_EQ(splinter_epoch(w), 3u);
  splinter_close(w);
}

TEST_P(Epochs, OverwriteBumpsEpoch) {
  splinter_bus *w = create();
  uint64_t e1 = 0, e2 = 0, seen = 0;
  ASSERT_EQ(set_str(w, "k", "1", &e1), SPLINTER_OK);
  ASSERT_EQ(set_str(w, "k", "2", &e2), SPLINTER_OK);
  EXPECT_EQ(e2, e1 + 1);
  EXPECT_EQ(get_str(w, "k", nullptr, &seen), "2");
  EXPECT_EQ(seen, e2);
  EXPECT_EQ(splinter_epoch(w), e2);
  splinter_close(w);
}

TEST_P(Epochs, RemovedKeyHasEpochZeroAndReSetGetsANewerOne) {
  splinter_bus *w = create();
  uint64_t e1 = 0, e_unset = 0, e2 = 0, now = 0;
  ASSERT_EQ(set_str(w, "k", "1", &e1), SPLINTER_OK);
  ASSERT_EQ(splinter_unset(w, "k", &e_unset), SPLINTER_OK);
  EXPECT_EQ(splinter_poll(w, "k", e1, 0, &now), SPLINTER_OK);
  EXPECT_EQ(now, 0u);
  ASSERT_EQ(set_str(w, "k", "2", &e2), SPLINTER_OK);
  EXPECT_GT(e2, e_unset);
  splinter_close(w);
}

TEST_P(Epochs, FailedMutationsChangeNothing) {
  splinter_bus *w = create(1, 4);
  ASSERT_EQ(set_str(w, "a", "1"), SPLINTER_OK);
  EXPECT_EQ(set_str(w, "b", "1"), SPLINTER_E_FULL);
  EXPECT_EQ(set_str(w, "a", "too long"), SPLINTER_E_TOO_LARGE);
  EXPECT_EQ(splinter_unset(w, "zz", nullptr), SPLINTER_E_NOT_FOUND);
  EXPECT_EQ(splinter_epoch(w), 1u);
  EXPECT_EQ(get_str(w, "a"), "1");
  splinter_close(w);
}

TEST_P(Epochs, EpochsOrderMutationsAcrossKeys) {
  splinter_bus *w = create();
  uint64_t ea = 0, eb = 0, ga = 0, gb = 0;
  ASSERT_EQ(set_str(w, "a", "1", &ea), SPLINTER_OK);
  ASSERT_EQ(set_str(w, "b", "1", &eb), SPLINTER_OK);
  get_str(w, "a", nullptr, &ga);
  get_str(w, "b", nullptr, &gb);
  EXPECT_LT(ga, gb);
  EXPECT_EQ(ga, ea);
  EXPECT_EQ(gb, eb);
  splinter_close(w);
}

TEST_P(Epochs, ReadingTheEpochClearsTheErrorDetailAsEveryCallDoes) {
  splinter_bus *w = create();
  ASSERT_EQ(splinter_unset(w, "absent-key-of-a-long-name-that-is-not-there-at-all-here-x-y-z-123456", nullptr),
            SPLINTER_E_KEY_TOO_LONG);
  ASSERT_STRNE(splinter_last_error(), "");
  // The diagnostics leave the detail alone...
  EXPECT_NE(splinter_strerror(SPLINTER_E_KEY_TOO_LONG), nullptr);
  EXPECT_NE(splinter_status_name(SPLINTER_E_KEY_TOO_LONG), nullptr);
  EXPECT_NE(splinter_version(), nullptr);
  EXPECT_STRNE(splinter_last_error(), "");
  // ...and a call on the bus clears it, splinter_epoch included.
  EXPECT_EQ(splinter_epoch(w), 0u);
  EXPECT_STREQ(splinter_last_error(), "");
  splinter_close(w);
}

SPLINTER_BOTH_BACKINGS(Epochs);

}  // namespace
}  // namespace splinter::testing
