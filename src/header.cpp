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
  const std::uint64_t words[kCheckedWords] = {
      layout::kMagic, layout::kFormatVersion | (std::uint64_t{layout::kSlotSize} << 32),
      g.slots | (std::uint64_t{g.max_value_size} << 32), 0, g.region_size};
  static_assert(layout::kOffMagic == 0 && layout::kOffVersion == 8 && layout::kOffSlots == 16 &&
                    layout::kOffFlags == 24 && layout::kOffRegionSize == 32 && kCheckedWords == 5,
                "the checked bytes are these five words, in this order");
  for (std::size_t i = 0; i < kCheckedWords; ++i) store64(base_ + 8 * i, words[i]);
  store64(base_ + layout::kOffHeaderCheck, splinter::header_check(words));
}

int read_header(int fd, std::uint64_t size, const std::string &path, layout::Geometry *geo,
                const FindingSink &sink) {
  alignas(8) std::uint8_t hdr[layout::kHeaderFixedBytes] = {};
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
