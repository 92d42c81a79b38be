// common.h -- shared by every fuzz target, the replay driver and the corpus
// tool: oracle failures, a per-process temporary directory, the fuzz input
// encoding of a bus image, and an independent reference reader of images.
//
// The reference reader (ref_get, ref_key_epoch) is written from
// docs/FORMAT.md section 2.4 alone, with its own XXH3 calls; it
// never calls into the library, so the targets can compare the library's
// answers on a quiescent image against it.
#ifndef SPLINTER_FUZZ_COMMON_H
#define SPLINTER_FUZZ_COMMON_H

#include <splinter/splinter.h>

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace fuzz {

// ---- Oracle failures ------------------------------------------------------

// Reports a violated oracle and aborts (libFuzzer records the input), or,
// when a negative-control replay expects a failure, exits 0 (replay.cpp).
[[noreturn]] void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
[[noreturn]] void check_failed(const char *file, int line, const char *cond, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
// FUZZ_CHECK(condition, "printf format", args...): the oracle's assertion.
#define FUZZ_CHECK(cond, ...)                                                   \
  do {                                                                          \
    if (!(cond)) ::fuzz::check_failed(__FILE__, __LINE__, #cond, __VA_ARGS__); \
  } while (0)
// Set by the replay driver for a negative control: fail() exits 0.
void expect_failure(bool on);

// memcmp that accepts null pointers when n is 0 (empty vectors).
bool same_bytes(const void *a, const void *b, std::size_t n);

// Printable name of a status for messages.
const char *status_name(int status);
// True if `status` is one of the codes in the list.
bool one_of(int status, std::initializer_list<int> allowed);

// ---- Files ---------------------------------------------------------------

// A directory private to this process (mkdtemp under $TMPDIR or /tmp),
// removed with its files at exit.
const std::string &temp_dir();
// A unique path in temp_dir() / a unique shared-memory name, per call.
std::string temp_path(const char *stem);
// Shared-memory names are unlinked at exit and on an oracle failure unless
// released (after the caller destroyed the bus itself).
std::string shm_name(const char *stem);
void release_shm_name(const std::string &name);
bool write_file(const std::string &path, const std::vector<std::uint8_t> &bytes);
std::vector<std::uint8_t> read_file(const std::string &path);

// ---- Independent format helpers (docs/FORMAT.md) --------------------------

inline constexpr std::size_t kPage = 4096;
inline constexpr std::size_t kSlotTable = 8192;
inline constexpr std::size_t kSlotSize = 128;

std::uint64_t key_hash(const void *p, std::size_t n);       // XXH3-64, seed 0
std::uint32_t home_slot(std::uint64_t key_hash, std::uint32_t slots);  // high half of key_hash * slots
std::uint64_t xxh3(const void *p, std::size_t n, std::uint64_t seed);
std::uint64_t get64(const std::vector<std::uint8_t> &img, std::size_t off);  // 0 past the end
std::uint32_t get32(const std::vector<std::uint8_t> &img, std::size_t off);
void put64(std::vector<std::uint8_t> &img, std::size_t off, std::uint64_t v);  // ignored past the end
void put32(std::vector<std::uint8_t> &img, std::size_t off, std::uint32_t v);

struct Geo {
  std::uint32_t slots = 0;
  std::uint32_t max_value = 0;
  std::uint64_t stride = 0;
  std::uint64_t value_offset = 0;
  std::uint64_t region_size = 0;
  std::uint64_t slot_off(std::uint32_t i) const { return kSlotTable + std::uint64_t{i} * kSlotSize; }
  std::uint64_t meta_off(std::uint32_t i, unsigned b) const { return slot_off(i) + 80 + 24u * (b & 1u); }
  std::uint64_t value_off(std::uint32_t i, unsigned b) const {
    return value_offset + (2 * std::uint64_t{i} + (b & 1u)) * stride;
  }
};
// The geometry of section 1 for these header fields, or nothing (F4, region max).
std::optional<Geo> geometry(std::uint64_t slots, std::uint64_t max_value);
// The geometry named by an image's header fields (no other check).
std::optional<Geo> image_geometry(const std::vector<std::uint8_t> &img);

// ---- Fuzz input encoding of a bus image ----------------------------------
//
//   byte 0      control flags (kRaw, kFix*; see below)
//   byte 1      index of a slot the kFixSlots repair leaves alone (255: none)
//   bytes 2..257    header bytes 0..255 (missing bytes are zero)
//   bytes 258..     the image from offset 8192 on: slot table, value area
//
// Bytes 256..8191 of the image (header tail, waiter page) are zero. The
// repairs let mutated inputs keep checksums consistent so the fuzzer gets
// past the header and the slot checks; each can be switched off per input
// (and the checksum ones for every input, to measure what they buy, with
// SPLINTER_FUZZ_NO_REPAIR=1).
enum : std::uint8_t {
  kRaw = 1,             // the image is bytes 1.. verbatim; nothing else applies
  kFixGeometry = 2,     // region_size := the formula of FORMAT.md section 1
  kPad = 4,             // image size := region_size (zero-filled), if <= kMaxImage
  kFixHeaderCheck = 8,  // header_check := XXH3 of bytes 0..39 (applied last)
  kFixSlots = 16,       // each LIVE slot: key_hash, active meta epoch/len/reserved/check
  kFixBusEpoch = 32,    // bus_epoch := max(bus_epoch, flushed_epoch, every slot's epoch)
  kFixAll = kFixGeometry | kPad | kFixHeaderCheck | kFixSlots | kFixBusEpoch,
};
inline constexpr std::size_t kHeaderBytes = 256;
inline constexpr std::size_t kInputHeader = 2 + kHeaderBytes;
inline constexpr std::uint64_t kMaxImage = 1u << 18;

std::vector<std::uint8_t> decode_image(const std::uint8_t *data, std::size_t size);
// The inverse for a well-formed image: flags, no skipped slot, trailing zeros
// trimmed. decode_image(encode_image(img, kFixAll)) == img for a valid bus.
std::vector<std::uint8_t> encode_image(const std::vector<std::uint8_t> &img, std::uint8_t flags);
// Recomputes the active buffer's check (and meta epoch, len, reserved) and
// the key hash of LIVE slot i: the kFixSlots repair for one slot.
void fix_slot(std::vector<std::uint8_t> &img, const Geo &g, std::uint32_t i);
void fix_header_check(std::vector<std::uint8_t> &img);

// ---- Reference reader (FORMAT.md 2.4 on a quiescent image) ---------------

struct RefGet {
  int status = SPLINTER_E_NOT_FOUND;  // OK, NOT_FOUND or CORRUPT
  std::vector<std::uint8_t> value;
  std::uint64_t epoch = 0;
  std::int64_t slot = -1;  // the slot that decided the answer
};
// A key is 1..63 non-NUL bytes. `g` is the geometry the reader captured.
RefGet ref_get(const std::vector<std::uint8_t> &img, const Geo &g, std::string_view key);
// The key's epoch as poll sees it: the word's epoch of the matching LIVE slot
// (checksum not verified), else 0.
std::uint64_t ref_key_epoch(const std::vector<std::uint8_t> &img, const Geo &g, std::string_view key);

// The key stored in slot i if it has the form of F9 (1..63 bytes, NUL padded).
std::optional<std::string> slot_key(const std::vector<std::uint8_t> &img, const Geo &g, std::uint32_t i);

// The key of LIVE slot i if list may give it (splinter.h: the slots get
// would find): a key of the form of F9 whose key_hash matches (F10), and an
// active meta with len <= max_value, reserved 0 and the word's epoch (F11).
std::optional<std::string> listable_key(const std::vector<std::uint8_t> &img, const Geo &g, std::uint32_t i);

// ---- Reading a bus through the public API ---------------------------------

struct Listed {
  std::string key;
  std::size_t len = 0;
  std::uint64_t epoch = 0;
};
// splinter_list into a vector; *status gets its return.
std::vector<Listed> list_all(const splinter_bus *bus, int *status);
// Checks a listing of a quiescent image: each entry is a listable LIVE
// slot's key, active length and epoch, in slot order, each slot at most
// once; and (with `flagged`, the slots the validator found something in)
// every LIVE slot not flagged is listed.
void check_listing(const std::vector<Listed> &listed, const std::vector<std::uint8_t> &img, const Geo &g,
                   const std::set<std::int64_t> *flagged);

}  // namespace fuzz

#endif  // SPLINTER_FUZZ_COMMON_H
