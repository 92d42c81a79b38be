// Keys and values: lengths, binary data, buffers, full buses, list.
#include "fixture.h"

#include <map>

namespace splinter::testing {
namespace {

using KeysValues = BusTest;

TEST_P(KeysValues, SetThenGetReturnsTheValue) {
  splinter_bus *w = create();
  uint64_t e_set = 0, e_get = 0;
  ASSERT_EQ(set_str(w, "greeting", "hello", &e_set), SPLINTER_OK);
  EXPECT_EQ(get_str(w, "greeting", nullptr, &e_get), "hello");
  EXPECT_EQ(e_get, e_set);
  splinter_close(w);
}

TEST_P(KeysValues, EmptyValueIsDistinctFromAbsent) {
  splinter_bus *w = create();
  ASSERT_EQ(splinter_set(w, "empty", nullptr, 0, nullptr), SPLINTER_OK);
  size_t len = 99;
  EXPECT_EQ(splinter_get(w, "empty", nullptr, 0, &len, nullptr), SPLINTER_OK);
  EXPECT_EQ(len, 0u);
  EXPECT_EQ(splinter_get(w, "absent", nullptr, 0, &len, nullptr), SPLINTER_E_NOT_FOUND);
  splinter_close(w);
}

TEST_P(KeysValues, BinaryValuesRoundTripExactly) {
  splinter_bus *w = create(8, 256);
  std::string v;
  for (int i = 0; i < 256; ++i) v.push_back(static_cast<char>(i));
  ASSERT_EQ(set_str(w, "bin", v), SPLINTER_OK);
  EXPECT_EQ(get_str(w, "bin"), v);
  splinter_close(w);
}

TEST_P(KeysValues, ValueOfExactlyMaxSizeIsAccepted) {
  splinter_bus *w = create(4, 13);
  ASSERT_EQ(set_str(w, "k", std::string(13, 'x')), SPLINTER_OK);
  EXPECT_EQ(get_str(w, "k"), std::string(13, 'x'));
  splinter_close(w);
}

TEST_P(KeysValues, ValueOverMaxSizeIsTooLargeAndChangesNothing) {
  splinter_bus *w = create(4, 13);
  ASSERT_EQ(set_str(w, "k", "old"), SPLINTER_OK);
  EXPECT_EQ(set_str(w, "k", std::string(14, 'x')), SPLINTER_E_TOO_LARGE);
  EXPECT_EQ(get_str(w, "k"), "old");
  EXPECT_EQ(splinter_epoch(w), 1u);
  splinter_close(w);
}

TEST_P(KeysValues, ZeroCapacityBusHoldsOnlyEmptyValues) {
  splinter_bus *w = create(4, 0);
  EXPECT_EQ(set_str(w, "k", ""), SPLINTER_OK);
  EXPECT_EQ(set_str(w, "k", "x"), SPLINTER_E_TOO_LARGE);
  EXPECT_EQ(get_str(w, "k"), "");
  splinter_close(w);
}

TEST_P(KeysValues, KeyOf63BytesIsAccepted) {
  splinter_bus *w = create();
  const std::string k(63, 'k');
  ASSERT_EQ(set_str(w, k.c_str(), "v"), SPLINTER_OK);
  EXPECT_EQ(get_str(w, k.c_str()), "v");
  splinter_close(w);
}

TEST_P(KeysValues, KeyOf64BytesIsRefusedNotTruncated) {
  splinter_bus *w = create();
  const std::string k64(64, 'k');
  EXPECT_EQ(set_str(w, k64.c_str(), "v"), SPLINTER_E_KEY_TOO_LONG);
  // Truncation would have stored the 63-byte prefix.
  EXPECT_EQ(get_str(w, std::string(63, 'k').c_str()), "<SPLINTER_E_NOT_FOUND>");
  EXPECT_EQ(get_str(w, k64.c_str()), "<SPLINTER_E_KEY_TOO_LONG>");
  uint64_t e = 0;
  EXPECT_EQ(splinter_unset(w, k64.c_str(), &e), SPLINTER_E_KEY_TOO_LONG);
  EXPECT_EQ(splinter_poll(w, k64.c_str(), 0, 0, &e), SPLINTER_E_KEY_TOO_LONG);
  EXPECT_EQ(splinter_epoch(w), 0u);
  splinter_close(w);
}

TEST_P(KeysValues, KeysMayHoldAnyByteButNul) {
  splinter_bus *w = create();
  const std::string k = "\x01\xff key with spaces \x7f\xc3\xa9";
  ASSERT_EQ(set_str(w, k.c_str(), "v"), SPLINTER_OK);
  EXPECT_EQ(get_str(w, k.c_str()), "v");
  splinter_close(w);
}

TEST_P(KeysValues, InvalidArgumentsAreRejected) {
  splinter_bus *w = create();
  uint64_t e = 0;
  EXPECT_EQ(splinter_set(w, "", "v", 1, &e), SPLINTER_E_INVALID);
  EXPECT_EQ(splinter_set(w, nullptr, "v", 1, &e), SPLINTER_E_INVALID);
  EXPECT_EQ(splinter_set(w, "k", nullptr, 1, &e), SPLINTER_E_INVALID);
  EXPECT_EQ(splinter_set(nullptr, "k", "v", 1, &e), SPLINTER_E_INVALID);
  char buf[4];
  EXPECT_EQ(splinter_get(w, "k", nullptr, 4, nullptr, nullptr), SPLINTER_E_INVALID);
  EXPECT_EQ(splinter_get(nullptr, "k", buf, 4, nullptr, nullptr), SPLINTER_E_INVALID);
  EXPECT_EQ(splinter_list(w, nullptr, nullptr), SPLINTER_E_INVALID);
  EXPECT_EQ(splinter_info_get(w, nullptr), SPLINTER_E_INVALID);
  EXPECT_EQ(splinter_epoch(nullptr), 0u);
  EXPECT_EQ(splinter_epoch(w), 0u);
  splinter_close(w);
  splinter_close(nullptr);
}

TEST_P(KeysValues, SmallBufferReportsNeededSizeAndWritesNothing) {
  splinter_bus *w = create();
  ASSERT_EQ(set_str(w, "k", "0123456789"), SPLINTER_OK);
  char buf[4] = {'a', 'b', 'c', 'd'};
  size_t len = 0;
  uint64_t e = 77;
  EXPECT_EQ(splinter_get(w, "k", buf, sizeof buf, &len, &e), SPLINTER_E_BUFFER);
  EXPECT_EQ(len, 10u);
  EXPECT_EQ(e, 77u);
  EXPECT_EQ(std::string(buf, 4), "abcd");
  splinter_close(w);
}

TEST_P(KeysValues, OneSlotBusHoldsOneKey) {
  splinter_bus *w = create(1, 8);
  ASSERT_EQ(set_str(w, "a", "1"), SPLINTER_OK);
  EXPECT_EQ(set_str(w, "b", "2"), SPLINTER_E_FULL);
  EXPECT_EQ(set_str(w, "a", "3"), SPLINTER_OK);
  ASSERT_EQ(splinter_unset(w, "a", nullptr), SPLINTER_OK);
  EXPECT_EQ(set_str(w, "b", "2"), SPLINTER_OK);
  EXPECT_EQ(get_str(w, "b"), "2");
  EXPECT_EQ(get_str(w, "a"), "<SPLINTER_E_NOT_FOUND>");
  splinter_close(w);
}

TEST_P(KeysValues, FullBusRefusesNewKeysButAcceptsOverwrites) {
  splinter_bus *w = create(8, 8);
  for (int i = 0; i < 8; ++i) ASSERT_EQ(set_str(w, ("k" + std::to_string(i)).c_str(), "v"), SPLINTER_OK);
  EXPECT_EQ(set_str(w, "extra", "v"), SPLINTER_E_FULL);
  EXPECT_EQ(splinter_epoch(w), 8u);
  for (int i = 0; i < 8; ++i) EXPECT_EQ(set_str(w, ("k" + std::to_string(i)).c_str(), "w"), SPLINTER_OK);
  EXPECT_EQ(get_str(w, "extra"), "<SPLINTER_E_NOT_FOUND>");
  EXPECT_EQ(splinter_unset(w, "k3", nullptr), SPLINTER_OK);
  EXPECT_EQ(set_str(w, "extra", "v"), SPLINTER_OK);
  EXPECT_EQ(check(w).worst, 0);
  splinter_close(w);
}

TEST_P(KeysValues, ListReportsEveryLiveKeyOnce) {
  splinter_bus *w = create(16, 16);
  std::map<std::string, std::pair<size_t, uint64_t>> want;
  for (int i = 0; i < 10; ++i) {
    const std::string k = "key" + std::to_string(i);
    uint64_t e = 0;
    ASSERT_EQ(set_str(w, k.c_str(), std::string(static_cast<size_t>(i), 'v'), &e), SPLINTER_OK);
    want[k] = {static_cast<size_t>(i), e};
  }
  ASSERT_EQ(splinter_unset(w, "key4", nullptr), SPLINTER_OK);
  want.erase("key4");
  std::map<std::string, std::pair<size_t, uint64_t>> got;
  ASSERT_EQ(splinter_list(
                w,
                [](void *ctx, const char *key, size_t len, uint64_t e) {
                  auto &m = *static_cast<std::map<std::string, std::pair<size_t, uint64_t>> *>(ctx);
                  EXPECT_TRUE(m.emplace(key, std::make_pair(len, e)).second) << "listed twice: " << key;
                  return 0;
                },
                &got),
            SPLINTER_OK);
  EXPECT_EQ(got, want);
  splinter_close(w);
}

TEST_P(KeysValues, ListStopsWhenTheCallbackSaysSo) {
  splinter_bus *w = create();
  for (const char *k : {"a", "b", "c"}) ASSERT_EQ(set_str(w, k, "v"), SPLINTER_OK);
  int calls = 0;
  EXPECT_EQ(splinter_list(
                w,
                [](void *ctx, const char *, size_t, uint64_t) {
                  ++*static_cast<int *>(ctx);
                  return 42;
                },
                &calls),
            42);
  EXPECT_EQ(calls, 1);
  splinter_close(w);
}

SPLINTER_BOTH_BACKINGS(KeysValues);

}  // namespace
}  // namespace splinter::testing
