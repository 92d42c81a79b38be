// Prepared keys (splinter_key, splinter::Key): the same results as the
// string calls, refused once garbled, usable from any thread and any bus.
#include "fixture.h"
#include "key.h"

#include <array>
#include <cstring>
#include <string>
#include <thread>

namespace splinter::testing {
namespace {

class PreparedKey : public BusTest {
 protected:
  static splinter_key prepared(const char *key) {
    splinter_key k;
    EXPECT_EQ(splinter_key_init(&k, key), SPLINTER_OK) << splinter_last_error();
    return k;
  }
  static std::string get_k(const splinter_bus *b, const splinter_key &k, int *status = nullptr,
                           uint64_t *epoch = nullptr) {
    char buf[256];
    size_t len = 0;
    const int st = splinter_get_k(b, &k, buf, sizeof buf, &len, epoch);
    if (status) *status = st;
    return st == SPLINTER_OK ? std::string(buf, len) : std::string("<") + splinter_status_name(st) + ">";
  }
};

TEST_P(PreparedKey, InitRefusesWhatTheStringCallsRefuse) {
  splinter_key k;
  EXPECT_EQ(splinter_key_init(&k, nullptr), SPLINTER_E_INVALID);
  EXPECT_EQ(splinter_key_init(&k, ""), SPLINTER_E_INVALID);
  EXPECT_EQ(splinter_key_init(nullptr, "a"), SPLINTER_E_INVALID);
  EXPECT_EQ(splinter_key_init(&k, std::string(64, 'k').c_str()), SPLINTER_E_KEY_TOO_LONG);
  EXPECT_STRNE(splinter_last_error(), "");
  EXPECT_EQ(splinter_key_init(&k, std::string(63, 'k').c_str()), SPLINTER_OK);
  EXPECT_STREQ(splinter_last_error(), "");
}

TEST_P(PreparedKey, GetEqualsTheStringGet) {
  splinter_bus *w = create(16, 64);
  ASSERT_EQ(set_str(w, "alpha", "one"), SPLINTER_OK);
  ASSERT_EQ(set_str(w, "beta", std::string(40, 'b')), SPLINTER_OK);
  ASSERT_EQ(set_str(w, std::string(63, 'z').c_str(), ""), SPLINTER_OK);
  splinter_bus *r = open(SPLINTER_READER);
  for (const std::string &key : std::vector<std::string>{"alpha", "beta", std::string(63, 'z'), "absent"}) {
    int st_s = 0, st_k = 0;
    uint64_t e_s = 0, e_k = 0;
    EXPECT_EQ(get_k(r, prepared(key.c_str()), &st_k, &e_k), get_str(r, key.c_str(), &st_s, &e_s)) << key;
    EXPECT_EQ(st_k, st_s) << key;
    EXPECT_EQ(e_k, e_s) << key;
  }
  // BUFFER: the size needed, as the string call gives it.
  char small[4];
  size_t len_s = 0, len_k = 0;
  const splinter_key beta = prepared("beta");
  EXPECT_EQ(splinter_get_k(r, &beta, small, sizeof small, &len_k, nullptr), SPLINTER_E_BUFFER);
  EXPECT_EQ(splinter_get(r, "beta", small, sizeof small, &len_s, nullptr), SPLINTER_E_BUFFER);
  EXPECT_EQ(len_k, 40u);
  EXPECT_EQ(len_k, len_s);
  EXPECT_EQ(splinter_get_k(r, &beta, nullptr, 8, nullptr, nullptr), SPLINTER_E_INVALID);
  splinter_close(r);
  splinter_close(w);
}

TEST_P(PreparedKey, SetAndUnsetEqualTheStringCalls) {
  splinter_bus *w = create();
  const splinter_key k = prepared("key");
  uint64_t e = 0;
  ASSERT_EQ(splinter_set_k(w, &k, "v1", 2, &e), SPLINTER_OK);
  EXPECT_EQ(e, 1u);
  EXPECT_EQ(get_str(w, "key"), "v1");
  ASSERT_EQ(set_str(w, "key", "v2", &e), SPLINTER_OK);
  EXPECT_EQ(get_k(w, k), "v2");
  EXPECT_EQ(splinter_set_k(w, &k, std::string(65, 'x').data(), 65, nullptr), SPLINTER_E_TOO_LARGE);
  EXPECT_EQ(splinter_set_k(w, &k, nullptr, 1, nullptr), SPLINTER_E_INVALID);
  ASSERT_EQ(splinter_unset_k(w, &k, &e), SPLINTER_OK);
  EXPECT_EQ(e, 3u);
  EXPECT_EQ(get_str(w, "key"), "<SPLINTER_E_NOT_FOUND>");
  EXPECT_EQ(splinter_unset_k(w, &k, &e), SPLINTER_E_NOT_FOUND);
  EXPECT_EQ(splinter_unset(w, "key", &e), SPLINTER_E_NOT_FOUND);
  splinter_bus *r = open(SPLINTER_READER);
  EXPECT_EQ(splinter_set_k(r, &k, "x", 1, nullptr), SPLINTER_E_READ_ONLY);
  EXPECT_EQ(splinter_unset_k(r, &k, nullptr), SPLINTER_E_READ_ONLY);
  splinter_close(r);
  EXPECT_EQ(check(w).findings, 0u);
  splinter_close(w);
}

TEST_P(PreparedKey, PollEqualsTheStringPoll) {
  splinter_bus *w = create();
  const splinter_key k = prepared("watched");
  uint64_t e = 0, got_k = 0, got_s = 0;
  EXPECT_EQ(splinter_poll_k(w, &k, 0, 0, &got_k), SPLINTER_E_TIMEOUT);
  ASSERT_EQ(set_str(w, "other", "x"), SPLINTER_OK);
  ASSERT_EQ(set_str(w, "watched", "x", &e), SPLINTER_OK);
  EXPECT_EQ(splinter_poll_k(w, &k, 0, 0, &got_k), SPLINTER_OK);
  EXPECT_EQ(splinter_poll(w, "watched", 0, 0, &got_s), SPLINTER_OK);
  EXPECT_EQ(got_k, e);
  EXPECT_EQ(got_k, got_s);
  EXPECT_EQ(splinter_poll_k(w, &k, e, 0, nullptr), SPLINTER_E_TIMEOUT);
  EXPECT_EQ(splinter_poll_k(w, nullptr, e, 0, nullptr), SPLINTER_E_INVALID);
  splinter_close(w);
}

TEST_P(PreparedKey, EveryFlippedByteIsRefusedAndChangesNothing) {
  splinter_bus *w = create();
  ASSERT_EQ(set_str(w, "sixteen-byte-key", "value"), SPLINTER_OK);
  const splinter_key good = prepared("sixteen-byte-key");
  const uint64_t epoch = splinter_epoch(w);
  for (std::size_t byte = 0; byte < sizeof(splinter_key); ++byte) {
    for (const unsigned mask : {0x01u, 0x80u, 0xFFu}) {
      splinter_key bad = good;
      reinterpret_cast<unsigned char *>(&bad)[byte] ^= static_cast<unsigned char>(mask);
      int st = 0;
      get_k(w, bad, &st);
      EXPECT_EQ(st, SPLINTER_E_INVALID) << "byte " << byte << " mask " << mask;
      EXPECT_STRNE(splinter_last_error(), "");
      EXPECT_EQ(splinter_poll_k(w, &bad, 0, 0, nullptr), SPLINTER_E_INVALID) << "byte " << byte;
      EXPECT_EQ(splinter_set_k(w, &bad, "x", 1, nullptr), SPLINTER_E_INVALID) << "byte " << byte;
      EXPECT_EQ(splinter_unset_k(w, &bad, nullptr), SPLINTER_E_INVALID) << "byte " << byte;
    }
  }
  EXPECT_EQ(splinter_epoch(w), epoch);
  EXPECT_EQ(get_k(w, good), "value");
  splinter_close(w);
}

TEST_P(PreparedKey, ZeroedOrNullKeyIsRefused) {
  splinter_bus *w = create();
  const splinter_key zero{};
  EXPECT_EQ(splinter_get_k(w, &zero, nullptr, 0, nullptr, nullptr), SPLINTER_E_INVALID);
  EXPECT_EQ(splinter_set_k(w, &zero, "x", 1, nullptr), SPLINTER_E_INVALID);
  EXPECT_EQ(splinter_get_k(w, nullptr, nullptr, 0, nullptr, nullptr), SPLINTER_E_INVALID);
  EXPECT_EQ(splinter_set_k(w, nullptr, "x", 1, nullptr), SPLINTER_E_INVALID);
  EXPECT_EQ(splinter_unset_k(w, nullptr, nullptr), SPLINTER_E_INVALID);
  const splinter_key k = prepared("k");
  EXPECT_EQ(splinter_get_k(nullptr, &k, nullptr, 0, nullptr, nullptr), SPLINTER_E_INVALID);
  EXPECT_EQ(splinter_epoch(w), 0u);
  splinter_close(w);
}

// A key whose check word was recomputed over a wrong hash (a forgery, not an
// accident) never reaches the region through a mutation.
TEST_P(PreparedKey, ForgedHashIsRefusedByMutations) {
  splinter_bus *w = create();
  ASSERT_EQ(set_str(w, "k", "v"), SPLINTER_OK);
  splinter_key forged = prepared("k");
  forged.opaque[kPreparedHash] ^= 1;
  forged.opaque[kPreparedCheck] = prepared_check(forged.opaque);
  EXPECT_EQ(splinter_set_k(w, &forged, "x", 1, nullptr), SPLINTER_E_INVALID);
  EXPECT_EQ(splinter_unset_k(w, &forged, nullptr), SPLINTER_E_INVALID);
  int st = 0;
  get_k(w, forged, &st);
  EXPECT_NE(st, SPLINTER_OK);  // at worst a miss
  EXPECT_EQ(get_str(w, "k"), "v");
  EXPECT_EQ(check(w).findings, 0u);
  splinter_close(w);
}

TEST_P(PreparedKey, CopiedToAnotherThreadWorks) {
  splinter_bus *w = create();
  ASSERT_EQ(set_str(w, "shared", "across threads"), SPLINTER_OK);
  const splinter_key k = prepared("shared");
  std::array<std::string, 2> got;
  std::array<std::thread, 2> threads;
  for (std::size_t t = 0; t < threads.size(); ++t)
    threads[t] = std::thread([&got, t, k, w] {  // k by value: a copy of plain data
      splinter_key mine;
      std::memcpy(&mine, &k, sizeof mine);
      got[t] = get_k(w, mine);
    });
  for (auto &th : threads) th.join();
  EXPECT_EQ(got[0], "across threads");
  EXPECT_EQ(got[1], "across threads");
  splinter_close(w);
}

TEST_P(PreparedKey, OneKeyServesEveryBus) {
  splinter_bus *a = create();
  BusName other(backing());
  splinter_bus *b = nullptr;
  ASSERT_EQ(splinter_create(&b, backing(), other.c_str(), 64, 16, 0), SPLINTER_OK);
  const splinter_key k = prepared("k");
  ASSERT_EQ(splinter_set_k(a, &k, "on a", 4, nullptr), SPLINTER_OK);
  ASSERT_EQ(splinter_set_k(b, &k, "on b", 4, nullptr), SPLINTER_OK);
  EXPECT_EQ(get_k(a, k), "on a");
  EXPECT_EQ(get_k(b, k), "on b");
  EXPECT_EQ(get_str(b, "k"), "on b");
  splinter_close(b);
  splinter_close(a);
}

TEST_P(PreparedKey, CppKeyIsAcceptedByEveryCallTakingAKey) {
  auto bus = Bus::create(static_cast<Backing>(backing()), name_.str(),
                         Options{.slots = 16, .max_value_size = 64, .history_depth = 2});
  ASSERT_TRUE(bus.ok()) << bus.status().what();
  const auto key = splinter::Key::make("cpp");
  ASSERT_TRUE(key.ok());
  std::uint64_t e = 0;
  ASSERT_TRUE(bus->set(*key, std::string_view("one"), &e).ok());
  ASSERT_TRUE(bus->set(*key, std::as_bytes(std::span<const char>("two", 3)), &e).ok());
  auto v = bus->get(*key);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->text(), "two");
  EXPECT_EQ(v->epoch, e);
  std::array<std::byte, 8> buf{};
  std::size_t len = 0;
  EXPECT_TRUE(bus->get(*key, buf, &len).ok());
  EXPECT_EQ(len, 3u);
  auto h = bus->history(*key);
  ASSERT_TRUE(h.ok());
  ASSERT_EQ(h->size(), 2u);
  EXPECT_EQ((*h)[1].text(), "one");
  auto p = bus->poll(*key, 0, 0);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(*p, e);
  ASSERT_TRUE(bus->unset(*key, &e).ok());
  EXPECT_EQ(bus->get(*key).status().code(), Code::not_found);
  EXPECT_EQ(bus->get("cpp").status().code(), Code::not_found);
  // The C prepared key and the C++ one are the same bytes.
  splinter_key c;
  ASSERT_EQ(splinter_key_init(&c, "cpp"), SPLINTER_OK);
  EXPECT_EQ(std::memcmp(&c, &key->c_key(), sizeof c), 0);
  EXPECT_TRUE(bus->set(splinter::Key(c), std::string_view("from c")).ok());
  EXPECT_EQ(bus->get("cpp")->text(), "from c");
}

TEST_P(PreparedKey, CppDefaultKeyIsRefused) {
  auto bus = Bus::create(static_cast<Backing>(backing()), name_.str(), 16, 64);
  ASSERT_TRUE(bus.ok());
  const splinter::Key none;
  EXPECT_EQ(bus->set(none, std::string_view("x")).code(), Code::invalid);
  EXPECT_EQ(bus->unset(none).code(), Code::invalid);
  EXPECT_EQ(bus->get(none).status().code(), Code::invalid);
  EXPECT_EQ(bus->poll(none, 0, 0).status().code(), Code::invalid);
  EXPECT_EQ(bus->history(none).status().code(), Code::invalid);
  EXPECT_EQ(splinter::Key::make("").status().code(), Code::invalid);
  EXPECT_EQ(splinter::Key::make(std::string_view("a\0b", 3)).status().code(), Code::invalid);
  EXPECT_EQ(splinter::Key::make(std::string(64, 'k')).status().code(), Code::key_too_long);
  EXPECT_EQ(bus->epoch(), 0u);
}

SPLINTER_BOTH_BACKINGS(PreparedKey);

}  // namespace
}  // namespace splinter::testing
