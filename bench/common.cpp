// common.cpp -- see common.h.
#include "common.h"

#include "testsupport/files.h"

#include <linux/futex.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <map>
#include <memory>
#include <random>
#include <utility>

namespace bench {

KeyCell make_key(char family, std::uint64_t i, std::size_t len) {
  KeyCell k{};
  if (len < 2) len = 2;
  if (len > 63) len = 63;
  k[0] = family;
  // Right-aligned decimal digits, '0'-padded, in positions 1..len-1.
  for (std::size_t p = len; p-- > 1;) {
    k[p] = static_cast<char>('0' + i % 10);
    i /= 10;
  }
  k[len] = '\0';
  return k;
}

std::vector<std::byte> value_bytes(std::size_t n) {
  std::vector<std::byte> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::byte>((i * 131 + 7) & 0xff);
  return v;
}

std::vector<std::uint32_t> shuffled(std::size_t n, std::uint64_t seed) {
  std::vector<std::uint32_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::uint32_t>(i);
  std::mt19937_64 rng(seed);
  std::shuffle(v.begin(), v.end(), rng);
  return v;
}

namespace {
std::vector<std::string> &bus_names() {
  static std::vector<std::string> names;
  return names;
}
std::map<std::string, std::unique_ptr<Fixture>> &fixtures() {
  static std::map<std::string, std::unique_ptr<Fixture>> f;
  return f;
}
}  // namespace

std::string unique_bus_name(const std::string &what) { return testsupport::unique_name("spl-bench", what); }

void remember_bus(const std::string &name) { bus_names().push_back(name); }

void destroy_all_buses() {
  fixtures().clear();  // closes every handle
  for (const auto &n : bus_names()) (void)splinter_destroy(SPLINTER_SHM, n.c_str());
  bus_names().clear();
}

namespace {
std::vector<std::function<void()>> &cleanups() {
  static std::vector<std::function<void()>> c;
  return c;
}
}  // namespace

void at_cleanup(std::function<void()> fn) { cleanups().push_back(std::move(fn)); }

void cleanup_all() {
  for (auto &fn : cleanups()) fn();
  cleanups().clear();
  destroy_all_buses();
}

std::string BusSpec::id() const {
  return "s" + std::to_string(slots) + "m" + std::to_string(max_value) + "v" + std::to_string(value_len) +
         "k" + std::to_string(key_len) + "l" + std::to_string(live_pct) + "t" + std::to_string(tomb_pct) + "c" +
         std::to_string(churn) + (history_depth ? "h" + std::to_string(history_depth) : "") +
         (change_ring ? "r" + std::to_string(change_ring) : "") + tag;
}

Fixture *fixture(const BusSpec &spec, std::string *why) {
  auto &cache = fixtures();
  const std::string id = spec.id();
  if (auto it = cache.find(id); it != cache.end()) return it->second.get();

  auto f = std::make_unique<Fixture>();
  f->spec = spec;
  f->name = unique_bus_name(id);
  splinter_options opt{};
  opt.size = sizeof opt;
  opt.slots = spec.slots;
  opt.max_value_size = spec.max_value;
  opt.mode = 0600;
  opt.history_depth = spec.history_depth;
  opt.change_ring = spec.change_ring;
  int rc = splinter_create_ex(&f->writer, SPLINTER_SHM, f->name.c_str(), &opt);
  if (rc != SPLINTER_OK) {
    *why = std::string("splinter_create: ") + splinter_status_name(rc) + " " + splinter_last_error();
    return nullptr;
  }
  remember_bus(f->name);
  f->value = value_bytes(spec.value_len);
  const std::uint64_t total = std::uint64_t{spec.slots} * (spec.live_pct + spec.tomb_pct) / 100;
  const std::uint64_t tombs = std::uint64_t{spec.slots} * spec.tomb_pct / 100;
  const void *val = f->value.empty() ? nullptr : f->value.data();
  for (std::uint64_t i = 0; i < total; ++i) {
    const KeyCell k = make_key('k', i, spec.key_len);
    rc = splinter_set(f->writer, k.data(), val, f->value.size(), nullptr);
    if (rc != SPLINTER_OK) {
      *why = std::string("fill: splinter_set: ") + splinter_status_name(rc);
      return nullptr;
    }
  }
  // Tombstones: unset a pseudo-random `tombs` of the keys just set.
  std::vector<bool> gone(total, false);
  const auto order = shuffled(total, 7);
  for (std::uint64_t j = 0; j < tombs; ++j) {
    const KeyCell k = make_key('k', order[j], spec.key_len);
    rc = splinter_unset(f->writer, k.data(), nullptr);
    if (rc != SPLINTER_OK) {
      *why = std::string("fill: splinter_unset: ") + splinter_status_name(rc);
      return nullptr;
    }
    gone[order[j]] = true;
  }
  std::vector<KeyCell> live;
  for (std::uint64_t i = 0; i < total; ++i)
    if (!gone[i]) live.push_back(make_key('k', i, spec.key_len));
  // Churn: replace random live keys by new ones, as a bus of session ids or
  // request ids does over time.
  std::mt19937_64 rng(11);
  for (std::uint32_t c = 0; c < spec.churn && !live.empty(); ++c) {
    const std::size_t j = rng() % live.size();
    rc = splinter_unset(f->writer, live[j].data(), nullptr);
    if (rc == SPLINTER_OK) {
      live[j] = make_key('c', c, spec.key_len);
      rc = splinter_set(f->writer, live[j].data(), val, f->value.size(), nullptr);
    }
    if (rc != SPLINTER_OK) {
      *why = std::string("churn: ") + splinter_status_name(rc);
      return nullptr;
    }
  }
  for (auto i : shuffled(live.size(), 1)) f->live.push_back(live[i]);
  // Absent keys: another family letter, same length.
  const std::size_t n_absent = std::min<std::size_t>(4096, std::max<std::size_t>(live.size(), 64));
  for (std::size_t i = 0; i < n_absent; ++i) f->absent.push_back(make_key('z', i, spec.key_len));
  rc = splinter_open(&f->reader, SPLINTER_SHM, f->name.c_str(), SPLINTER_READER);
  if (rc != SPLINTER_OK) {
    *why = std::string("splinter_open(reader): ") + splinter_status_name(rc);
    return nullptr;
  }
  // Warm the reader's mapping: fault in every page a benchmark will touch,
  // so no timed get pays for a first-touch page fault.
  {
    std::vector<std::byte> buf(std::max<std::size_t>(spec.value_len, 1));
    for (const auto &k : f->live) (void)splinter_get(f->reader, k.data(), buf.data(), buf.size(), nullptr, nullptr);
    // A few misses only: with tombstones and no empty slot, each one walks
    // the whole table (that is measured, not warmed).
    for (std::size_t j = 0; j < f->absent.size() && j < 64; ++j)
      (void)splinter_get(f->reader, f->absent[j].data(), buf.data(), buf.size(), nullptr, nullptr);
  }
  rc = splinter_info_get(f->writer, &f->info);
  if (rc != SPLINTER_OK) {
    *why = "splinter_info_get failed";
    return nullptr;
  }
  Fixture *raw = f.get();
  cache.emplace(id, std::move(f));
  return raw;
}

std::uint64_t now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<std::uint64_t>(ts.tv_nsec);
}

void spin_for_ns(std::uint64_t ns) {
  const std::uint64_t end = now_ns() + ns;
  while (now_ns() < end) __builtin_ia32_pause();
}

void *shared_alloc(std::size_t bytes) {
  void *p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (p == reinterpret_cast<void *>(-1)) return nullptr;  // MAP_FAILED
  return p;
}

void shared_free(void *p, std::size_t bytes) {
  if (p != nullptr) munmap(p, bytes);
}

int fork_child(const std::function<int()> &fn) {
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    int rc = 1;
    try {
      rc = fn();
    } catch (...) {
      rc = 2;
    }
    _exit(rc);
  }
  return pid;
}

bool reap(int pid) {
  if (pid <= 0) return false;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return false;
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

void futex_wait(std::uint32_t *word, std::uint32_t expected) {
  syscall(SYS_futex, word, FUTEX_WAIT, expected, nullptr, nullptr, 0);
}

int futex_wake(std::uint32_t *word) {
  return static_cast<int>(syscall(SYS_futex, word, FUTEX_WAKE, INT_MAX, nullptr, nullptr, 0));
}

double percentile(std::vector<double> &v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const double rank = p / 100.0 * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(rank));
  const auto hi = std::min(lo + 1, v.size() - 1);
  const double frac = rank - static_cast<double>(lo);
  return v[lo] + (v[hi] - v[lo]) * frac;
}

void skip(benchmark::State &st, const std::string &what, int status) {
  const char *name = splinter_status_name(status);
  st.SkipWithError((what + ": " + (name != nullptr ? name : std::to_string(status)) + " " +
                    splinter_last_error())
                       .c_str());
}

bool smoke() {
  const char *s = std::getenv("SPLINTER_BENCH_SMOKE");
  return s != nullptr && s[0] != '\0' && s[0] != '0';
}

}  // namespace bench
