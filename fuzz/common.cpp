// common.cpp -- see common.h.
#include "common.h"

#include <xxhash.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace fuzz {

namespace {
bool g_expect_failure = false;
void cleanup();

[[noreturn]] void finish_failure() {
  std::fflush(stderr);
  cleanup();  // libFuzzer keeps the input; the bus files are of no further use
  if (g_expect_failure) {
    std::fprintf(stderr, "fuzz: the oracle failed, as this negative control expects\n");
    std::_Exit(0);
  }
  std::abort();
}
}  // namespace

void expect_failure(bool on) { g_expect_failure = on; }

void fail(const char *fmt, ...) {
  std::fprintf(stderr, "\nFUZZ ORACLE FAILURE: ");
  va_list ap;
  va_start(ap, fmt);
  std::vfprintf(stderr, fmt, ap);
  va_end(ap);
  std::fprintf(stderr, "\n");
  finish_failure();
}

void check_failed(const char *file, int line, const char *cond, const char *fmt, ...) {
  std::fprintf(stderr, "\nFUZZ ORACLE FAILURE: %s:%d: %s: ", file, line, cond);
  va_list ap;
  va_start(ap, fmt);
  std::vfprintf(stderr, fmt, ap);
  va_end(ap);
  std::fprintf(stderr, " (last library error: %s)\n", splinter_last_error());
  finish_failure();
}

const char *status_name(int status) {
  const char *n = splinter_status_name(status);
  return n ? n : "(not a status)";
}

bool same_bytes(const void *a, const void *b, std::size_t n) { return n == 0 || std::memcmp(a, b, n) == 0; }

bool one_of(int status, std::initializer_list<int> allowed) {
  return std::find(allowed.begin(), allowed.end(), status) != allowed.end();
}

// ---- Files ----

namespace {
std::string g_dir;
std::vector<std::string> g_shm;  // names handed out and not yet released
void cleanup() {
  for (const auto &n : g_shm) shm_unlink(("/" + n).c_str());
  g_shm.clear();
  if (g_dir.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(g_dir, ec);
}
void register_cleanup() {
  static const bool registered = std::atexit(cleanup) == 0;
  (void)registered;
}
}  // namespace

const std::string &temp_dir() {
  if (g_dir.empty()) {
    const char *base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/splinter-fuzz-XXXXXX";
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (!mkdtemp(buf.data())) fail("mkdtemp(%s) failed", tmpl.c_str());
    g_dir = buf.data();
    register_cleanup();
  }
  return g_dir;
}

namespace {
std::atomic<unsigned long> g_counter{0};
}

std::string temp_path(const char *stem) {
  return temp_dir() + "/" + stem + "-" + std::to_string(g_counter.fetch_add(1)) + ".bus";
}

std::string shm_name(const char *stem) {
  std::string n = std::string("splinter-fuzz-") + stem + "-" + std::to_string(getpid()) + "-" +
                  std::to_string(g_counter.fetch_add(1));
  register_cleanup();
  g_shm.push_back(n);
  return n;
}

void release_shm_name(const std::string &name) {
  g_shm.erase(std::remove(g_shm.begin(), g_shm.end(), name), g_shm.end());
}

bool write_file(const std::string &path, const std::vector<std::uint8_t> &bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
  return done == bytes.size();
}

std::vector<std::uint8_t> read_file(const std::string &path) {
  std::vector<std::uint8_t> out;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return out;
  struct stat st {};
  if (fstat(fd, &st) == 0 && st.st_size > 0) out.resize(static_cast<std::size_t>(st.st_size));
  std::size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = ::read(fd, out.data() + done, out.size() - done);
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  out.resize(done);
  ::close(fd);
  return out;
}

// ---- Format helpers ----

std::uint64_t key_hash(const void *p, std::size_t n) { return XXH3_64bits(p, n); }

std::uint32_t home_slot(std::uint64_t key_hash, std::uint32_t slots) {
  __extension__ using u128 = unsigned __int128;
  return static_cast<std::uint32_t>((u128{key_hash} * slots) >> 64);
}

std::uint64_t xxh3(const void *p, std::size_t n, std::uint64_t seed) { return XXH3_64bits_withSeed(p, n, seed); }

std::uint64_t get64(const std::vector<std::uint8_t> &img, std::size_t off) {
  std::uint64_t v = 0;
  if (off <= img.size() && img.size() - off >= 8) std::memcpy(&v, img.data() + off, 8);
  return v;
}
std::uint32_t get32(const std::vector<std::uint8_t> &img, std::size_t off) {
  std::uint32_t v = 0;
  if (off <= img.size() && img.size() - off >= 4) std::memcpy(&v, img.data() + off, 4);
  return v;
}
void put64(std::vector<std::uint8_t> &img, std::size_t off, std::uint64_t v) {
  if (off <= img.size() && img.size() - off >= 8) std::memcpy(img.data() + off, &v, 8);
}
void put32(std::vector<std::uint8_t> &img, std::size_t off, std::uint32_t v) {
  if (off <= img.size() && img.size() - off >= 4) std::memcpy(img.data() + off, &v, 4);
}

std::optional<Geo> geometry(std::uint64_t slots, std::uint64_t max_value) {
  if (slots < 1 || slots > (1u << 24) || max_value > (1u << 26)) return std::nullopt;
  Geo g;
  g.slots = static_cast<std::uint32_t>(slots);
  g.max_value = static_cast<std::uint32_t>(max_value);
  g.stride = (max_value + 7) / 8 * 8;
  g.value_offset = kSlotTable + slots * kSlotSize;
  g.region_size = (g.value_offset + 2 * slots * g.stride + kPage - 1) / kPage * kPage;
  if (g.region_size > (std::uint64_t{1} << 40)) return std::nullopt;
  return g;
}

std::optional<Geo> image_geometry(const std::vector<std::uint8_t> &img) {
  return geometry(get32(img, 16), get32(img, 20));
}

void fix_header_check(std::vector<std::uint8_t> &img) {
  if (img.size() >= 48) put64(img, 40, xxh3(img.data(), 40, 0));
}

namespace {
bool in_image(const std::vector<std::uint8_t> &img, std::uint64_t off, std::uint64_t len) {
  return off <= img.size() && img.size() - off >= len;
}
}  // namespace

void fix_slot(std::vector<std::uint8_t> &img, const Geo &g, std::uint32_t i) {
  const std::uint64_t s = g.slot_off(i);
  if (!in_image(img, s, kSlotSize)) return;
  const std::uint64_t w = get64(img, s);
  if ((w & 3) != 1) return;
  const auto *key = img.data() + s + 16;
  const std::size_t klen = strnlen(reinterpret_cast<const char *>(key), 63);
  const std::uint64_t h = key_hash(key, klen);
  put64(img, s + 8, h);
  const unsigned a = static_cast<unsigned>((w >> 2) & 1);
  const std::uint64_t m = g.meta_off(i, a);
  std::uint32_t len = std::min(get32(img, m), g.max_value);
  const std::uint64_t v = g.value_off(i, a);
  if (!in_image(img, v, len)) len = 0;
  const std::uint64_t e = w >> 3;
  put32(img, m, len);
  put32(img, m + 4, 0);
  put64(img, m + 8, e);
  put64(img, m + 16, xxh3(img.data() + v, len, h ^ e));
}

std::vector<std::uint8_t> decode_image(const std::uint8_t *data, std::size_t size) {
  if (size == 0) return {};
  // SPLINTER_FUZZ_NO_REPAIR=1 switches the checksum repairs off, to measure
  // what they buy in coverage (fuzz/README.md); the fuzzers never set it.
  static const bool no_repair = std::getenv("SPLINTER_FUZZ_NO_REPAIR") != nullptr;
  const std::uint8_t flags =
      no_repair ? static_cast<std::uint8_t>(data[0] & ~(kFixHeaderCheck | kFixSlots)) : data[0];
  if (flags & kRaw) return std::vector<std::uint8_t>(data + 1, data + size);
  const int skip = size > 1 ? data[1] : 255;
  const std::size_t body = size > kInputHeader ? size - kInputHeader : 0;
  std::vector<std::uint8_t> img(kSlotTable + body, 0);
  if (size > 2) std::memcpy(img.data(), data + 2, std::min<std::size_t>(size - 2, kHeaderBytes));
  if (body) std::memcpy(img.data() + kSlotTable, data + kInputHeader, body);
  const auto g = image_geometry(img);
  if ((flags & kFixGeometry) && g) put64(img, 32, g->region_size);
  if (flags & kPad) {
    const std::uint64_t want = get64(img, 32);
    if (want <= kMaxImage && want >= 64) img.resize(want, 0);
  }
  if ((flags & kFixSlots) && g) {
    const std::uint64_t fit = img.size() > kSlotTable ? (img.size() - kSlotTable) / kSlotSize : 0;
    const std::uint32_t n = static_cast<std::uint32_t>(std::min<std::uint64_t>(g->slots, fit));
    for (std::uint32_t i = 0; i < n; ++i)
      if (static_cast<int>(i) != skip) fix_slot(img, *g, i);
  }
  if ((flags & kFixBusEpoch) && g) {
    const std::uint64_t fit = img.size() > kSlotTable ? (img.size() - kSlotTable) / kSlotSize : 0;
    const std::uint32_t n = static_cast<std::uint32_t>(std::min<std::uint64_t>(g->slots, fit));
    std::uint64_t e = std::max(get64(img, 64), get64(img, 192));
    for (std::uint32_t i = 0; i < n; ++i) {
      const std::uint64_t w = get64(img, g->slot_off(i));
      if ((w & 3) == 1 || (w & 3) == 2) e = std::max(e, w >> 3);
    }
    put64(img, 64, e);
  }
  if (flags & kFixHeaderCheck) fix_header_check(img);
  return img;
}

std::vector<std::uint8_t> encode_image(const std::vector<std::uint8_t> &img, std::uint8_t flags) {
  std::vector<std::uint8_t> in{flags, 255};
  std::vector<std::uint8_t> header(kHeaderBytes, 0);
  std::memcpy(header.data(), img.data(), std::min<std::size_t>(img.size(), kHeaderBytes));
  in.insert(in.end(), header.begin(), header.end());
  if (img.size() > kSlotTable) {
    std::size_t end = img.size();
    if (flags & kPad)
      while (end > kSlotTable && img[end - 1] == 0) --end;
    in.insert(in.end(), img.begin() + kSlotTable, img.begin() + static_cast<std::ptrdiff_t>(end));
  }
  return in;
}

// ---- Reference reader ----

namespace {
// The slot holding key (LIVE, same hash, same 64 NUL-padded bytes), probing
// as in 2.4 steps 1-3; -1 when the probe ends without it.
std::int64_t ref_find(const std::vector<std::uint8_t> &img, const Geo &g, std::string_view key) {
  std::uint8_t padded[64] = {};
  std::memcpy(padded, key.data(), std::min<std::size_t>(key.size(), 63));
  const std::uint64_t h = key_hash(key.data(), key.size());
  std::uint32_t i = home_slot(h, g.slots);
  for (std::uint32_t n = 0; n < g.slots; ++n, i = (i + 1 == g.slots ? 0 : i + 1)) {
    const std::uint64_t s = g.slot_off(i);
    const std::uint64_t w = get64(img, s);
    switch (w & 3) {
      case 0:
        return -1;
      case 1:
        if (get64(img, s + 8) == h && std::memcmp(img.data() + s + 16, padded, 64) == 0) return i;
        break;
      default:
        break;
    }
  }
  return -1;
}
}  // namespace

RefGet ref_get(const std::vector<std::uint8_t> &img, const Geo &g, std::string_view key) {
  RefGet r;
  const std::int64_t found = ref_find(img, g, key);
  if (found < 0) return r;
  const auto i = static_cast<std::uint32_t>(found);
  r.slot = found;
  const std::uint64_t w = get64(img, g.slot_off(i));
  const unsigned a = static_cast<unsigned>((w >> 2) & 1);
  const std::uint64_t m = g.meta_off(i, a);
  const std::uint32_t len = get32(img, m);
  const std::uint32_t reserved = get32(img, m + 4);
  const std::uint64_t e = get64(img, m + 8);
  const std::uint64_t check = get64(img, m + 16);
  // 2.4 step 7 (and F11: reserved must be 0).
  if (len > g.max_value || reserved != 0 || e != (w >> 3)) {
    r.status = SPLINTER_E_CORRUPT;
    return r;
  }
  const std::uint8_t *v = img.data() + g.value_off(i, a);
  if (check != xxh3(v, len, key_hash(key.data(), key.size()) ^ e)) {
    r.status = SPLINTER_E_CORRUPT;
    return r;
  }
  r.status = SPLINTER_OK;
  r.value.assign(v, v + len);
  r.epoch = e;
  return r;
}

std::uint64_t ref_key_epoch(const std::vector<std::uint8_t> &img, const Geo &g, std::string_view key) {
  const std::int64_t found = ref_find(img, g, key);
  return found < 0 ? 0 : get64(img, g.slot_off(static_cast<std::uint32_t>(found))) >> 3;
}

std::optional<std::string> slot_key(const std::vector<std::uint8_t> &img, const Geo &g, std::uint32_t i) {
  const std::uint64_t s = g.slot_off(i) + 16;
  if (!in_image(img, s, 64)) return std::nullopt;
  const char *k = reinterpret_cast<const char *>(img.data() + s);
  const std::size_t n = strnlen(k, 64);
  if (n < 1 || n > 63) return std::nullopt;
  for (std::size_t j = n; j < 64; ++j)
    if (k[j] != 0) return std::nullopt;
  return std::string(k, n);
}

std::optional<std::string> listable_key(const std::vector<std::uint8_t> &img, const Geo &g, std::uint32_t i) {
  const std::uint64_t w = get64(img, g.slot_off(i));
  auto key = slot_key(img, g, i);
  if ((w & 3) != 1 || !key || get64(img, g.slot_off(i) + 8) != key_hash(key->data(), key->size())) return std::nullopt;
  const std::uint64_t m = g.meta_off(i, static_cast<unsigned>((w >> 2) & 1));
  if (get32(img, m) > g.max_value || get32(img, m + 4) != 0 || get64(img, m + 8) != (w >> 3)) return std::nullopt;
  return key;
}

std::vector<Listed> list_all(const splinter_bus *bus, int *status) {
  std::vector<Listed> out;
  *status = splinter_list(
      bus,
      [](void *ctx, const char *key, std::size_t len, std::uint64_t epoch) {
        static_cast<std::vector<Listed> *>(ctx)->push_back({key, len, epoch});
        return 0;
      },
      &out);
  return out;
}

void check_listing(const std::vector<Listed> &listed, const std::vector<std::uint8_t> &img, const Geo &g,
                   const std::set<std::int64_t> *flagged) {
  std::uint32_t next = 0;
  for (const auto &e : listed) {
    bool matched = false;
    for (; next < g.slots && !matched; ++next) {
      const std::uint64_t w = get64(img, g.slot_off(next));
      if ((w & 3) != 1) continue;
      const auto key = listable_key(img, g, next);
      const std::uint32_t len = get32(img, g.meta_off(next, static_cast<unsigned>((w >> 2) & 1)));
      matched = key && *key == e.key && e.epoch == (w >> 3) && e.len == len;
      FUZZ_CHECK(matched || !flagged || flagged->count(next), "list skipped LIVE slot %u, which the validator passed",
                 next);
    }
    FUZZ_CHECK(matched, "list gave '%s' (%zu bytes, epoch %llu): no LIVE slot in slot order holds it", e.key.c_str(),
               e.len, static_cast<unsigned long long>(e.epoch));
  }
  for (; flagged && next < g.slots; ++next)
    FUZZ_CHECK((get64(img, g.slot_off(next)) & 3) != 1 || flagged->count(next),
               "list missed LIVE slot %u, which the validator passed", next);
}

}  // namespace fuzz
