// region.h -- the one place that touches the mapped region.
//
// A Region pairs the base address of a mapping with the geometry captured
// (and validated) when it was opened. Every access takes a slot index and a
// buffer number and computes the address from that private geometry, so no
// byte of the region -- however garbled, or changed by another process after
// open -- can steer an access out of bounds. Every access is an aligned
// 64-bit (or 32-bit) atomic, so concurrent access is race-free in the C++
// memory model (docs/FORMAT.md: "words marked atomic").
#ifndef SPLINTER_SRC_REGION_H
#define SPLINTER_SRC_REGION_H

#include "hash.h"
#include "layout.h"

#include <algorithm>
#include <atomic>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace splinter {

// A key as stored in a slot: 64 NUL-padded bytes as 8 words, and its hash.
struct Key {
  std::uint64_t words[layout::kKeyBytes / 8] = {};
  std::size_t len = 0;
  std::uint64_t hash = 0;
  const unsigned char *bytes() const { return reinterpret_cast<const unsigned char *>(words); }
  // F9: 1..63 bytes, then NUL bytes to the end of the 64.
  bool well_formed() const {
    if (len < 1 || len > SPLINTER_KEY_MAX) return false;
    for (std::size_t j = len; j < layout::kKeyBytes; ++j)
      if (bytes()[j] != 0) return false;
    return true;
  }
};

// Builds a Key from a NUL-terminated C string: OK, INVALID (NULL or empty)
// or KEY_TOO_LONG. Reads at most SPLINTER_KEY_MAX + 1 bytes of `key`.
int make_key(const char *key, Key *out);
// The same from a sized string: INVALID also when it contains a NUL.
int make_key(const char *data, std::size_t len, Key *out);

// Buffer meta (docs/FORMAT.md 1.3).
struct Meta {
  std::uint32_t len = 0;
  std::uint32_t reserved = 0;
  std::uint64_t epoch = 0;
  std::uint64_t check = 0;
};

inline std::uint64_t load64(const std::uint8_t *p, std::memory_order o = std::memory_order_relaxed) {
  // The mapping may be read-only; atomic_ref needs a non-const object but a
  // load never writes.
  return std::atomic_ref<std::uint64_t>(*reinterpret_cast<std::uint64_t *>(const_cast<std::uint8_t *>(p)))
      .load(o);
}
inline void store64(std::uint8_t *p, std::uint64_t v, std::memory_order o = std::memory_order_relaxed) {
  std::atomic_ref<std::uint64_t>(*reinterpret_cast<std::uint64_t *>(p)).store(v, o);
}
inline std::uint32_t *as_u32(std::uint8_t *p) { return reinterpret_cast<std::uint32_t *>(p); }

class Region {
 public:
  Region() = default;
  Region(std::uint8_t *base, const layout::Geometry &g) : base_(base), geo_(g) {}

  const layout::Geometry &geo() const { return geo_; }
  std::uint32_t slots() const { return geo_.slots; }
  std::uint8_t *base() const { return base_; }
  std::uint32_t home(std::uint64_t hash) const { return home_slot(hash, geo_.slots); }
  std::uint32_t next(std::uint32_t i) const { return i + 1 == geo_.slots ? 0 : i + 1; }
  std::uint32_t prev(std::uint32_t i) const { return i == 0 ? geo_.slots - 1 : i - 1; }

  // ---- header ----
  std::uint64_t bus_epoch(std::memory_order o) const { return load64(base_ + layout::kOffBusEpoch, o); }
  void set_bus_epoch(std::uint64_t e, std::memory_order o) { store64(base_ + layout::kOffBusEpoch, e, o); }
  std::uint64_t flushed_epoch(std::memory_order o) const { return load64(base_ + layout::kOffFlushedEpoch, o); }
  void set_flushed_epoch(std::uint64_t e, std::memory_order o) { store64(base_ + layout::kOffFlushedEpoch, e, o); }
  // The futex word: the low half of bus_epoch.
  std::uint32_t *futex_word() const { return as_u32(base_ + layout::kOffBusEpoch); }
  std::atomic_ref<std::uint32_t> writer_pid() const {
    return std::atomic_ref<std::uint32_t>(*as_u32(base_ + layout::kOffWriterPid));
  }

  // ---- slots (i < slots, b < 2: asserted, and guaranteed by callers that
  // only ever derive i modulo slots and b from one bit) ----
  std::uint64_t word(std::uint32_t i, std::memory_order o) const { return load64(slot(i), o); }
  void set_word(std::uint32_t i, std::uint64_t w, std::memory_order o) { store64(slot(i), w, o); }
  std::uint64_t hash(std::uint32_t i) const { return load64(slot(i) + layout::kSlotHash); }
  // Starts fetching the cache lines a read of slot i will touch after its
  // word -- the metas and the first line of both value buffers -- so their
  // misses overlap instead of following one another. Not an access.
  void prefetch(std::uint32_t i) const {
    __builtin_prefetch(slot(i) + layout::kSlotMeta0);
    if (geo_.stride == 0) return;  // no value bytes (and value_ptr may be the end)
    __builtin_prefetch(value_ptr(i, 0));
    __builtin_prefetch(value_ptr(i, 1));
  }

  // All 64 bytes: a slot whose key has garbage after its NUL (F9) holds no key.
  bool key_equals(std::uint32_t i, const Key &k) const {
    const std::uint8_t *p = slot(i) + layout::kSlotKey;
    for (std::size_t w = 0; w < layout::kKeyBytes / 8; ++w)
      if (load64(p + 8 * w) != k.words[w]) return false;
    return true;
  }
  void load_key(std::uint32_t i, Key *out) const {
    const std::uint8_t *p = slot(i) + layout::kSlotKey;
    for (std::size_t w = 0; w < layout::kKeyBytes / 8; ++w) out->words[w] = load64(p + 8 * w);
    out->len = strnlen(reinterpret_cast<const char *>(out->words), layout::kKeyBytes);
    out->hash = hash(i);
  }
  void store_key(std::uint32_t i, const Key &k) {
    std::uint8_t *p = slot(i);
    store64(p + layout::kSlotHash, k.hash);
    for (std::size_t w = 0; w < layout::kKeyBytes / 8; ++w) store64(p + layout::kSlotKey + 8 * w, k.words[w]);
  }

  Meta meta(std::uint32_t i, unsigned b) const {
    const std::uint8_t *p = meta_ptr(i, b);
    const std::uint64_t lw = load64(p + layout::kMetaLen);
    Meta m;
    m.len = static_cast<std::uint32_t>(lw);
    m.reserved = static_cast<std::uint32_t>(lw >> 32);
    m.epoch = load64(p + layout::kMetaEpoch);
    m.check = load64(p + layout::kMetaCheck);
    return m;
  }
  void set_meta(std::uint32_t i, unsigned b, const Meta &m) {
    std::uint8_t *p = meta_ptr(i, b);
    store64(p + layout::kMetaLen, m.len | (std::uint64_t{m.reserved} << 32));
    store64(p + layout::kMetaEpoch, m.epoch);
    store64(p + layout::kMetaCheck, m.check);
  }

  // Copies `len` bytes of buffer b out to dst. Returns false (copying
  // nothing) if len exceeds the bus's max_value_size.
  bool read_value(std::uint32_t i, unsigned b, std::size_t len, void *dst) const {
    if (len > geo_.max_value_size) return false;
    const std::uint8_t *src = value_ptr(i, b);
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
  // Stores words [w0, w1) of a value of `len` bytes (len <= max_value_size)
  // into buffer b; the last word is zero-padded.
  void write_value_words(std::uint32_t i, unsigned b, const void *src, std::size_t len, std::size_t w0,
                         std::size_t w1) {
    assert(len <= geo_.max_value_size);
    std::uint8_t *dst = value_ptr(i, b);
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
  static std::size_t value_words(std::size_t len) { return (len + 7) / 8; }

 private:
  std::uint8_t *slot(std::uint32_t i) const {
    assert(i < geo_.slots);
    return base_ + geo_.slot_offset(i);
  }
  std::uint8_t *meta_ptr(std::uint32_t i, unsigned b) const {
    assert(b < 2);
    return slot(i) + layout::kSlotMeta0 + (b & 1u) * layout::kMetaSize;
  }
  std::uint8_t *value_ptr(std::uint32_t i, unsigned b) const {
    assert(i < geo_.slots && b < 2);
    return base_ + geo_.value_buffer_offset(i, b & 1u);
  }

  std::uint8_t *base_ = nullptr;
  layout::Geometry geo_{};
};

}  // namespace splinter

#endif  // SPLINTER_SRC_REGION_H
