// bench_wake.cpp -- cross-process wake latency: the writer (this process)
// changes something, a reader process blocked waiting for it wakes. Each
// sample is (reader's clock after it returns) - (writer's clock just before
// the change); both are CLOCK_MONOTONIC, which is system-wide.
//
//   wake/futex/gap_us:G             raw futex: the limit for a sleeping reader
//   wake/splinter_poll/gap_us:G     splinter_poll on a key, default spin
//                                   (adaptive: none, for a poll G > 20 us
//                                   after the last change)
//   wake/spin_raw/delay_us:D        raw spin on a shared word: the limit for a
//                                   spinning reader
//   wake/splinter_poll_spin/budget_us:B/delay_us:D
//                                   splinter_set_spin(B); the update comes
//                                   D us after the reader starts polling
//
// Before each change the writer waits until the reader has announced it is
// about to wait, then sleeps G us (so the reader is really asleep: its CPU
// has gone idle) or, for the spin variants, busy-waits D us. The reader's CPU
// time over the whole run is reported as a share of wall time (cpu_pct):
// a sleeping reader should use almost none.
//
// Counters: p50_us, p90_us, p99_us, max_us, min_us, cpu_pct, samples. The
// benchmark's time is the p50.
#include "common.h"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <ctime>
#include <new>
#include <string>
#include <vector>

namespace bench {
namespace {

enum class Mode { futex, spin_raw, poll, poll_spin };

constexpr std::size_t kMaxSamples = 4000;

struct WakeShared {
  alignas(64) std::atomic<std::uint32_t> armed{0};  // reader: k + 1 = about to wait for sample k
  alignas(64) std::uint32_t word = 0;               // futex / spin_raw modes
  alignas(64) std::atomic<std::uint64_t> t_set{0};  // writer: clock before the change
  alignas(64) std::atomic<std::int32_t> error{0};
  double cpu_ns = 0;
  double wall_ns = 0;
  double lat_ns[kMaxSamples] = {};
};

std::uint64_t cpu_ns_self() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto ns = [](const timeval &t) {
    return static_cast<std::uint64_t>(t.tv_sec) * 1000000000ull + static_cast<std::uint64_t>(t.tv_usec) * 1000ull;
  };
  return ns(ru.ru_utime) + ns(ru.ru_stime);
}

void sleep_us(std::uint32_t us) {
  timespec ts{static_cast<time_t>(us / 1000000), static_cast<long>(us % 1000000) * 1000};
  while (nanosleep(&ts, &ts) != 0) {
  }
}

struct Params {
  Mode mode = Mode::futex;
  std::uint32_t gap_us = 1000;   // sleep before the change (sleeping modes)
  std::uint32_t delay_us = 0;    // busy-wait before the change (spin modes)
  std::uint32_t budget_us = 0;   // splinter_set_spin
};

int reader_main(WakeShared *sh, const Params &p, const std::string &bus, std::size_t n) {
  auto word = std::atomic_ref<std::uint32_t>(sh->word);
  splinter_bus *r = nullptr;
  const char *key = "wake-key";
  std::uint64_t since = 0;
  if (p.mode == Mode::poll || p.mode == Mode::poll_spin) {
    if (splinter_open(&r, SPLINTER_SHM, bus.c_str(), SPLINTER_READER) != SPLINTER_OK) return 3;
    if (p.budget_us > 0 && splinter_set_spin(r, p.budget_us) != SPLINTER_OK) return 4;
    std::byte buf[64];
    if (splinter_get(r, key, buf, sizeof buf, nullptr, &since) != SPLINTER_OK) return 5;
  }
  const std::uint64_t cpu0 = cpu_ns_self(), wall0 = now_ns();
  for (std::size_t k = 0; k < n; ++k) {
    if (p.mode == Mode::futex || p.mode == Mode::spin_raw) {
      const std::uint32_t expected = word.load(std::memory_order_acquire);
      sh->armed.store(static_cast<std::uint32_t>(k + 1), std::memory_order_release);
      if (p.mode == Mode::futex) {
        while (word.load(std::memory_order_acquire) == expected) futex_wait(&sh->word, expected);
      } else {
        while (word.load(std::memory_order_acquire) == expected) __builtin_ia32_pause();
      }
    } else {
      sh->armed.store(static_cast<std::uint32_t>(k + 1), std::memory_order_release);
      std::uint64_t e = 0;
      const int rc = splinter_poll(r, key, since, 10000, &e);
      if (rc != SPLINTER_OK) {
        sh->error.store(rc);
        return 6;
      }
      since = e;
    }
    const std::uint64_t t = now_ns();
    sh->lat_ns[k] = static_cast<double>(t - sh->t_set.load(std::memory_order_acquire));
  }
  sh->cpu_ns = static_cast<double>(cpu_ns_self() - cpu0);
  sh->wall_ns = static_cast<double>(now_ns() - wall0);
  splinter_close(r);
  return 0;
}

void bm_wake(benchmark::State &st, Params p) {
  const bool fast = (p.mode == Mode::poll_spin || p.mode == Mode::spin_raw) && p.delay_us <= 100;
  const std::size_t n = smoke() ? 10 : fast ? 2000 : 400;
  if (smoke()) p.gap_us = std::min<std::uint32_t>(p.gap_us, 200);
  const std::uint64_t value_ns = now_ns();
  for (auto _ : st) {
    void *mem = shared_alloc(sizeof(WakeShared));
    if (mem == nullptr) return st.SkipWithError("mmap failed");
    auto *sh = new (mem) WakeShared;
    splinter_bus *w = nullptr;
    std::string name;
    const bool uses_bus = p.mode == Mode::poll || p.mode == Mode::poll_spin;
    const char *key = "wake-key";
    if (uses_bus) {
      name = unique_bus_name("wake");
      const int rc = splinter_create(&w, SPLINTER_SHM, name.c_str(), 16, 64, 0600);
      if (rc != SPLINTER_OK) return skip(st, "splinter_create", rc);
      remember_bus(name);
      if (splinter_set(w, key, &value_ns, sizeof value_ns, nullptr) != SPLINTER_OK)
        return st.SkipWithError("initial set failed");
    }
    const int pid = fork_child([&] { return reader_main(sh, p, name, n); });
    if (pid < 0) return st.SkipWithError("fork failed");
    auto word = std::atomic_ref<std::uint32_t>(sh->word);
    bool failed = false;
    const std::uint64_t deadline = now_ns() + 60ull * 1000000000ull;
    for (std::size_t k = 0; k < n && !failed; ++k) {
      // Wait until the reader is about to wait for sample k.
      while (sh->armed.load(std::memory_order_acquire) != k + 1) {
        if (now_ns() > deadline || waitpid(pid, nullptr, WNOHANG) == pid) {
          failed = true;
          break;
        }
        if (p.mode == Mode::poll_spin || p.mode == Mode::spin_raw)
          __builtin_ia32_pause();
        else
          sleep_us(20);
      }
      if (failed) break;
      if (p.mode == Mode::poll_spin || p.mode == Mode::spin_raw)
        spin_for_ns(std::uint64_t{p.delay_us} * 1000);
      else
        sleep_us(p.gap_us);
      sh->t_set.store(now_ns(), std::memory_order_release);
      if (uses_bus) {
        const std::uint64_t v = k;
        if (splinter_set(w, key, &v, sizeof v, nullptr) != SPLINTER_OK) failed = true;
      } else {
        word.fetch_add(1, std::memory_order_release);
        if (p.mode == Mode::futex) futex_wake(&sh->word);
      }
    }
    if (failed) kill(pid, SIGKILL);
    const bool ok = reap(pid) && !failed;
    splinter_close(w);
    if (uses_bus) (void)splinter_destroy(SPLINTER_SHM, name.c_str());
    if (!ok) {
      shared_free(mem, sizeof(WakeShared));
      return st.SkipWithError(("reader failed, status " + std::to_string(sh->error.load())).c_str());
    }
    std::vector<double> lat(sh->lat_ns, sh->lat_ns + n);
    const double p50 = percentile(lat, 50);
    st.SetIterationTime(p50 / 1e9);
    st.counters["p50_us"] = p50 / 1e3;
    st.counters["p90_us"] = percentile(lat, 90) / 1e3;
    st.counters["p99_us"] = percentile(lat, 99) / 1e3;
    st.counters["max_us"] = lat.back() / 1e3;
    st.counters["min_us"] = lat.front() / 1e3;
    st.counters["cpu_pct"] = sh->wall_ns > 0 ? 100.0 * sh->cpu_ns / sh->wall_ns : 0;
    st.counters["samples"] = static_cast<double>(n);
    shared_free(mem, sizeof(WakeShared));
  }
}

const bool registered = [] {
  auto reg = [](const std::string &name, Params p) {
    benchmark::RegisterBenchmark(name.c_str(), [p](benchmark::State &st) { bm_wake(st, p); })
        ->Iterations(1)
        ->UseManualTime()
        ->Unit(benchmark::kMicrosecond);
  };
  reg("wake/futex/gap_us:1000", {Mode::futex, 1000, 0, 0});
  reg("wake/splinter_poll/gap_us:1000", {Mode::poll, 1000, 0, 0});
  reg("wake/spin_raw/delay_us:20", {Mode::spin_raw, 0, 20, 0});
  reg("wake/splinter_poll_spin/budget_us:200/delay_us:20", {Mode::poll_spin, 0, 20, 200});
  // The update comes after the budget: the poll spins 200 us, then sleeps.
  reg("wake/splinter_poll_spin/budget_us:200/delay_us:1000", {Mode::poll_spin, 0, 1000, 200});
  return true;
}();

}  // namespace
}  // namespace bench
