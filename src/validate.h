// validate.h -- the one validator: every rule of docs/FORMAT.md section 4.
//
// It reads a region image as plain bytes (a snapshot, a fuzzer's input, or
// the writer's own mapping while it holds the writer role) and never trusts
// a field before checking it. Used by open, recovery, splinter_check, the
// unit tests, the property tests, the fuzzers, the stress harness and the CLI.
#ifndef SPLINTER_SRC_VALIDATE_H
#define SPLINTER_SRC_VALIDATE_H

#include "layout.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace splinter {

struct Finding;  // splinter.hpp: rule, severity, fix, slot, key, detail

// Called once per finding; return false to stop validating.
using FindingSink = std::function<bool(const Finding &)>;

// What recovery (recover.cpp) does about the findings of one validation:
// the fix column of FORMAT.md section 4, made concrete. The validator fills
// it as it reports; recovery applies it in the order of the fields below.
struct RepairPlan {
  // Header (F16, F17).
  bool rewrite_primary = false;  // from the intact copy
  bool rewrite_copy = false;     // from the intact primary
  bool truncate = false;         // the object is longer than region_size

  // Slots, lossless or not a mutation (F7-F10, F13-F15, F18, F19).
  enum class Kind {
    tombstone0,  // word := (TOMBSTONE, 0, 0): keeps probe paths, holds no key
    set_word,    // word := `word` (a restored, re-selected or re-epoched word)
    set_hash,    // key_hash := `value` (the key's bytes are intact)
    fill_path,   // F14: every EMPTY slot between the key's home and it := (TOMBSTONE, 0, 0)
    trim,        // F19: metas of buffer `buffer` and the older ones (count `count`) := 0
  };
  struct SlotFix {
    Kind kind;
    std::uint32_t slot = 0;
    std::uint64_t value = 0;  // the word or hash
    unsigned buffer = 0;
    unsigned count = 0;
  };
  std::vector<SlotFix> slot_fixes;

  // The change feed (F20): entry indexes to remove. An entry at the bus
  // epoch's index becomes a removed entry of that epoch; others become 0.
  std::vector<std::uint32_t> feed_remove;

  // Epochs (F13, F21): the bus epoch after repair, the slots whose committed
  // mutation lacks its feed entry (written from the slot, in epoch order),
  // and flushed_epoch when it is above the bus epoch.
  std::optional<std::uint64_t> bus_epoch;
  std::vector<std::uint32_t> feed_fill;
  std::optional<std::uint64_t> flushed_epoch;

  // Recovery's mutations (FORMAT.md section 3): each takes the next epoch
  // and appends its feed entry. rollback: the key's value in `buffer` (its
  // previous one) becomes current; drop: the key is removed.
  struct Mutation {
    bool drop = false;
    std::uint32_t slot = 0;
    unsigned buffer = 0;
  };
  std::vector<Mutation> mutations;

  // F22: probe_limit := one more than the largest distance of a live key
  // from its home, after every fix above.
  bool fix_probe_limit = false;
};

struct Validation {
  int status = SPLINTER_OK;          // OK, or CORRUPT / VERSION when F1-F6 fail
  splinter_report report{};          // totals; report.worst is 0 when clean
  std::optional<layout::Geometry> geometry;  // set when the header is usable
  bool header_from_copy = false;     // the primary is damaged; the copy gave the geometry (F16)
  RepairPlan plan;                   // what recovery would do
};

// Checks only the header (F1-F6, F16, F17) of an image whose first bytes are
// `base` (at least `size` of them readable; the copy needs 2112) and whose
// backing object is `object_size` bytes long.
Validation validate_header(const std::uint8_t *base, std::size_t size, std::uint64_t object_size,
                           const FindingSink &sink);

// Checks every rule. `size`: the bytes readable from base (the mapping);
// bytes past it are never read. `object_size`: the backing object's size
// (F5, F17). `backing_fd`: the backing object of a live region, or -1 for
// an image nobody else writes. When an epoch is above the bus epoch (F13)
// and another open file description holds the writer role on backing_fd,
// that writer may be between committing and publishing the bus epoch
// (FORMAT.md 2.2 steps 7-9), so the bus epoch is re-read a few times
// (yielding the CPU) before F13 is reported; otherwise it is reported at once.
Validation validate(const std::uint8_t *base, std::size_t size, std::uint64_t object_size, const FindingSink &sink,
                    int backing_fd = -1);
// The same for an image that is the whole object (object_size == size).
inline Validation validate(const std::uint8_t *base, std::size_t size, const FindingSink &sink,
                           int backing_fd = -1) {
  return validate(base, size, size, sink, backing_fd);
}

// Escapes a key for printing: printable ASCII as is, anything else as \xNN.
std::string escape_key(const std::uint8_t *bytes, std::size_t len);

}  // namespace splinter

#endif  // SPLINTER_SRC_VALIDATE_H
