// format.cpp -- see format.h.
#include "format.h"

#include "fail.h"

#include "testsupport/files.h"

namespace splc::fmt {

Image Image::load(const std::string &path) {
  auto bytes = testsupport::slurp(path);
  if (!bytes) throw Fail("cannot read " + path);
  return Image{std::move(*bytes)};
}

void Image::save(const std::string &path) const {
  if (!testsupport::spit(path, bytes)) throw Fail("cannot write " + path);
}

void Image::put32(std::size_t off, std::uint32_t v) {
  if (!spec::put32(reinterpret_cast<std::uint8_t *>(bytes.data()), bytes.size(), off, v))
    throw Fail("vector edit out of range");
}
void Image::put64(std::size_t off, std::uint64_t v) {
  if (!spec::put64(reinterpret_cast<std::uint8_t *>(bytes.data()), bytes.size(), off, v))
    throw Fail("vector edit out of range");
}

void Image::reseal_header() { spec::seal_header(reinterpret_cast<std::uint8_t *>(bytes.data()), bytes.size()); }

spec::Geometry Image::geometry() const {
  const auto g = spec::View(bytes).geometry();
  if (!g) throw Fail("vector construction: the image's header names no valid geometry");
  return *g;
}

std::string Image::key(std::uint32_t i) const { return spec::View(bytes).slot(geometry(), i).key_prefix(); }

long Image::find_live(const std::string &k) const {
  const spec::Geometry g = geometry();
  for (std::uint32_t i = 0; i < g.slots; ++i) {
    const spec::Slot s = spec::View(bytes).slot(g, i);
    if (s.state() == kLive && s.key_prefix() == k) return static_cast<long>(i);
  }
  return -1;
}

std::size_t Image::value_off(std::uint32_t i, unsigned b) const {
  return static_cast<std::size_t>(geometry().value_off(i, b));
}
std::size_t Image::meta_off(std::uint32_t i, unsigned b) const {
  return static_cast<std::size_t>(geometry().meta_off(i, b));
}
std::size_t Image::buffers_size() const {
  const spec::Geometry g = geometry();
  return static_cast<std::size_t>(g.buffers * g.buffer_size);
}
std::size_t Image::feed_off(std::uint64_t e) const { return static_cast<std::size_t>(geometry().feed_off(e)); }
unsigned Image::back(unsigned b, unsigned j) const { return geometry().back(b, j); }

std::string spec_problem(const Image &im, std::uint32_t slots, std::uint32_t max_value_size) {
  const auto broken = spec::violations(im.bytes);
  if (!broken.empty()) return broken.front().what;
  if (std::string p = spec::closed_header_problem(im.bytes); !p.empty()) return p;
  if (im.slots() != slots || im.max_value_size() != max_value_size) return "geometry fields differ from create";
  return "";
}

}  // namespace splc::fmt
