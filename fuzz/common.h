// common.h -- shared by every fuzz target, the replay driver and the corpus
// tool: oracle failures, a per-process temporary directory, the fuzz input
// encoding of a bus image, and the check of a listing.
//
// The format itself -- geometry, slots, and the reference reader of
// FORMAT.md 2.4 (spec::get, spec::key_epoch) that the targets compare the
// library's answers on a quiescent image against -- is the test-support
// library (testsupport/include/testsupport/spec.h), written from
// docs/FORMAT.md alone: it never calls into the library.
#ifndef SPLINTER_FUZZ_COMMON_H
#define SPLINTER_FUZZ_COMMON_H

#include <splinter/splinter.h>

#include "testsupport/files.h"
#include "testsupport/spec.h"

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace fuzz {

// The clock of deadlines (FORMAT.md 1.6) in every target: each input starts
// by freezing the library's at kNowMs (freeze_clock(), a test hook of
// src/test_hooks.h, called from the target's source, which links the
// library), and the reference reader is asked at the same instant, so a
// verdict never depends on when an input runs. kNowMs is in November 2023:
// a fuzzed deadline below it is expired, one above it (to 2^48 - 1) live.
inline constexpr std::uint64_t kNowMs = 1'700'000'000'000;
// Whether LIVE slot s's current deadline has passed at kNowMs (a malformed
// one is not a deadline: the slot is damaged, F23).
bool expired_now(const spec::Slot &s, const spec::Geometry &g);

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

using testsupport::same_bytes;

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
// The creation options of a fuzz bus (mode 0600; change_ring 0: the default).
inline splinter_options bus_options(std::uint32_t slots, std::uint32_t max_value, std::uint32_t ring,
                                    std::uint32_t depth) {
  splinter_options o{};
  o.size = sizeof o;
  o.slots = slots;
  o.max_value_size = max_value;
  o.mode = 0600;
  o.change_ring = ring;
  o.history_depth = depth;
  return o;
}

std::string shm_name(const char *stem);
void release_shm_name(const std::string &name);
// The whole file, and a file of these bytes; an oracle failure when the file
// cannot be read or written.
std::vector<std::uint8_t> read_image(const std::string &path);
void write_image(const std::string &path, const std::vector<std::uint8_t> &bytes);

// ---- Fuzz input encoding of a bus image ----------------------------------
//
//   byte 0      control flags (kRaw, kFix*; see below)
//   byte 1      index of a slot the kFixSlots repair leaves alone (255: none)
//   bytes 2..265    header bytes 0..263 (missing bytes are zero)
//   bytes 266..     the image from the slot table on: slot table, feed, value area
//
// Bytes 264.. of the image up to the slot table (header tail, waiter page)
// are zero, but for the header copy at 2048 that kFixHeaderCheck writes
// (without it the copy is zero: a damaged copy, F16). The repairs let mutated inputs keep checksums consistent so the
// fuzzer gets past the header and the slot checks; each can be switched off
// per input (and the checksum ones for every input, to measure what they
// buy, with SPLINTER_FUZZ_NO_REPAIR=1).
enum : std::uint8_t {
  kRaw = 1,             // the image is bytes 1.. verbatim; nothing else applies
  kFixGeometry = 2,     // region_size := the formula of FORMAT.md section 1
  kPad = 4,             // image size := region_size (zero-filled), if <= kMaxImage
  kFixHeaderCheck = 8,  // header_check := XXH3 of bytes 0..47, and the copy at 2048 (applied last)
  kFixSlots = 16,       // each LIVE slot: spec::seal_slot (key_hash, current meta, check)
  kFixBusEpoch = 32,    // bus_epoch := max(bus_epoch, flushed_epoch, every slot's epoch)
  kFixAll = kFixGeometry | kPad | kFixHeaderCheck | kFixSlots | kFixBusEpoch,
};
inline constexpr std::size_t kHeaderBytes = 264;
static_assert(spec::hdr::kFieldsEnd <= kHeaderBytes, "the input encoding must carry every header field");
inline constexpr std::size_t kInputHeader = 2 + kHeaderBytes;
inline constexpr std::uint64_t kMaxImage = 1u << 18;

std::vector<std::uint8_t> decode_image(const std::uint8_t *data, std::size_t size);
// The inverse for a well-formed image: flags, no skipped slot, trailing zeros
// trimmed. decode_image(encode_image(img, kFixAll)) == img for a valid bus.
std::vector<std::uint8_t> encode_image(const std::vector<std::uint8_t> &img, std::uint8_t flags);

// ---- Reading a bus through the public API ---------------------------------

// The key of LIVE slot i if list may give it (splinter.h: the slots get
// would find): a key of the form of F9 whose key_hash matches (F10), and a
// current meta a reader trusts (spec::meta_matches), not expired at kNowMs.
std::optional<std::string> listable_key(spec::View img, const spec::Geometry &g, std::uint32_t i);

struct Listed {
  std::string key;
  std::size_t len = 0;
  std::uint64_t epoch = 0;
};
// splinter_list into a vector; *status gets its return.
std::vector<Listed> list_all(const splinter_bus *bus, int *status);
// Checks a listing of a quiescent image: each entry is a listable LIVE
// slot's key, current length and epoch, in slot order, each slot at most
// once; and (with `flagged`, the slots the validator found something in)
// every LIVE slot not flagged and not expired at kNowMs is listed.
void check_listing(const std::vector<Listed> &listed, spec::View img, const spec::Geometry &g,
                   const std::set<std::int64_t> *flagged);

}  // namespace fuzz

#endif  // SPLINTER_FUZZ_COMMON_H
