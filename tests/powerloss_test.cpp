// Power loss (file backing): pages of the file from before and after the last
// flush mixed, as an OS crash leaves them. Recovery restores a value only if
// it is the flushed one or later; anything else is dropped, with a report.
#include "fixture.h"
#include "handle.h"
#include "layout.h"


namespace splinter::testing {
namespace {

// `after` with the 4 KiB page holding `offset` taken from `before`.
std::string with_old_page(std::string after, const std::string &before, std::size_t offset) {
  const std::size_t page = offset / layout::kPage * layout::kPage;
  after.replace(page, layout::kPage, before, page, layout::kPage);
  return after;
}

struct Recovered {
  int status = 0;
  int rolled_back = 0;
  int dropped = 0;
};
Recovered recover_file(const std::string &path) {
  Recovered r;
  r.status = splinter_recover(
      SPLINTER_FILE, path.c_str(),
      [](void *ctx, const splinter_finding *f) {
        auto *acc = static_cast<Recovered *>(ctx);
        if (f->fix == SPLINTER_FIX_ROLLBACK) ++acc->rolled_back;
        if (f->fix == SPLINTER_FIX_DROP) ++acc->dropped;
        return 0;
      },
      &r, nullptr);
  return r;
}

std::string get_file(const std::string &path, const std::string &key) {
  splinter_bus *r = nullptr;
  if (splinter_open(&r, SPLINTER_FILE, path.c_str(), SPLINTER_READER) != SPLINTER_OK) return "<open failed>";
  char buf[8192];
  size_t len = 0;
  const int st = splinter_get(r, key.c_str(), buf, sizeof buf, &len, nullptr);
  splinter_close(r);
  return st == SPLINTER_OK ? std::string(buf, len) : std::string("<") + splinter_status_name(st) + ">";
}

// Buffers of 8 KiB: each value spans three pages of its own, apart from the
// slot table and the feed. A power loss that keeps some of a buffer's pages
// from before the flush tears its value: the meta (in the buffer's first
// page) no longer checks the bytes.
constexpr uint32_t kSlots = 2, kValue = 8192, kLen = 8000;
std::string value_of(char c) { return std::string(kLen, c); }
int set_value(splinter_bus *w, const char *key, const std::string &v) {
  return splinter_set(w, key, v.data(), v.size(), nullptr);
}
// The last page of the value in buffer b of slot i (not the page of its meta).
std::size_t tail_page(const layout::Geometry &g, uint32_t i, unsigned b) {
  const std::size_t first = g.buffer_offset(i, b) + layout::kMetaSize;
  const std::size_t last = first + kLen - 1;
  EXPECT_NE(first / layout::kPage, last / layout::kPage);
  return last;
}

TEST(PowerLoss, TornValueWrittenAfterTheFlushRollsBackToTheFlushedValue) {
  BusName name(SPLINTER_FILE);
  const std::string k = colliding_keys(kSlots, 1, 1)[0];
  splinter_bus *w = nullptr;
  ASSERT_EQ(splinter_create(&w, SPLINTER_FILE, name.c_str(), kSlots, kValue, 0), SPLINTER_OK);
  const layout::Geometry geo = w->region.geo();
  ASSERT_EQ(set_value(w, k.c_str(), value_of('f')), SPLINTER_OK);  // buffer 0
  ASSERT_EQ(splinter_flush(w), SPLINTER_OK);
  const std::string before = slurp(name.str());
  ASSERT_EQ(set_value(w, k.c_str(), value_of('l')), SPLINTER_OK);  // buffer 1
  splinter_close(w);
  spit(name.str(), with_old_page(slurp(name.str()), before, tail_page(geo, 1, 1)));
  const Recovered r = recover_file(name.str());
  EXPECT_EQ(r.status, SPLINTER_OK);
  EXPECT_EQ(r.rolled_back, 1);
  EXPECT_EQ(get_file(name.str(), k), value_of('f'));
}

TEST(PowerLoss, RecoveryNeverRestoresAValueOlderThanTheLastFlush) {
  BusName name(SPLINTER_FILE);
  const std::string k = colliding_keys(kSlots, 1, 1)[0];
  splinter_bus *w = nullptr;
  ASSERT_EQ(splinter_create(&w, SPLINTER_FILE, name.c_str(), kSlots, kValue, 0), SPLINTER_OK);
  const layout::Geometry geo = w->region.geo();
  ASSERT_EQ(set_value(w, k.c_str(), value_of('1')), SPLINTER_OK);  // buffer 0
  ASSERT_EQ(set_value(w, k.c_str(), value_of('2')), SPLINTER_OK);  // buffer 1
  ASSERT_EQ(splinter_flush(w), SPLINTER_OK);
  const std::string before = slurp(name.str());
  ASSERT_EQ(set_value(w, k.c_str(), value_of('3')), SPLINTER_OK);  // buffer 0
  ASSERT_EQ(set_value(w, k.c_str(), value_of('4')), SPLINTER_OK);  // buffer 1
  splinter_close(w);
  // Only the tail of buffer 1 reached the disk: the flushed value 2 is torn by 4's bytes.
  spit(name.str(), with_old_page(before, slurp(name.str()), tail_page(geo, 1, 1)));
  const Recovered r = recover_file(name.str());
  EXPECT_EQ(r.status, SPLINTER_OK);
  EXPECT_EQ(r.dropped, 1);
  EXPECT_EQ(get_file(name.str(), k), "<SPLINTER_E_NOT_FOUND>") << "value 1 predates the flush";
}

// x, k, y share home slot 1 and sit in slots 1, 2, 3: k's tombstone stays
// (it is on y's probe path) and k's re-set reuses it, writing buffer 0,
// where k's value from before its removal was.
class PowerLossResurrection : public ::testing::TestWithParam<bool> {};

TEST_P(PowerLossResurrection, RecoveryDoesNotResurrectAKeyRemovedBeforeTheFlush) {
  const bool whole_buffer_old = GetParam();  // else only its tail page
  BusName name(SPLINTER_FILE);
  const auto keys = colliding_keys(4, 1, 3);
  const std::string &x = keys[0], &k = keys[1], &y = keys[2];
  splinter_bus *w = nullptr;
  ASSERT_EQ(splinter_create(&w, SPLINTER_FILE, name.c_str(), 4, kValue, 0), SPLINTER_OK);
  const layout::Geometry geo = w->region.geo();
  ASSERT_EQ(splinter_set(w, x.c_str(), "X", 1, nullptr), SPLINTER_OK);
  ASSERT_EQ(set_value(w, k.c_str(), value_of('o')), SPLINTER_OK);  // slot 2, buffer 0
  ASSERT_EQ(splinter_set(w, y.c_str(), "Y", 1, nullptr), SPLINTER_OK);
  ASSERT_EQ(splinter_unset(w, k.c_str(), nullptr), SPLINTER_OK);
  ASSERT_EQ(splinter_flush(w), SPLINTER_OK);
  const std::string before = slurp(name.str());
  ASSERT_EQ(set_value(w, k.c_str(), value_of('n')), SPLINTER_OK);  // slot 2, buffer 0
  splinter_close(w);
  std::string mixed = slurp(name.str());
  if (whole_buffer_old) {
    // k's old meta and bytes: an intact value of k, of an epoch the slot word does not name.
    const std::size_t b = geo.buffer_offset(2, 0);
    for (std::size_t page = b / layout::kPage; page * layout::kPage < b + geo.buffer_size; ++page)
      mixed = with_old_page(mixed, before, page * layout::kPage);
  } else {
    mixed = with_old_page(mixed, before, tail_page(geo, 2, 0));
  }
  spit(name.str(), mixed);
  const Recovered r = recover_file(name.str());
  EXPECT_EQ(r.status, SPLINTER_OK);
  EXPECT_EQ(r.dropped, 1);
  EXPECT_EQ(r.rolled_back, 0);
  EXPECT_EQ(get_file(name.str(), k), "<SPLINTER_E_NOT_FOUND>") << "the old value was removed before the flush";
  EXPECT_EQ(get_file(name.str(), x), "X");
  EXPECT_EQ(get_file(name.str(), y), "Y");
}

INSTANTIATE_TEST_SUITE_P(Tear, PowerLossResurrection, ::testing::Bool(),
                         [](const auto &param_info) { return std::string(param_info.param ? "WholeBuffer" : "TailPage"); });

}  // namespace
}  // namespace splinter::testing
