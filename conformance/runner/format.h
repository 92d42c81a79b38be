// format.h -- what the runner knows of docs/FORMAT.md, written from the
// document (not from src/layout.h), so that the vector cases check the
// reference library against the specification too.
#ifndef SPLINTER_CONFORMANCE_FORMAT_H
#define SPLINTER_CONFORMANCE_FORMAT_H

#include <splinter/splinter.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace splc::fmt {

// The format this runner knows (docs/FORMAT.md, version 3). Pinned to the
// header so that a format change cannot go unnoticed here.
inline constexpr std::uint32_t kFormatVersion = 3;
static_assert(kFormatVersion == SPLINTER_FORMAT_VERSION, "update the runner (and its vectors) to the new format");

inline constexpr std::size_t kHeaderMagic = 0, kHeaderVersion = 8, kHeaderSlotSize = 12, kHeaderSlots = 16,
                             kHeaderMaxValue = 20, kHeaderFlags = 24, kHeaderRegionSize = 32, kHeaderCheck = 40,
                             kHeaderBusEpoch = 64, kHeaderWriterPid = 128,
                             kHeaderFlushedEpoch = 192;
inline constexpr std::size_t kSlotTable = 8192, kSlotSize = 128;
inline constexpr std::size_t kSlotWord = 0, kSlotHash = 8, kSlotKey = 16, kSlotMeta = 80, kMetaSize = 24;

enum State : unsigned { kEmpty = 0, kLive = 1, kTombstone = 2, kInvalid = 3 };

// key_hash: XXH3-64 (seed 0) of the key bytes; the home slot: the high half
// of key_hash * slots (FORMAT.md 1.3).
std::uint64_t key_hash(const std::string &key);
std::uint32_t home_slot(const std::string &key, std::uint32_t slots);
std::uint64_t xxh3(const void *data, std::size_t len, std::uint64_t seed);
std::uint64_t region_size(std::uint64_t slots, std::uint64_t max_value_size);
std::uint64_t value_offset(std::uint64_t slots);
std::uint64_t stride(std::uint64_t max_value_size);

// A whole bus file in memory, with typed accessors (little-endian host).
struct Image {
  std::string bytes;

  static Image load(const std::string &path);  // throws Fail
  void save(const std::string &path) const;    // throws Fail

  std::uint32_t u32(std::size_t off) const;
  std::uint64_t u64(std::size_t off) const;
  void put32(std::size_t off, std::uint32_t v);
  void put64(std::size_t off, std::uint64_t v);

  std::uint32_t slots() const { return u32(kHeaderSlots); }
  std::uint32_t max_value_size() const { return u32(kHeaderMaxValue); }
  // Recomputes header_check over bytes 0..39 (so that only the field a
  // damaged vector changes is wrong).
  void reseal_header();

  std::size_t slot_off(std::uint32_t i) const { return kSlotTable + std::size_t{i} * kSlotSize; }
  std::uint64_t word(std::uint32_t i) const { return u64(slot_off(i) + kSlotWord); }
  void set_word(std::uint32_t i, std::uint64_t w) { put64(slot_off(i) + kSlotWord, w); }
  std::string key(std::uint32_t i) const;  // up to the first NUL
  // The slot holding live key k, or -1.
  long find_live(const std::string &k) const;
  std::size_t meta_off(std::uint32_t i, unsigned b) const { return slot_off(i) + kSlotMeta + b * kMetaSize; }
  std::size_t value_off(std::uint32_t i, unsigned b) const;
};

// Independent check of a quiescent, cleanly closed image against
// docs/FORMAT.md (header fields and checksum, key hashes, value checksums,
// reachability). Returns the first problem found, or "".
std::string spec_problem(const Image &im, std::uint32_t slots, std::uint32_t max_value_size);

inline std::uint64_t make_word(unsigned state, unsigned active, std::uint64_t epoch) {
  return state | (std::uint64_t{active} << 2) | (epoch << 3);
}
inline unsigned word_state(std::uint64_t w) { return static_cast<unsigned>(w & 3); }
inline unsigned word_active(std::uint64_t w) { return static_cast<unsigned>((w >> 2) & 1); }
inline std::uint64_t word_epoch(std::uint64_t w) { return w >> 3; }

}  // namespace splc::fmt

#endif  // SPLINTER_CONFORMANCE_FORMAT_H
