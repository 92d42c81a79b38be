// Power loss (file backing): pages of the file from before and after the last
// flush mixed, as an OS crash leaves them. Recovery restores a value only if
// it is the flushed one or later; anything else is dropped, with a report.
#include "fixture.h"
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

// Buffers of 8 KiB: each sits on pages of its own, apart from the slot table.
constexpr uint32_t kSlots = 2, kValue = 8192;
const layout::Geometry kGeo = *layout::compute_geometry(kSlots, kValue);

TEST(PowerLoss, TornValueWrittenAfterTheFlushRollsBackToTheFlushedValue) {
  BusName name(SPLINTER_FILE);
  const std::string k = colliding_keys(kSlots, 1, 1)[0];
  splinter_bus *w = nullptr;
  ASSERT_EQ(splinter_create(&w, SPLINTER_FILE, name.c_str(), kSlots, kValue, 0), SPLINTER_OK);
  ASSERT_EQ(splinter_set(w, k.c_str(), "flushed", 7, nullptr), SPLINTER_OK);  // buffer 1
  ASSERT_EQ(splinter_flush(w), SPLINTER_OK);
  const std::string before = slurp(name.str());
  ASSERT_EQ(splinter_set(w, k.c_str(), "later", 5, nullptr), SPLINTER_OK);  // buffer 0
  splinter_close(w);
  spit(name.str(), with_old_page(slurp(name.str()), before, kGeo.value_buffer_offset(1, 0)));
  const Recovered r = recover_file(name.str());
  EXPECT_EQ(r.status, SPLINTER_OK);
  EXPECT_EQ(r.rolled_back, 1);
  EXPECT_EQ(get_file(name.str(), k), "flushed");
}

TEST(PowerLoss, RecoveryNeverRestoresAValueOlderThanTheLastFlush) {
  BusName name(SPLINTER_FILE);
  const std::string k = colliding_keys(kSlots, 1, 1)[0];
  splinter_bus *w = nullptr;
  ASSERT_EQ(splinter_create(&w, SPLINTER_FILE, name.c_str(), kSlots, kValue, 0), SPLINTER_OK);
  ASSERT_EQ(splinter_set(w, k.c_str(), "v1", 2, nullptr), SPLINTER_OK);  // buffer 1
  ASSERT_EQ(splinter_set(w, k.c_str(), "v2", 2, nullptr), SPLINTER_OK);  // buffer 0
  ASSERT_EQ(splinter_flush(w), SPLINTER_OK);
  const std::string before = slurp(name.str());
  ASSERT_EQ(splinter_set(w, k.c_str(), "v3", 2, nullptr), SPLINTER_OK);  // buffer 1
  ASSERT_EQ(splinter_set(w, k.c_str(), "v4", 2, nullptr), SPLINTER_OK);  // buffer 0
  splinter_close(w);
  // Only buffer 0's page reached the disk: the flushed v2 is overwritten by v4's bytes.
  spit(name.str(), with_old_page(before, slurp(name.str()), kGeo.value_buffer_offset(1, 0)));
  const Recovered r = recover_file(name.str());
  EXPECT_EQ(r.status, SPLINTER_OK);
  EXPECT_EQ(r.dropped, 1);
  EXPECT_EQ(get_file(name.str(), k), "<SPLINTER_E_NOT_FOUND>") << "v1 predates the flush";
}

TEST(PowerLoss, RecoveryDoesNotResurrectAKeyRemovedBeforeTheFlush) {
  BusName name(SPLINTER_FILE);
  // x, k, y share home slot 1 and sit in slots 1, 2, 3: k's tombstone stays
  // (it is on y's probe path) and k's re-set reuses it.
  const auto keys = colliding_keys(4, 1, 3);
  const std::string &x = keys[0], &k = keys[1], &y = keys[2];
  const layout::Geometry geo = *layout::compute_geometry(4, kValue);
  splinter_bus *w = nullptr;
  ASSERT_EQ(splinter_create(&w, SPLINTER_FILE, name.c_str(), 4, kValue, 0), SPLINTER_OK);
  ASSERT_EQ(splinter_set(w, x.c_str(), "X", 1, nullptr), SPLINTER_OK);
  ASSERT_EQ(splinter_set(w, k.c_str(), "OLD", 3, nullptr), SPLINTER_OK);  // slot 2, buffer 1
  ASSERT_EQ(splinter_set(w, y.c_str(), "Y", 1, nullptr), SPLINTER_OK);
  ASSERT_EQ(splinter_unset(w, k.c_str(), nullptr), SPLINTER_OK);
  ASSERT_EQ(splinter_flush(w), SPLINTER_OK);
  const std::string before = slurp(name.str());
  ASSERT_EQ(splinter_set(w, k.c_str(), "NEW", 3, nullptr), SPLINTER_OK);  // slot 2, buffer 0
  splinter_close(w);
  spit(name.str(), with_old_page(slurp(name.str()), before, geo.value_buffer_offset(2, 0)));
  const Recovered r = recover_file(name.str());
  EXPECT_EQ(r.status, SPLINTER_OK);
  EXPECT_EQ(r.dropped, 1);
  EXPECT_EQ(get_file(name.str(), k), "<SPLINTER_E_NOT_FOUND>") << "OLD was removed before the flush";
  EXPECT_EQ(get_file(name.str(), x), "X");
  EXPECT_EQ(get_file(name.str(), y), "Y");
}

}  // namespace
}  // namespace splinter::testing
