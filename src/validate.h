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

namespace splinter {

struct Finding;  // splinter.hpp: rule, severity, fix, slot, key, detail

// Called once per finding; return false to stop validating.
using FindingSink = std::function<bool(const Finding &)>;

struct Validation {
  int status = SPLINTER_OK;          // OK, or CORRUPT / VERSION when F1-F6 fail
  splinter_report report{};          // totals; report.worst is 0 when clean
  std::optional<layout::Geometry> geometry;  // set when the header is usable
};

// Checks only the header (F1-F6) of an image whose first bytes are `base`
// (at least `size` of them readable) and whose backing object is
// `object_size` bytes long.
Validation validate_header(const std::uint8_t *base, std::size_t size, std::uint64_t object_size,
                           const FindingSink &sink);

// Checks every rule. `size` must be the object's size; bytes past it are
// never read. `backing_fd`: the backing object of a live region, or -1 for
// an image nobody else writes. When a slot epoch is above the bus epoch
// (F13) and another open file description holds the writer role on
// backing_fd, that writer may be between committing the slot and
// publishing the bus epoch (FORMAT.md 2.2 steps 6-7), so the bus epoch is
// re-read a few times (yielding the CPU) before F13 is reported; otherwise
// it is reported at once.
Validation validate(const std::uint8_t *base, std::size_t size, const FindingSink &sink, int backing_fd = -1);

// Escapes a key for printing: printable ASCII as is, anything else as \xNN.
std::string escape_key(const std::uint8_t *bytes, std::size_t len);

}  // namespace splinter

#endif  // SPLINTER_SRC_VALIDATE_H
