// common.h -- what every benchmark file shares: keys and values, bus
// fixtures built once per geometry and load, process helpers, clocks.
//
// Every subject (Splinter, the limits, LMDB, Redis) uses the same keys
// (make_key) and the same value bytes (value_bytes), so the ratios in
// docs/PERFORMANCE.md compare like with like.
#ifndef SPLINTER_BENCH_COMMON_H
#define SPLINTER_BENCH_COMMON_H

#include <splinter/splinter.h>

#include <benchmark/benchmark.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace bench {

// A key as a NUL-terminated string in a fixed 64-byte cell (keys are at most
// 63 bytes), so that key arrays are contiguous.
using KeyCell = std::array<char, 64>;

// The key number `i` of a family, exactly `len` bytes long (8 <= len <= 63):
// `family` letter, then `i` in decimal, left-padded with '0'.
KeyCell make_key(char family, std::uint64_t i, std::size_t len);

// `n` deterministic value bytes (a pattern, not zeros, so nothing can elide
// a copy or compress it).
std::vector<std::byte> value_bytes(std::size_t n);

// A permutation of 0..n-1 from a fixed seed: the order in which the
// benchmarks visit keys (the same for every subject).
std::vector<std::uint32_t> shuffled(std::size_t n, std::uint64_t seed = 42);

// A unique shared-memory name for a bus made by this process, and the list
// of those made so far (destroyed at exit by destroy_all_buses).
std::string unique_bus_name(const std::string &what);
void remember_bus(const std::string &name);
void destroy_all_buses();

// A bus filled to a given load, built once and cached for the process.
struct BusSpec {
  std::uint32_t slots = 1024;
  std::uint32_t max_value = 64;  // bus geometry
  std::uint32_t value_len = 64;  // bytes stored per key
  std::uint32_t key_len = 16;
  std::uint32_t live_pct = 50;   // live keys, percent of slots
  std::uint32_t tomb_pct = 0;    // tombstones, percent of slots (made by
                                 // filling live+tomb, then unsetting)
  std::uint32_t churn = 0;       // then this many (unset a random live key,
                                 // set a new key) pairs: same live count
  std::uint32_t history_depth = 0;  // splinter_options (0: none)
  std::uint32_t change_ring = 0;    // splinter_options (0: the default)
  std::string tag;               // distinguishes fixtures a benchmark mutates
  std::string id() const;
};
struct Fixture {
  Fixture() = default;
  Fixture(const Fixture &) = delete;
  Fixture &operator=(const Fixture &) = delete;
  ~Fixture() {
    splinter_close(reader);
    splinter_close(writer);
  }
  BusSpec spec;
  std::string name;
  splinter_bus *writer = nullptr;
  splinter_bus *reader = nullptr;  // a reader handle on the same bus
  std::vector<KeyCell> live;     // keys present, in visiting order
  std::vector<KeyCell> absent;   // keys never set, same length
  std::vector<std::byte> value;  // the bytes each live key holds
  splinter_info info{};          // counted after the fill
};
// Returns the cached fixture, or builds it. On failure returns nullptr and
// sets *why.
Fixture *fixture(const BusSpec &spec, std::string *why);

// Registers a function to run at exit of the suite (peers' temp dirs...).
void at_cleanup(std::function<void()> fn);
// Runs the cleanups and destroys every bus (main calls it once).
void cleanup_all();

// The monotonic clock in nanoseconds (vDSO clock_gettime).
std::uint64_t now_ns();

// Busy-waits `ns` nanoseconds on the monotonic clock.
void spin_for_ns(std::uint64_t ns);

// Shared anonymous memory that survives fork (MAP_SHARED | MAP_ANONYMOUS),
// zero-filled. nullptr on failure.
void *shared_alloc(std::size_t bytes);
void shared_free(void *p, std::size_t bytes);

// Forks a child that runs fn and _exits with its return value (never
// returning into the benchmark library). Returns the pid, or -1.
int fork_child(const std::function<int()> &fn);
// Waits for a child; true if it exited with status 0.
bool reap(int pid);

// FUTEX_WAIT / FUTEX_WAKE on a word of a shared mapping (not private, as
// Splinter does, so the futex is keyed by the mapping across processes).
void futex_wait(std::uint32_t *word, std::uint32_t expected);
int futex_wake(std::uint32_t *word);

// Percentile (0..100) of samples (sorted in place).
double percentile(std::vector<double> &v, double p);

// Bails out of a benchmark with a message naming the failed status.
void skip(benchmark::State &st, const std::string &what, int status);

// The benchmark's size of work, from the environment:
// SPLINTER_BENCH_SMOKE=1 shrinks the sample counts and durations of the
// cross-process benchmarks (ci/test-bench); it never changes what is
// measured.
bool smoke();

}  // namespace bench

#endif  // SPLINTER_BENCH_COMMON_H
