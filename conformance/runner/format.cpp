// format.cpp -- see format.h.
#include "format.h"

#include "fail.h"

#include <xxhash.h>

#include <cstring>
#include <fstream>
#include <sstream>

namespace splc::fmt {

std::uint64_t key_hash(const std::string &key) { return XXH3_64bits(key.data(), key.size()); }

std::uint32_t home_slot(const std::string &key, std::uint32_t slots) {
  __extension__ using u128 = unsigned __int128;
  return static_cast<std::uint32_t>((u128{key_hash(key)} * slots) >> 64);
}

std::uint64_t xxh3(const void *data, std::size_t len, std::uint64_t seed) { return XXH3_64bits_withSeed(data, len, seed); }

std::uint64_t stride(std::uint64_t max_value_size) { return (max_value_size + 7) & ~std::uint64_t{7}; }
std::uint64_t value_offset(std::uint64_t slots) { return kSlotTable + slots * kSlotSize; }
std::uint64_t region_size(std::uint64_t slots, std::uint64_t max_value_size) {
  const std::uint64_t end = value_offset(slots) + 2 * slots * stride(max_value_size);
  return (end + 4095) & ~std::uint64_t{4095};
}

Image Image::load(const std::string &path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw Fail("cannot read " + path);
  std::stringstream ss;
  ss << f.rdbuf();
  return Image{ss.str()};
}

void Image::save(const std::string &path) const {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!f) throw Fail("cannot write " + path);
}

std::uint32_t Image::u32(std::size_t off) const {
  std::uint32_t v = 0;
  if (off + 4 <= bytes.size()) std::memcpy(&v, bytes.data() + off, 4);
  return v;
}
std::uint64_t Image::u64(std::size_t off) const {
  std::uint64_t v = 0;
  if (off + 8 <= bytes.size()) std::memcpy(&v, bytes.data() + off, 8);
  return v;
}
void Image::put32(std::size_t off, std::uint32_t v) {
  if (off + 4 > bytes.size()) throw Fail("vector edit out of range");
  std::memcpy(bytes.data() + off, &v, 4);
}
void Image::put64(std::size_t off, std::uint64_t v) {
  if (off + 8 > bytes.size()) throw Fail("vector edit out of range");
  std::memcpy(bytes.data() + off, &v, 8);
}

void Image::reseal_header() { put64(kHeaderCheck, xxh3(bytes.data(), 40, 0)); }

std::string Image::key(std::uint32_t i) const {
  const char *p = bytes.data() + slot_off(i) + kSlotKey;
  return std::string(p, strnlen(p, 64));
}

long Image::find_live(const std::string &k) const {
  for (std::uint32_t i = 0; i < slots(); ++i)
    if (word_state(word(i)) == kLive && key(i) == k) return static_cast<long>(i);
  return -1;
}

std::size_t Image::value_off(std::uint32_t i, unsigned b) const {
  return static_cast<std::size_t>(value_offset(slots()) + (2 * std::uint64_t{i} + b) * stride(max_value_size()));
}

// Independent check of an image against docs/FORMAT.md (not the library's
// validator): returns the first problem, or "".
std::string spec_problem(const Image &im, std::uint32_t slots, std::uint32_t max_value_size) {
  if (im.bytes.compare(0, 8, "SPLINTER") != 0) return "magic is not SPLINTER";
  if (im.u32(kHeaderVersion) != kFormatVersion) return "format_version is not " + std::to_string(kFormatVersion);
  if (im.u32(kHeaderSlotSize) != 128) return "slot_size is not 128";
  if (im.slots() != slots || im.max_value_size() != max_value_size) return "geometry fields differ from create";
  if (im.u64(kHeaderRegionSize) != region_size(slots, max_value_size)) return "region_size breaks the formula";
  if (im.bytes.size() != region_size(slots, max_value_size)) return "object size differs from region_size";
  if (im.u64(kHeaderCheck) != xxh3(im.bytes.data(), 40, 0)) return "header_check is not XXH3-64 of bytes 0..39";
  if (im.u32(kHeaderWriterPid) != 0) return "writer_pid is not 0 after a clean close";
  for (std::size_t off = 48; off < 4096; ++off) {
    if (off == kHeaderBusEpoch) off += 8;
    if (off == kHeaderWriterPid) off += 4;
    if (off == kHeaderFlushedEpoch) off += 8;
    if (im.bytes[off] != 0) return "header byte " + std::to_string(off) + " is not zero";
  }
  if (im.u64(kHeaderFlushedEpoch) > im.u64(kHeaderBusEpoch)) return "flushed_epoch is above bus_epoch";
  for (std::uint32_t i = 0; i < im.slots(); ++i) {
    const std::uint64_t w = im.word(i);
    if (word_state(w) == kEmpty && w != 0) return "slot " + std::to_string(i) + ": EMPTY with a non-zero word";
    if (word_state(w) != kLive) continue;
    const std::string k = im.key(i);
    if (im.u64(im.slot_off(i) + kSlotHash) != key_hash(k)) return "slot " + std::to_string(i) + ": key_hash is not XXH3-64 of the key";
    const unsigned b = word_active(w);
    const std::size_t m = im.meta_off(i, b);
    const std::uint32_t len = im.u32(m);
    if (im.u64(m + 8) != word_epoch(w)) return "slot " + std::to_string(i) + ": meta epoch differs from the word's";
    const std::uint64_t seed = key_hash(k) ^ word_epoch(w);
    if (im.u64(m + 16) != xxh3(im.bytes.data() + im.value_off(i, b), len, seed))
      return "slot " + std::to_string(i) + ": value check is not XXH3-64(value, seed = key_hash ^ epoch)";
    const std::uint32_t home = home_slot(k, im.slots());
    for (std::uint32_t j = home; j != i; j = (j + 1) % im.slots())
      if (im.word(j) == 0) return "slot " + std::to_string(i) + ": an EMPTY slot lies on its probe path";
  }
  return "";
}

}  // namespace splc::fmt
