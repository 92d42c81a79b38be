// header.cpp -- the header's checksum, its initialisation, and reading it
// through a descriptor before anything is mapped.
#include "header.h"

#include "hash.h"
#include "os.h"
#include "status.h"

#include <splinter/splinter.hpp>

namespace splinter {
namespace {

constexpr std::size_t kCheckedWords = layout::kHeaderCheckedBytes / 8;

}  // namespace

std::uint64_t HeaderView::computed_check() const {
  std::uint64_t words[kCheckedWords];
  for (std::size_t i = 0; i < kCheckedWords; ++i) words[i] = at(8 * i);
  return splinter::header_check(words);
}

void Header::init(const layout::Geometry &g) {
  std::uint64_t words[layout::kHeaderFixedBytes / 8] = {
      layout::kMagic, layout::kFormatVersion | (std::uint64_t{layout::kSlotSize} << 32),
      g.slots | (std::uint64_t{g.max_value_size} << 32), g.history_depth | (std::uint64_t{g.change_ring} << 32),
      g.region_size, 0, 0, 0};
  static_assert(layout::kOffMagic == 0 && layout::kOffVersion == 8 && layout::kOffSlots == 16 &&
                    layout::kOffHistoryDepth == 24 && layout::kOffRegionSize == 32 &&
                    layout::kOffHeaderReserved == 40 && layout::kOffHeaderCheck == 48 && kCheckedWords == 6,
                "the checked bytes are these six words, in this order, and the check follows them");
  words[layout::kOffHeaderCheck / 8] = splinter::header_check(words);
  write_fixed(false, words);
  write_fixed(true, words);
}

void Header::write_fixed(bool copy, const std::uint64_t words[layout::kHeaderFixedBytes / 8]) {
  std::uint8_t *p = base_ + (copy ? layout::kOffHeaderCopy : 0);
  for (std::size_t i = 0; i < layout::kHeaderFixedBytes / 8; ++i) store64(p + 8 * i, words[i]);
}

int read_header(int fd, std::uint64_t size, const std::string &path, layout::Geometry *geo,
                const FindingSink &sink) {
  alignas(8) std::uint8_t hdr[layout::kHeaderReadBytes] = {};
  std::size_t got = 0;
  if (int st = os::read_prefix(fd, hdr, sizeof hdr, &got, path)) return st;
  std::string first;
  const Validation v = validate_header(hdr, got, size, [&](const Finding &f) {
    if (first.empty()) first = f.detail;
    return sink ? sink(f) : true;
  });
  if (v.status != SPLINTER_OK) return fail(v.status, "%s: %s", path.c_str(), first.c_str());
  *geo = *v.geometry;
  return SPLINTER_OK;
}

}  // namespace splinter
