// layout.h -- the region format of docs/FORMAT.md, version 5, in code.
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
static_assert(kFormatVersion == 5, "layout.h describes format version 5");

// "SPLINTER" read as a little-endian u64.
inline constexpr std::uint64_t kMagic = 0x5245544E494C5053ull;
inline constexpr std::size_t kPage = 4096;

// ---- Header page (FORMAT.md 1.1) ----
inline constexpr std::size_t kOffMagic = 0;
inline constexpr std::size_t kOffVersion = 8;         // u32 format_version, u32 slot_size
inline constexpr std::size_t kOffSlotSize = 12;
inline constexpr std::size_t kOffSlots = 16;          // u32 slots, u32 max_value_size
inline constexpr std::size_t kOffMaxValue = 20;
inline constexpr std::size_t kOffHistoryDepth = 24;   // u32 history_depth, u32 change_ring
inline constexpr std::size_t kOffChangeRing = 28;
inline constexpr std::size_t kOffRegionSize = 32;
inline constexpr std::size_t kOffHeaderReserved = 40;  // u64, 0
inline constexpr std::size_t kOffHeaderCheck = 48;
inline constexpr std::size_t kOffHeaderReserved2 = 56;  // u64, 0
inline constexpr std::size_t kHeaderCheckedBytes = 48;  // header_check covers bytes 0..47
inline constexpr std::size_t kHeaderFixedBytes = 64;    // bytes 0..63, written once at creation
inline constexpr std::size_t kOffBusEpoch = 64;
inline constexpr std::size_t kOffWriterPid = 128;
inline constexpr std::size_t kOffFlushedEpoch = 192;
inline constexpr std::size_t kOffProbeLimit = 256;
inline constexpr std::size_t kOffHeaderCopy = 2048;  // a copy of bytes 0..63 (F16)
inline constexpr std::size_t kHeaderCopyEnd = kOffHeaderCopy + kHeaderFixedBytes;
// The bytes of the header page any rule reads: a reader of the header
// through a descriptor reads this many.
inline constexpr std::size_t kHeaderReadBytes = kHeaderCopyEnd;

// ---- Waiter page (FORMAT.md 1.2): eventcount words, offsets from the page ----
// Hostile: any reader with write permission may write anything there, so no
// index is ever read from the page (wait_word computes it from a key hash).
inline constexpr std::size_t kOffWaiterPage = 4096;
inline constexpr std::size_t kWaitBus = 0;          // bus_wait (offset 4096)
inline constexpr std::size_t kWaitKey0 = 64;        // key_wait[0] (offset 4160), on the next cache line
inline constexpr std::uint32_t kWaitBuckets = 512;  // key_wait[j], j = key_hash & 511
inline constexpr std::uint32_t kWaitWords = 1 + kWaitBuckets;  // word 0: the bus; word 1 + j: key_wait[j]
inline constexpr std::uint32_t kAnnounced = 1;      // bit 0 of a word; bits 1..31: the sequence

// Word n (0 .. kWaitWords-1) of the waiter page: its offset from the page.
constexpr std::size_t wait_word_offset(std::uint32_t n) {
  return n == 0 ? kWaitBus : kWaitKey0 + 4 * std::size_t{(n - 1) % kWaitBuckets};
}
// The word pollers of a key with this key_hash wait on.
constexpr std::uint32_t key_wait_word(std::uint64_t key_hash) {
  return 1 + static_cast<std::uint32_t>(key_hash & (kWaitBuckets - 1));
}
static_assert((kWaitBuckets & (kWaitBuckets - 1)) == 0, "the bucket is the hash's low bits");
static_assert(wait_word_offset(kWaitWords - 1) + 4 <= kPage, "every word lies in the waiter page");
static_assert(kWaitKey0 % 64 == 0 && kWaitKey0 >= kWaitBus + 4, "bus_wait has its own cache line");
static_assert(wait_word_offset(key_wait_word(~std::uint64_t{0})) == kWaitKey0 + 4 * 511);

// ---- Slot table and slots (FORMAT.md 1.3) ----
inline constexpr std::size_t kOffSlotTable = 8192;
inline constexpr std::size_t kSlotSize = 128;
inline constexpr std::size_t kSlotWord = 0;
inline constexpr std::size_t kSlotHash = 8;
inline constexpr std::size_t kSlotKey = 16;
inline constexpr std::size_t kKeyBytes = 64;
inline constexpr std::size_t kSlotReserved = 80;  // 48 bytes, 0

// ---- Buffers (FORMAT.md 1.4): a 32-byte meta, then the value bytes ----
inline constexpr std::size_t kMetaLen = 0;       // u32 len, u32 reserved: one u64 word
inline constexpr std::size_t kMetaEpoch = 8;
inline constexpr std::size_t kMetaCheck = 16;
inline constexpr std::size_t kMetaDeadline = 24;
inline constexpr std::size_t kMetaSize = 32;     // the value bytes follow at +32

// ---- Deadlines (FORMAT.md 1.4, F23): ms since the Unix epoch on the
// clock of clock.h; 0 = never. A larger deadline is damage (F23). ----
inline constexpr std::uint64_t kDeadlineMax = (std::uint64_t{1} << 48) - 1;
// (2^48 ms is about 8900 years: now plus the longest TTL stays far below it.)
static_assert(kDeadlineMax > std::uint64_t{4} * SPLINTER_TTL_MAX_MS, "the longest TTL from now is a valid deadline");
// A key whose current value has this deadline is absent at time now (ms).
constexpr bool expired(std::uint64_t deadline, std::uint64_t now) { return deadline != 0 && now >= deadline; }

// ---- Change feed (FORMAT.md 1.5) ----
inline constexpr std::size_t kFeedEntrySize = 80;
inline constexpr std::size_t kFeedWord = 0;
inline constexpr std::size_t kFeedCheck = 8;
inline constexpr std::size_t kFeedKey = 16;
// check = key_hash ^ (word * kFeedCheckMul) (mod 2^64).
inline constexpr std::uint64_t kFeedCheckMul = 0x9E3779B97F4A7C15ull;

static_assert(kOffBusEpoch % 64 == 0 && kOffWriterPid % 64 == 0 && kOffFlushedEpoch % 64 == 0 &&
                  kOffProbeLimit % 64 == 0,
              "own cache lines");
static_assert(kHeaderCopyEnd <= kPage && kOffHeaderCopy % 64 == 0, "the header copy lies in the header page");
static_assert(kOffWaiterPage % kPage == 0 && kOffSlotTable % kPage == 0, "page-aligned parts");
static_assert(kSlotKey + kKeyBytes == kSlotReserved && kSlotReserved + 48 == kSlotSize, "a slot is exactly 128 bytes");
static_assert(kSlotSize % 64 == 0 && 512 % kSlotSize == 0,
              "slots are cache-line aligned and never straddle a 512-byte sector");
static_assert(kKeyBytes == SPLINTER_KEY_MAX + 1, "a key always leaves one NUL byte");
static_assert(kMetaSize % 8 == 0 && kFeedEntrySize % 8 == 0 && kFeedKey + kKeyBytes == kFeedEntrySize,
              "metas and feed entries are made of u64 words");

// ---- Slot word (FORMAT.md 1.3): state bits 0-1, sel bits 2-7, epoch bits 8-63 ----
enum class State : std::uint64_t { empty = 0, live = 1, tombstone = 2, invalid = 3 };
inline constexpr std::uint64_t kEpochMax = (std::uint64_t{1} << 56) - 1;
inline constexpr unsigned kSelMax = 63;

constexpr State word_state(std::uint64_t w) { return static_cast<State>(w & 3u); }
constexpr unsigned word_sel(std::uint64_t w) { return static_cast<unsigned>((w >> 2) & 63u); }
constexpr std::uint64_t word_epoch(std::uint64_t w) { return w >> 8; }
constexpr std::uint64_t make_word(State s, unsigned sel, std::uint64_t epoch) {
  return static_cast<std::uint64_t>(s) | (std::uint64_t{sel & 63u} << 2) | (epoch << 8);
}
static_assert(word_epoch(make_word(State::live, 63, kEpochMax)) == kEpochMax);
static_assert(word_sel(make_word(State::tombstone, 37, 7)) == 37);
static_assert(make_word(State::empty, 0, 0) == 0, "an empty slot's word is 0 (F8)");

// The op of a tombstone's sel and of a feed entry (splinter.h SPLINTER_OP_*).
inline constexpr unsigned kOpNone = 0;   // a tombstone made by recovery; a feed entry being written
inline constexpr unsigned kOpSet = SPLINTER_OP_SET;
inline constexpr unsigned kOpUnset = SPLINTER_OP_UNSET;
inline constexpr unsigned kOpExpire = SPLINTER_OP_EXPIRE;  // the writer removed an expired key (F23)

// ---- Feed entry word (FORMAT.md 1.5): op bits 0-2, bits 3-7 zero, epoch bits 8-63 ----
constexpr unsigned feed_op(std::uint64_t w) { return static_cast<unsigned>(w & 7u); }
constexpr std::uint64_t feed_epoch(std::uint64_t w) { return w >> 8; }
constexpr std::uint64_t make_feed_word(unsigned op, std::uint64_t epoch) { return (op & 7u) | (epoch << 8); }
constexpr std::uint64_t feed_check(std::uint64_t key_hash, std::uint64_t word) { return key_hash ^ (word * kFeedCheckMul); }

// ---- Geometry (FORMAT.md 1, F3, F4, F5) ----
struct Geometry {
  std::uint32_t slots = 0;
  std::uint32_t max_value_size = 0;
  std::uint32_t history_depth = 0;
  std::uint32_t change_ring = 0;   // a power of two
  std::uint32_t buffers = 0;       // K = history_depth + 2
  std::uint64_t buffer_size = 0;   // round_up(32 + max_value_size, 8)
  std::uint64_t feed_offset = 0;   // 8192 + slots * 128
  std::uint64_t value_offset = 0;  // round_up(feed_offset + change_ring * 80, 64)
  std::uint64_t region_size = 0;   // round_up(value_offset + slots * K * buffer_size, 4096)

  std::uint64_t slot_offset(std::uint32_t i) const { return kOffSlotTable + std::uint64_t{i} * kSlotSize; }
  std::uint64_t buffer_offset(std::uint32_t i, unsigned b) const {
    return value_offset + (std::uint64_t{i} * buffers + b) * buffer_size;
  }
  std::uint32_t feed_index(std::uint64_t epoch) const { return static_cast<std::uint32_t>(epoch & (change_ring - 1)); }
  std::uint64_t feed_entry_offset(std::uint32_t index) const {
    return feed_offset + std::uint64_t{index} * kFeedEntrySize;
  }
};

// F3's clauses on the two history fields.
constexpr bool valid_history_depth(std::uint64_t d) { return d <= SPLINTER_HISTORY_MAX; }
constexpr bool valid_change_ring(std::uint64_t r) { return r >= 1 && r <= SPLINTER_RING_MAX && std::has_single_bit(r); }

// Computes the geometry, or nothing if the fields break F3's history clauses
// or F4 (whose last clause is region_size <= SPLINTER_REGION_MAX). With
// those limits no intermediate reaches 2^63.
inline std::optional<Geometry> compute_geometry(std::uint64_t slots, std::uint64_t max_value_size,
                                                std::uint64_t history_depth, std::uint64_t change_ring) {
  if (slots < 1 || slots > SPLINTER_SLOTS_MAX || max_value_size > SPLINTER_VALUE_MAX) return std::nullopt;
  if (!valid_history_depth(history_depth) || !valid_change_ring(change_ring)) return std::nullopt;
  static_assert(std::uint64_t{SPLINTER_SLOTS_MAX} * (SPLINTER_HISTORY_MAX + 2) * (SPLINTER_VALUE_MAX + 40) +
                        std::uint64_t{SPLINTER_RING_MAX} * kFeedEntrySize + kOffSlotTable +
                        std::uint64_t{SPLINTER_SLOTS_MAX} * kSlotSize + 2 * kPage <
                    (std::uint64_t{1} << 63),
                "geometry arithmetic cannot overflow");
  Geometry g;
  g.slots = static_cast<std::uint32_t>(slots);
  g.max_value_size = static_cast<std::uint32_t>(max_value_size);
  g.history_depth = static_cast<std::uint32_t>(history_depth);
  g.change_ring = static_cast<std::uint32_t>(change_ring);
  g.buffers = g.history_depth + 2;
  g.buffer_size = (kMetaSize + max_value_size + 7) & ~std::uint64_t{7};
  g.feed_offset = kOffSlotTable + slots * kSlotSize;
  g.value_offset = (g.feed_offset + change_ring * kFeedEntrySize + 63) & ~std::uint64_t{63};
  const std::uint64_t end = g.value_offset + slots * g.buffers * g.buffer_size;
  g.region_size = (end + kPage - 1) & ~std::uint64_t{kPage - 1};
  if (g.region_size > SPLINTER_REGION_MAX) return std::nullopt;
  return g;
}

// splinter_create_ex's change_ring (splinter.h): 0 is the default
// clamp(next_pow2(slots), 1024, 65536); anything else is rounded up to a
// power of two. Nothing when that exceeds SPLINTER_RING_MAX.
inline std::optional<std::uint32_t> choose_change_ring(std::uint32_t slots, std::uint32_t requested) {
  if (requested == 0) {
    const std::uint64_t p = std::bit_ceil(std::uint64_t{slots == 0 ? 1 : slots});
    return static_cast<std::uint32_t>(p < 1024 ? 1024 : p > 65536 ? 65536 : p);
  }
  if (requested > SPLINTER_RING_MAX) return std::nullopt;
  return std::bit_ceil(requested);
}

}  // namespace splinter::layout

#endif  // SPLINTER_SRC_LAYOUT_H
