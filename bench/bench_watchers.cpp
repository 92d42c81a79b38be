// bench_watchers.cpp -- what watchers cost the writer (issue 13): the
// writer (this process) overwrites one key (64-byte value) as fast as it
// can while N reader processes wait for changes in splinter_poll.
//
//   watchers/set/none              no watcher
//   watchers/set/bus_pollers:N     N processes each polling the whole bus in
//                                  a loop: e = poll(NULL, e, -1)
//   watchers/set/key_pollers:N     N processes each polling a key of its own
//                                  that is never set: poll(key, 0, -1)
//   watchers/set/bus_pollers:N/spin_off
//                                  as bus_pollers:N, the watchers with
//                                  splinter_set_spin(0): no adaptive spin, so
//                                  each poll that finds no change sleeps
//
// The benchmark's time is the wall time per set (the watchers compete with
// the writer for the CPUs: that is part of their cost). Counters:
//   watchers_cpu_s    the watchers' CPU time (user + system, summed) over the
//                     timed loop, in seconds
//   run_s             the timed loop's wall time, in seconds
//   watchers_cpu_pct  100 * watchers_cpu_s / run_s (above 100 % with several
//                     watchers on several CPUs)
//   polls_per_kset    poll returns of all watchers per 1000 sets (a bus
//                     poller that sees every change returns 1000; fewer means
//                     several sets were coalesced into one return)
//
// The keys: the written key and each key poller's key lie in different wait
// buckets of format 4 (bucket = XXH3-64(key) & 511, FORMAT-v4-design.md
// 1.2), so with per-key wake no key poller shares a futex word with the
// writes. Format 3 has one word for all, so the choice does not matter there.
// Only the public API is used, so the file measures any library version.
//
// Coordination is by events, never by sleeping: the writer starts when every
// watcher is asleep in its first poll, and stops them by raising a stop
// flag and then changing what each one waits for (one more set of the written
// key for bus pollers, a set of each key poller's key).
#include "common.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xxhash.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <new>
#include <string>
#include <vector>

namespace bench {
namespace {

enum class Watch { none, bus, key, bus_spin_off };

constexpr int kMaxWatchers = 8;
constexpr std::uint64_t kBuckets = 512;  // format 4's key_wait words

struct WatchShared {
  alignas(64) std::atomic<std::uint32_t> ready{0};  // watchers about to poll
  alignas(64) std::atomic<std::uint32_t> stop{0};   // writer: the run is over
  alignas(64) std::atomic<std::int32_t> error{0};   // a watcher's failed status
  struct alignas(64) Slot {
    double cpu_ns = 0;         // CPU time from ready to exit
    std::uint64_t polls = 0;   // poll returns while the writer ran
  } w[kMaxWatchers];
};

std::uint64_t cpu_ns_self() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto ns = [](const timeval &t) {
    return static_cast<std::uint64_t>(t.tv_sec) * 1000000000ull + static_cast<std::uint64_t>(t.tv_usec) * 1000ull;
  };
  return ns(ru.ru_utime) + ns(ru.ru_stime);
}

std::uint64_t bucket(const KeyCell &k) { return XXH3_64bits(k.data(), std::strlen(k.data())) & (kBuckets - 1); }

// The written key, then kMaxWatchers keys for key pollers: every one in a
// wait bucket of its own.
const std::vector<KeyCell> &keys() {
  static const std::vector<KeyCell> k = [] {
    std::vector<KeyCell> out{make_key('w', 0, 16)};
    std::vector<bool> used(kBuckets, false);
    used[bucket(out[0])] = true;
    for (std::uint64_t i = 0; out.size() < 1 + kMaxWatchers; ++i) {
      const KeyCell c = make_key('q', i, 16);
      if (used[bucket(c)]) continue;
      used[bucket(c)] = true;
      out.push_back(c);
    }
    return out;
  }();
  return k;
}

// True when process pid is blocked in the futex system call -- a watcher
// that has gone to sleep in splinter_poll (after it said it is ready, it
// makes no other blocking call). /proc/PID/syscall names the system call a
// blocked process is in; where it cannot be read, the process state (S,
// sleeping) is the fallback.
bool asleep_in_futex(int pid) {
  const std::string dir = "/proc/" + std::to_string(pid);
  if (FILE *f = std::fopen((dir + "/syscall").c_str(), "r")) {
    long nr = -1;
    const int got = std::fscanf(f, "%ld", &nr);
    std::fclose(f);
    if (got == 1) return nr == SYS_futex;
    // "running": not blocked; anything else unreadable: use the state
  }
  FILE *f = std::fopen((dir + "/stat").c_str(), "r");
  if (f == nullptr) return false;
  char state = 0;
  // pid (comm) state ...: comm may hold spaces; the state follows the last ')'.
  char buf[512] = {};
  const std::size_t n = std::fread(buf, 1, sizeof buf - 1, f);
  std::fclose(f);
  const char *paren = std::strrchr(buf, ')');
  if (paren != nullptr && paren + 2 < buf + n) state = paren[2];
  return state == 'S';
}

// Key poller i's key.
const char *watcher_key(int i) { return keys()[static_cast<std::size_t>(i) + 1].data(); }

int watcher_main(WatchShared *sh, Watch mode, int idx, const std::string &bus) {
  splinter_bus *r = nullptr;
  int rc = splinter_open(&r, SPLINTER_SHM, bus.c_str(), SPLINTER_READER);
  if (rc != SPLINTER_OK) {
    sh->error.store(rc);
    return 3;
  }
  if (mode == Watch::bus_spin_off && splinter_set_spin(r, 0) != SPLINTER_OK) {
    sh->error.store(SPLINTER_E_INVALID);
    splinter_close(r);
    return 3;
  }
  const char *key = mode == Watch::key ? watcher_key(idx) : nullptr;
  std::uint64_t e = mode == Watch::key ? 0 : splinter_epoch(r);  // the key is absent: epoch 0
  std::uint64_t polls = 0;
  const std::uint64_t cpu0 = cpu_ns_self();
  sh->ready.fetch_add(1, std::memory_order_release);
  while (sh->stop.load(std::memory_order_acquire) == 0) {
    rc = splinter_poll(r, key, e, -1, &e);
    if (rc != SPLINTER_OK) {
      sh->error.store(rc);
      splinter_close(r);
      return 4;
    }
    ++polls;
  }
  // The last return was caused by the writer's stop signal, not by the run.
  sh->w[idx].polls = polls > 0 ? polls - 1 : 0;
  sh->w[idx].cpu_ns = static_cast<double>(cpu_ns_self() - cpu0);
  splinter_close(r);
  return 0;
}

void bm_watchers(benchmark::State &st, Watch mode, int n) {
  if (mode == Watch::none) n = 0;
  void *mem = shared_alloc(sizeof(WatchShared));
  if (mem == nullptr) return st.SkipWithError("mmap failed");
  auto *sh = new (mem) WatchShared;
  const std::string name = unique_bus_name("watchers");
  splinter_bus *w = nullptr;
  int rc = splinter_create(&w, SPLINTER_SHM, name.c_str(), 64, 64, 0600);
  if (rc != SPLINTER_OK) {
    shared_free(mem, sizeof(WatchShared));
    return skip(st, "splinter_create", rc);
  }
  remember_bus(name);
  const auto value = value_bytes(64);
  const char *key = keys()[0].data();
  if (splinter_set(w, key, value.data(), value.size(), nullptr) != SPLINTER_OK) {
    splinter_close(w);
    shared_free(mem, sizeof(WatchShared));
    return st.SkipWithError("initial set failed");
  }

  std::vector<int> pids;
  // Stops every watcher (SIGKILL when the run failed), reaps them, removes
  // the bus; false if a watcher failed.
  auto finish = [&](bool failed) {
    sh->stop.store(1, std::memory_order_release);
    if (!failed && mode != Watch::key && n > 0) (void)splinter_set(w, key, value.data(), value.size(), nullptr);
    if (!failed && mode == Watch::key)
      for (int i = 0; i < n; ++i) (void)splinter_set(w, watcher_key(i), value.data(), value.size(), nullptr);
    bool ok = !failed;
    for (int pid : pids) {
      if (failed) kill(pid, SIGKILL);
      ok = reap(pid) && ok;
    }
    splinter_close(w);
    (void)splinter_destroy(SPLINTER_SHM, name.c_str());
    return ok;
  };
  auto fail = [&](const std::string &what) {
    const std::int32_t err = sh->error.load();
    shared_free(mem, sizeof(WatchShared));
    st.SkipWithError((what + ", watcher status " + std::to_string(err)).c_str());
  };

  bool failed = false;
  for (int i = 0; i < n && !failed; ++i) {
    const int pid = fork_child([&] { return watcher_main(sh, mode, i, name); });
    if (pid < 0)
      failed = true;
    else
      pids.push_back(pid);
  }
  // Start when every watcher is asleep in its first poll (or stop if one
  // has died): on a busy machine a watcher may not run for milliseconds
  // after fork, and sets made before it polls would cost nothing.
  const std::uint64_t deadline = now_ns() + 60ull * 1000000000ull;
  auto all_asleep = [&] {
    if (sh->ready.load(std::memory_order_acquire) < static_cast<std::uint32_t>(n)) return false;
    for (int pid : pids)
      if (!asleep_in_futex(pid)) return false;
    return true;
  };
  while (!failed && !all_asleep()) {
    for (int pid : pids)
      if (waitpid(pid, nullptr, WNOHANG) == pid) failed = true;
    if (now_ns() > deadline) failed = true;
    timespec ts{0, 50000};
    nanosleep(&ts, nullptr);
  }
  if (failed) {
    finish(true);
    return fail("a watcher did not start");
  }

  std::uint64_t sets = 0;
  const std::uint64_t t0 = now_ns();
  for (auto _ : st) {
    if (splinter_set(w, key, value.data(), value.size(), nullptr) != SPLINTER_OK) {
      failed = true;
      break;
    }
    ++sets;
  }
  const std::uint64_t t1 = now_ns();
  if (!finish(failed)) return fail(failed ? "splinter_set failed" : "a watcher failed");

  double cpu_ns = 0, polls = 0;
  for (int i = 0; i < n; ++i) {
    cpu_ns += sh->w[i].cpu_ns;
    polls += static_cast<double>(sh->w[i].polls);
  }
  const double run_s = static_cast<double>(t1 - t0) / 1e9;
  st.counters["watchers_cpu_s"] = cpu_ns / 1e9;
  st.counters["run_s"] = run_s;
  st.counters["watchers_cpu_pct"] = run_s > 0 ? 100.0 * cpu_ns / 1e9 / run_s : 0;
  st.counters["polls_per_kset"] = sets > 0 ? 1000.0 * polls / static_cast<double>(sets) : 0;
  st.counters["watchers"] = n;
  shared_free(mem, sizeof(WatchShared));
}

const bool registered = [] {
  auto reg = [](const std::string &name, Watch mode, int n) {
    auto *b = benchmark::RegisterBenchmark(name.c_str(), [mode, n](benchmark::State &st) { bm_watchers(st, mode, n); })
                  ->UseRealTime()
                  ->Unit(benchmark::kNanosecond);
    // Loops of at least 1 s whatever --benchmark_min_time says (bench/run
    // gives 0.1 s): stopping the watchers (a wake and an exit each) falls
    // inside the measured span, and would weigh 10x as much in a loop of a
    // tenth of a second. Smoke runs keep the flag's tiny time.
    if (!smoke()) b->MinTime(1.0);
  };
  reg("watchers/set/none", Watch::none, 0);
  for (int n : {1, 4}) {
    reg("watchers/set/bus_pollers:" + std::to_string(n), Watch::bus, n);
    reg("watchers/set/key_pollers:" + std::to_string(n), Watch::key, n);
  }
  reg("watchers/set/bus_pollers:1/spin_off", Watch::bus_spin_off, 1);
  return true;
}();

}  // namespace
}  // namespace bench
