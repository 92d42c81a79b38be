// spec.cpp -- see spec.h. Written from docs/FORMAT.md; includes nothing from src/.
#include "testsupport/spec.h"

#include <xxhash.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <map>

namespace spec {

// ---- Hashes and geometry (section 1) ----

std::uint64_t key_hash(const void *key, std::size_t len) { return XXH3_64bits(key, len); }

std::uint32_t home_slot(std::uint64_t key_hash, std::uint32_t slots) {
  __extension__ using u128 = unsigned __int128;
  return static_cast<std::uint32_t>((u128{key_hash} * slots) >> 64);
}

std::uint64_t value_check(const void *value, std::size_t len, std::uint64_t key_hash, std::uint64_t epoch,
                          std::uint64_t deadline) {
  const std::uint64_t rot = (deadline << 32) | (deadline >> 32);
  return XXH3_64bits_withSeed(value, len, key_hash ^ epoch ^ rot);
}

std::uint64_t header_check(const void *header) { return XXH3_64bits_withSeed(header, hdr::kChecked, 0); }

std::optional<Geometry> geometry(std::uint64_t slots, std::uint64_t max_value, std::uint64_t history_depth,
                                 std::uint64_t ring) {
  if (slots < 1 || slots > kMaxSlots || max_value > kMaxValueSize) return std::nullopt;
  if (history_depth > kMaxHistory || ring < 1 || ring > kMaxRing || (ring & (ring - 1)) != 0) return std::nullopt;
  Geometry g;
  g.slots = static_cast<std::uint32_t>(slots);
  g.max_value = static_cast<std::uint32_t>(max_value);
  g.history_depth = static_cast<std::uint32_t>(history_depth);
  g.ring = static_cast<std::uint32_t>(ring);
  g.buffers = g.history_depth + 2;
  g.buffer_size = (kMetaSize + max_value + 7) / 8 * 8;
  g.feed_offset = kSlotTable + slots * kSlotSize;
  g.value_offset = (g.feed_offset + ring * kFeedEntry + 63) / 64 * 64;
  g.region_size = (g.value_offset + slots * g.buffers * g.buffer_size + kPage - 1) / kPage * kPage;
  if (g.region_size > kMaxRegion) return std::nullopt;
  return g;
}

std::uint32_t default_ring(std::uint32_t slots) {
  std::uint32_t p = 1;
  while (p < slots) p *= 2;
  return std::clamp<std::uint32_t>(p, 1024, 65536);
}

// ---- Reading ----

std::uint32_t View::get32(std::uint64_t off) const {
  std::uint32_t v = 0;
  if (has(off, 4)) std::memcpy(&v, p_ + off, 4);
  return v;
}

std::uint64_t View::get64(std::uint64_t off) const {
  std::uint64_t v = 0;
  if (has(off, 8)) std::memcpy(&v, p_ + off, 8);
  return v;
}

Header View::header(std::size_t base) const {
  Header h;
  h.magic = has(base + hdr::kMagic, kMagic.size()) &&
            std::memcmp(p_ + base + hdr::kMagic, kMagic.data(), kMagic.size()) == 0;
  h.version = get32(base + hdr::kVersion);
  h.slot_size = get32(base + hdr::kSlotSize);
  h.slots = get32(base + hdr::kSlots);
  h.max_value = get32(base + hdr::kMaxValue);
  h.history_depth = get32(base + hdr::kHistoryDepth);
  h.ring = get32(base + hdr::kChangeRing);
  h.region_size = get64(base + hdr::kRegionSize);
  h.reserved = get64(base + hdr::kReserved);
  h.check = get64(base + hdr::kCheck);
  h.reserved2 = get64(base + hdr::kReserved2);
  h.bus_epoch = get64(hdr::kBusEpoch);
  h.writer_pid = get32(hdr::kWriterPid);
  h.flushed_epoch = get64(hdr::kFlushedEpoch);
  h.probe_limit = get32(hdr::kProbeLimit);
  return h;
}

namespace {
bool header_intact(View im, std::size_t base) {
  // Intact: the check matches bytes 0..47 and the reserved word at 56, which
  // the check does not cover, is zero (FORMAT.md F6, F16).
  return im.has(base, hdr::kFixedEnd) && im.get64(base + hdr::kCheck) == header_check(im.data() + base) &&
         im.get64(base + hdr::kReserved2) == 0;
}
}  // namespace

std::size_t View::chosen_header() const {
  if (header_intact(*this, 0)) return 0;
  if (header_intact(*this, hdr::kCopy)) return hdr::kCopy;
  return 0;
}

std::optional<Geometry> View::geometry() const {
  const Header h = header(chosen_header());
  return spec::geometry(h.slots, h.max_value, h.history_depth, h.ring);
}

Meta View::meta(const Geometry &g, std::uint32_t i, unsigned b) const {
  const std::uint64_t m = g.meta_off(i, b);
  return {get32(m + metaf::kLen), get32(m + metaf::kReserved), get64(m + metaf::kEpoch), get64(m + metaf::kCheck),
          get64(m + metaf::kDeadline)};
}

Slot View::slot(const Geometry &g, std::uint32_t i) const {
  Slot s;
  s.index = i;
  const std::uint64_t off = g.slot_off(i);
  s.word = get64(off + slotf::kWord);
  s.key_hash = get64(off + slotf::kHash);
  for (std::size_t k = 0; k < slotf::kKeyBytes; ++k)
    s.key_bytes[k] = has(off + slotf::kKey + k, 1) ? p_[off + slotf::kKey + k] : 0;
  for (unsigned b = 0; b < g.buffers; ++b) s.meta.push_back(meta(g, i, b));
  return s;
}

Entry View::entry(const Geometry &g, std::uint64_t epoch) const {
  Entry e;
  const std::uint64_t off = g.feed_off(epoch);
  e.word = get64(off + feedf::kWord);
  e.check = get64(off + feedf::kCheck);
  for (std::size_t k = 0; k < slotf::kKeyBytes; ++k)
    e.key_bytes[k] = has(off + feedf::kKey + k, 1) ? p_[off + feedf::kKey + k] : 0;
  return e;
}

namespace {
template <class Bytes>
std::size_t key_len(const Bytes &b) {
  return static_cast<std::size_t>(std::find(b.begin(), b.end(), 0) - b.begin());
}
template <class Bytes>
std::optional<std::string> well_formed_key(const Bytes &b) {
  const std::size_t n = key_len(b);
  if (n < 1 || n > kKeyMax) return std::nullopt;
  if (std::any_of(b.begin() + static_cast<std::ptrdiff_t>(n), b.end(), [](std::uint8_t c) { return c != 0; }))
    return std::nullopt;
  return std::string(reinterpret_cast<const char *>(b.data()), n);
}
}  // namespace

std::optional<std::string> Slot::key() const { return well_formed_key(key_bytes); }

std::string Slot::key_prefix() const {
  return std::string(reinterpret_cast<const char *>(key_bytes.data()), key_len(key_bytes));
}

std::string Entry::key_prefix() const {
  return std::string(reinterpret_cast<const char *>(key_bytes.data()), key_len(key_bytes));
}

bool Slot::holds_key(std::string_view key) const {
  std::array<std::uint8_t, slotf::kKeyBytes> padded{};
  std::memcpy(padded.data(), key.data(), std::min(key.size(), kKeyMax));
  return padded == key_bytes;
}

bool put32(std::uint8_t *img, std::size_t size, std::uint64_t off, std::uint32_t v) {
  if (off > size || size - off < 4) return false;
  std::memcpy(img + off, &v, 4);
  return true;
}

bool put64(std::uint8_t *img, std::size_t size, std::uint64_t off, std::uint64_t v) {
  if (off > size || size - off < 8) return false;
  std::memcpy(img + off, &v, 8);
  return true;
}

void seal_header(std::uint8_t *img, std::size_t size) {
  if (size < hdr::kCheck + 8) return;
  put64(img, size, hdr::kCheck, header_check(img));
  if (size >= hdr::kCopyEnd) std::memcpy(img + hdr::kCopy, img, hdr::kFixedEnd);
}

void seal_slot(std::uint8_t *img, std::size_t size, const Geometry &g, std::uint32_t i) {
  const View im(img, size);
  const std::uint64_t s = g.slot_off(i);
  if (!im.has(s, kSlotSize)) return;
  std::uint64_t w = im.get64(s + slotf::kWord);
  if (word_state(w) != kLive) return;
  const auto *key = img + s + slotf::kKey;
  const std::size_t klen = static_cast<std::size_t>(std::find(key, key + kKeyMax, 0) - key);
  const std::uint64_t h = key_hash(key, klen);
  put64(img, size, s + slotf::kHash, h);
  const unsigned a = word_sel(w) % g.buffers;
  w = make_word(kLive, a, word_epoch(w));
  put64(img, size, s + slotf::kWord, w);
  const std::uint64_t m = g.meta_off(i, a);
  std::uint32_t len = std::min(im.get32(m + metaf::kLen), g.max_value);
  const std::uint64_t v = g.value_off(i, a);
  if (!im.has(v, len)) len = 0;
  const std::uint64_t e = word_epoch(w);
  put32(img, size, m + metaf::kLen, len);
  put32(img, size, m + metaf::kReserved, 0);
  put64(img, size, m + metaf::kEpoch, e);
  put64(img, size, m + metaf::kDeadline, 0);
  put64(img, size, m + metaf::kCheck, im.has(v, len) ? value_check(img + v, len, h, e) : 0);
}

void put_entry(std::uint8_t *img, std::size_t size, const Geometry &g, std::uint64_t e, unsigned op,
               std::string_view key) {
  const std::uint64_t off = g.feed_off(e);
  std::array<std::uint8_t, slotf::kKeyBytes> padded{};
  std::memcpy(padded.data(), key.data(), std::min(key.size(), kKeyMax));
  const std::uint64_t w = make_feed_word(op, e);
  if (!put64(img, size, off + feedf::kWord, w)) return;
  put64(img, size, off + feedf::kCheck, feed_check(key_hash(key.data(), std::min(key.size(), kKeyMax)), w));
  if (off + feedf::kKey + slotf::kKeyBytes <= size) std::memcpy(img + off + feedf::kKey, padded.data(), padded.size());
}

// ---- Protocols (section 2) ----

Probe probe(std::uint32_t n, std::uint32_t home, const std::function<unsigned(std::uint32_t)> &state,
            const std::function<bool(std::uint32_t)> &live_match, std::uint32_t limit) {
  Probe p;
  std::uint32_t i = home;
  for (std::uint32_t step = 0; step < n && step < limit; ++step, i = i + 1 == n ? 0 : i + 1) {
    const unsigned st = state(i);
    if (st == kLive) {
      if (live_match(i)) {
        p.found = true;
        p.slot = i;
        return p;
      }
      continue;
    }
    if ((st == kTombstone || st == kEmpty) && !p.has_free) {
      p.has_free = true;
      p.free = i;
    }
    if (st == kEmpty) break;
  }
  return p;
}

Probe probe(View im, const Geometry &g, std::string_view key, bool bounded) {
  const std::uint64_t h = key_hash(key);
  return probe(
      g.slots, home_slot(h, g.slots), [&](std::uint32_t i) { return word_state(im.word(g, i)); },
      [&](std::uint32_t i) {
        const Slot s = im.slot(g, i);
        return s.key_hash == h && s.holds_key(key);
      },
      bounded ? im.header().probe_limit : ~0u);
}

std::vector<std::uint32_t> reclaimed(std::uint32_t n, std::uint32_t s,
                                     const std::function<unsigned(std::uint32_t)> &state,
                                     const std::function<std::uint32_t(std::uint32_t)> &home) {
  bool any_empty = false;
  for (std::uint32_t i = 0; i < n && !any_empty; ++i) any_empty = state(i) == kEmpty;
  if (!any_empty) {
    // Only the slot just removed, against every live key's path [home, slot].
    for (std::uint32_t i = 0; i < n; ++i) {
      if (state(i) != kLive) continue;
      const std::uint32_t h = home(i);
      if ((s + n - h) % n <= (i + n - h) % n) return {};
    }
    return {s};
  }
  // The cluster around s, walked backwards from its last slot; m is the
  // smallest home offset (from the cluster's first slot) of a live slot seen.
  std::uint32_t first = s, last = s;
  while (state((first + n - 1) % n) != kEmpty) first = (first + n - 1) % n;
  while (state((last + 1) % n) != kEmpty) last = (last + 1) % n;
  const std::uint32_t len = (last + n - first) % n + 1;
  std::uint32_t m = n;
  std::vector<std::uint32_t> out;
  for (std::uint32_t o = len; o-- > 0;) {
    const std::uint32_t x = (first + o) % n;
    if (state(x) == kLive) m = std::min(m, (home(x) + n - first) % n);
    else if (state(x) == kTombstone && m > o) out.push_back(x);
  }
  return out;
}

namespace {
// F11's shape (len, reserved) and F23 (the deadline's range).
bool meta_shape11(const Meta &m, const Geometry &g) { return m.len <= g.max_value && m.reserved == 0; }
bool meta_shape(const Meta &m, const Geometry &g) { return meta_shape11(m, g) && m.deadline <= kDeadlineMax; }

// Buffer b of slot i holds an intact value of the key whose hash is h:
// meta shape (F11), epoch >= 1, and its check (F12).
bool buffer_intact(View im, const Geometry &g, std::uint32_t i, unsigned b, std::uint64_t h) {
  const Meta m = im.meta(g, i, b);
  if (!meta_shape(m, g) || m.epoch < 1) return false;
  const std::uint8_t *v = im.value(g, i, b, m.len);
  return v != nullptr && m.check == value_check(v, m.len, h, m.epoch, m.deadline);
}
}  // namespace

bool meta_matches(const Slot &s, const Geometry &g) {
  if (s.sel() >= g.buffers) return false;
  const Meta m = s.current_meta();
  return meta_shape(m, g) && m.epoch == s.epoch();
}

Get get(View im, const Geometry &g, std::string_view key, std::uint64_t now_ms) {
  Get r;
  const Probe p = probe(im, g, key);
  if (!p.found) return r;
  r.slot = p.slot;
  const Slot s = im.slot(g, p.slot);
  const Meta m = s.current_meta();
  const std::uint8_t *v = meta_matches(s, g) ? im.value(g, p.slot, s.sel(), m.len) : nullptr;
  if (v == nullptr || m.check != value_check(v, m.len, key_hash(key), m.epoch, m.deadline)) {
    r.status = SPLINTER_E_CORRUPT;
    return r;
  }
  if (expired(m.deadline, now_ms)) return r;  // 2.4 step 8: absent
  r.status = SPLINTER_OK;
  r.value.assign(v, v + m.len);
  r.epoch = m.epoch;
  return r;
}

std::uint64_t key_epoch(View im, const Geometry &g, std::string_view key, std::uint64_t now_ms) {
  const Probe p = probe(im, g, key);
  if (!p.found) return 0;
  const Slot s = im.slot(g, p.slot);
  const std::uint64_t d = s.sel() < g.buffers ? s.current_meta().deadline : 0;
  return d <= kDeadlineMax && expired(d, now_ms) ? 0 : word_epoch(s.word);
}

History history(View im, const Geometry &g, std::string_view key, std::uint64_t now_ms) {
  History out;
  const Get cur = get(im, g, key, now_ms);
  out.status = cur.status;
  if (cur.status != SPLINTER_OK) return out;
  out.values.emplace_back(cur.epoch, cur.value);
  const std::uint32_t i = static_cast<std::uint32_t>(cur.slot);
  const unsigned a = word_sel(im.word(g, i));
  const std::uint64_t h = key_hash(key);
  std::uint64_t newer = cur.epoch;
  for (unsigned j = 1; j <= g.history_depth; ++j) {
    const unsigned b = g.back(a, j);
    const Meta m = im.meta(g, i, b);
    if (m.zero()) break;
    if (!buffer_intact(im, g, i, b, h) || m.epoch >= newer) {
      out.status = SPLINTER_E_CORRUPT;
      break;
    }
    const std::uint8_t *v = im.value(g, i, b, m.len);
    out.values.emplace_back(m.epoch, std::vector<std::uint8_t>(v, v + m.len));
    newer = m.epoch;
  }
  return out;
}

Changes changes(View im, const Geometry &g, std::uint64_t since) {
  Changes out;
  const std::uint64_t bus = im.bus_epoch();
  const std::uint64_t oldest = bus >= g.ring ? bus - g.ring + 1 : 1;
  if (since > bus || (since < bus && since + 1 < oldest)) {
    out.status = SPLINTER_E_COMPACTED;
    return out;
  }
  for (std::uint64_t e = since + 1; e <= bus; ++e) {
    const Entry en = im.entry(g, e);
    if (en.epoch() != e || en.op() == kOpNone) {
      out.status = SPLINTER_E_COMPACTED;
      return out;
    }
    const auto key = well_formed_key(en.key_bytes);
    if ((en.word & 0xF8) != 0 || en.op() > kOpExpire || !key || en.check != feed_check(key_hash(*key), en.word)) {
      out.status = SPLINTER_E_CORRUPT;
      return out;
    }
    out.changes.push_back({e, en.op(), *key});
  }
  return out;
}

// ---- Rules (section 4) ----

namespace {

// F20's shape of a non-zero entry at index j: intact (op 1..3) or removed (op 0).
bool entry_ok(const Entry &e, const Geometry &g, std::uint64_t j) {
  if ((e.word & 0xF8) != 0 || e.epoch() < 1 || e.epoch() % g.ring != j) return false;
  if (e.op() > kOpExpire) return false;
  if (e.op() == kOpNone)
    return e.check == 0 && std::all_of(e.key_bytes.begin(), e.key_bytes.end(), [](std::uint8_t c) { return c == 0; });
  const auto key = well_formed_key(e.key_bytes);
  return key && e.check == feed_check(key_hash(*key), e.word);
}

// The newest intact entry of the feed naming `key`, as (epoch, op); (0, 0) if none.
std::pair<std::uint64_t, unsigned> latest_entry(View im, const Geometry &g, const std::string &key) {
  std::pair<std::uint64_t, unsigned> best{0, 0};
  for (std::uint64_t j = 0; j < g.ring; ++j) {
    const Entry e = im.entry(g, j);
    if (e.word == 0 || e.op() == kOpNone || !entry_ok(e, g, j) || e.key_prefix() != key) continue;
    if (e.epoch() > best.first) best = {e.epoch(), e.op()};
  }
  return best;
}

}  // namespace

bool header_rule_holds(View im, Rule r) {
  const std::size_t base = im.chosen_header();
  const Header h = im.header(base);
  switch (r) {
    case F1:
      return h.magic;
    case F2:
      return h.version == kFormatVersion;
    case F3:
      return h.slot_size == kSlotSize && h.reserved == 0 && h.reserved2 == 0 && h.history_depth <= kMaxHistory &&
             h.ring >= 1 && h.ring <= kMaxRing && std::has_single_bit(h.ring);
    case F4:
      return h.slots >= 1 && h.slots <= kMaxSlots && h.max_value <= kMaxValueSize &&
             (!header_rule_holds(im, F3) || im.geometry().has_value());
    case F5: {
      const auto g = im.geometry();
      if (!g) return true;  // no formula to compare with (F3 or F4 reports it)
      return h.region_size == g->region_size && im.size() >= g->region_size;
    }
    case F6:
      return header_intact(im, 0) || header_intact(im, hdr::kCopy);
    case F16:
      return header_intact(im, 0) && header_intact(im, hdr::kCopy) &&
             std::memcmp(im.data(), im.data() + hdr::kCopy, hdr::kFixedEnd) == 0;
    case F17: {
      const auto g = im.geometry();
      return !g || im.size() <= g->region_size;
    }
    default:
      return true;
  }
}

bool slot_rule_holds(View im, const Geometry &g, const Slot &s, Rule r) {
  const bool live = s.state() == kLive;
  const std::string k = s.key_prefix();
  const bool key_ok = s.key().has_value() && s.key_hash == key_hash(k.data(), k.size());
  switch (r) {
    case F7:
      return s.state() != kInvalid &&
             (s.state() != kTombstone || s.sel() == kOpNone || s.sel() == kOpUnset || s.sel() == kOpExpire);
    case F8:
      return s.state() != kEmpty || s.word == 0;
    case F9:
      return !live || s.key().has_value();
    case F10:
      return !live || s.key_hash == key_hash(k.data(), std::min(k.size(), kKeyMax));
    case F11:
      return !live || (s.sel() < g.buffers && meta_shape11(s.current_meta(), g) &&
                       s.current_meta().epoch == s.epoch() && s.epoch() >= 1);
    case F23:
      return !live || s.sel() >= g.buffers || s.current_meta().deadline <= kDeadlineMax;
    case F12: {
      if (!live) return true;
      if (s.sel() >= g.buffers) return false;
      const Meta m = s.current_meta();
      const std::uint8_t *v = m.len <= g.max_value ? im.value(g, s.index, s.sel(), m.len) : nullptr;
      return v != nullptr && m.check == value_check(v, m.len, s.key_hash, m.epoch, m.deadline);
    }
    case F18: {
      if (!key_ok || s.word == 0) return true;
      auto intact_at = [&](unsigned b, std::uint64_t e) {
        return s.meta[b].epoch == e && buffer_intact(im, g, s.index, b, s.key_hash);
      };
      if (!live) {
        // A word that is not LIVE but whose epoch names an intact value of its
        // key is a LIVE word with a damaged state byte -- unless the feed shows
        // the key removed after that value.
        const auto [le, lop] = latest_entry(im, g, k);
        if (s.epoch() < 1 || (le > s.epoch() && lop != kOpSet)) return true;
        for (unsigned b = 0; b < g.buffers; ++b)
          if (intact_at(b, s.epoch())) return false;
        return true;
      }
      if (s.epoch() >= 1 && s.sel() < g.buffers && intact_at(s.sel(), s.epoch())) return true;
      // sel damaged: another buffer holds the word's epoch.
      for (unsigned b = 0; b < g.buffers; ++b)
        if (b != s.sel() && s.epoch() >= 1 && intact_at(b, s.epoch())) return false;
      // The epoch damaged: sel names the key's newest intact value, of another
      // epoch, newer than the last flush or the key's last change in the feed.
      if (s.sel() >= g.buffers || !buffer_intact(im, g, s.index, s.sel(), s.key_hash)) return true;
      const std::uint64_t ea = s.meta[s.sel()].epoch;
      for (unsigned b = 0; b < g.buffers; ++b)
        if (b != s.sel() && buffer_intact(im, g, s.index, b, s.key_hash) && s.meta[b].epoch >= ea) return true;
      const auto [le, lop] = latest_entry(im, g, k);
      return !(ea > im.header().flushed_epoch || (le == ea && lop == kOpSet));
    }
    case F19: {
      if (!live || !meta_matches(s, g)) return true;
      std::uint64_t newer = s.epoch();
      for (unsigned j = 1; j <= g.history_depth; ++j) {
        const unsigned b = g.back(s.sel(), j);
        if (s.meta[b].zero()) {
          for (unsigned j2 = j + 1; j2 <= g.history_depth; ++j2)
            if (!s.meta[g.back(s.sel(), j2)].zero()) return false;
          return true;
        }
        if (!buffer_intact(im, g, s.index, b, s.key_hash) || s.meta[b].epoch >= newer) return false;
        newer = s.meta[b].epoch;
      }
      return true;
    }
    default:
      return true;
  }
}

namespace {
const char *rule_text(Rule r) {
  switch (r) {
    case F1: return "magic is not SPLINTER";
    case F2: return "format_version is not the current one";
    case F3: return "slot_size is not 128, a reserved header word is not zero, history_depth above 62 or change_ring not a power of two in 1..2^24";
    case F4: return "slots or max_value_size out of range, or the region would exceed 2^40";
    case F5: return "region_size breaks the formula, or the object is shorter than it";
    case F6: return "neither header_check (of bytes 0..47, nor the copy's) matches";
    case F7: return "slot state 3, or a TOMBSTONE whose sel is not 0, 2 or 3";
    case F8: return "EMPTY slot with a non-zero word";
    case F9: return "LIVE key is not 1..63 non-NUL bytes followed by NULs";
    case F10: return "key_hash is not the XXH3-64 of the key";
    case F11: return "current meta: sel names no buffer, len above max_value_size, reserved not 0, epoch not the word's, or epoch 0";
    case F12: return "value check is not XXH3-64(value, seed = key_hash ^ epoch ^ rotl(deadline, 32))";
    case F13: return "epoch above bus_epoch";
    case F14: return "an EMPTY slot lies between the key's home slot and its slot";
    case F15: return "a second LIVE slot holds the same key";
    case F16: return "the header copy at 2048 is damaged or differs from bytes 0..63, or the primary is damaged";
    case F17: return "the object is larger than region_size";
    case F18: return "the slot word disagrees with its buffers (a damaged state, sel or epoch)";
    case F19: return "a history entry is damaged, not older than the newer one, or follows the history's end";
    case F20: return "a feed entry is damaged";
    case F21: return "bus_epoch is not backed by the feed";
    case F22: return "probe_limit exceeds slots or is not beyond every live key's distance from home";
    case F23: return "the current value's deadline is above 2^48 - 1";
  }
  return "?";
}
}  // namespace

std::vector<Violation> violations(View im) {
  std::vector<Violation> out;
  auto add = [&](Rule r, std::int64_t slot) {
    out.push_back({r, slot, (slot < 0 ? std::string("region") : "slot " + std::to_string(slot)) + ": F" +
                                std::to_string(r) + ": " + rule_text(r)});
  };
  // Not a bus (F1), or one of another version (F2): nothing else can be read.
  for (Rule r : {F1, F2}) {
    if (header_rule_holds(im, r)) continue;
    add(r, -1);
    return out;
  }
  for (Rule r : {F3, F4, F5, F6})
    if (!header_rule_holds(im, r)) add(r, -1);
  if (!out.empty()) return out;
  for (Rule r : {F16, F17})
    if (!header_rule_holds(im, r)) add(r, -1);
  const Geometry g = *im.geometry();
  const Header h = im.header();
  std::vector<Slot> slots;
  std::vector<bool> sound(g.slots, false);  // LIVE and keeps F9-F12
  for (std::uint32_t i = 0; i < g.slots; ++i) {
    slots.push_back(im.slot(g, i));
    const Slot &s = slots.back();
    for (Rule r : {F7, F8, F18})
      if (!slot_rule_holds(im, g, s, r)) add(r, i);
    if (s.state() != kLive) continue;
    // F9-F12 build on each other: the first one broken is reported.
    sound[i] = true;
    for (Rule r : {F9, F10, F11, F23, F12}) {
      if (slot_rule_holds(im, g, s, r)) continue;
      add(r, i);
      sound[i] = false;
      break;
    }
    if (sound[i] && !slot_rule_holds(im, g, s, F19)) add(F19, i);
  }
  // The feed (F20), the bus epoch (F13, F21).
  bool any_entry = false;
  for (std::uint64_t j = 0; j < g.ring; ++j) {
    const Entry e = im.entry(g, j);
    if (e.word == 0) continue;
    any_entry = true;
    if (!entry_ok(e, g, j)) add(F20, -1);
    else if (e.epoch() > h.bus_epoch) add(F13, -1);
  }
  if (h.flushed_epoch > h.bus_epoch) add(F13, -1);
  for (const Slot &s : slots)
    if ((s.state() == kLive || s.state() == kTombstone) && s.epoch() > h.bus_epoch) add(F13, s.index);
  if (h.bus_epoch == 0 ? any_entry : [&] {
        const Entry e = im.entry(g, h.bus_epoch);
        return e.word == 0 || (entry_ok(e, g, h.bus_epoch % g.ring) && e.epoch() != h.bus_epoch);
      }())
    add(F21, -1);
  for (const Slot &s : slots) {
    if (!sound[s.index]) continue;
    for (std::uint32_t j = home_slot(s.key_hash, g.slots); j != s.index; j = (j + 1) % g.slots) {
      if (slots[j].state() != kEmpty) continue;
      add(F14, s.index);
      break;
    }
  }
  std::map<std::string, std::uint32_t> seen;
  for (const Slot &s : slots) {
    if (!sound[s.index]) continue;
    const auto [it, fresh] = seen.emplace(*s.key(), s.index);
    if (fresh) continue;
    const bool older_here = s.epoch() <= slots[it->second].epoch();
    add(F15, older_here ? s.index : it->second);  // the stale copy (FORMAT.md section 4)
    if (!older_here) it->second = s.index;
  }
  // F22: lookups stop after probe_limit slots.
  std::uint32_t need = 0;
  for (const Slot &s : slots)
    if (sound[s.index]) need = std::max(need, (s.index + g.slots - home_slot(s.key_hash, g.slots)) % g.slots + 1);
  if (h.probe_limit > g.slots || h.probe_limit < need) add(F22, -1);
  return out;
}

std::string closed_header_problem(View im) {
  const Header h = im.header();
  if (!im.has(0, kPage)) return "the header page is incomplete";
  if (h.writer_pid != 0) return "writer_pid is " + std::to_string(h.writer_pid) + ", not 0 after a clean close";
  for (std::size_t off = hdr::kFixedEnd; off < kPage; ++off) {
    if (off == hdr::kBusEpoch || off == hdr::kFlushedEpoch) off += 8;
    if (off == hdr::kWriterPid || off == hdr::kProbeLimit) off += 4;
    if (off == hdr::kCopy) off += hdr::kFixedEnd;
    if (im.data()[off] != 0) return "header byte " + std::to_string(off) + " is not zero";
  }
  if (std::memcmp(im.data(), im.data() + hdr::kCopy, hdr::kFixedEnd) != 0)
    return "the header copy at 2048 differs from bytes 0..63";
  return "";
}

}  // namespace spec
