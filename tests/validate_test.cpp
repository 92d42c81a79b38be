// The validator: clean buses pass; each damaged rule is reported by number.
#include "handle.h"
#include "fixture.h"
#include "layout.h"
#include "validate.h"

#include <set>

namespace splinter::testing {
namespace {

using Validate = BusTest;

// Findings of the validator on an image.
std::vector<Finding> findings_of(const std::vector<uint64_t> &image) {
  std::vector<Finding> out;
  validate(reinterpret_cast<const uint8_t *>(image.data()), image.size() * 8, [&](const Finding &f) {
    out.push_back(f);
    return true;
  });
  return out;
}
std::set<uint32_t> rules_of(const std::vector<Finding> &fs) {
  std::set<uint32_t> r;
  for (const auto &f : fs) r.insert(f.rule);
  return r;
}

class Image : public Validate {
 protected:
  // Snapshot of the writer's region as aligned words.
  std::vector<uint64_t> snapshot(splinter_bus *w) {
    std::vector<uint64_t> img(w->map_len / 8);
    std::memcpy(img.data(), w->map, w->map_len);
    return img;
  }
  uint8_t *bytes(std::vector<uint64_t> &img) { return reinterpret_cast<uint8_t *>(img.data()); }
  uint64_t &slot_word(std::vector<uint64_t> &img, std::size_t i) {
    return img[(layout::kOffSlotTable + i * layout::kSlotSize) / 8];
  }
};

TEST_P(Image, FreshAndBusyBusesAreClean) {
  splinter_bus *w = create(16, 32);
  EXPECT_TRUE(findings_of(snapshot(w)).empty());
  for (int i = 0; i < 40; ++i) ASSERT_EQ(set_str(w, ("k" + std::to_string(i % 12)).c_str(), std::to_string(i)), SPLINTER_OK);
  for (int i = 0; i < 5; ++i) ASSERT_EQ(splinter_unset(w, ("k" + std::to_string(i)).c_str(), nullptr), SPLINTER_OK);
  EXPECT_TRUE(findings_of(snapshot(w)).empty());
  splinter_close(w);
}

TEST_P(Image, ReportsEachRuleByNumber) {
  splinter_options o{};
  o.size = sizeof o;
  o.slots = 8;
  o.max_value_size = 32;
  o.history_depth = 2;
  o.change_ring = 4;
  splinter_bus *w = nullptr;
  ASSERT_EQ(splinter_create_ex(&w, backing(), name_.c_str(), &o), SPLINTER_OK);
  const auto keys = colliding_keys(8, 2, 3);  // slots 2, 3, 4
  for (const auto &k : keys) ASSERT_EQ(set_str(w, k.c_str(), "value"), SPLINTER_OK);
  ASSERT_EQ(set_str(w, keys[0].c_str(), "again"), SPLINTER_OK);  // slot 2: buffer 1, history in buffer 0
  const auto clean = snapshot(w);
  ASSERT_TRUE(findings_of(clean).empty());
  const auto geo = *layout::compute_geometry(8, 32, 2, 4);
  auto with = [&](auto edit) {
    auto img = clean;
    edit(img);
    return rules_of(findings_of(img));
  };
  auto at = [&](std::size_t slot, std::size_t field) { return geo.slot_offset(static_cast<uint32_t>(slot)) + field; };
  // A new key's first value goes to buffer 0; its next to buffer 1.
  const std::size_t meta3 = geo.buffer_offset(3, 0);
  EXPECT_EQ(with([&](auto &img) { bytes(img)[0] = 'X'; }), std::set<uint32_t>{16});  // the copy serves
  EXPECT_EQ(with([&](auto &img) { bytes(img)[0] = 'X', bytes(img)[layout::kOffHeaderCopy] = 'X'; }), std::set<uint32_t>{1});
  EXPECT_EQ(with([&](auto &img) { bytes(img)[layout::kOffHeaderCheck] ^= 1, bytes(img)[layout::kOffHeaderCopy + layout::kOffHeaderCheck] ^= 1; }),
            std::set<uint32_t>{6});
  EXPECT_EQ(with([&](auto &img) { slot_word(img, 3) = layout::make_word(layout::State::invalid, 0, 99); }),
            std::set<uint32_t>{7});
  EXPECT_EQ(with([&](auto &img) { slot_word(img, 6) = 8; }), std::set<uint32_t>{8});
  EXPECT_EQ(with([&](auto &img) { bytes(img)[at(2, layout::kSlotKey + 62)] = 'z'; }), std::set<uint32_t>{9});
  EXPECT_EQ(with([&](auto &img) { bytes(img)[at(2, layout::kSlotHash)] ^= 1; }), (std::set<uint32_t>{10}));
  EXPECT_EQ(with([&](auto &img) { bytes(img)[meta3 + layout::kMetaEpoch] ^= 1; }), (std::set<uint32_t>{11}));
  EXPECT_EQ(with([&](auto &img) { bytes(img)[meta3 + layout::kMetaCheck] ^= 1; }), (std::set<uint32_t>{12}));
  EXPECT_EQ(with([&](auto &img) { img[layout::kOffBusEpoch / 8] = 1; }), std::set<uint32_t>{13});
  EXPECT_EQ(with([&](auto &img) { slot_word(img, 3) = 0; }), (std::set<uint32_t>{14}));
  EXPECT_EQ(with([&](auto &img) {
              std::memcpy(bytes(img) + geo.slot_offset(5), bytes(img) + geo.slot_offset(4), 128);
              std::memcpy(bytes(img) + geo.buffer_offset(5, 0), bytes(img) + geo.buffer_offset(4, 0),
                          geo.buffers * geo.buffer_size);
            }),
            std::set<uint32_t>{15});
  EXPECT_EQ(with([&](auto &img) { bytes(img)[layout::kOffHeaderCopy + layout::kOffSlots] ^= 1; }), std::set<uint32_t>{16});
  EXPECT_EQ(with([&](auto &img) { img.resize(img.size() + 512); }), std::set<uint32_t>{17});
  EXPECT_EQ(with([&](auto &img) { bytes(img)[at(3, 0)] ^= 3; }), std::set<uint32_t>{18});  // LIVE -> TOMBSTONE
  EXPECT_EQ(with([&](auto &img) { bytes(img)[at(3, 0)] ^= 4; }), std::set<uint32_t>{18});  // sel 0 -> 1
  EXPECT_EQ(with([&](auto &img) { bytes(img)[at(3, 1)] ^= 0x10; }), std::set<uint32_t>{18});  // the epoch
  EXPECT_EQ(with([&](auto &img) { bytes(img)[geo.buffer_offset(2, 0) + layout::kMetaSize] ^= 1; }),
            std::set<uint32_t>{19});
  EXPECT_EQ(with([&](auto &img) { bytes(img)[geo.feed_entry_offset(1) + layout::kFeedKey] ^= 1; }),
            std::set<uint32_t>{20});
  EXPECT_EQ(with([&](auto &img) { img[layout::kOffBusEpoch / 8] += 1; }), std::set<uint32_t>{21});
  EXPECT_EQ(with([&](auto &img) { bytes(img)[layout::kOffProbeLimit] = 1; }), std::set<uint32_t>{22});
  splinter_close(w);
}

TEST_P(Validate, CheckByNameNeverModifiesTheBus) {
  splinter_bus *w = create(8, 32);
  ASSERT_EQ(set_str(w, "k", "v"), SPLINTER_OK);
  splinter_close(w);
  splinter_report r{};
  ASSERT_EQ(splinter_check(backing(), name_.c_str(), nullptr, nullptr, &r), SPLINTER_OK);
  EXPECT_EQ(r.findings, 0u);
  EXPECT_EQ(splinter_check(backing(), "no-such-bus-anywhere", nullptr, nullptr, &r), SPLINTER_E_NO_BUS);
}

TEST_P(Validate, RecoveryOfACleanBusChangesNothing) {
  splinter_bus *w = create(8, 32);
  ASSERT_EQ(set_str(w, "k", "v"), SPLINTER_OK);
  splinter_close(w);
  splinter_report r{};
  ASSERT_EQ(splinter_recover(backing(), name_.c_str(), nullptr, nullptr, &r), SPLINTER_OK);
  EXPECT_EQ(r.findings, 0u);
  w = open(SPLINTER_WRITER);
  EXPECT_EQ(get_str(w, "k"), "v");
  EXPECT_EQ(splinter_recover(backing(), name_.c_str(), nullptr, nullptr, &r), SPLINTER_E_BUSY);
  splinter_close(w);
}

SPLINTER_BOTH_BACKINGS(Image);
SPLINTER_BOTH_BACKINGS(Validate);

}  // namespace
}  // namespace splinter::testing
