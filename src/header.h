// header.h -- the one front door to the header page (docs/FORMAT.md 1.1).
//
// HeaderView reads a header image: a prefix read through a descriptor, a
// fuzzer's input, or the header page of a mapping. Header adds the stores a
// writer makes. Every field is read and written here and nowhere else; the
// validator (F1-F6), creation, open, recovery and the protocols all go
// through these two types.
#ifndef SPLINTER_SRC_HEADER_H
#define SPLINTER_SRC_HEADER_H

#include "layout.h"
#include "validate.h"
#include "words.h"

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <string>

namespace splinter {

class HeaderView {
 public:
  // `readable`: how many bytes from base may be read (a mapping: the page).
  HeaderView(const std::uint8_t *base, std::size_t readable) : base_(base), readable_(readable) {}

  std::size_t readable() const { return readable_; }

  // ---- bytes 0..63, written once at creation (each needs its bytes readable) ----
  std::uint64_t magic() const { return at(layout::kOffMagic); }
  std::uint32_t format_version() const { return lo(at(layout::kOffVersion)); }
  std::uint32_t slot_size() const { return hi(at(layout::kOffVersion)); }
  std::uint32_t slots() const { return lo(at(layout::kOffSlots)); }
  std::uint32_t max_value_size() const { return hi(at(layout::kOffSlots)); }
  std::uint32_t history_depth() const { return lo(at(layout::kOffHistoryDepth)); }
  std::uint32_t change_ring() const { return hi(at(layout::kOffHistoryDepth)); }
  std::uint64_t region_size() const { return at(layout::kOffRegionSize); }
  std::uint64_t header_check() const { return at(layout::kOffHeaderCheck); }
  // The two reserved words, 40 and 56 (F3).
  bool reserved_zero() const { return at(layout::kOffHeaderReserved) == 0 && at(layout::kOffHeaderReserved2) == 0; }
  // The reserved word at 56, outside the check (F6, F16).
  std::uint64_t at_reserved2() const { return at(layout::kOffHeaderReserved2); }
  // XXH3-64 of bytes 0..47, as they are now (F6).
  std::uint64_t computed_check() const;
  // The header copy at 2048 (F16), read as a header of its own: only its
  // fixed fields above may be used. Needs bytes up to 2112 readable.
  HeaderView copy() const {
    assert(readable_ >= layout::kHeaderCopyEnd);
    return HeaderView(base_ + layout::kOffHeaderCopy, layout::kHeaderFixedBytes);
  }
  bool copy_readable() const { return readable_ >= layout::kHeaderCopyEnd; }
  // The 64 fixed bytes as 8 words.
  void fixed_words(std::uint64_t out[layout::kHeaderFixedBytes / 8]) const {
    for (std::size_t i = 0; i < layout::kHeaderFixedBytes / 8; ++i) out[i] = at(8 * i);
  }

  // ---- the live fields (need the whole page) ----
  std::uint64_t bus_epoch(std::memory_order o) const { return load64(page(layout::kOffBusEpoch), o); }
  std::uint64_t flushed_epoch(std::memory_order o) const { return load64(page(layout::kOffFlushedEpoch), o); }
  std::uint32_t writer_pid(std::memory_order o) const { return load32(page(layout::kOffWriterPid), o); }
  std::uint32_t probe_limit(std::memory_order o) const { return load32(page(layout::kOffProbeLimit), o); }

 protected:
  const std::uint8_t *page(std::size_t off) const {
    assert(readable_ >= layout::kPage);
    return base_ + off;
  }

 private:
  std::uint64_t at(std::size_t off) const {
    assert(off + 8 <= readable_);
    return load64(base_ + off);
  }
  static std::uint32_t lo(std::uint64_t v) { return static_cast<std::uint32_t>(v); }
  static std::uint32_t hi(std::uint64_t v) { return static_cast<std::uint32_t>(v >> 32); }

  const std::uint8_t *base_;
  std::size_t readable_;
};

// The header page of a writable mapping.
class Header : public HeaderView {
 public:
  explicit Header(std::uint8_t *base) : HeaderView(base, layout::kPage), base_(base) {}

  // Writes bytes 0..63 for geometry g and their copy at 2048 (2.8); the
  // rest of the page stays zero.
  void init(const layout::Geometry &g);
  // Rewrites the primary (copy == false) or the copy from 64 fixed bytes (F16).
  void write_fixed(bool copy, const std::uint64_t words[layout::kHeaderFixedBytes / 8]);
  void set_bus_epoch(std::uint64_t e, std::memory_order o) { store64(base_ + layout::kOffBusEpoch, e, o); }
  void set_flushed_epoch(std::uint64_t e, std::memory_order o) { store64(base_ + layout::kOffFlushedEpoch, e, o); }
  void set_probe_limit(std::uint32_t n, std::memory_order o) { word32(base_ + layout::kOffProbeLimit).store(n, o); }
  // writer_pid: claimed on taking the role, cleared on a clean close by the
  // process that claimed it (2.1).
  void claim_writer_pid(std::uint32_t pid) {
    word32(base_ + layout::kOffWriterPid).store(pid, std::memory_order_relaxed);
  }
  void release_writer_pid(std::uint32_t pid) {
    word32(base_ + layout::kOffWriterPid).compare_exchange_strong(pid, 0, std::memory_order_relaxed);
  }

 private:
  std::uint8_t *base_;
};

// Reads the header through a descriptor (no mapping yet) of an object of
// `size` bytes and validates it (F1-F6, F16, F17): OK with *geo (from the
// primary or, when only the copy is intact, the copy), or the validator's
// status with its first fatal finding as the error detail. Every finding
// also goes to sink, if given.
int read_header(int fd, std::uint64_t size, const std::string &path, layout::Geometry *geo,
                const FindingSink &sink = nullptr);

}  // namespace splinter

#endif  // SPLINTER_SRC_HEADER_H
