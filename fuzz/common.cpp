// common.cpp -- see common.h.
#include "common.h"

#include <sys/mman.h>
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
  std::string n = testsupport::unique_name(std::string("splinter-fuzz-") + stem);
  register_cleanup();
  g_shm.push_back(n);
  return n;
}

void release_shm_name(const std::string &name) {
  g_shm.erase(std::remove(g_shm.begin(), g_shm.end(), name), g_shm.end());
}

std::vector<std::uint8_t> read_image(const std::string &path) {
  auto bytes = testsupport::slurp_bytes(path);
  if (!bytes) fail("cannot read %s", path.c_str());
  return std::move(*bytes);
}

void write_image(const std::string &path, const std::vector<std::uint8_t> &bytes) {
  if (!testsupport::spit(path, bytes)) fail("cannot write %s", path.c_str());
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
  std::vector<std::uint8_t> img(spec::kSlotTable + body, 0);
  if (size > 2) std::memcpy(img.data(), data + 2, std::min<std::size_t>(size - 2, kHeaderBytes));
  if (body) std::memcpy(img.data() + spec::kSlotTable, data + kInputHeader, body);
  const auto g = spec::View(img).geometry();
  if ((flags & kFixGeometry) && g) spec::put64(img, spec::hdr::kRegionSize, g->region_size);
  if (flags & kPad) {
    const std::uint64_t want = spec::View(img).get64(spec::hdr::kRegionSize);
    if (want <= kMaxImage && want >= 64) img.resize(want, 0);
  }
  const std::uint64_t fit = img.size() > spec::kSlotTable ? (img.size() - spec::kSlotTable) / spec::kSlotSize : 0;
  const std::uint32_t n = g ? static_cast<std::uint32_t>(std::min<std::uint64_t>(g->slots, fit)) : 0;
  if (flags & kFixSlots)
    for (std::uint32_t i = 0; i < n; ++i)
      if (static_cast<int>(i) != skip) spec::seal_slot(img, *g, i);
  if ((flags & kFixBusEpoch) && g) {
    const spec::Header h = spec::View(img).header();
    std::uint64_t e = std::max(h.bus_epoch, h.flushed_epoch);
    for (std::uint32_t i = 0; i < n; ++i) {
      const std::uint64_t w = spec::View(img).word(*g, i);
      if (spec::word_state(w) == spec::kLive || spec::word_state(w) == spec::kTombstone)
        e = std::max(e, spec::word_epoch(w));
    }
    spec::put64(img, spec::hdr::kBusEpoch, e);
  }
  if (flags & kFixHeaderCheck) spec::seal_header(img);
  return img;
}

std::vector<std::uint8_t> encode_image(const std::vector<std::uint8_t> &img, std::uint8_t flags) {
  std::vector<std::uint8_t> in{flags, 255};
  std::vector<std::uint8_t> header(kHeaderBytes, 0);
  std::memcpy(header.data(), img.data(), std::min<std::size_t>(img.size(), kHeaderBytes));
  in.insert(in.end(), header.begin(), header.end());
  if (img.size() > spec::kSlotTable) {
    std::size_t end = img.size();
    if (flags & kPad)
      while (end > spec::kSlotTable && img[end - 1] == 0) --end;
    in.insert(in.end(), img.begin() + spec::kSlotTable, img.begin() + static_cast<std::ptrdiff_t>(end));
  }
  return in;
}

bool expired_now(const spec::Slot &s, const spec::Geometry &g) {
  if (s.sel() >= g.buffers) return false;
  const std::uint64_t d = s.current_meta().deadline;
  return d <= spec::kDeadlineMax && spec::expired(d, kNowMs);
}

std::optional<std::string> listable_key(spec::View img, const spec::Geometry &g, std::uint32_t i) {
  const spec::Slot s = img.slot(g, i);
  auto key = s.key();
  if (s.state() != spec::kLive || !key || s.key_hash != spec::key_hash(*key) || !spec::meta_matches(s, g) ||
      expired_now(s, g))
    return std::nullopt;
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

void check_listing(const std::vector<Listed> &listed, spec::View img, const spec::Geometry &g,
                   const std::set<std::int64_t> *flagged) {
  std::uint32_t next = 0;
  for (const auto &e : listed) {
    bool matched = false;
    for (; next < g.slots && !matched; ++next) {
      const spec::Slot s = img.slot(g, next);
      if (s.state() != spec::kLive) continue;
      const auto key = listable_key(img, g, next);
      matched = key && *key == e.key && e.epoch == s.epoch() && e.len == s.current_meta().len;
      FUZZ_CHECK(matched || !flagged || flagged->count(next), "list skipped LIVE slot %u, which the validator passed",
                 next);
    }
    FUZZ_CHECK(matched, "list gave '%s' (%zu bytes, epoch %llu): no LIVE slot in slot order holds it", e.key.c_str(),
               e.len, static_cast<unsigned long long>(e.epoch));
  }
  for (; flagged && next < g.slots; ++next)
    FUZZ_CHECK(spec::word_state(img.word(g, next)) != spec::kLive || flagged->count(next) ||
                   expired_now(img.slot(g, next), g),
               "list missed LIVE slot %u, which the validator passed", next);
}

}  // namespace fuzz
