// spec.h -- the region format of docs/FORMAT.md, read independently of src/.
//
// The one home of the format for every oracle outside src/ (fuzz, the
// conformance runner, stress, bench). It is written from docs/FORMAT.md
// alone: it never includes a src/ header and shares no code with the
// library, so that a misreading of the format in the library cannot hide in
// the oracles (two independent versions of one contract). A format change
// touches src/, docs/FORMAT.md and this file (with spec.cpp); the
// static_assert below makes the build say so when the version moves.
//
// Images are plain bytes (a copy of a bus object, or a live mapping read
// while nothing writes it); reads past the end of an image give zero.
#ifndef SPLINTER_TESTSUPPORT_SPEC_H
#define SPLINTER_TESTSUPPORT_SPEC_H

#include <splinter/splinter.h>  // SPLINTER_FORMAT_VERSION and the status codes only

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spec {

// The format this file describes. Pinned to the public header: a new
// format_version fails the build here until this library is updated.
inline constexpr std::uint32_t kFormatVersion = 3;
static_assert(kFormatVersion == SPLINTER_FORMAT_VERSION,
              "the region format changed: update testsupport/ (spec.h, spec.cpp) from docs/FORMAT.md");

// ---- Section 1: region layout ----------------------------------------------

inline constexpr std::uint64_t kPage = 4096;        // the header page, at 0
inline constexpr std::uint64_t kWaiterPage = 4096;  // 1.2
inline constexpr std::uint64_t kSlotTable = 8192;   // 1.3
inline constexpr std::uint64_t kSlotSize = 128;
inline constexpr std::uint64_t kMaxSlots = std::uint64_t{1} << 24;      // F4
inline constexpr std::uint64_t kMaxValueSize = std::uint64_t{1} << 26;  // F4
inline constexpr std::uint64_t kMaxRegion = std::uint64_t{1} << 40;     // F5
inline constexpr std::size_t kKeyMax = 63;
inline constexpr std::string_view kMagic{"SPLINTER", 8};

// 1.1: header fields, byte offsets from 0.
namespace hdr {
inline constexpr std::size_t kMagic = 0, kVersion = 8, kSlotSize = 12, kSlots = 16, kMaxValue = 20, kFlags = 24,
                             kReserved = 28, kRegionSize = 32, kCheck = 40, kBusEpoch = 64, kWriterPid = 128,
                             kFlushedEpoch = 192;
inline constexpr std::size_t kChecked = 40;     // header_check covers bytes [0, kChecked)
inline constexpr std::size_t kZeroFrom = 48;    // bytes [kZeroFrom, kFixedEnd) are zero (F3)
inline constexpr std::size_t kFixedEnd = 64;    // bytes [0, kFixedEnd) are written once, at creation
inline constexpr std::size_t kFieldsEnd = 200;  // no header field lies at or past this offset
}  // namespace hdr
// 1.2: the waiter count.
inline constexpr std::size_t kWaiters = kWaiterPage;

// 1.3: slot fields, byte offsets within a slot; buffer meta fields within a meta.
namespace slotf {
inline constexpr std::size_t kWord = 0, kHash = 8, kKey = 16, kKeyBytes = 64, kMeta = 80, kMetaSize = 24;
}
namespace metaf {
inline constexpr std::size_t kLen = 0, kReserved = 4, kEpoch = 8, kCheck = 16;
}

// The slot word: state (bits 0-1), active (bit 2), epoch (bits 3-63).
enum State : unsigned { kEmpty = 0, kLive = 1, kTombstone = 2, kInvalid = 3 };
constexpr unsigned word_state(std::uint64_t w) { return static_cast<unsigned>(w & 3); }
constexpr unsigned word_active(std::uint64_t w) { return static_cast<unsigned>((w >> 2) & 1); }
constexpr std::uint64_t word_epoch(std::uint64_t w) { return w >> 3; }
constexpr std::uint64_t make_word(unsigned state, unsigned active, std::uint64_t epoch) {
  return (state & 3u) | (std::uint64_t{active & 1u} << 2) | (epoch << 3);
}

// The hashes (1.1, 1.3): XXH3-64 of xxHash 0.8.
std::uint64_t key_hash(const void *key, std::size_t len);  // seed 0; the key's NUL is not hashed
inline std::uint64_t key_hash(std::string_view key) { return key_hash(key.data(), key.size()); }
// The home slot: the high 64 bits of key_hash * slots.
std::uint32_t home_slot(std::uint64_t key_hash, std::uint32_t slots);
inline std::uint32_t home_slot(std::string_view key, std::uint32_t slots) { return home_slot(key_hash(key), slots); }
// A buffer meta's check: XXH3-64(value, seed = key_hash XOR epoch).
std::uint64_t value_check(const void *value, std::size_t len, std::uint64_t key_hash, std::uint64_t epoch);
// header_check: XXH3-64 (seed 0) of header bytes [0, hdr::kChecked).
std::uint64_t header_check(const void *header);

// Section 1 for a header's slots and max_value_size: a value buffer's
// stride, where the value area starts, the whole region's size.
struct Geometry {
  std::uint32_t slots = 0, max_value = 0;
  std::uint64_t stride = 0, value_offset = 0, region_size = 0;

  std::uint64_t slot_off(std::uint32_t i) const { return kSlotTable + std::uint64_t{i} * kSlotSize; }
  std::uint64_t meta_off(std::uint32_t i, unsigned b) const {
    return slot_off(i) + slotf::kMeta + slotf::kMetaSize * (b & 1u);
  }
  std::uint64_t value_off(std::uint32_t i, unsigned b) const {
    return value_offset + (2 * std::uint64_t{i} + (b & 1u)) * stride;
  }
};
// The formula (computed in 64 bits, as the fields are u32). Nothing when the
// fields break F4 or the region would exceed 2^40 bytes (F5).
std::optional<Geometry> geometry(std::uint64_t slots, std::uint64_t max_value);

// ---- Reading an image ----------------------------------------------------

struct Header {
  bool magic = false;  // bytes 0..7 are "SPLINTER"
  std::uint32_t version = 0, slot_size = 0, slots = 0, max_value = 0, flags = 0, reserved = 0;
  std::uint64_t region_size = 0, check = 0, bus_epoch = 0, flushed_epoch = 0;
  std::uint32_t writer_pid = 0;
};

struct Meta {
  std::uint32_t len = 0, reserved = 0;
  std::uint64_t epoch = 0, check = 0;
};

struct Slot {
  std::uint32_t index = 0;
  std::uint64_t word = 0;
  std::uint64_t key_hash = 0;
  std::array<std::uint8_t, slotf::kKeyBytes> key_bytes{};
  Meta meta[2];

  unsigned state() const { return word_state(word); }
  unsigned active() const { return word_active(word); }
  std::uint64_t epoch() const { return word_epoch(word); }
  const Meta &active_meta() const { return meta[active()]; }
  // The key when it has the form of F9 (1..63 non-NUL bytes, then NULs).
  std::optional<std::string> key() const;
  // The key bytes up to the first NUL (at most 64), whatever their form.
  std::string key_prefix() const;
  // The 64 key bytes equal `key` NUL-padded (and key is 1..63 bytes).
  bool holds_key(std::string_view key) const;
};

// A read-only view of an image.
class View {
 public:
  View(const void *data, std::size_t size) : p_(static_cast<const std::uint8_t *>(data)), n_(size) {}
  View(const std::vector<std::uint8_t> &v) : View(v.data(), v.size()) {}  // NOLINT: images convert
  View(std::string_view s) : View(s.data(), s.size()) {}                   // NOLINT
  View(const std::string &s) : View(s.data(), s.size()) {}                 // NOLINT

  const std::uint8_t *data() const { return p_; }
  std::size_t size() const { return n_; }
  bool has(std::uint64_t off, std::uint64_t len) const { return off <= n_ && n_ - off >= len; }
  // len bytes at off, or nullptr when they are not all in the image.
  const std::uint8_t *at(std::uint64_t off, std::uint64_t len) const { return has(off, len) ? p_ + off : nullptr; }
  std::uint32_t get32(std::uint64_t off) const;  // 0 unless all 4 bytes are in the image
  std::uint64_t get64(std::uint64_t off) const;

  Header header() const;
  // The geometry named by the header's slots and max_value_size (no other check).
  std::optional<Geometry> geometry() const;
  std::uint64_t bus_epoch() const { return get64(hdr::kBusEpoch); }
  std::uint64_t word(const Geometry &g, std::uint32_t i) const { return get64(g.slot_off(i) + slotf::kWord); }
  Slot slot(const Geometry &g, std::uint32_t i) const;
  // len bytes of value buffer b of slot i, or nullptr past the image.
  const std::uint8_t *value(const Geometry &g, std::uint32_t i, unsigned b, std::uint64_t len) const {
    return at(g.value_off(i, b), len);
  }

 private:
  const std::uint8_t *p_;
  std::size_t n_;
};

// Writes a little-endian field into an image; false (nothing written) past its end.
bool put32(std::uint8_t *img, std::size_t size, std::uint64_t off, std::uint32_t v);
bool put64(std::uint8_t *img, std::size_t size, std::uint64_t off, std::uint64_t v);
inline bool put32(std::vector<std::uint8_t> &img, std::uint64_t off, std::uint32_t v) {
  return put32(img.data(), img.size(), off, v);
}
inline bool put64(std::vector<std::uint8_t> &img, std::uint64_t off, std::uint64_t v) {
  return put64(img.data(), img.size(), off, v);
}
// Recomputes header_check over the header's bytes (an image of at least 48 bytes).
void seal_header(std::uint8_t *img, std::size_t size);
inline void seal_header(std::vector<std::uint8_t> &img) { seal_header(img.data(), img.size()); }
// Makes LIVE slot i self-consistent: key_hash of its key (up to the first
// NUL, at most 63 bytes), and its active meta: len clamped to max_value (0
// if the value is not in the image), reserved 0, the word's epoch, the
// check of the bytes. Other slots are left alone.
void seal_slot(std::uint8_t *img, std::size_t size, const Geometry &g, std::uint32_t i);
inline void seal_slot(std::vector<std::uint8_t> &img, const Geometry &g, std::uint32_t i) {
  seal_slot(img.data(), img.size(), g, i);
}

// ---- Section 2: protocols on a quiescent image ------------------------------

// The probe of 2.2 step 1 and 2.4 steps 1-3 over n slots from `home`: LIVE
// slots are matched with `live_match(i)`, TOMBSTONE and invalid states are
// passed, the first EMPTY ends it.
struct Probe {
  bool found = false;
  std::uint32_t slot = 0;   // the matching LIVE slot when found
  bool has_free = false;    // 2.2 step 2: where a new key goes
  std::uint32_t free = 0;   // the first TOMBSTONE passed, else the EMPTY that ended the probe
};
Probe probe(std::uint32_t n, std::uint32_t home, const std::function<unsigned(std::uint32_t)> &state,
            const std::function<bool(std::uint32_t)> &live_match);
// The probe for `key` (1..63 bytes) in an image: matched by key_hash and key bytes.
Probe probe(View im, const Geometry &g, std::string_view key);

// 2.3 step 4: after slot s became a TOMBSTONE, the TOMBSTONEs that become
// EMPTY, given each slot's state and, for LIVE slots, its key's home slot.
std::vector<std::uint32_t> reclaimed(std::uint32_t n, std::uint32_t s,
                                     const std::function<unsigned(std::uint32_t)> &state,
                                     const std::function<std::uint32_t(std::uint32_t)> &home);

// 2.4 step 7 before the checksum: a LIVE word's active meta a reader trusts
// (len <= max_value_size, reserved 0, the word's epoch).
bool meta_matches(const Slot &s, const Geometry &g);

// get (2.4) on a quiescent image, with the geometry the reader captured.
struct Get {
  int status = SPLINTER_E_NOT_FOUND;  // OK, NOT_FOUND or CORRUPT
  std::vector<std::uint8_t> value;
  std::uint64_t epoch = 0;
  std::int64_t slot = -1;  // the slot that decided the answer
};
Get get(View im, const Geometry &g, std::string_view key);
// The key's epoch as poll reads it (2.5): the word's epoch of its LIVE slot
// (no checksum read), else 0.
std::uint64_t key_epoch(View im, const Geometry &g, std::string_view key);

// ---- Section 4: the rules ----------------------------------------------------

enum Rule : std::uint32_t { F1 = 1, F2, F3, F4, F5, F6, F7, F8, F9, F10, F11, F12, F13, F14, F15 };
inline constexpr Rule kRules[] = {F1, F2, F3, F4, F5, F6, F7, F8, F9, F10, F11, F12, F13, F14, F15};

// Header rules, on an image that is the whole object (F5 compares its size).
bool header_rule_holds(View im, Rule r);  // F1..F6
// Slot rules F7..F12 for slot s of an image with geometry g.
bool slot_rule_holds(View im, const Geometry &g, const Slot &s, Rule r);

struct Violation {
  Rule rule;
  std::int64_t slot;  // -1 for the header
  std::string what;
};
// Every broken rule of section 4, in rule order per slot (the header's
// first). When a header rule (F1-F6) is broken the slots are not read, and
// after F1 (not a bus) or F2 (another version) nothing else is.
// F14 and F15 consider the LIVE slots that keep F9-F12 (the others are
// reported already); an EMPTY slot is one whose state is EMPTY, as a reader
// sees it (2.4 step 3).
std::vector<Violation> violations(View im);
// The header page of a bus no writer holds (1.1): writer_pid 0, every byte
// that is no field zero. "" when it is so, else what is wrong.
std::string closed_header_problem(View im);

}  // namespace spec

#endif  // SPLINTER_TESTSUPPORT_SPEC_H
