// format.h -- what the runner knows of docs/FORMAT.md: the test-support
// library's reading of the document (testsupport/include/testsupport/spec.h,
// written from FORMAT.md, not from src/), under the names the vector cases
// use, and a bus file in memory. So the vector cases check the reference
// library against the specification too.
#ifndef SPLINTER_CONFORMANCE_FORMAT_H
#define SPLINTER_CONFORMANCE_FORMAT_H

#include "testsupport/spec.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace splc::fmt {

// The format this runner knows: pinned to SPLINTER_FORMAT_VERSION in spec.h.
using spec::kFormatVersion;

inline constexpr std::size_t kHeaderMagic = spec::hdr::kMagic, kHeaderVersion = spec::hdr::kVersion,
                             kHeaderSlotSize = spec::hdr::kSlotSize, kHeaderSlots = spec::hdr::kSlots,
                             kHeaderMaxValue = spec::hdr::kMaxValue, kHeaderHistoryDepth = spec::hdr::kHistoryDepth,
                             kHeaderChangeRing = spec::hdr::kChangeRing, kHeaderRegionSize = spec::hdr::kRegionSize,
                             kHeaderReserved = spec::hdr::kReserved, kHeaderCheck = spec::hdr::kCheck,
                             kHeaderBusEpoch = spec::hdr::kBusEpoch, kHeaderWriterPid = spec::hdr::kWriterPid,
                             kHeaderFlushedEpoch = spec::hdr::kFlushedEpoch, kHeaderProbeLimit = spec::hdr::kProbeLimit,
                             kHeaderCopy = spec::hdr::kCopy;
inline constexpr std::size_t kSlotTable = spec::kSlotTable, kSlotSize = spec::kSlotSize;
inline constexpr std::size_t kSlotWord = spec::slotf::kWord, kSlotHash = spec::slotf::kHash,
                             kSlotKey = spec::slotf::kKey;

using spec::home_slot;
using spec::kEmpty;
using spec::kInvalid;
using spec::kLive;
using spec::kTombstone;
using spec::make_word;
using spec::State;
using spec::word_sel;
using spec::word_epoch;
using spec::word_state;

// A whole bus file in memory, with typed accessors (little-endian host).
struct Image {
  std::string bytes;

  static Image load(const std::string &path);  // throws Fail
  void save(const std::string &path) const;    // throws Fail

  std::uint32_t u32(std::size_t off) const { return spec::View(bytes).get32(off); }
  std::uint64_t u64(std::size_t off) const { return spec::View(bytes).get64(off); }
  void put32(std::size_t off, std::uint32_t v);  // throws Fail past the end
  void put64(std::size_t off, std::uint64_t v);

  std::uint32_t slots() const { return u32(kHeaderSlots); }
  std::uint32_t max_value_size() const { return u32(kHeaderMaxValue); }
  // Recomputes header_check (so that only the field a damaged vector
  // changes is wrong).
  void reseal_header();

  std::size_t slot_off(std::uint32_t i) const { return kSlotTable + std::size_t{i} * kSlotSize; }
  std::uint64_t word(std::uint32_t i) const { return u64(slot_off(i) + kSlotWord); }
  void set_word(std::uint32_t i, std::uint64_t w) { put64(slot_off(i) + kSlotWord, w); }
  std::string key(std::uint32_t i) const;  // up to the first NUL
  // The slot holding live key k, or -1.
  long find_live(const std::string &k) const;
  // Buffer b of slot i: its meta, its value bytes; all K buffers of slot i.
  // These throw Fail without a geometry.
  std::size_t meta_off(std::uint32_t i, unsigned b) const;
  std::size_t value_off(std::uint32_t i, unsigned b) const;
  std::size_t buffers_off(std::uint32_t i) const { return meta_off(i, 0); }
  std::size_t buffers_size() const;
  // The feed entry of epoch e.
  std::size_t feed_off(std::uint64_t e) const;
  // Buffer b moved back by j (mod K).
  unsigned back(unsigned b, unsigned j) const;

 private:
  spec::Geometry geometry() const;
};

// Independent check of a quiescent, cleanly closed image against
// docs/FORMAT.md: every rule of section 4 (spec::violations), the header
// page of a closed bus, and the geometry it was created with. Returns the
// first problem found, or "".
std::string spec_problem(const Image &im, std::uint32_t slots, std::uint32_t max_value_size);

}  // namespace splc::fmt

#endif  // SPLINTER_CONFORMANCE_FORMAT_H
