// layout.h -- the region format of docs/FORMAT.md, version 3, in code.
//
// Offsets and sizes only; no behaviour. Every number here is a number in
// docs/FORMAT.md, and the static_asserts pin the assumptions the format
// relies on. Change both together, and bump kFormatVersion with the layout.
#ifndef SPLINTER_SRC_LAYOUT_H
#define SPLINTER_SRC_LAYOUT_H

#include <splinter/splinter.h>

#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace splinter::layout {

static_assert(std::endian::native == std::endian::little, "the format is little-endian");
static_assert(std::atomic<std::uint64_t>::is_always_lock_free, "u64 words must be lock-free");
static_assert(std::atomic<std::uint32_t>::is_always_lock_free, "u32 words must be lock-free");

inline constexpr std::uint32_t kFormatVersion = SPLINTER_FORMAT_VERSION;
static_assert(kFormatVersion == 3, "layout.h describes format version 3");

// "SPLINTER" read as a little-endian u64.
inline constexpr std::uint64_t kMagic = 0x5245544E494C5053ull;
inline constexpr std::size_t kPage = 4096;

// ---- Header page (FORMAT.md 1.1) ----
inline constexpr std::size_t kOffMagic = 0;
inline constexpr std::size_t kOffVersion = 8;
inline constexpr std::size_t kOffSlotSize = 12;
inline constexpr std::size_t kOffSlots = 16;
inline constexpr std::size_t kOffMaxValue = 20;
inline constexpr std::size_t kOffFlags = 24;
inline constexpr std::size_t kOffReserved = 28;
inline constexpr std::size_t kOffRegionSize = 32;
inline constexpr std::size_t kOffHeaderCheck = 40;
inline constexpr std::size_t kOffHeaderZero = 48;       // bytes 48..63 are zero
inline constexpr std::size_t kHeaderCheckedBytes = 40;  // bytes 0..39
inline constexpr std::size_t kHeaderFixedBytes = 64;    // bytes 0..63, never rewritten
inline constexpr std::size_t kOffBusEpoch = 64;
inline constexpr std::size_t kOffWriterPid = 128;
inline constexpr std::size_t kOffFlushedEpoch = 192;

// ---- Waiter page (FORMAT.md 1.2) ----
inline constexpr std::size_t kOffWaiterPage = 4096;
inline constexpr std::size_t kOffWaiters = 4096;

// ---- Slot table and slots (FORMAT.md 1.3) ----
inline constexpr std::size_t kOffSlotTable = 8192;
inline constexpr std::size_t kSlotSize = 128;
inline constexpr std::size_t kSlotWord = 0;
inline constexpr std::size_t kSlotHash = 8;
inline constexpr std::size_t kSlotKey = 16;
inline constexpr std::size_t kKeyBytes = 64;
inline constexpr std::size_t kSlotMeta0 = 80;
inline constexpr std::size_t kMetaSize = 24;
inline constexpr std::size_t kMetaLen = 0;       // u32 len, u32 reserved: one u64 word
inline constexpr std::size_t kMetaEpoch = 8;
inline constexpr std::size_t kMetaCheck = 16;

static_assert(kOffBusEpoch % 64 == 0 && kOffWriterPid % 64 == 0 && kOffFlushedEpoch % 64 == 0, "own cache lines");
static_assert(kOffWaiterPage % kPage == 0 && kOffSlotTable % kPage == 0, "page-aligned parts");
static_assert(kSlotKey + kKeyBytes == kSlotMeta0, "key is followed by buffer metas");
static_assert(kSlotMeta0 + 2 * kMetaSize == kSlotSize, "a slot is exactly 128 bytes");
static_assert(kSlotSize % 64 == 0 && 512 % kSlotSize == 0,
              "slots are cache-line aligned and never straddle a 512-byte sector");
static_assert(kKeyBytes == SPLINTER_KEY_MAX + 1, "a key always leaves one NUL byte");
static_assert(kSlotMeta0 % 8 == 0 && kMetaSize % 8 == 0, "metas are made of u64 words");

// ---- Slot word (FORMAT.md 1.3) ----
enum class State : std::uint64_t { empty = 0, live = 1, tombstone = 2, invalid = 3 };
inline constexpr std::uint64_t kEpochMax = (std::uint64_t{1} << 61) - 1;

constexpr State word_state(std::uint64_t w) { return static_cast<State>(w & 3u); }
constexpr unsigned word_active(std::uint64_t w) { return static_cast<unsigned>((w >> 2) & 1u); }
constexpr std::uint64_t word_epoch(std::uint64_t w) { return w >> 3; }
constexpr std::uint64_t make_word(State s, unsigned active, std::uint64_t epoch) {
  return static_cast<std::uint64_t>(s) | (std::uint64_t{active & 1u} << 2) | (epoch << 3);
}
static_assert(word_epoch(make_word(State::live, 1, kEpochMax)) == kEpochMax);
static_assert(word_active(make_word(State::tombstone, 1, 7)) == 1);
static_assert(make_word(State::empty, 0, 0) == 0, "an empty slot's word is 0 (F8)");

// ---- Geometry (FORMAT.md 1, F4, F5) ----
struct Geometry {
  std::uint32_t slots = 0;
  std::uint32_t max_value_size = 0;
  std::uint64_t stride = 0;        // round_up(max_value_size, 8)
  std::uint64_t value_offset = 0;  // 8192 + slots * 128
  std::uint64_t region_size = 0;   // round_up(value_offset + 2 * slots * stride, 4096)

  std::uint64_t slot_offset(std::uint32_t i) const { return kOffSlotTable + std::uint64_t{i} * kSlotSize; }
  std::uint64_t value_buffer_offset(std::uint32_t i, unsigned b) const {
    return value_offset + (2 * std::uint64_t{i} + b) * stride;
  }
};

// Computes the geometry, or nothing if it breaks F4 (whose last clause is
// region_size <= SPLINTER_REGION_MAX). With F4's limits on slots and
// max_value_size no intermediate exceeds 2^64.
inline std::optional<Geometry> compute_geometry(std::uint64_t slots, std::uint64_t max_value_size) {
  if (slots < 1 || slots > SPLINTER_SLOTS_MAX || max_value_size > SPLINTER_VALUE_MAX) return std::nullopt;
  static_assert(std::uint64_t{SPLINTER_SLOTS_MAX} * 2 * (SPLINTER_VALUE_MAX + 8) < (std::uint64_t{1} << 63),
                "geometry arithmetic cannot overflow");
  Geometry g;
  g.slots = static_cast<std::uint32_t>(slots);
  g.max_value_size = static_cast<std::uint32_t>(max_value_size);
  g.stride = (max_value_size + 7) & ~std::uint64_t{7};
  g.value_offset = kOffSlotTable + slots * kSlotSize;
  const std::uint64_t end = g.value_offset + 2 * slots * g.stride;
  g.region_size = (end + kPage - 1) & ~std::uint64_t{kPage - 1};
  if (g.region_size > SPLINTER_REGION_MAX) return std::nullopt;
  return g;
}

}  // namespace splinter::layout

#endif  // SPLINTER_SRC_LAYOUT_H
