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

}  // namespace
}  // namespace splinter::testing
