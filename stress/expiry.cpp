// expiry.cpp -- mode `expiry` (issue 15): keys with deadlines under the
// writer kill loop, both backings.
//
// The parent creates the bus and forks --readers reader processes and, in
// turn, writer processes that it SIGKILLs after a random life (--kills
// times; with --hook-kills the writer also kills itself at crash points of
// the write protocol, the removal of an expired key's included). Between a
// death and the next writer the bus has no writer for a while: keys expire
// with nobody to remove them.
//
// The writer sets keys with short TTLs (5..100 ms), sets some plainly (no
// deadline), unsets, and calls splinter_expire. Before each call it records
// its intent (key, gen, seq) on a shared page; after a set it acknowledges
// on the page, under a seqlock per key: the epoch, the latest the deadline
// can be (`dmax`: its clock after the call + the TTL: the library took its
// `now` during the call) and the earliest (`dmin`: its clock before + TTL).
// Every value describes itself (key, gen, seq, ttl, a check of them).
//
// Oracles:
// - readers (get, every process, the same clock: CLOCK_REALTIME_COARSE):
//   a value's bytes are one a writer wrote (its check; its key; a seq the
//   writer of its gen had announced: never a value no call wrote); a value
//   whose acknowledgement is on the page comes with that epoch, and is
//   never returned by a get that began at or after its dmax (expired =
//   absent, also while no writer exists);
// - the writer: FULL only when every slot can hold a key not yet expired
//   (a full bus of expired keys takes a new key);
// - after every death, the parent opens as writer (recovery) and checks
//   every key: the validator is clean; a key acknowledged absent, or whose
//   dmax has passed, is NOT_FOUND (no expired or removed key is resurrected
//   by a crash or by recovery); a key acknowledged live and not yet at its
//   dmin holds exactly that value and epoch. The key of the call in flight
//   holds its old state, the new value, or is absent.
#include "expiry.h"

#include "shared.h"
#include "test_hooks.h"

#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <new>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace stress {
namespace {

constexpr std::uint32_t kMaxKeys = 1024;
constexpr std::uint32_t kMaxGens = 4096;
constexpr std::uint64_t kNever = UINT64_MAX;  // dmax of a key without a deadline
constexpr std::uint32_t kMagic = 0x54544c31;  // "TTL1"

// The clock of deadlines as every process reads it (src/clock.h; no test
// offset in this harness).
std::uint64_t now_ms() {
  timespec t{};
  ::clock_gettime(CLOCK_REALTIME_COARSE, &t);
  return static_cast<std::uint64_t>(t.tv_sec) * 1000u + static_cast<std::uint64_t>(t.tv_nsec) / 1000000u;
}

// A writer's acknowledgement of the state of one key.
struct KeyState {
  bool live = false;
  std::uint32_t gen = 0;
  std::uint64_t seq = 0, epoch = 0, dmin = 0, dmax = 0;  // dmin = dmax = kNever: no deadline
};

// One key's acknowledgement on the shared page, under a seqlock (one writer
// at a time: a writer process, or the parent while none lives).
struct AckSlot {
  std::atomic<std::uint64_t> lock{0};
  std::atomic<std::uint64_t> live{0}, gen{0}, seq{0}, epoch{0}, dmin{0}, dmax{0};
  void store(const KeyState &s) {
    // Odd while storing (a writer killed mid-store leaves it odd: the next
    // store starts from there).
    const std::uint64_t odd = lock.load(std::memory_order_relaxed) | 1;
    lock.store(odd, std::memory_order_relaxed);
    // Pairs with the reader's acquire fence in load(): a reader that sees
    // any field below also sees the odd lock word, and retries.
    std::atomic_thread_fence(std::memory_order_release);
    live.store(s.live, std::memory_order_relaxed);
    gen.store(s.gen, std::memory_order_relaxed);
    seq.store(s.seq, std::memory_order_relaxed);
    epoch.store(s.epoch, std::memory_order_relaxed);
    dmin.store(s.dmin, std::memory_order_relaxed);
    dmax.store(s.dmax, std::memory_order_relaxed);
    // Pairs with the acquire load of lock in load().
    lock.store(odd + 1, std::memory_order_release);
  }
  bool load(KeyState *s) const {
    for (int attempt = 0; attempt < 1000; ++attempt) {
      const std::uint64_t l1 = lock.load(std::memory_order_acquire);
      if (l1 & 1) continue;
      s->live = live.load(std::memory_order_relaxed) != 0;
      s->gen = static_cast<std::uint32_t>(gen.load(std::memory_order_relaxed));
      s->seq = seq.load(std::memory_order_relaxed);
      s->epoch = epoch.load(std::memory_order_relaxed);
      s->dmin = dmin.load(std::memory_order_relaxed);
      s->dmax = dmax.load(std::memory_order_relaxed);
      // Pairs with the release fence in store().
      std::atomic_thread_fence(std::memory_order_acquire);
      if (lock.load(std::memory_order_relaxed) == l1) return true;
    }
    return false;
  }
};

struct Page {
  std::atomic<std::uint32_t> stop{0};
  // The call in flight: key + 1 (0: none or a call of no key), gen, seq.
  std::atomic<std::uint64_t> inflight_key{0}, inflight_gen{0}, inflight_seq{0};
  // The highest seq each writer gen announced (before its call).
  std::atomic<std::uint64_t> announced[kMaxGens];
  AckSlot ack[kMaxKeys];
  // Counters (summed over processes).
  std::atomic<std::uint64_t> gets_live{0}, gets_absent{0}, checked_deadlines{0}, unresolved{0}, sets_ttl{0},
      sets_plain{0}, unsets{0}, expire_calls{0}, expired_removed{0}, full{0}, full_checked{0}, hook_deaths{0};
};

std::string key_name(std::uint32_t id) { return "t" + std::to_string(id); }

struct ValueHead {
  std::uint32_t magic, key;
  std::uint32_t gen, pad;
  std::uint64_t seq, ttl, check;
};
static_assert(sizeof(ValueHead) == 40);
std::uint64_t head_check(const ValueHead &h) {
  std::uint64_t x = 0x9e3779b97f4a7c15u ^ h.magic;
  for (std::uint64_t v : {std::uint64_t{h.key}, std::uint64_t{h.gen}, h.seq, h.ttl}) {
    x ^= v + 0x9e3779b97f4a7c15u + (x << 6) + (x >> 2);
    x *= 0xff51afd7ed558ccdu;
  }
  return x;
}

// ---- the writer -------------------------------------------------------
Page *g_page = nullptr;
std::uint32_t g_hook_ppm = 0;
std::mt19937_64 g_hook_rng;

void hook(int) {
  if (g_hook_ppm != 0 && g_hook_rng() % 1000000 < g_hook_ppm) {
    g_page->hook_deaths.fetch_add(1, std::memory_order_relaxed);
    ::raise(SIGKILL);
  }
}

[[noreturn]] void writer_main(const Options &o, const std::string &bus_name, std::uint32_t nkeys, std::uint32_t gen,
                              std::uint64_t seed) {
  set_role_label("expiry writer " + std::to_string(gen));
  Page &p = *g_page;
  splinter_bus *w = nullptr;
  if (int st = splinter_open(&w, o.backing, bus_name.c_str(), SPLINTER_WRITER))
    setup_error("writer open: %s (%s)", splinter_status_name(st), splinter_last_error());
  std::mt19937_64 rng(seed);
  g_hook_ppm = o.hook_kill_per_million;
  g_hook_rng.seed(seed ^ 0x5bd1e995);
  splinter::test::set_crash_hook(&hook);
  std::vector<KeyState> know(nkeys);
  for (std::uint32_t k = 0; k < nkeys; ++k)
    if (!p.ack[k].load(&know[k])) setup_error("ack %u unstable", k);
  for (std::uint64_t seq = 1; p.stop.load(std::memory_order_relaxed) == 0; ++seq) {
    const std::uint32_t k = static_cast<std::uint32_t>(rng() % nkeys);
    const unsigned dice = static_cast<unsigned>(rng() % 100);
    p.announced[gen].store(seq, std::memory_order_relaxed);
    p.inflight_gen.store(gen, std::memory_order_relaxed);
    p.inflight_seq.store(seq, std::memory_order_relaxed);
    p.inflight_key.store(dice < 95 ? k + 1 : 0, std::memory_order_release);
    if (dice < 95 && dice >= 85) {  // unset
      const std::string name = key_name(k);
      std::uint64_t e = 0;
      const int st = splinter_unset(w, name.c_str(), &e);
      if (st != SPLINTER_OK && st != SPLINTER_E_NOT_FOUND)
        violation("unset(%s) = %s (%s)", name.c_str(), splinter_status_name(st), splinter_last_error());
      know[k] = KeyState{};
      p.ack[k].store(know[k]);
      p.unsets.fetch_add(1, std::memory_order_relaxed);
    } else if (dice < 85) {  // set, mostly with a TTL
      const bool plain = dice < 8;
      const std::uint64_t ttl = plain ? 0 : 5 + rng() % 96;
      ValueHead h{kMagic, k, gen, 0, seq, ttl, 0};
      h.check = head_check(h);
      const std::string name = key_name(k);
      // How many keys may still be live now (not yet certainly expired):
      // FULL with fewer than slots of them would refuse a key that expired
      // keys must make room for.
      const std::uint64_t t0 = now_ms();
      std::uint32_t maybe_live = 0;
      for (const KeyState &s : know) maybe_live += s.live && s.dmax > t0;
      std::uint64_t e = 0;
      const int st = splinter_set_ttl(w, name.c_str(), &h, sizeof h, ttl, &e);
      const std::uint64_t t1 = now_ms();
      if (st == SPLINTER_E_FULL) {
        p.full.fetch_add(1, std::memory_order_relaxed);
        if (!know[k].live || know[k].dmax <= t0) {
          p.full_checked.fetch_add(1, std::memory_order_relaxed);
          if (maybe_live < o.slots)
            violation("set_ttl(%s) = FULL, but at most %u of %u slots can hold a key not yet expired", name.c_str(),
                      maybe_live, o.slots);
        }
      } else if (st != SPLINTER_OK) {
        violation("set_ttl(%s) = %s (%s)", name.c_str(), splinter_status_name(st), splinter_last_error());
      } else {
        know[k] = KeyState{true, gen, seq, e, plain ? kNever : t0 + ttl, plain ? kNever : t1 + ttl};
        p.ack[k].store(know[k]);
        (plain ? p.sets_plain : p.sets_ttl).fetch_add(1, std::memory_order_relaxed);
      }
    } else {  // expire
      std::uint32_t removed = 0;
      const std::uint32_t max = static_cast<std::uint32_t>(rng() % 4);
      const int st = splinter_expire(w, max, &removed);
      if (st != SPLINTER_OK) violation("expire(%u) = %s (%s)", max, splinter_status_name(st), splinter_last_error());
      if (max != 0 && removed > max) violation("expire(%u) removed %u keys", max, removed);
      p.expire_calls.fetch_add(1, std::memory_order_relaxed);
      p.expired_removed.fetch_add(removed, std::memory_order_relaxed);
    }
    p.inflight_key.store(0, std::memory_order_release);
    // A writer at full speed removes an expired key within microseconds;
    // pacing it leaves expired keys LIVE for readers to meet.
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  splinter::test::set_crash_hook(nullptr);
  splinter_close(w);
  _exit(kExitOk);
}

// ---- the readers --------------------------------------------------------
[[noreturn]] void reader_main(const Options &o, const std::string &bus_name, std::uint32_t nkeys, int index,
                              std::uint64_t seed) {
  set_role_label("expiry reader " + std::to_string(index));
  Page &p = *g_page;
  splinter_bus *r = nullptr;
  if (int st = splinter_open(&r, o.backing, bus_name.c_str(), SPLINTER_READER))
    setup_error("reader open: %s (%s)", splinter_status_name(st), splinter_last_error());
  std::mt19937_64 rng(seed);
  ValueHead h{};
  while (p.stop.load(std::memory_order_relaxed) == 0) {
    const std::uint32_t k = static_cast<std::uint32_t>(rng() % nkeys);
    const std::string name = key_name(k);
    const std::uint64_t r0 = now_ms();
    std::size_t len = 0;
    std::uint64_t epoch = 0;
    const int st = splinter_get(r, name.c_str(), &h, sizeof h, &len, &epoch);
    if (st == SPLINTER_E_NOT_FOUND || st == SPLINTER_E_AGAIN) {
      p.gets_absent.fetch_add(st == SPLINTER_E_NOT_FOUND, std::memory_order_relaxed);
      continue;
    }
    if (st != SPLINTER_OK) violation("get(%s) = %s (%s)", name.c_str(), splinter_status_name(st), splinter_last_error());
    p.gets_live.fetch_add(1, std::memory_order_relaxed);
    if (len != sizeof h || h.magic != kMagic || h.key != k || h.check != head_check(h) || h.gen >= kMaxGens)
      violation("get(%s) returned %zu bytes no writer wrote for it (epoch %llu)", name.c_str(), len,
                static_cast<unsigned long long>(epoch));
    if (h.seq > p.announced[h.gen].load(std::memory_order_acquire))
      violation("get(%s) returned gen %u seq %llu, which writer %u never announced", name.c_str(), h.gen,
                static_cast<unsigned long long>(h.seq), h.gen);
    KeyState a;
    if (!p.ack[k].load(&a) || !a.live || a.gen != h.gen || a.seq != h.seq) {
      p.unresolved.fetch_add(1, std::memory_order_relaxed);  // not acknowledged yet, or overwritten since
      continue;
    }
    if (epoch != a.epoch)
      violation("get(%s) = gen %u seq %llu with epoch %llu, acknowledged with epoch %llu", name.c_str(), h.gen,
                static_cast<unsigned long long>(h.seq), static_cast<unsigned long long>(epoch),
                static_cast<unsigned long long>(a.epoch));
    p.checked_deadlines.fetch_add(a.dmax != kNever, std::memory_order_relaxed);
    if (r0 >= a.dmax)
      violation("get(%s) began at %llu ms and returned a value whose deadline was at most %llu ms (ttl %llu, gen "
                "%u seq %llu): an expired key was not absent",
                name.c_str(), static_cast<unsigned long long>(r0), static_cast<unsigned long long>(a.dmax),
                static_cast<unsigned long long>(h.ttl), h.gen, static_cast<unsigned long long>(h.seq));
  }
  splinter_close(r);
  _exit(kExitOk);
}

// ---- the parent ----------------------------------------------------------
std::string g_bus;
splinter_backing g_backing = SPLINTER_SHM;
std::vector<pid_t> g_children;
splinter_bus *g_parent_writer = nullptr;  // the parent's writer handle while it checks
void cleanup() {
  if (g_page) g_page->stop.store(1);
  // (A bus whose writer lives cannot be destroyed.)
  if (g_parent_writer) splinter_close(std::exchange(g_parent_writer, nullptr));
  for (pid_t c : g_children) ::kill(c, SIGKILL);
  for (pid_t c : g_children) ::waitpid(c, nullptr, 0);
  (void)splinter_destroy(g_backing, g_bus.c_str());
}

// After a writer's death: take the writer role (recovery) and check every
// key against the acknowledgements; resolve the call in flight.
void check_after_death(const Options &o, std::uint32_t nkeys, std::uint64_t *resolved_new, std::uint64_t *checked) {
  Page &p = *g_page;
  splinter_bus *w = nullptr;
  if (int st = splinter_open(&w, o.backing, g_bus.c_str(), SPLINTER_WRITER))
    violation("writer open after a death: %s (%s)", splinter_status_name(st), splinter_last_error());
  g_parent_writer = w;
  splinter_report rep{};
  if (int st = splinter_check_bus(w, nullptr, nullptr, &rep); st != SPLINTER_OK || rep.findings != 0)
    violation("validator after recovery: %s, %u finding(s)", splinter_status_name(st), rep.findings);
  const std::uint64_t fk = p.inflight_key.load(std::memory_order_acquire);
  const std::uint32_t fgen = static_cast<std::uint32_t>(p.inflight_gen.load(std::memory_order_relaxed));
  const std::uint64_t fseq = p.inflight_seq.load(std::memory_order_relaxed);
  for (std::uint32_t k = 0; k < nkeys; ++k) {
    KeyState a;
    // A writer killed while acknowledging leaves the lock odd: its call had
    // returned, and the key is the one in flight (resolved below).
    if (!p.ack[k].load(&a) && fk != k + 1) violation("ack %u left unstable, not the key in flight", k);
    const std::string name = key_name(k);
    const std::uint64_t t0 = now_ms();
    ValueHead h{};
    std::size_t len = 0;
    std::uint64_t epoch = 0;
    const int st = splinter_get(w, name.c_str(), &h, sizeof h, &len, &epoch);
    const std::uint64_t t1 = now_ms();
    if (st != SPLINTER_OK && st != SPLINTER_E_NOT_FOUND)
      violation("get(%s) after recovery = %s (%s)", name.c_str(), splinter_status_name(st), splinter_last_error());
    const bool found = st == SPLINTER_OK;
    const bool ours = found && len == sizeof h && h.magic == kMagic && h.key == k && h.check == head_check(h);
    if (found && !ours) violation("get(%s) after recovery returned bytes no writer wrote", name.c_str());
    const bool is_inflight = fk == k + 1;
    const bool new_value = ours && is_inflight && h.gen == fgen && h.seq == fseq;
    ++*checked;
    if (new_value) {
      // The dead writer committed it; its deadline is at most now + ttl.
      a = KeyState{true, h.gen, h.seq, epoch, h.ttl ? t0 - 1 : kNever, h.ttl ? t1 + h.ttl : kNever};
      // (dmin unknown: t0 - 1 only says "not before now".)
      p.ack[k].store(a);
      ++*resolved_new;
      continue;
    }
    if (is_inflight && !found) {  // an unset, or a new value already expired, or the old state
      p.ack[k].store(KeyState{});
      continue;
    }
    if (!a.live || a.dmax <= t0) {
      if (found)
        violation("get(%s) after a death and recovery returned gen %u seq %llu (epoch %llu), acknowledged %s: "
                  "resurrected",
                  name.c_str(), h.gen, static_cast<unsigned long long>(h.seq),
                  static_cast<unsigned long long>(epoch), a.live ? "expired" : "absent");
      continue;
    }
    if (a.dmin > t1 && (!found || h.gen != a.gen || h.seq != a.seq || epoch != a.epoch))
      violation("get(%s) after recovery = %s, acknowledged live (gen %u seq %llu epoch %llu) and not yet expired",
                name.c_str(), found ? "another value" : "NOT_FOUND", a.gen, static_cast<unsigned long long>(a.seq),
                static_cast<unsigned long long>(a.epoch));
  }
  p.inflight_key.store(0, std::memory_order_release);
  g_parent_writer = nullptr;
  splinter_close(w);
}

// A child's violation stops the run (the parent's cleanup, which kills the
// children and destroys the bus, is the parent's alone).
void child_cleanup() {
  if (g_page) g_page->stop.store(1);
}

pid_t spawn(const std::function<void()> &body) {
  const pid_t pid = ::fork();
  if (pid < 0) setup_error("fork failed");
  if (pid == 0) {
    set_violation_cleanup(&child_cleanup);
    body();
    _exit(kExitOk);
  }
  g_children.push_back(pid);
  return pid;
}

}  // namespace

int run_expiry(const Options &o) {
  set_role_label("expiry parent");
  std::uint64_t seed = o.seed != 0 ? o.seed : static_cast<std::uint64_t>(now_ms());
  std::printf("expiry: backing %s, slots %u, kills %u, readers %u, hook kills %u ppm, seed %llu\n",
              backing_name(o.backing), o.slots, o.kills, o.readers, o.hook_kill_per_million,
              static_cast<unsigned long long>(seed));
  std::fflush(stdout);
  std::mt19937_64 rng(seed);
  const std::uint32_t nkeys = std::min<std::uint32_t>(kMaxKeys, o.slots + o.slots / 2);
  void *mem = ::mmap(nullptr, sizeof(Page), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) setup_error("mmap of the shared page failed");
  g_page = new (mem) Page();
  Page &p = *g_page;
  g_backing = o.backing;
  g_bus = o.backing == SPLINTER_SHM ? "splinter-stress-expiry-" + std::to_string(::getpid())
                                    : "/tmp/splinter-stress-expiry-" + std::to_string(::getpid());
  (void)splinter_destroy(o.backing, g_bus.c_str());
  splinter_options opt{};
  opt.size = sizeof opt;
  opt.slots = o.slots;
  opt.max_value_size = 64;
  splinter_bus *c = nullptr;
  if (int st = splinter_create_ex(&c, o.backing, g_bus.c_str(), &opt))
    setup_error("create: %s (%s)", splinter_status_name(st), splinter_last_error());
  splinter_close(c);
  set_violation_cleanup(&cleanup);
  std::vector<pid_t> readers;
  for (std::uint32_t i = 0; i < o.readers; ++i) {
    const std::uint64_t s = rng();
    readers.push_back(spawn([&, i, s] { reader_main(o, g_bus, nkeys, static_cast<int>(i) + 1, s); }));
  }
  std::uint64_t resolved_new = 0, checked = 0, killed = 0, hook_deaths = 0;
  for (std::uint32_t gen = 1; gen <= o.kills + 1 && gen < kMaxGens; ++gen) {
    const std::uint64_t s = rng();
    const pid_t wpid = spawn([&, gen, s] { writer_main(o, g_bus, nkeys, gen, s); });
    const bool last = gen == o.kills + 1;
    const auto life = std::chrono::milliseconds(last ? static_cast<long>(o.duration * 1000)
                                                     : static_cast<long>(o.kill_min_ms + rng() % (o.kill_max_ms - o.kill_min_ms + 1)));
    // Wait for the life to end or the writer to die by a hook, whichever first.
    const auto until = std::chrono::steady_clock::now() + life;
    int ws = 0;
    pid_t got = 0;
    while ((got = ::waitpid(wpid, &ws, WNOHANG)) == 0 && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    if (got == 0) {
      if (last) {
        p.stop.store(1);
      } else {
        ::kill(wpid, SIGKILL);
        ++killed;
      }
      ::waitpid(wpid, &ws, 0);
    } else if (WIFSIGNALED(ws) && WTERMSIG(ws) == SIGKILL) {
      ++hook_deaths;
    }
    std::erase(g_children, wpid);
    if (WIFEXITED(ws) && WEXITSTATUS(ws) != kExitOk) {
      cleanup();
      return WEXITSTATUS(ws);
    }
    if (WIFSIGNALED(ws) && WTERMSIG(ws) != SIGKILL) {
      std::fprintf(stderr, "expiry: writer %u died of signal %d\n", gen, WTERMSIG(ws));
      cleanup();
      return kExitCrash;
    }
    if (p.stop.load() != 0 && !last) break;  // a reader found a violation
    check_after_death(o, nkeys, &resolved_new, &checked);
    // No writer for a while: keys expire with nobody to remove them.
    std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 30));
  }
  p.stop.store(1);
  int result = kExitOk;
  for (pid_t r : readers) {
    int ws = 0;
    ::waitpid(r, &ws, 0);
    if (WIFEXITED(ws) && WEXITSTATUS(ws) != kExitOk && result == kExitOk) result = WEXITSTATUS(ws);
    if (WIFSIGNALED(ws) && result == kExitOk) result = kExitCrash;
  }
  g_children.clear();
  (void)splinter_destroy(o.backing, g_bus.c_str());
  std::printf("expiry: %llu writers killed, %llu killed by a crash hook (%llu hook deaths counted); %llu key checks "
              "after recovery, in-flight value found committed %llu times\n",
              static_cast<unsigned long long>(killed), static_cast<unsigned long long>(hook_deaths),
              static_cast<unsigned long long>(p.hook_deaths.load()), static_cast<unsigned long long>(checked),
              static_cast<unsigned long long>(resolved_new));
  std::printf("expiry: sets with a TTL %llu, plain %llu, unsets %llu, expire calls %llu (%llu keys removed), FULL %llu "
              "(%llu checked); reader gets live %llu, absent %llu, deadlines checked %llu, not yet acknowledged %llu\n",
              static_cast<unsigned long long>(p.sets_ttl.load()), static_cast<unsigned long long>(p.sets_plain.load()),
              static_cast<unsigned long long>(p.unsets.load()), static_cast<unsigned long long>(p.expire_calls.load()),
              static_cast<unsigned long long>(p.expired_removed.load()), static_cast<unsigned long long>(p.full.load()),
              static_cast<unsigned long long>(p.full_checked.load()),
              static_cast<unsigned long long>(p.gets_live.load()), static_cast<unsigned long long>(p.gets_absent.load()),
              static_cast<unsigned long long>(p.checked_deadlines.load()),
              static_cast<unsigned long long>(p.unresolved.load()));
  if (result == kExitOk) std::printf("expiry: no violation\n");
  return result;
}

}  // namespace stress
