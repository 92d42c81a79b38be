// spec.cpp -- see spec.h. Written from docs/FORMAT.md; includes nothing from src/.
#include "testsupport/spec.h"

#include <xxhash.h>

#include <algorithm>
#include <cstring>
#include <map>

namespace spec {

// ---- Hashes and geometry (section 1) ----

std::uint64_t key_hash(const void *key, std::size_t len) { return XXH3_64bits(key, len); }

std::uint32_t home_slot(std::uint64_t key_hash, std::uint32_t slots) {
  __extension__ using u128 = unsigned __int128;
  return static_cast<std::uint32_t>((u128{key_hash} * slots) >> 64);
}

std::uint64_t value_check(const void *value, std::size_t len, std::uint64_t key_hash, std::uint64_t epoch) {
  return XXH3_64bits_withSeed(value, len, key_hash ^ epoch);
}

std::uint64_t header_check(const void *header) { return XXH3_64bits_withSeed(header, hdr::kChecked, 0); }

std::optional<Geometry> geometry(std::uint64_t slots, std::uint64_t max_value) {
  if (slots < 1 || slots > kMaxSlots || max_value > kMaxValueSize) return std::nullopt;
  Geometry g;
  g.slots = static_cast<std::uint32_t>(slots);
  g.max_value = static_cast<std::uint32_t>(max_value);
  g.stride = (max_value + 7) / 8 * 8;
  g.value_offset = kSlotTable + slots * kSlotSize;
  g.region_size = (g.value_offset + 2 * slots * g.stride + kPage - 1) / kPage * kPage;
  if (g.region_size > kMaxRegion) return std::nullopt;
  return g;
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

Header View::header() const {
  Header h;
  h.magic = has(hdr::kMagic, kMagic.size()) && std::memcmp(p_ + hdr::kMagic, kMagic.data(), kMagic.size()) == 0;
  h.version = get32(hdr::kVersion);
  h.slot_size = get32(hdr::kSlotSize);
  h.slots = get32(hdr::kSlots);
  h.max_value = get32(hdr::kMaxValue);
  h.flags = get32(hdr::kFlags);
  h.reserved = get32(hdr::kReserved);
  h.region_size = get64(hdr::kRegionSize);
  h.check = get64(hdr::kCheck);
  h.bus_epoch = get64(hdr::kBusEpoch);
  h.writer_pid = get32(hdr::kWriterPid);
  h.flushed_epoch = get64(hdr::kFlushedEpoch);
  return h;
}

std::optional<Geometry> View::geometry() const { return spec::geometry(get32(hdr::kSlots), get32(hdr::kMaxValue)); }

Slot View::slot(const Geometry &g, std::uint32_t i) const {
  Slot s;
  s.index = i;
  const std::uint64_t off = g.slot_off(i);
  s.word = get64(off + slotf::kWord);
  s.key_hash = get64(off + slotf::kHash);
  for (std::size_t k = 0; k < slotf::kKeyBytes; ++k)
    s.key_bytes[k] = has(off + slotf::kKey + k, 1) ? p_[off + slotf::kKey + k] : 0;
  for (unsigned b = 0; b < 2; ++b) {
    const std::uint64_t m = g.meta_off(i, b);
    s.meta[b] = {get32(m + metaf::kLen), get32(m + metaf::kReserved), get64(m + metaf::kEpoch), get64(m + metaf::kCheck)};
  }
  return s;
}

namespace {
std::size_t key_len(const Slot &s) {
  return static_cast<std::size_t>(std::find(s.key_bytes.begin(), s.key_bytes.end(), 0) - s.key_bytes.begin());
}
}  // namespace

std::optional<std::string> Slot::key() const {
  const std::size_t n = key_len(*this);
  if (n < 1 || n > kKeyMax) return std::nullopt;
  if (std::any_of(key_bytes.begin() + static_cast<std::ptrdiff_t>(n), key_bytes.end(), [](std::uint8_t c) { return c != 0; }))
    return std::nullopt;
  return key_prefix();
}

std::string Slot::key_prefix() const { return std::string(reinterpret_cast<const char *>(key_bytes.data()), key_len(*this)); }

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
  if (size >= hdr::kCheck + 8) put64(img, size, hdr::kCheck, header_check(img));
}

void seal_slot(std::uint8_t *img, std::size_t size, const Geometry &g, std::uint32_t i) {
  const View im(img, size);
  const std::uint64_t s = g.slot_off(i);
  if (!im.has(s, kSlotSize)) return;
  const std::uint64_t w = im.get64(s + slotf::kWord);
  if (word_state(w) != kLive) return;
  const auto *key = img + s + slotf::kKey;
  const std::size_t klen = static_cast<std::size_t>(std::find(key, key + kKeyMax, 0) - key);
  const std::uint64_t h = key_hash(key, klen);
  put64(img, size, s + slotf::kHash, h);
  const unsigned a = word_active(w);
  const std::uint64_t m = g.meta_off(i, a);
  std::uint32_t len = std::min(im.get32(m + metaf::kLen), g.max_value);
  const std::uint64_t v = g.value_off(i, a);
  if (!im.has(v, len)) len = 0;
  const std::uint64_t e = word_epoch(w);
  put32(img, size, m + metaf::kLen, len);
  put32(img, size, m + metaf::kReserved, 0);
  put64(img, size, m + metaf::kEpoch, e);
  put64(img, size, m + metaf::kCheck, value_check(img + v, len, h, e));
}

// ---- Protocols (section 2) ----

Probe probe(std::uint32_t n, std::uint32_t home, const std::function<unsigned(std::uint32_t)> &state,
            const std::function<bool(std::uint32_t)> &live_match) {
  Probe p;
  std::uint32_t i = home;
  for (std::uint32_t step = 0; step < n; ++step, i = i + 1 == n ? 0 : i + 1) {
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

Probe probe(View im, const Geometry &g, std::string_view key) {
  const std::uint64_t h = key_hash(key);
  return probe(
      g.slots, home_slot(h, g.slots), [&](std::uint32_t i) { return word_state(im.word(g, i)); },
      [&](std::uint32_t i) {
        const Slot s = im.slot(g, i);
        return s.key_hash == h && s.holds_key(key);
      });
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

bool meta_matches(const Slot &s, const Geometry &g) {
  const Meta &m = s.active_meta();
  return m.len <= g.max_value && m.reserved == 0 && m.epoch == s.epoch();
}

Get get(View im, const Geometry &g, std::string_view key) {
  Get r;
  const Probe p = probe(im, g, key);
  if (!p.found) return r;
  r.slot = p.slot;
  const Slot s = im.slot(g, p.slot);
  const Meta &m = s.active_meta();
  const std::uint8_t *v = meta_matches(s, g) ? im.value(g, p.slot, s.active(), m.len) : nullptr;
  if (v == nullptr || m.check != value_check(v, m.len, key_hash(key), m.epoch)) {
    r.status = SPLINTER_E_CORRUPT;
    return r;
  }
  r.status = SPLINTER_OK;
  r.value.assign(v, v + m.len);
  r.epoch = m.epoch;
  return r;
}

std::uint64_t key_epoch(View im, const Geometry &g, std::string_view key) {
  const Probe p = probe(im, g, key);
  return p.found ? word_epoch(im.word(g, p.slot)) : 0;
}

// ---- Rules (section 4) ----

bool header_rule_holds(View im, Rule r) {
  const Header h = im.header();
  switch (r) {
    case F1:
      return h.magic;
    case F2:
      return h.version == kFormatVersion;
    case F3: {
      bool zero = im.has(hdr::kZeroFrom, hdr::kFixedEnd - hdr::kZeroFrom);
      for (std::size_t off = hdr::kZeroFrom; zero && off < hdr::kFixedEnd; ++off) zero = im.data()[off] == 0;
      return h.slot_size == kSlotSize && h.flags == 0 && h.reserved == 0 && zero;
    }
    case F4:
      return h.slots >= 1 && h.slots <= kMaxSlots && h.max_value <= kMaxValueSize;
    case F5: {
      if (!header_rule_holds(im, F4)) return true;  // no formula to compare with (F4 reports it)
      const auto g = im.geometry();                  // nothing when above 2^40
      return g && h.region_size == g->region_size && im.size() == g->region_size;
    }
    case F6:
      return im.has(0, hdr::kCheck + 8) && h.check == header_check(im.data());
    default:
      return true;
  }
}

bool slot_rule_holds(View im, const Geometry &g, const Slot &s, Rule r) {
  const bool live = s.state() == kLive;
  switch (r) {
    case F7:
      return s.state() != kInvalid;
    case F8:
      return s.state() != kEmpty || s.word == 0;
    case F9:
      return !live || s.key().has_value();
    case F10: {
      const std::string k = s.key_prefix();
      return !live || s.key_hash == key_hash(k.data(), std::min(k.size(), kKeyMax));
    }
    case F11:
      return !live || (meta_matches(s, g) && s.epoch() >= 1);
    case F12: {
      if (!live) return true;
      const Meta &m = s.active_meta();
      const std::uint8_t *v = m.len <= g.max_value ? im.value(g, s.index, s.active(), m.len) : nullptr;
      return v != nullptr && m.check == value_check(v, m.len, s.key_hash, m.epoch);
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
    case F3: return "slot_size is not 128, or flags, reserved or bytes 48..63 are not zero";
    case F4: return "slots or max_value_size out of range";
    case F5: return "region_size breaks the formula, exceeds 2^40 or differs from the object's size";
    case F6: return "header_check is not the XXH3-64 of bytes 0..39";
    case F7: return "slot state 3";
    case F8: return "EMPTY slot with a non-zero word";
    case F9: return "LIVE key is not 1..63 non-NUL bytes followed by NULs";
    case F10: return "key_hash is not the XXH3-64 of the key";
    case F11: return "active meta: len above max_value_size, reserved not 0, epoch not the word's, or epoch 0";
    case F12: return "value check is not XXH3-64(value, seed = key_hash ^ epoch)";
    case F13: return "epoch above bus_epoch";
    case F14: return "an EMPTY slot lies between the key's home slot and its slot";
    case F15: return "a second LIVE slot holds the same key";
  }
  return "?";
}
}  // namespace

std::vector<Violation> violations(View im) {
  std::vector<Violation> out;
  auto add = [&](Rule r, std::int64_t slot) {
    out.push_back({r, slot, (slot < 0 ? std::string("header") : "slot " + std::to_string(slot)) + ": F" +
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
  const Geometry g = *im.geometry();
  const Header h = im.header();
  std::vector<Slot> slots;
  std::vector<bool> sound(g.slots, false);  // LIVE and keeps F9-F12
  for (std::uint32_t i = 0; i < g.slots; ++i) {
    slots.push_back(im.slot(g, i));
    const Slot &s = slots.back();
    for (Rule r : {F7, F8})
      if (!slot_rule_holds(im, g, s, r)) add(r, i);
    if (s.state() != kLive) continue;
    // F9-F12 build on each other: the first one broken is reported.
    sound[i] = true;
    for (Rule r : {F9, F10, F11, F12}) {
      if (slot_rule_holds(im, g, s, r)) continue;
      add(r, i);
      sound[i] = false;
      break;
    }
  }
  if (h.flushed_epoch > h.bus_epoch) add(F13, -1);
  for (const Slot &s : slots)
    if ((s.state() == kLive || s.state() == kTombstone) && s.epoch() > h.bus_epoch) add(F13, s.index);
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
  return out;
}

std::string closed_header_problem(View im) {
  const Header h = im.header();
  if (!im.has(0, kPage)) return "the header page is incomplete";
  if (h.writer_pid != 0) return "writer_pid is " + std::to_string(h.writer_pid) + ", not 0 after a clean close";
  for (std::size_t off = hdr::kZeroFrom; off < kPage; ++off) {
    if (off == hdr::kBusEpoch || off == hdr::kFlushedEpoch) off += 8;
    if (off == hdr::kWriterPid) off += 4;
    if (im.data()[off] != 0) return "header byte " + std::to_string(off) + " is not zero";
  }
  return "";
}

}  // namespace spec
