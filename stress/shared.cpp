// shared.cpp -- stats page, histograms, violation reporting (shared.h).
#include "shared.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bit>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <utility>

namespace stress {
namespace {

SharedPage *g_page = nullptr;
std::string g_label = "harness";
void (*g_cleanup)() = nullptr;

void vreport(const char *prefix, const char *fmt, va_list ap) {
  char msg[1024];
  std::vsnprintf(msg, sizeof msg, fmt, ap);
  std::fprintf(stderr, "%s [%s pid %d]: %s\n", prefix, g_label.c_str(), static_cast<int>(getpid()), msg);
  std::fflush(stderr);
}

int bucket_of(std::uint64_t us) {
  if (us < 64) return static_cast<int>(us);
  const int e = static_cast<int>(std::bit_width(us)) - 6;  // us >> e is in [32, 63]
  const int b = 64 + (e - 1) * 32 + static_cast<int>((us >> e) - 32);
  return b < Histogram::kBuckets ? b : Histogram::kBuckets - 1;
}

double upper_us(int b) {
  if (b < 64) return b + 1;
  const int e = (b - 64) / 32 + 1;
  const std::uint64_t m = static_cast<std::uint64_t>((b - 64) % 32 + 32);
  return static_cast<double>((m + 1) << e);
}

SharedPage *map_path(const std::string &path, bool create) {
  const int fd = ::open(path.c_str(), create ? (O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC) : (O_RDWR | O_CLOEXEC),
                        0600);
  if (fd < 0) setup_error("stats page %s: %s", path.c_str(), std::strerror(errno));
  if (create && ftruncate(fd, sizeof(SharedPage)) != 0) setup_error("ftruncate: %s", std::strerror(errno));
  void *p = mmap(nullptr, sizeof(SharedPage), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  ::close(fd);
  if (p == MAP_FAILED) setup_error("mmap stats page: %s", std::strerror(errno));
  return static_cast<SharedPage *>(p);  // all zero: every atomic starts at 0
}

}  // namespace

void set_role_label(const std::string &label) { g_label = label; }
void set_violation_cleanup(void (*fn)()) { g_cleanup = fn; }
void set_shared(SharedPage *page) { g_page = page; }
SharedPage *shared() { return g_page; }

void record_intent(std::uint64_t epoch, int op, std::uint32_t id) {
  if (!g_page) return;
  if (id >> kIntentIdBits) setup_error("key id %u does not fit an intent record", id);
  // Pairs with the acquire load of a feed follower (reader.cpp), through the
  // library's release stores that publish the feed entry after this.
  g_page->intent[epoch % kIntentRing].store(pack_intent(epoch, op, id), std::memory_order_release);
}

void violation(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vreport("VIOLATION", fmt, ap);
  va_end(ap);
  if (g_page) {
    g_page->violations.fetch_add(1);
    g_page->stop.store(1);
  }
  if (auto fn = std::exchange(g_cleanup, nullptr)) fn();
  _exit(kExitViolation);
}

void setup_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vreport("SETUP ERROR", fmt, ap);
  va_end(ap);
  if (g_page) g_page->stop.store(1);
  if (auto fn = std::exchange(g_cleanup, nullptr)) fn();
  _exit(kExitSetup);
}

SharedPage *create_shared(const std::string &path) { return map_path(path, true); }
SharedPage *map_shared(const std::string &path) { return map_path(path, false); }

void Histogram::add(std::uint64_t ns) {
  bucket[bucket_of(ns / 1000)].fetch_add(1, std::memory_order_relaxed);
  count.fetch_add(1, std::memory_order_relaxed);
  std::uint64_t m = max_ns.load(std::memory_order_relaxed);
  while (ns > m && !max_ns.compare_exchange_weak(m, ns, std::memory_order_relaxed)) {
  }
}

void Histogram::merge(const Histogram &o) {
  for (int i = 0; i < kBuckets; ++i) bucket[i].fetch_add(o.bucket[i].load());
  count.fetch_add(o.count.load());
  std::uint64_t m = max_ns.load();
  const std::uint64_t om = o.max_ns.load();
  if (om > m) max_ns.store(om);
}

double Histogram::quantile_us(double p) const {
  const std::uint64_t n = count.load();
  if (n == 0) return 0;
  const auto target = static_cast<std::uint64_t>(p * static_cast<double>(n - 1)) + 1;
  std::uint64_t seen = 0;
  for (int i = 0; i < kBuckets; ++i) {
    seen += bucket[i].load();
    if (seen >= target) {
      const double mx = static_cast<double>(max_ns.load()) / 1000.0;
      const double u = upper_us(i);
      return u < mx ? u : mx;
    }
  }
  return static_cast<double>(max_ns.load()) / 1000.0;
}

}  // namespace stress
