// The C++ API: RAII, results, allocating reads.
#include "fixture.h"

namespace splinter::testing {
namespace {

using CppApi = BusTest;

Backing to_cpp(splinter_backing b) { return b == SPLINTER_SHM ? Backing::shm : Backing::file; }

TEST_P(CppApi, RoundTripThroughTheCppApi) {
  auto w = Bus::create(to_cpp(backing()), name_.str(), 8, 1024);
  ASSERT_TRUE(w.ok()) << last_error();
  std::uint64_t e = 0;
  ASSERT_TRUE(w->set("k", std::string_view("hello"), &e).ok());
  auto r = Bus::open(to_cpp(backing()), name_.str(), Role::reader);
  ASSERT_TRUE(r.ok());
  auto v = r->get("k");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->text(), "hello");
  EXPECT_EQ(v->epoch, e);
  EXPECT_EQ(r->get("missing").status().code(), Code::not_found);
  EXPECT_EQ(r->set("k", std::string_view("x")).code(), Code::read_only);
  EXPECT_STREQ(Status(Code::read_only).name(), "SPLINTER_E_READ_ONLY");
}

TEST_P(CppApi, GetGrowsItsBufferForLargeValues) {
  auto w = Bus::create(to_cpp(backing()), name_.str(), 8, 4096);
  ASSERT_TRUE(w.ok());
  const std::string big(3000, 'b');
  ASSERT_TRUE(w->set("big", std::string_view(big)).ok());
  auto v = w->get("big");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->text(), big);
}

TEST_P(CppApi, KeysWithNulOrOver63BytesAreRefused) {
  auto w = Bus::create(to_cpp(backing()), name_.str(), 8, 64);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->set(std::string_view("a\0b", 3), std::string_view("v")).code(), Code::invalid);
  EXPECT_EQ(w->set(std::string(64, 'k'), std::string_view("v")).code(), Code::key_too_long);
  EXPECT_EQ(w->set("", std::string_view("v")).code(), Code::invalid);
}

TEST_P(CppApi, ClosingReleasesTheWriterRole) {
  {
    auto w = Bus::create(to_cpp(backing()), name_.str(), 8, 64);
    ASSERT_TRUE(w.ok());
    EXPECT_EQ(Bus::open(to_cpp(backing()), name_.str(), Role::writer).status().code(), Code::busy);
  }
  auto w2 = Bus::open(to_cpp(backing()), name_.str(), Role::writer);
  EXPECT_TRUE(w2.ok());
  Bus moved = std::move(w2.value());
  EXPECT_TRUE(moved.is_open());
  EXPECT_FALSE(w2->is_open());
}

TEST_P(CppApi, ListPollInfoAndCheck) {
  auto w = Bus::create(to_cpp(backing()), name_.str(), 8, 64);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE(w->set("a", std::string_view("1")).ok());
  ASSERT_TRUE(w->set("b", std::string_view("22")).ok());
  auto l = w->list();
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l->size(), 2u);
  auto p = w->poll("a", 0, 0);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p.value(), 1u);
  EXPECT_EQ(w->poll_bus(2, 0).status().code(), Code::timeout);
  auto in = w->info();
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(in->live_keys, 2u);
  auto c = w->check();
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->findings.empty());
  auto byname = splinter::check(to_cpp(backing()), name_.str());
  ASSERT_TRUE(byname.ok());
  EXPECT_EQ(byname->report.worst, 0);
}

TEST_P(CppApi, AFailedStatusCarriesTheLibrarysDetailAndKeepsIt) {
  auto missing = Bus::open(to_cpp(backing()), name_.str(), Role::reader);
  ASSERT_FALSE(missing.ok());
  const Status st = missing.status();
  EXPECT_EQ(st.code(), Code::no_bus);
  EXPECT_NE(st.detail().find("no such bus"), std::string::npos) << st.detail();
  EXPECT_NE(st.detail().find(name_.str()), std::string::npos) << st.detail();
  // A later call replaces the library's last error; the Status keeps its own.
  auto w = Bus::create(to_cpp(backing()), name_.str(), 8, 64);
  ASSERT_TRUE(w.ok()) << w.status().what();
  EXPECT_STREQ(last_error(), "");
  EXPECT_NE(st.detail().find("no such bus"), std::string::npos) << st.detail();
  EXPECT_EQ(st.what(), st.detail());
}

TEST_P(CppApi, EveryKindOfFailureHasADetail) {
  auto w = Bus::create(to_cpp(backing()), name_.str(), 8, 4);
  ASSERT_TRUE(w.ok());
  const Status too_long = w->set(std::string(64, 'k'), std::string_view("v"));
  EXPECT_EQ(too_long.code(), Code::key_too_long);
  EXPECT_NE(too_long.detail().find("longer than 63"), std::string::npos) << too_long.detail();
  const Status too_large = w->set("k", std::string_view("12345"));
  EXPECT_EQ(too_large.code(), Code::too_large);
  EXPECT_FALSE(too_large.detail().empty());
  const Status busy = Bus::open(to_cpp(backing()), name_.str(), Role::writer).status();
  EXPECT_EQ(busy.code(), Code::busy);
  EXPECT_NE(busy.detail().find("another writer"), std::string::npos) << busy.detail();
  Bus closed;
  const Status not_open = closed.set("k", std::string_view("v"));
  EXPECT_EQ(not_open.code(), Code::invalid);
  EXPECT_NE(not_open.detail().find("not open"), std::string::npos) << not_open.detail();
}

TEST_P(CppApi, AnOkStatusHasNoDetail) {
  auto w = Bus::create(to_cpp(backing()), name_.str(), 8, 64);
  ASSERT_TRUE(w.ok());
  const Status st = w->set("k", std::string_view("v"));
  EXPECT_TRUE(st.ok());
  EXPECT_EQ(st.detail(), "");
  EXPECT_TRUE(w.status().ok());
}

TEST_P(CppApi, CreateWithOptionsHistoryAndChanges) {
  auto w = Bus::create(to_cpp(backing()), name_.str(), {.slots = 8, .max_value_size = 64, .change_ring = 4, .history_depth = 2});
  ASSERT_TRUE(w.ok()) << last_error();
  auto in = w->info();
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(in->change_ring, 4u);
  EXPECT_EQ(in->history_depth, 2u);
  for (const char *v : {"1", "2", "3", "4"}) ASSERT_TRUE(w->set("k", std::string_view(v)).ok());
  ASSERT_TRUE(w->unset("gone").code() == Code::not_found);
  ASSERT_TRUE(w->set("x", std::string_view("x")).ok());
  auto h = w->history("k");
  ASSERT_TRUE(h.ok());
  ASSERT_EQ(h->size(), 3u);
  EXPECT_EQ(h.value()[0].text(), "4");
  EXPECT_EQ(h.value()[0].epoch, 4u);
  EXPECT_EQ(h.value()[2].text(), "2");
  EXPECT_EQ(w->history("gone").status().code(), Code::not_found);
  int seen = 0;
  EXPECT_TRUE(w->history("k", [&](std::uint64_t, std::span<const std::byte>) { return ++seen < 2; }).ok());
  EXPECT_EQ(seen, 2);
  auto c = w->changes(2);
  ASSERT_TRUE(c.ok());
  ASSERT_EQ(c->changes.size(), 3u);
  EXPECT_EQ(c->last, 5u);
  EXPECT_EQ(c->changes[2].key, "x");
  EXPECT_EQ(c->changes[2].op, Op::set);
  EXPECT_EQ(c->changes[0].epoch, 3u);
  EXPECT_EQ(w->changes(0).status().code(), Code::compacted);
  std::uint64_t last = 0;
  int calls = 0;
  EXPECT_TRUE(w->changes(2, [&](std::uint64_t, Op, std::string_view) { return ++calls < 2; }, &last).ok());
  EXPECT_EQ(last, 4u);
  EXPECT_STREQ(Status(Code::compacted).name(), "SPLINTER_E_COMPACTED");
}

SPLINTER_BOTH_BACKINGS(CppApi);

TEST(CppStatus, StatusesCompareByCodeAndWhatFallsBackToTheSentence) {
  EXPECT_EQ(Status(Code::busy, "one detail"), Status(Code::busy, "another"));
  EXPECT_FALSE(Status(Code::busy) == Status(Code::full));
  EXPECT_EQ(Status(Code::full).what(), std::string(splinter_strerror(SPLINTER_E_FULL)));
  EXPECT_EQ(Status(Code::full, "slot table full").what(), "slot table full");
}

// A type without a default constructor: a failed Result holds no value at all.
struct NoDefault {
  explicit NoDefault(int value) : v(value) {}
  int v;
};

TEST(CppResult, AResultHoldsATypeWithoutADefaultConstructor) {
  Result<NoDefault> good(NoDefault(7));
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(good->v, 7);
  EXPECT_EQ((*good).v, 7);
  Result<NoDefault> bad(Status(Code::not_found, "k: not found"));
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().detail(), "k: not found");
}

#ifndef NDEBUG
TEST(CppResultDeathTest, ReadingTheValueOfAFailedResultAssertsInDebugBuilds) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  const Result<std::uint64_t> failed(Code::timeout);
  EXPECT_DEATH((void)failed.value(), "of a failed Result: check ok");
  Result<Value> failed_value(Code::not_found);
  EXPECT_DEATH((void)failed_value->epoch, "of a failed Result: check ok");
  EXPECT_DEATH((void)std::move(failed_value).value(), "of a failed Result: check ok");
}

TEST(CppResultDeathTest, AResultMadeFromAnOkStatusAssertsInDebugBuilds) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH((void)Result<int>(Status(Code::ok)), "made from an OK Status");
}
#else
TEST(CppResultDeathTest, ReadingTheValueOfAFailedResultAssertsInDebugBuilds) {
  GTEST_SKIP() << "assert() is compiled out under NDEBUG; the debug preset runs this test";
}
#endif

}  // namespace
}  // namespace splinter::testing
