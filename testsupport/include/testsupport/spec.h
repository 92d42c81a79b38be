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
inline constexpr std::uint32_t kFormatVersion = 5;
static_assert(kFormatVersion == SPLINTER_FORMAT_VERSION,
              "the region format changed: update testsupport/ (spec.h, spec.cpp) from docs/FORMAT.md");

// ---- Section 1: region layout ----------------------------------------------

inline constexpr std::uint64_t kPage = 4096;        // the header page, at 0
inline constexpr std::uint64_t kWaiterPage = 4096;  // 1.2
inline constexpr std::uint64_t kSlotTable = 8192;   // 1.3
inline constexpr std::uint64_t kSlotSize = 128;
inline constexpr std::uint64_t kMaxSlots = std::uint64_t{1} << 24;      // F4
inline constexpr std::uint64_t kMaxValueSize = std::uint64_t{1} << 26;  // F4
inline constexpr std::uint64_t kMaxRegion = std::uint64_t{1} << 40;     // F4
inline constexpr std::uint64_t kMaxHistory = 62;                        // F3
inline constexpr std::uint64_t kMaxRing = std::uint64_t{1} << 24;       // F3
inline constexpr std::uint64_t kMetaSize = 32;                          // 1.4
inline constexpr std::uint64_t kFeedEntry = 80;                         // 1.5
inline constexpr std::size_t kKeyMax = 63;
inline constexpr std::string_view kMagic{"SPLINTER", 8};

// 1.1: header fields, byte offsets from 0.
namespace hdr {
inline constexpr std::size_t kMagic = 0, kVersion = 8, kSlotSize = 12, kSlots = 16, kMaxValue = 20,
                             kHistoryDepth = 24, kChangeRing = 28, kRegionSize = 32, kReserved = 40, kCheck = 48,
                             kReserved2 = 56, kBusEpoch = 64, kWriterPid = 128, kFlushedEpoch = 192,
                             kProbeLimit = 256, kCopy = 2048;
inline constexpr std::size_t kChecked = 48;     // header_check covers bytes [0, kChecked)
inline constexpr std::size_t kFixedEnd = 64;    // bytes [0, kFixedEnd) are written once, at creation
inline constexpr std::size_t kFieldsEnd = 260;  // no field lies at or past this offset but the copy
inline constexpr std::size_t kCopyEnd = kCopy + kFixedEnd;  // the copy of bytes [0, kFixedEnd)
}  // namespace hdr
// 1.2: the waiter page's eventcount words (u32; bit 0 announced, bits 1..31
// a sequence): bus_wait, and key_wait[j] for the keys with key_hash & 511 == j.
namespace waitf {
inline constexpr std::uint64_t kBusWait = kWaiterPage;
inline constexpr std::uint64_t kKeyWait = kWaiterPage + 64;  // key_wait[0]
inline constexpr std::uint32_t kBuckets = 512;
inline constexpr std::uint32_t kAnnounced = 1;
}  // namespace waitf
// The offset of the key_wait word of a key with this key_hash.
constexpr std::uint64_t key_wait_offset(std::uint64_t key_hash) {
  return waitf::kKeyWait + 4 * (key_hash & (waitf::kBuckets - 1));
}

// 1.3: slot fields, byte offsets within a slot.
namespace slotf {
inline constexpr std::size_t kWord = 0, kHash = 8, kKey = 16, kKeyBytes = 64, kReserved = 80;
}
// 1.4: buffer meta fields, byte offsets within a buffer (the value follows the meta).
namespace metaf {
inline constexpr std::size_t kLen = 0, kReserved = 4, kEpoch = 8, kCheck = 16, kDeadline = 24, kValue = 32;
}
// 1.5: feed entry fields.
namespace feedf {
inline constexpr std::size_t kWord = 0, kCheck = 8, kKey = 16;
inline constexpr std::uint64_t kCheckMul = 0x9E3779B97F4A7C15ull;
}  // namespace feedf

// The slot word: state (bits 0-1), sel (bits 2-7), epoch (bits 8-63).
enum State : unsigned { kEmpty = 0, kLive = 1, kTombstone = 2, kInvalid = 3 };
constexpr unsigned word_state(std::uint64_t w) { return static_cast<unsigned>(w & 3); }
constexpr unsigned word_sel(std::uint64_t w) { return static_cast<unsigned>((w >> 2) & 63); }
constexpr std::uint64_t word_epoch(std::uint64_t w) { return w >> 8; }
constexpr std::uint64_t make_word(unsigned state, unsigned sel, std::uint64_t epoch) {
  return (state & 3u) | (std::uint64_t{sel & 63u} << 2) | (epoch << 8);
}
// Ops: a tombstone's sel, a feed entry's op.
enum Op : unsigned { kOpNone = 0, kOpSet = 1, kOpUnset = 2, kOpExpire = 3 };
// 1.6, F23: a deadline is 0 (never) or ms since the Unix epoch, at most 2^48 - 1.
inline constexpr std::uint64_t kDeadlineMax = (std::uint64_t{1} << 48) - 1;
// A value with deadline d is expired at time now iff d != 0 and now >= d (1.6).
constexpr bool expired(std::uint64_t d, std::uint64_t now) { return d != 0 && now >= d; }
// The feed entry word: op (bits 0-2), bits 3-7 zero, epoch (bits 8-63).
constexpr unsigned feed_op(std::uint64_t w) { return static_cast<unsigned>(w & 7); }
constexpr std::uint64_t feed_epoch(std::uint64_t w) { return w >> 8; }
constexpr std::uint64_t make_feed_word(unsigned op, std::uint64_t epoch) { return (op & 7u) | (epoch << 8); }

// The hashes (1.1, 1.3, 1.4, 1.5): XXH3-64 of xxHash 0.8.
std::uint64_t key_hash(const void *key, std::size_t len);  // seed 0; the key's NUL is not hashed
inline std::uint64_t key_hash(std::string_view key) { return key_hash(key.data(), key.size()); }
// The home slot: the high 64 bits of key_hash * slots.
std::uint32_t home_slot(std::uint64_t key_hash, std::uint32_t slots);
inline std::uint32_t home_slot(std::string_view key, std::uint32_t slots) { return home_slot(key_hash(key), slots); }
// A buffer meta's check: XXH3-64(value, seed = key_hash ^ epoch ^ rotl64(deadline, 32)).
std::uint64_t value_check(const void *value, std::size_t len, std::uint64_t key_hash, std::uint64_t epoch,
                          std::uint64_t deadline = 0);
// header_check: XXH3-64 (seed 0) of header bytes [0, hdr::kChecked).
std::uint64_t header_check(const void *header);
// A feed entry's check: key_hash ^ (word * 0x9E3779B97F4A7C15).
constexpr std::uint64_t feed_check(std::uint64_t key_hash, std::uint64_t word) {
  return key_hash ^ (word * feedf::kCheckMul);
}

// Section 1 for a header's slots, max_value_size, history_depth and
// change_ring: K buffers per slot, a buffer's size, where the feed and the
// value area start, the whole region's size.
struct Geometry {
  std::uint32_t slots = 0, max_value = 0, history_depth = 0, ring = 0, buffers = 0;
  std::uint64_t buffer_size = 0, feed_offset = 0, value_offset = 0, region_size = 0;

  std::uint64_t slot_off(std::uint32_t i) const { return kSlotTable + std::uint64_t{i} * kSlotSize; }
  std::uint64_t buffer_off(std::uint32_t i, unsigned b) const {
    return value_offset + (std::uint64_t{i} * buffers + b) * buffer_size;
  }
  std::uint64_t meta_off(std::uint32_t i, unsigned b) const { return buffer_off(i, b); }
  std::uint64_t value_off(std::uint32_t i, unsigned b) const { return buffer_off(i, b) + metaf::kValue; }
  // The entry of epoch e: index e mod ring.
  std::uint64_t feed_off(std::uint64_t e) const { return feed_offset + (e % ring) * kFeedEntry; }
  // Buffer b moved back by j (mod K).
  unsigned back(unsigned b, unsigned j) const { return static_cast<unsigned>((b + buffers * 64 - j) % buffers); }
};
// The formula (computed in 64 bits, as the fields are u32). Nothing when the
// fields break F3's history clauses, F4, or the region would exceed 2^40.
std::optional<Geometry> geometry(std::uint64_t slots, std::uint64_t max_value, std::uint64_t history_depth,
                                 std::uint64_t ring);
// The change_ring splinter_create gives a bus of `slots` slots (splinter.h):
// the slot count rounded up to a power of two, clamped to 1024..65536.
std::uint32_t default_ring(std::uint32_t slots);

// ---- Reading an image ----------------------------------------------------

struct Header {
  bool magic = false;  // bytes 0..7 are "SPLINTER"
  std::uint32_t version = 0, slot_size = 0, slots = 0, max_value = 0, history_depth = 0, ring = 0;
  std::uint64_t region_size = 0, reserved = 0, check = 0, reserved2 = 0, bus_epoch = 0, flushed_epoch = 0;
  std::uint32_t writer_pid = 0, probe_limit = 0;
};

struct Meta {
  std::uint32_t len = 0, reserved = 0;
  std::uint64_t epoch = 0, check = 0, deadline = 0;
  bool zero() const { return len == 0 && reserved == 0 && epoch == 0 && check == 0 && deadline == 0; }
};

struct Slot {
  std::uint32_t index = 0;
  std::uint64_t word = 0;
  std::uint64_t key_hash = 0;
  std::array<std::uint8_t, slotf::kKeyBytes> key_bytes{};
  std::vector<Meta> meta;  // one per buffer (K)

  unsigned state() const { return word_state(word); }
  unsigned sel() const { return word_sel(word); }
  std::uint64_t epoch() const { return word_epoch(word); }
  // The meta of the buffer sel names (all zero when sel names none).
  Meta current_meta() const { return sel() < meta.size() ? meta[sel()] : Meta{}; }
  // The key when it has the form of F9 (1..63 non-NUL bytes, then NULs).
  std::optional<std::string> key() const;
  // The key bytes up to the first NUL (at most 64), whatever their form.
  std::string key_prefix() const;
  // The 64 key bytes equal `key` NUL-padded (and key is 1..63 bytes).
  bool holds_key(std::string_view key) const;
};

// A feed entry (1.5).
struct Entry {
  std::uint64_t word = 0, check = 0;
  std::array<std::uint8_t, slotf::kKeyBytes> key_bytes{};
  unsigned op() const { return feed_op(word); }
  std::uint64_t epoch() const { return feed_epoch(word); }
  std::string key_prefix() const;
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

  // The header fields as at `base` (0: the primary; hdr::kCopy: the copy's
  // fixed fields, with the live fields of the page).
  Header header(std::size_t base = 0) const;
  // Which fixed header to believe (F16): 0 when the primary's check
  // matches, else hdr::kCopy when the copy's does, else 0.
  std::size_t chosen_header() const;
  // The geometry named by the chosen header (no other check).
  std::optional<Geometry> geometry() const;
  std::uint64_t bus_epoch() const { return get64(hdr::kBusEpoch); }
  std::uint64_t word(const Geometry &g, std::uint32_t i) const { return get64(g.slot_off(i) + slotf::kWord); }
  Slot slot(const Geometry &g, std::uint32_t i) const;
  Meta meta(const Geometry &g, std::uint32_t i, unsigned b) const;
  Entry entry(const Geometry &g, std::uint64_t epoch) const;
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
// Recomputes header_check over the primary's bytes and copies bytes 0..63
// to the copy at 2048 (when the image reaches it), so that an edit of a
// primary field is the header's (an image of at least 56 bytes).
void seal_header(std::uint8_t *img, std::size_t size);
inline void seal_header(std::vector<std::uint8_t> &img) { seal_header(img.data(), img.size()); }
// Makes LIVE slot i self-consistent: key_hash of its key (up to the first
// NUL, at most 63 bytes), sel within the K buffers, and its current meta:
// len clamped to max_value (0 if the value is not in the image), reserved
// and deadline 0, the word's epoch, the check of the bytes. Other slots are
// left alone.
void seal_slot(std::uint8_t *img, std::size_t size, const Geometry &g, std::uint32_t i);
inline void seal_slot(std::vector<std::uint8_t> &img, const Geometry &g, std::uint32_t i) {
  seal_slot(img.data(), img.size(), g, i);
}
// Writes the feed entry of epoch e (op, key) as 2.2 step 8 leaves it.
void put_entry(std::uint8_t *img, std::size_t size, const Geometry &g, std::uint64_t e, unsigned op,
               std::string_view key);
inline void put_entry(std::vector<std::uint8_t> &img, const Geometry &g, std::uint64_t e, unsigned op,
                      std::string_view key) {
  put_entry(img.data(), img.size(), g, e, op, key);
}

// ---- Section 2: protocols on a quiescent image ------------------------------

// The probe of 2.2 step 1 and 2.4 steps 1-3 over at most `limit` slots of n
// from `home`: LIVE slots are matched with `live_match(i)`, TOMBSTONE and
// invalid states are passed, the first EMPTY ends it.
struct Probe {
  bool found = false;
  std::uint32_t slot = 0;   // the matching LIVE slot when found
  bool has_free = false;    // 2.2 step 2: where a new key goes
  std::uint32_t free = 0;   // the first TOMBSTONE passed, else the EMPTY that ended the probe
};
Probe probe(std::uint32_t n, std::uint32_t home, const std::function<unsigned(std::uint32_t)> &state,
            const std::function<bool(std::uint32_t)> &live_match, std::uint32_t limit = ~0u);
// The probe for `key` (1..63 bytes) in an image: matched by key_hash and key
// bytes, over min(probe_limit, slots) slots when `bounded` (a reader, 2.4),
// else all of them (the writer, 2.2).
Probe probe(View im, const Geometry &g, std::string_view key, bool bounded = true);

// 2.3 step 4: after slot s became a TOMBSTONE, the TOMBSTONEs that become
// EMPTY, given each slot's state and, for LIVE slots, its key's home slot.
std::vector<std::uint32_t> reclaimed(std::uint32_t n, std::uint32_t s,
                                     const std::function<unsigned(std::uint32_t)> &state,
                                     const std::function<std::uint32_t(std::uint32_t)> &home);

// 2.4 step 5 before the checksum: a LIVE word's current meta a reader trusts
// (sel names a buffer, len <= max_value_size, reserved 0, deadline at most
// kDeadlineMax, the word's epoch).
bool meta_matches(const Slot &s, const Geometry &g);

// get (2.4) on a quiescent image, with the geometry the reader captured.
struct Get {
  int status = SPLINTER_E_NOT_FOUND;  // OK, NOT_FOUND or CORRUPT
  std::vector<std::uint8_t> value;
  std::uint64_t epoch = 0;
  std::int64_t slot = -1;  // the slot that decided the answer
};
// now_ms: the clock of 1.6 as the reader reads it; the default 0 precedes
// every deadline (no key is expired).
Get get(View im, const Geometry &g, std::string_view key, std::uint64_t now_ms = 0);
// The key's epoch as poll reads it (2.5): the word's epoch of its LIVE slot
// (no checksum read) unless its current deadline has passed, else 0.
std::uint64_t key_epoch(View im, const Geometry &g, std::string_view key, std::uint64_t now_ms = 0);

// splinter_history (1.4) on a quiescent image: the values newest first.
struct History {
  int status = SPLINTER_E_NOT_FOUND;  // OK, NOT_FOUND or CORRUPT (after the intact newer ones)
  std::vector<std::pair<std::uint64_t, std::vector<std::uint8_t>>> values;  // (epoch, bytes)
};
// now_ms as for get: an expired key has no history.
History history(View im, const Geometry &g, std::string_view key, std::uint64_t now_ms = 0);

// splinter_changes (2.9) on a quiescent image.
struct Change {
  std::uint64_t epoch = 0;
  unsigned op = 0;
  std::string key;
};
struct Changes {
  int status = SPLINTER_OK;  // OK, COMPACTED or CORRUPT
  std::vector<Change> changes;
};
Changes changes(View im, const Geometry &g, std::uint64_t since);

// ---- Section 4: the rules ----------------------------------------------------

enum Rule : std::uint32_t {
  F1 = 1, F2, F3, F4, F5, F6, F7, F8, F9, F10, F11, F12, F13, F14, F15, F16, F17, F18, F19, F20, F21, F22, F23
};
inline constexpr Rule kRules[] = {F1,  F2,  F3,  F4,  F5,  F6,  F7,  F8,  F9,  F10, F11, F12,
                                  F13, F14, F15, F16, F17, F18, F19, F20, F21, F22, F23};

// Header rules, on an image that is the whole object (F5, F17 compare its size).
bool header_rule_holds(View im, Rule r);  // F1..F6, F16, F17
// Slot rules F7..F12, F18, F19, F23 for slot s of an image with geometry g.
bool slot_rule_holds(View im, const Geometry &g, const Slot &s, Rule r);

struct Violation {
  Rule rule;
  std::int64_t slot;  // -1 for the header, the feed and the epochs
  std::string what;
};
// Every broken rule of section 4, in rule order per slot (the header's
// first). When a fatal header rule (F1-F6) is broken the slots are not read,
// and after F1 (not a bus) or F2 (another version) nothing else is.
// F14, F15 and F22 consider the LIVE slots that keep F9-F12 (the others are
// reported already); an EMPTY slot is one whose state is EMPTY, as a reader
// sees it (2.4 step 3).
std::vector<Violation> violations(View im);
// The header page of a bus no writer holds (1.1): writer_pid 0, every byte
// that is no field zero. "" when it is so, else what is wrong.
std::string closed_header_problem(View im);

}  // namespace spec

#endif  // SPLINTER_TESTSUPPORT_SPEC_H
