// spec_test.cpp -- the independent reader of the format (testsupport/spec.h)
// against buses the library writes: it reads them as docs/FORMAT.md says,
// predicts where set puts a key and what unset reclaims, and catches one
// damage per rule of section 4 (its negative controls).
#include "testsupport/files.h"
#include "testsupport/spec.h"

#include <splinter/splinter.h>

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace {

using Image = std::vector<std::uint8_t>;

// A file bus in a private directory, removed at the end.
class SpecTest : public ::testing::Test {
 protected:
  SpecTest() {
    char tmpl[] = "/tmp/splinter-spec-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    path_ = dir_ + "/bus";
  }
  ~SpecTest() override {
    if (bus_) splinter_close(bus_);
    std::filesystem::remove_all(dir_);
  }
  void create(std::uint32_t slots, std::uint32_t max_value, std::uint32_t history = 0, std::uint32_t ring = 0) {
    splinter_options o{};
    o.size = sizeof o;
    o.slots = slots;
    o.max_value_size = max_value;
    o.mode = 0600;
    o.history_depth = history;
    o.change_ring = ring;
    ASSERT_EQ(splinter_create_ex(&bus_, SPLINTER_FILE, path_.c_str(), &o), SPLINTER_OK);
  }
  void set(const std::string &k, const std::string &v) {
    ASSERT_EQ(splinter_set(bus_, k.c_str(), v.data(), v.size(), nullptr), SPLINTER_OK) << k;
    want_[k] = {v, splinter_epoch(bus_)};
    history_[k].insert(history_[k].begin(), {splinter_epoch(bus_), v});
    ops_.push_back({splinter_epoch(bus_), spec::kOpSet, k});
  }
  void unset(const std::string &k) {
    ASSERT_EQ(splinter_unset(bus_, k.c_str(), nullptr), SPLINTER_OK) << k;
    want_.erase(k);
    history_.erase(k);
    ops_.push_back({splinter_epoch(bus_), spec::kOpUnset, k});
  }
  // The bus's bytes now (the writer still open: the mapping is the file).
  Image image() const { return testsupport::slurp_bytes(path_).value_or(Image{}); }
  // The bytes after a clean close.
  Image closed() {
    splinter_close(bus_);
    bus_ = nullptr;
    return image();
  }
  // The sample bus: 8 slots, a history of 2 earlier values, a feed of 4
  // entries that has wrapped; overwrites, a collision chain, a tombstone.
  Image sample() {
    create(8, 16, 2, 4);
    set("a", "v1");
    set("a", "second");
    set("b", "only");
    const auto chain = colliding(8, 1, 3);
    for (const auto &k : chain) set(k, "chain " + k);
    unset(chain[2]);
    set("c", "cc");
    return closed();
  }
  static std::vector<std::string> colliding(std::uint32_t slots, std::uint32_t home, std::size_t n) {
    std::vector<std::string> out;
    for (int i = 0; out.size() < n; ++i)
      if (spec::home_slot("k" + std::to_string(i), slots) == home) out.push_back("k" + std::to_string(i));
    return out;
  }

  std::string dir_, path_;
  splinter_bus *bus_ = nullptr;
  std::map<std::string, std::pair<std::string, std::uint64_t>> want_;
  std::map<std::string, std::vector<std::pair<std::uint64_t, std::string>>> history_;  // newest first
  struct Op {
    std::uint64_t epoch;
    unsigned op;
    std::string key;
  };
  std::vector<Op> ops_;
};

std::vector<spec::Rule> rules_of(const Image &img) {
  std::vector<spec::Rule> out;
  for (const auto &v : spec::violations(img)) out.push_back(v.rule);
  return out;
}

std::uint32_t slot_of(const Image &img, const std::string &key) {
  const spec::Probe p = spec::probe(img, *spec::View(img).geometry(), key);
  EXPECT_TRUE(p.found) << key;
  return p.slot;
}

TEST_F(SpecTest, ReadsABusTheLibraryWroteAsFormatMdSays) {
  const Image img = sample();
  const spec::View im(img);
  const auto g = im.geometry();
  ASSERT_TRUE(g.has_value());
  EXPECT_EQ(g->region_size, img.size());
  EXPECT_TRUE(im.header().magic);
  EXPECT_EQ(im.header().version, spec::kFormatVersion);
  EXPECT_EQ(spec::violations(img).size(), 0u) << spec::violations(img).front().what;
  EXPECT_EQ(spec::closed_header_problem(img), "");
  for (const auto &[k, ve] : want_) {
    const spec::Get r = spec::get(img, *g, k);
    EXPECT_EQ(r.status, SPLINTER_OK) << k;
    EXPECT_EQ(std::string(r.value.begin(), r.value.end()), ve.first) << k;
    EXPECT_EQ(r.epoch, ve.second) << k;
    EXPECT_EQ(spec::key_epoch(img, *g, k), ve.second) << k;
  }
  EXPECT_EQ(spec::get(img, *g, "never set").status, SPLINTER_E_NOT_FOUND);
  EXPECT_EQ(spec::key_epoch(img, *g, "never set"), 0u);
  // Histories (1.4): newest first, at most history_depth earlier values.
  for (const auto &[k, hist] : history_) {
    const spec::History h = spec::history(img, *g, k);
    ASSERT_EQ(h.status, SPLINTER_OK) << k;
    ASSERT_EQ(h.values.size(), std::min<std::size_t>(hist.size(), g->history_depth + 1)) << k;
    for (std::size_t j = 0; j < h.values.size(); ++j) {
      EXPECT_EQ(h.values[j].first, hist[j].first) << k;
      EXPECT_EQ(std::string(h.values[j].second.begin(), h.values[j].second.end()), hist[j].second) << k;
    }
  }
  // The feed (1.5, 2.9): the last change_ring changes, exactly.
  ASSERT_GT(ops_.size(), g->ring) << "the sample's feed has wrapped";
  const std::uint64_t since = ops_.size() - g->ring;
  const spec::Changes c = spec::changes(img, *g, since);
  ASSERT_EQ(c.status, SPLINTER_OK);
  ASSERT_EQ(c.changes.size(), g->ring);
  for (std::size_t j = 0; j < c.changes.size(); ++j) {
    EXPECT_EQ(c.changes[j].epoch, ops_[since + j].epoch);
    EXPECT_EQ(c.changes[j].op, ops_[since + j].op);
    EXPECT_EQ(c.changes[j].key, ops_[since + j].key);
  }
  EXPECT_EQ(spec::changes(img, *g, since - 1).status, SPLINTER_E_COMPACTED);
}

TEST_F(SpecTest, GeometryFollowsTheFormula) {
  const auto one = spec::geometry(1, 0, 0, 1);
  ASSERT_TRUE(one.has_value());
  EXPECT_EQ(one->region_size, 12288u);  // round_up(round_up(8192 + 128 + 80, 64) + 2 * 32, 4096)
  const auto g = spec::geometry(3, 9, 0, 4);
  ASSERT_TRUE(g.has_value());
  EXPECT_EQ(g->buffer_size, 48u);  // round_up(32 + 9, 8)
  EXPECT_EQ(g->feed_offset, 8192u + 3 * 128);
  EXPECT_EQ(g->value_offset, 8896u);  // round_up(8576 + 4 * 80, 64)
  EXPECT_EQ(g->value_off(2, 1), 8896u + (2 * 2 + 1) * 48 + 32);
  const auto h = spec::geometry(2, 8, 3, 1);
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->buffers, 5u);
  EXPECT_EQ(h->buffer_off(1, 4), h->value_offset + 9 * 40);
  EXPECT_FALSE(spec::geometry(0, 8, 0, 1).has_value());
  EXPECT_FALSE(spec::geometry(std::uint64_t{1} << 24, std::uint64_t{1} << 26, 0, 1).has_value());  // above 2^40
  EXPECT_FALSE(spec::geometry(1, (std::uint64_t{1} << 26) + 1, 0, 1).has_value());
  EXPECT_FALSE(spec::geometry(1, 8, 63, 1).has_value());
  EXPECT_FALSE(spec::geometry(1, 8, 0, 3).has_value());
  EXPECT_FALSE(spec::geometry(1, 8, 0, (1u << 24) * 2).has_value());
  EXPECT_EQ(spec::default_ring(1), 1024u);
  EXPECT_EQ(spec::default_ring(1025), 2048u);
  EXPECT_EQ(spec::default_ring(1u << 20), 65536u);
  EXPECT_EQ(spec::home_slot(std::uint64_t{1} << 63, 4), 2u);
  EXPECT_EQ(spec::home_slot(~std::uint64_t{0}, 5), 4u);
}

// Each rule of section 4 broken once in the sample bus: the reader reports it.
TEST_F(SpecTest, EveryRuleCatchesItsDamage) {
  const Image base = sample();
  const spec::Geometry g = *spec::View(base).geometry();
  const auto chain = colliding(8, 1, 2);
  auto put32 = [](Image &im, std::uint64_t off, std::uint32_t v) { spec::put32(im.data(), im.size(), off, v); };
  auto put64 = [](Image &im, std::uint64_t off, std::uint64_t v) { spec::put64(im.data(), im.size(), off, v); };
  auto reseal = [](Image &im) { spec::seal_header(im.data(), im.size()); };
  auto word = [&](Image &im, const std::string &k) { return g.slot_off(slot_of(im, k)); };
  auto current_meta = [&](Image &im, const std::string &k) {
    const std::uint32_t i = slot_of(im, k);
    return g.meta_off(i, spec::word_sel(spec::View(im).word(g, i)));
  };
  auto first_empty_after = [&](const Image &im, std::uint32_t i) {
    std::uint32_t j = (i + 1) % g.slots;
    while (spec::View(im).word(g, j) != 0) j = (j + 1) % g.slots;
    return j;
  };
  // The key "a" was set twice: buffer sel - 1 holds its first value.
  auto previous_value = [&](Image &im, const std::string &k) {
    const std::uint32_t i = slot_of(im, k);
    return g.value_off(i, g.back(spec::word_sel(spec::View(im).word(g, i)), 1));
  };
  const std::vector<std::pair<spec::Rule, std::function<void(Image &)>>> damage = {
      {spec::F1, [](Image &im) { im[0] = 'X', im[spec::hdr::kCopy] = 'X'; }},
      {spec::F2, [&](Image &im) { put32(im, spec::hdr::kVersion, spec::kFormatVersion + 1), reseal(im); }},
      {spec::F3, [&](Image &im) { put64(im, spec::hdr::kReserved, 1), reseal(im); }},
      {spec::F3, [&](Image &im) { put32(im, spec::hdr::kSlotSize, 64), reseal(im); }},
      {spec::F3, [&](Image &im) { put32(im, spec::hdr::kHistoryDepth, 63), reseal(im); }},
      {spec::F3, [&](Image &im) { put32(im, spec::hdr::kChangeRing, 6), reseal(im); }},
      {spec::F4, [&](Image &im) { put32(im, spec::hdr::kSlots, 0), reseal(im); }},
      {spec::F4, [&](Image &im) {
         put32(im, spec::hdr::kSlots, 1u << 24), put32(im, spec::hdr::kMaxValue, 1u << 26), reseal(im);
       }},
      {spec::F5, [&](Image &im) { put64(im, spec::hdr::kRegionSize, im.size() + 4096), reseal(im); }},
      {spec::F5, [](Image &im) { im.resize(im.size() - 4096); }},
      {spec::F6, [&](Image &im) {
         put64(im, spec::hdr::kCheck, spec::View(im).get64(spec::hdr::kCheck) ^ 1);
         put64(im, spec::hdr::kCopy + spec::hdr::kCheck, spec::View(im).get64(spec::hdr::kCopy + spec::hdr::kCheck) ^ 1);
       }},
      {spec::F7, [&](Image &im) { put64(im, word(im, "b"), spec::View(im).get64(word(im, "b")) | 3); }},
      {spec::F8, [&](Image &im) {
         put64(im, g.slot_off(first_empty_after(im, 0)), spec::make_word(spec::kEmpty, 1, 0));
       }},
      {spec::F9, [&](Image &im) { im[word(im, "b") + spec::slotf::kKey + 40] = 'x'; }},
      {spec::F10, [&](Image &im) {
         const auto off = word(im, "b") + spec::slotf::kHash;
         put64(im, off, spec::View(im).get64(off) ^ 1);
       }},
      {spec::F11, [&](Image &im) { put32(im, current_meta(im, "b") + spec::metaf::kLen, g.max_value + 1); }},
      {spec::F11, [&](Image &im) { put32(im, current_meta(im, "b") + spec::metaf::kReserved, 1); }},
      {spec::F23, [&](Image &im) { put64(im, current_meta(im, "b") + spec::metaf::kDeadline, spec::kDeadlineMax + 1); }},
      {spec::F12, [&](Image &im) { put64(im, current_meta(im, "b") + spec::metaf::kDeadline, 1); }},
      {spec::F12, [&](Image &im) {
         const std::uint32_t i = slot_of(im, "b");
         im[g.value_off(i, spec::word_sel(spec::View(im).word(g, i)))] ^= 1;
       }},
      {spec::F13, [&](Image &im) { put64(im, spec::hdr::kBusEpoch, spec::View(im).bus_epoch() - 1); }},
      {spec::F13, [&](Image &im) { put64(im, spec::hdr::kFlushedEpoch, spec::View(im).bus_epoch() + 1); }},
      {spec::F14, [&](Image &im) { put64(im, word(im, chain[0]), 0); }},
      {spec::F15, [&](Image &im) {
         const std::uint32_t i = slot_of(im, "c"), j = first_empty_after(im, i);
         std::copy_n(im.begin() + static_cast<std::ptrdiff_t>(g.slot_off(i)), spec::kSlotSize,
                     im.begin() + static_cast<std::ptrdiff_t>(g.slot_off(j)));
         for (unsigned b = 0; b < g.buffers; ++b)
           std::copy_n(im.begin() + static_cast<std::ptrdiff_t>(g.buffer_off(i, b)), g.buffer_size,
                       im.begin() + static_cast<std::ptrdiff_t>(g.buffer_off(j, b)));
       }},
      {spec::F16, [&](Image &im) { im[spec::hdr::kCopy + spec::hdr::kSlots] ^= 1; }},
      {spec::F16, [&](Image &im) { im[spec::hdr::kMaxValue] ^= 1; }},
      {spec::F17, [](Image &im) { im.resize(im.size() + 4096); }},
      {spec::F18, [&](Image &im) { im[word(im, "b")] ^= 3; }},  // LIVE -> TOMBSTONE
      {spec::F18, [&](Image &im) { im[word(im, "b")] ^= 4; }},  // another sel
      {spec::F19, [&](Image &im) { im[previous_value(im, "a")] ^= 1; }},
      {spec::F20, [&](Image &im) { im[g.feed_off(spec::View(im).bus_epoch() - 1) + spec::feedf::kKey] ^= 1; }},
      {spec::F21, [&](Image &im) { put64(im, spec::hdr::kBusEpoch, spec::View(im).bus_epoch() + 1); }},
      {spec::F22, [&](Image &im) { put32(im, spec::hdr::kProbeLimit, 0); }},
  };
  std::set<spec::Rule> covered;
  for (std::size_t n = 0; n < damage.size(); ++n) {
    const auto &[rule, mutate] = damage[n];
    SCOPED_TRACE("damage " + std::to_string(n) + ", rule F" + std::to_string(rule));
    Image img = base;
    mutate(img);
    const auto got = rules_of(img);
    EXPECT_NE(std::find(got.begin(), got.end(), rule), got.end()) << ::testing::PrintToString(got);
    if (rule <= spec::F6 || rule == spec::F16 || rule == spec::F17) {
      EXPECT_EQ(got, std::vector<spec::Rule>{rule});  // the one header rule broken
    }
    covered.insert(rule);
  }
  EXPECT_EQ(covered.size(), std::size(spec::kRules));
}

// Random sets and unsets on a small table: set puts a new key where the
// probe of 2.2 says, and unset's reclaim (2.3 step 4) leaves exactly the
// slot states spec::reclaimed predicts.
TEST_F(SpecTest, PredictsWhereSetPutsKeysAndWhatUnsetReclaims) {
  for (std::uint32_t slots : {1u, 2u, 5u, 8u}) {
    SCOPED_TRACE("slots " + std::to_string(slots));
    if (bus_) closed();
    std::filesystem::remove(path_);
    want_.clear();
    create(slots, 8);
    std::mt19937 rng(slots);
    for (int step = 0; step < 400; ++step) {
      const std::string k = "key" + std::to_string(rng() % (slots + 3));
      const Image before = image();
      const spec::Geometry g = *spec::View(before).geometry();
      auto state_in = [&](const Image &im) {
        return [&im, &g](std::uint32_t i) { return spec::word_state(spec::View(im).word(g, i)); };
      };
      const spec::Probe p = spec::probe(before, g, k, false);  // the writer's probe
      if (rng() % 3 != 0) {
        std::uint64_t e = 0;
        const int rc = splinter_set(bus_, k.c_str(), "v", 1, &e);
        if (!p.found && want_.size() == slots) {
          ASSERT_EQ(rc, SPLINTER_E_FULL);
          continue;
        }
        ASSERT_EQ(rc, SPLINTER_OK);
        want_[k] = {"v", e};
        ASSERT_EQ(slot_of(image(), k), p.found ? p.slot : p.free) << "step " << step << " set " << k;
      } else if (p.found) {
        std::vector<unsigned> expect(slots);
        for (std::uint32_t i = 0; i < slots; ++i) expect[i] = state_in(before)(i);
        expect[p.slot] = spec::kTombstone;
        const auto home = [&](std::uint32_t i) { return spec::home_slot(spec::View(before).slot(g, i).key_hash, slots); };
        for (std::uint32_t r : spec::reclaimed(slots, p.slot, [&](std::uint32_t i) { return expect[i]; }, home))
          expect[r] = spec::kEmpty;
        unset(k);
        const Image after = image();
        for (std::uint32_t i = 0; i < slots; ++i)
          ASSERT_EQ(state_in(after)(i), expect[i]) << "step " << step << " unset " << k << ", slot " << i;
      }
    }
  }
}

}  // namespace
