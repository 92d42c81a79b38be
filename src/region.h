// region.h -- the one place that touches the mapped region.
//
// A RegionView pairs the base address of a mapping with the geometry
// captured (and validated) when it was opened; it only reads. A Region is
// the same over a writable mapping and adds the stores. Every access takes a
// slot index and a buffer number (or an epoch, for the feed) and computes
// the address from that private geometry, so no byte of the region --
// however garbled, or changed by another process after open -- can steer an
// access out of bounds. Every access is an aligned atomic word (words.h).
// The header page is reached through header() only (header.h), the waiter
// page through wait_words() only (eventcount.h).
#ifndef SPLINTER_SRC_REGION_H
#define SPLINTER_SRC_REGION_H

#include "copy.h"
#include "eventcount.h"
#include "hash.h"
#include "header.h"
#include "key.h"
#include "layout.h"
#include "words.h"

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace splinter {

// Buffer meta (docs/FORMAT.md 1.4). All zero: no value (a history's end).
struct Meta {
  std::uint32_t len = 0;
  std::uint32_t reserved = 0;
  std::uint64_t epoch = 0;
  std::uint64_t check = 0;
  std::uint64_t deadline = 0;
  bool zero() const { return len == 0 && reserved == 0 && epoch == 0 && check == 0 && deadline == 0; }
};

class RegionView {
 public:
  RegionView() = default;
  RegionView(const std::uint8_t *base, const layout::Geometry &g) : base_(base), geo_(g) {}

  const layout::Geometry &geo() const { return geo_; }
  std::uint32_t slots() const { return geo_.slots; }
  std::uint32_t buffers() const { return geo_.buffers; }
  const std::uint8_t *base() const { return base_; }
  std::uint32_t home(std::uint64_t hash) const { return home_slot(hash, geo_.slots); }
  std::uint32_t next(std::uint32_t i) const { return i + 1 == geo_.slots ? 0 : i + 1; }
  std::uint32_t prev(std::uint32_t i) const { return i == 0 ? geo_.slots - 1 : i - 1; }
  // Buffer b moved by d (mod K); b < K.
  unsigned buffer_add(unsigned b, int d) const {
    const int k = static_cast<int>(geo_.buffers);
    return static_cast<unsigned>(((static_cast<int>(b) + d) % k + k) % k);
  }
  // Slots from the home slot of `hash` to slot i, forward (0 at home).
  std::uint32_t distance(std::uint64_t hash, std::uint32_t i) const {
    const std::uint32_t h = home(hash);
    return static_cast<std::uint32_t>((std::uint64_t{i} + geo_.slots - h) % geo_.slots);
  }
  // How many slots a lookup probes (2.4 step 1): min(probe_limit, slots).
  std::uint32_t probe_bound() const {
    return std::min(header().probe_limit(std::memory_order_acquire), geo_.slots);
  }

  HeaderView header() const { return HeaderView(base_, layout::kPage); }
  // The waiter page (FORMAT.md 1.2), as this mapping sees it.
  WaitWordsView wait_words() const { return WaitWordsView(base_ + layout::kOffWaiterPage); }

  // ---- slots (i < slots, b < K: asserted, and guaranteed by callers that
  // derive i modulo slots and check b against K first) ----
  std::uint64_t word(std::uint32_t i, std::memory_order o) const { return load64(base_ + slot(i), o); }
  std::uint64_t hash(std::uint32_t i) const { return load64(base_ + slot(i) + layout::kSlotHash); }
  // Starts fetching the second cache line of slot i (the key's tail) so that
  // its miss overlaps the first one's. Not an access.
  void prefetch(std::uint32_t i) const { __builtin_prefetch(base_ + slot(i) + 64); }
  // Starts fetching the first line of buffer b of slot i (its meta and the
  // value's first bytes); nothing if b is not a buffer.
  void prefetch_buffer(std::uint32_t i, unsigned b) const {
    if (b < geo_.buffers) __builtin_prefetch(base_ + buffer(i, b));
  }

  // All 64 bytes: a slot whose key has garbage after its NUL (F9) holds no key.
  bool key_equals(std::uint32_t i, const StoredKey &k) const { return key_equals_at(slot(i) + layout::kSlotKey, k); }
  void load_key(std::uint32_t i, StoredKey *out) const {
    load_key_at(slot(i) + layout::kSlotKey, out);
    out->hash = hash(i);
  }

  Meta meta(std::uint32_t i, unsigned b) const {
    const std::uint8_t *p = base_ + buffer(i, b);
    const std::uint64_t lw = load64(p + layout::kMetaLen);
    Meta m;
    m.len = static_cast<std::uint32_t>(lw);
    m.reserved = static_cast<std::uint32_t>(lw >> 32);
    m.epoch = load64(p + layout::kMetaEpoch);
    m.check = load64(p + layout::kMetaCheck);
    m.deadline = load64(p + layout::kMetaDeadline);
    return m;
  }

  // The deadline field alone of buffer b's meta (1.4).
  std::uint64_t deadline(std::uint32_t i, unsigned b) const {
    return load64(base_ + buffer(i, b) + layout::kMetaDeadline);
  }

  // Copies `len` bytes of buffer b out to dst. Returns false (copying
  // nothing) if len exceeds the bus's max_value_size.
  bool read_value(std::uint32_t i, unsigned b, std::size_t len, void *dst) const {
    if (len > geo_.max_value_size) return false;
    const std::uint8_t *src = base_ + buffer(i, b) + layout::kMetaSize;
    auto *out = static_cast<unsigned char *>(dst);
    const std::size_t full = len / 8;
    for (std::size_t w = 0; w < full; ++w) {
      const std::uint64_t v = load64(src + 8 * w);
      std::memcpy(out + 8 * w, &v, 8);
    }
    if (const std::size_t tail = len % 8) {
      const std::uint64_t v = load64(src + 8 * full);
      std::memcpy(out + 8 * full, &v, tail);
    }
    return true;
  }
  // read_value and the value's check under `seed` (hash.h value_seed), in
  // one pass (copy.h). Returns false (copying nothing) as read_value does.
  bool read_value_checked(std::uint32_t i, unsigned b, std::size_t len, void *dst, std::uint64_t seed,
                          std::uint64_t *check) const {
    if (len > geo_.max_value_size) return false;
    *check = copy_checked(base_ + buffer(i, b) + layout::kMetaSize, len, dst, seed);
    return true;
  }
  static std::size_t value_words(std::size_t len) { return (len + 7) / 8; }

  // ---- the change feed (FORMAT.md 1.5): the entry of an epoch ----
  std::uint64_t feed_word(std::uint64_t epoch, std::memory_order o) const { return load64(base_ + feed(epoch), o); }
  std::uint64_t feed_check_word(std::uint64_t epoch) const { return load64(base_ + feed(epoch) + layout::kFeedCheck); }
  // The entry's 64 key bytes; out->hash is the XXH3-64 of them up to the
  // first NUL (the validator and readers recompute it).
  void load_feed_key(std::uint64_t epoch, StoredKey *out) const {
    load_key_at(feed(epoch) + layout::kFeedKey, out);
    out->hash = key_hash(out->words, std::min<std::size_t>(out->len, SPLINTER_KEY_MAX));
  }

 protected:
  // Offsets from the base, from the private geometry only.
  std::uint64_t slot(std::uint32_t i) const {
    assert(i < geo_.slots);
    return geo_.slot_offset(i);
  }
  std::uint64_t buffer(std::uint32_t i, unsigned b) const {
    assert(i < geo_.slots && b < geo_.buffers);
    return geo_.buffer_offset(i, b);
  }
  std::uint64_t feed(std::uint64_t epoch) const { return geo_.feed_entry_offset(geo_.feed_index(epoch)); }

 private:
  bool key_equals_at(std::uint64_t off, const StoredKey &k) const {
    const std::uint8_t *p = base_ + off;
    for (std::size_t w = 0; w < layout::kKeyBytes / 8; ++w)
      if (load64(p + 8 * w) != k.words[w]) return false;
    return true;
  }
  void load_key_at(std::uint64_t off, StoredKey *out) const {
    const std::uint8_t *p = base_ + off;
    for (std::size_t w = 0; w < layout::kKeyBytes / 8; ++w) out->words[w] = load64(p + 8 * w);
    out->len = strnlen(reinterpret_cast<const char *>(out->words), layout::kKeyBytes);
  }

  const std::uint8_t *base_ = nullptr;
  layout::Geometry geo_{};
};

// A region over a writable mapping: the writer's and recovery's.
class Region : public RegionView {
 public:
  Region() = default;
  Region(std::uint8_t *base, const layout::Geometry &g) : RegionView(base, g), base_(base) {}

  using RegionView::header;
  Header header() { return Header(base_); }
  using RegionView::wait_words;
  // The waiter page (FORMAT.md 1.2), for the writer's wake and its own polls.
  WaitWords wait_words() { return WaitWords(base_ + layout::kOffWaiterPage); }

  void set_word(std::uint32_t i, std::uint64_t w, std::memory_order o) { store64(base_ + slot(i), w, o); }
  void set_hash(std::uint32_t i, std::uint64_t h) { store64(base_ + slot(i) + layout::kSlotHash, h); }
  void store_key(std::uint32_t i, const StoredKey &k) {
    std::uint8_t *p = base_ + slot(i);
    store64(p + layout::kSlotHash, k.hash);
    for (std::size_t w = 0; w < layout::kKeyBytes / 8; ++w) store64(p + layout::kSlotKey + 8 * w, k.words[w]);
  }
  void set_meta(std::uint32_t i, unsigned b, const Meta &m) {
    std::uint8_t *p = base_ + buffer(i, b);
    store64(p + layout::kMetaLen, m.len | (std::uint64_t{m.reserved} << 32));
    store64(p + layout::kMetaEpoch, m.epoch);
    store64(p + layout::kMetaCheck, m.check);
    store64(p + layout::kMetaDeadline, m.deadline);
  }
  // Stores words [w0, w1) of a value of `len` bytes (len <= max_value_size)
  // into buffer b; the last word is zero-padded.
  void write_value_words(std::uint32_t i, unsigned b, const void *src, std::size_t len, std::size_t w0,
                         std::size_t w1) {
    assert(len <= geo().max_value_size);
    std::uint8_t *dst = base_ + buffer(i, b) + layout::kMetaSize;
    const auto *in = static_cast<const unsigned char *>(src);
    const std::size_t full = std::min(w1, len / 8);
    for (std::size_t w = w0; w < full; ++w) {
      std::uint64_t v;
      std::memcpy(&v, in + 8 * w, 8);
      store64(dst + 8 * w, v);
    }
    if (full >= w0 && full < w1) {  // the last, partial word
      std::uint64_t v = 0;
      std::memcpy(&v, in + 8 * full, len % 8);
      store64(dst + 8 * full, v);
    }
  }

  // The feed entry of an epoch: its word, and its check and key bytes.
  void set_feed_word(std::uint64_t epoch, std::uint64_t w, std::memory_order o) { store64(base_ + feed(epoch), w, o); }
  void store_feed_body(std::uint64_t epoch, std::uint64_t check, const StoredKey &k) {
    std::uint8_t *p = base_ + feed(epoch);
    store64(p + layout::kFeedCheck, check);
    for (std::size_t w = 0; w < layout::kKeyBytes / 8; ++w) store64(p + layout::kFeedKey + 8 * w, k.words[w]);
  }

 private:
  std::uint8_t *base_ = nullptr;
};

}  // namespace splinter

#endif  // SPLINTER_SRC_REGION_H
