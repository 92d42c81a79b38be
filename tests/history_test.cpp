// Per-key history (splinter_history, FORMAT.md 1.4) and the options of
// splinter_create_ex that size it and the feed.
#include "fixture.h"
#include "layout.h"

namespace splinter::testing {
namespace {

using Entry = std::pair<uint64_t, std::string>;  // epoch, value

class History : public BusTest {
 protected:
  splinter_bus *create_with(uint32_t depth, uint32_t slots = 8, uint32_t max_value = 32) {
    splinter_options o{};
    o.size = sizeof o;
    o.slots = slots;
    o.max_value_size = max_value;
    o.history_depth = depth;
    splinter_bus *b = nullptr;
    EXPECT_EQ(splinter_create_ex(&b, backing(), name_.c_str(), &o), SPLINTER_OK) << splinter_last_error();
    return b;
  }
  static std::vector<Entry> history(const splinter_bus *b, const char *key, int *status) {
    std::vector<Entry> out;
    *status = splinter_history(
        b, key,
        [](void *ctx, uint64_t e, const void *v, size_t len) {
          static_cast<std::vector<Entry> *>(ctx)->emplace_back(e, std::string(static_cast<const char *>(v), len));
          return 0;
        },
        &out);
    return out;
  }
};

TEST_P(History, IsNewestFirstUpToTheDepth) {
  splinter_bus *w = create_with(3);
  std::vector<Entry> want;
  for (int i = 1; i <= 6; ++i) {
    uint64_t e = 0;
    ASSERT_EQ(set_str(w, "k", "v" + std::to_string(i), &e), SPLINTER_OK);
    ASSERT_EQ(set_str(w, "other", std::to_string(i)), SPLINTER_OK);
    want.insert(want.begin(), {e, "v" + std::to_string(i)});
    int st = 0;
    splinter_bus *r = open(SPLINTER_READER);
    EXPECT_EQ(history(r, "k", &st), std::vector<Entry>(want.begin(), want.begin() + std::min<std::ptrdiff_t>(i, 4)));
    EXPECT_EQ(st, SPLINTER_OK);
    splinter_close(r);
  }
  EXPECT_EQ(check(w).worst, 0);
  splinter_close(w);
}

TEST_P(History, AnUnsetEndsAHistory) {
  splinter_bus *w = create_with(4);
  ASSERT_EQ(set_str(w, "k", "a"), SPLINTER_OK);
  ASSERT_EQ(set_str(w, "k", "b"), SPLINTER_OK);
  ASSERT_EQ(splinter_unset(w, "k", nullptr), SPLINTER_OK);
  int st = 0;
  EXPECT_TRUE(history(w, "k", &st).empty());
  EXPECT_EQ(st, SPLINTER_E_NOT_FOUND);
  uint64_t e = 0;
  ASSERT_EQ(set_str(w, "k", "c", &e), SPLINTER_OK);
  EXPECT_EQ(history(w, "k", &st), (std::vector<Entry>{{e, "c"}}));
  EXPECT_EQ(st, SPLINTER_OK);
  EXPECT_TRUE(history(w, "never", &st).empty());
  EXPECT_EQ(st, SPLINTER_E_NOT_FOUND);
  splinter_close(w);
}

TEST_P(History, DepthZeroGivesOnlyTheCurrentValue) {
  splinter_bus *w = create_with(0);
  ASSERT_EQ(set_str(w, "k", "a"), SPLINTER_OK);
  uint64_t e = 0;
  ASSERT_EQ(set_str(w, "k", "b", &e), SPLINTER_OK);
  int st = 0;
  EXPECT_EQ(history(w, "k", &st), (std::vector<Entry>{{e, "b"}}));
  EXPECT_EQ(st, SPLINTER_OK);
  splinter_close(w);
}

TEST_P(History, CallbackStopsTheWalkAndItsValueIsReturned) {
  splinter_bus *w = create_with(2);
  for (const char *v : {"a", "b", "c"}) ASSERT_EQ(set_str(w, "k", v), SPLINTER_OK);
  int calls = 0;
  EXPECT_EQ(splinter_history(w, "k", [](void *ctx, uint64_t, const void *, size_t) { return ++*static_cast<int *>(ctx) == 2 ? 9 : 0; },
                             &calls),
            9);
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(splinter_history(w, "k", nullptr, nullptr), SPLINTER_E_INVALID);
  splinter_close(w);
}

// A damaged earlier value: history gives the newer ones, then CORRUPT; check
// names it (F19); a writer open refuses; recovery trims the history there and
// keeps the current value.
TEST_P(History, DamagedEarlierValueIsCorruptAfterTheNewerOnesAndRecoveryTrimsIt) {
  splinter_bus *w = create_with(2);
  uint64_t e1 = 0, e2 = 0, e3 = 0;
  ASSERT_EQ(set_str(w, "k", "one", &e1), SPLINTER_OK);
  ASSERT_EQ(set_str(w, "k", "two", &e2), SPLINTER_OK);
  ASSERT_EQ(set_str(w, "k", "three", &e3), SPLINTER_OK);
  const layout::Geometry geo = *layout::compute_geometry(8, 32, 2, 1024);
  splinter_close(w);
  std::string bytes = slurp(name_.path());
  // "k" is in buffers 0, 1, 2 (one, two, three): damage "two".
  std::size_t slot = 0;
  while (std::strncmp(bytes.data() + geo.slot_offset(static_cast<uint32_t>(slot)) + layout::kSlotKey, "k", 2) != 0) ++slot;
  bytes[geo.buffer_offset(static_cast<uint32_t>(slot), 1) + layout::kMetaSize] ^= 0x01;
  spit(name_.path(), bytes);
  splinter_bus *r = open(SPLINTER_READER);
  int st = 0;
  EXPECT_EQ(history(r, "k", &st), (std::vector<Entry>{{e3, "three"}}));
  EXPECT_EQ(st, SPLINTER_E_CORRUPT);
  EXPECT_EQ(get_str(r, "k"), "three");
  splinter_close(r);
  splinter_report rep{};
  uint32_t rule = 0;
  ASSERT_EQ(splinter_check(
                backing(), name_.c_str(),
                [](void *ctx, const splinter_finding *f) {
                  *static_cast<uint32_t *>(ctx) = f->rule;
                  EXPECT_EQ(f->fix, SPLINTER_FIX_TRIM);
                  EXPECT_STREQ(f->key, "k");
                  return 0;
                },
                &rule, &rep),
            SPLINTER_OK);
  EXPECT_EQ(rule, 19u);
  EXPECT_EQ(rep.trimmed, 1u);
  splinter_bus *refused = nullptr;
  EXPECT_EQ(splinter_open(&refused, backing(), name_.c_str(), SPLINTER_WRITER), SPLINTER_E_CORRUPT);
  ASSERT_EQ(splinter_recover(backing(), name_.c_str(), nullptr, nullptr, &rep), SPLINTER_OK);
  EXPECT_EQ(rep.trimmed, 1u);
  w = open(SPLINTER_WRITER);
  EXPECT_EQ(history(w, "k", &st), (std::vector<Entry>{{e3, "three"}}));
  EXPECT_EQ(st, SPLINTER_OK);
  uint64_t e4 = 0;
  ASSERT_EQ(set_str(w, "k", "four", &e4), SPLINTER_OK);
  EXPECT_EQ(history(w, "k", &st), (std::vector<Entry>{{e4, "four"}, {e3, "three"}}));
  EXPECT_EQ(check(w).worst, 0);
  splinter_close(w);
}

using Options = BusTest;

int create_status(splinter_backing b, const BusName &n, const splinter_options *o) {
  splinter_bus *bus = nullptr;
  const int st = splinter_create_ex(&bus, b, n.c_str(), o);
  if (bus) {
    splinter_close(bus);
    EXPECT_EQ(splinter_destroy(b, n.c_str()), SPLINTER_OK);
  }
  return st;
}

TEST_P(Options, AreValidated) {
  splinter_options o{};
  o.size = sizeof o;
  o.slots = 8;
  o.max_value_size = 16;
  EXPECT_EQ(create_status(backing(), name_, nullptr), SPLINTER_E_INVALID);
  EXPECT_EQ(create_status(backing(), name_, &o), SPLINTER_OK);
  o.size = 20;
  EXPECT_EQ(create_status(backing(), name_, &o), SPLINTER_E_INVALID) << "smaller than the first version";
  o.size = sizeof o;
  o.history_depth = SPLINTER_HISTORY_MAX + 1;
  EXPECT_EQ(create_status(backing(), name_, &o), SPLINTER_E_INVALID);
  o.history_depth = SPLINTER_HISTORY_MAX;
  EXPECT_EQ(create_status(backing(), name_, &o), SPLINTER_OK);
  o.history_depth = 0;
  o.change_ring = SPLINTER_RING_MAX + 1;
  EXPECT_EQ(create_status(backing(), name_, &o), SPLINTER_E_INVALID);
  o.change_ring = 0;
  o.slots = 0;
  EXPECT_EQ(create_status(backing(), name_, &o), SPLINTER_E_INVALID);
  // A later, larger struct: accepted when the fields this library does not know are zero.
  struct Later {
    splinter_options base;
    uint32_t newer_field;
    uint32_t pad;
  } later{};
  later.base = o;
  later.base.slots = 8;
  later.base.size = sizeof later;
  EXPECT_EQ(create_status(backing(), name_, &later.base), SPLINTER_OK);
  later.newer_field = 1;
  EXPECT_EQ(create_status(backing(), name_, &later.base), SPLINTER_E_INVALID);
}

TEST_P(Options, ChangeRingIsRoundedUpOrDefaultedAndInfoReportsIt) {
  auto ring_of = [&](uint32_t slots, uint32_t ring) -> uint32_t {
    splinter_options o{};
    o.size = sizeof o;
    o.slots = slots;
    o.change_ring = ring;
    o.history_depth = 3;
    splinter_bus *b = nullptr;
    EXPECT_EQ(splinter_create_ex(&b, backing(), name_.c_str(), &o), SPLINTER_OK);
    splinter_info in{};
    EXPECT_EQ(splinter_info_get(b, &in), SPLINTER_OK);
    EXPECT_EQ(in.history_depth, 3u);
    splinter_close(b);
    EXPECT_EQ(splinter_destroy(backing(), name_.c_str()), SPLINTER_OK);
    return in.change_ring;
  };
  EXPECT_EQ(ring_of(8, 0), 1024u);
  EXPECT_EQ(ring_of(3000, 0), 4096u);
  EXPECT_EQ(ring_of(8, 1000), 1024u);
  EXPECT_EQ(ring_of(8, 5), 8u);
  EXPECT_EQ(ring_of(8, 1), 1u);
}

TEST_P(Options, CreateIsCreateExWithDefaults) {
  splinter_bus *a = create(8, 16);
  splinter_info in{};
  ASSERT_EQ(splinter_info_get(a, &in), SPLINTER_OK);
  EXPECT_EQ(in.format_version, static_cast<uint32_t>(SPLINTER_FORMAT_VERSION));
  EXPECT_EQ(in.change_ring, 1024u);
  EXPECT_EQ(in.history_depth, 0u);
  EXPECT_EQ(in.probe_limit, 0u);
  EXPECT_EQ(in.feed_oldest, 0u);
  const auto geo = layout::compute_geometry(8, 16, 0, 1024);
  EXPECT_EQ(in.region_size, geo->region_size);
  splinter_close(a);
}

SPLINTER_BOTH_BACKINGS(History);
SPLINTER_BOTH_BACKINGS(Options);

}  // namespace
}  // namespace splinter::testing
