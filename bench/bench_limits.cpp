// bench_limits.cpp -- what the hardware and kernel allow, measured in the
// same run as Splinter so that every Splinter figure can be shown as a ratio
// to its limit:
//
//   limits/memcpy/bytes:N         copy N bytes from a warm line (get's copy)
//   limits/key_hash/key:N         XXH3-64 of an N-byte key (get's and set's
//                                 key hash since format 3), throughput:
//                                 successive hashes overlap
//   limits/key_hash_chained/key:N the same, latency: each waits for the last
//   limits/fnv1a/key:N            FNV-1a 64 (the key hash of format 2 and of
//   limits/fnv1a_chained/key:N    the original Splinter), for comparison
//   limits/xxh3/bytes:N           XXH3-64 of N bytes (get's and set's check)
//   limits/memcpy_xxh3/bytes:N    memcpy of N bytes then XXH3-64 (seeded, libxxhash's
//                                 run-time dispatch) of the copy: what a verified
//                                 get must do at least, over the same working set
//                                 as splinter/get (512 values visited in turn)
//   limits/seqlock_read/bytes:64  a 64-byte seqlock read, relaxed word loads
//   limits/clock_gettime          one CLOCK_MONOTONIC read (timing overhead)
//   limits/store_fence_seq_cst    a store then a seq_cst fence (set's wake check)
//   limits/random_read/mib:N      a dependent load at a random line of N MiB
//   limits/futex_wake_no_waiter   FUTEX_WAKE on a shared word nobody waits on
//   limits/cacheline_pingpong     cross-process cache-line round trip
//   limits/futex_pingpong         cross-process futex round trip
#include "common.h"

#include <xxhash.h>
#include <xxh_x86dispatch.h>

#include <atomic>
#include <cstring>
#include <new>
#include <string>
#include <vector>

namespace bench {
namespace {

template <std::size_t N>
void bm_memcpy(benchmark::State &st) {
  alignas(64) static unsigned char src[N];
  alignas(64) static unsigned char dst[N];
  std::memset(src, 0x5a, N);
  for (auto _ : st) {
    benchmark::DoNotOptimize(src);
    std::memcpy(dst, src, N);
    benchmark::DoNotOptimize(dst);
    benchmark::ClobberMemory();
  }
  st.SetBytesProcessed(static_cast<std::int64_t>(st.iterations()) * static_cast<std::int64_t>(N));
}

std::uint64_t fnv1a(const char *p, std::size_t n) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (std::size_t i = 0; i < n; ++i) h = (h ^ static_cast<unsigned char>(p[i])) * 0x100000001b3ull;
  return h;
}

std::uint64_t xxh3_key(const char *p, std::size_t n) { return XXH3_64bits(p, n); }

using KeyHash = std::uint64_t (*)(const char *, std::size_t);

template <KeyHash Hash>
void bm_key_hash(benchmark::State &st, std::size_t len) {
  const KeyCell k = make_key('k', 12345, len);
  const char *p = k.data();
  for (auto _ : st) {
    benchmark::DoNotOptimize(p);
    // strlen as well: the library's keys are NUL-terminated strings.
    std::uint64_t h = Hash(p, std::strlen(p));
    benchmark::DoNotOptimize(h);
  }
}

// The same, but each hash's input address depends on the previous hash
// (through an AND with a zero the compiler cannot see), so iterations cannot
// overlap: the latency a lookup waits for before its first probe.
template <KeyHash Hash>
void bm_key_hash_chained(benchmark::State &st, std::size_t len) {
  const KeyCell k = make_key('k', 12345, len);
  std::uintptr_t zero = 0;
  benchmark::DoNotOptimize(zero);
  std::uint64_t h = 0;
  for (auto _ : st) {
    const char *p = k.data() + (h & zero);
    h = Hash(p, std::strlen(p));
  }
  benchmark::DoNotOptimize(h);
}

void bm_xxh3(benchmark::State &st, std::size_t len) {
  const auto v = value_bytes(len);
  const void *p = v.data();
  std::uint64_t seed = 0x1234;
  for (auto _ : st) {
    benchmark::DoNotOptimize(p);
    std::uint64_t h = XXH3_64bits_withSeed(p, len, seed);
    benchmark::DoNotOptimize(h);
    ++seed;
  }
  st.SetBytesProcessed(static_cast<std::int64_t>(st.iterations()) * static_cast<std::int64_t>(len));
}

// The protocol of docs/FORMAT.md 2.4 reduced to its memory operations: an
// acquire load of the version word, relaxed 64-bit loads of the payload, an
// acquire fence, a relaxed re-load of the word.
struct alignas(64) SeqBox {
  std::atomic<std::uint64_t> seq{2};
  std::atomic<std::uint64_t> words[8]{};
};

void bm_seqlock_read(benchmark::State &st) {
  static SeqBox box;
  alignas(64) std::uint64_t out[8];
  for (auto _ : st) {
    std::uint64_t s0 = 0, s1 = 0;
    do {
      s0 = box.seq.load(std::memory_order_acquire);
      for (int w = 0; w < 8; ++w) out[w] = box.words[w].load(std::memory_order_relaxed);
      std::atomic_thread_fence(std::memory_order_acquire);
      s1 = box.seq.load(std::memory_order_relaxed);
    } while (s0 != s1 || (s0 & 1) != 0);
    benchmark::DoNotOptimize(out);
    benchmark::ClobberMemory();
  }
}

// One dependent load per iteration, at a random cache line of a buffer of
// `bytes` (a random cyclic permutation of its lines): the cost of a cache
// and TLB miss in a table that size, with 4 KiB pages.
void bm_random_read(benchmark::State &st, std::size_t bytes) {
  static std::vector<std::uint64_t> mem;
  constexpr std::size_t kLine = 8;  // u64 per 64-byte line
  const std::size_t lines = bytes / 64;
  if (mem.size() != lines * kLine) {
    mem.assign(lines * kLine, 0);
    const auto perm = shuffled(lines, 5);
    for (std::size_t i = 0; i < lines; ++i) mem[perm[i] * kLine] = perm[(i + 1) % lines] * kLine;
  }
  std::uint64_t at = 0;
  for (auto _ : st) {
    at = mem[at];
    benchmark::DoNotOptimize(at);
  }
}

void bm_fence(benchmark::State &st) {
  std::atomic<std::uint64_t> x{0};
  for (auto _ : st) {
    x.store(1, std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_seq_cst);
    benchmark::DoNotOptimize(x.load(std::memory_order_relaxed));
  }
}

void bm_clock(benchmark::State &st) {
  for (auto _ : st) {
    std::uint64_t t = now_ns();
    benchmark::DoNotOptimize(t);
  }
}

void bm_futex_wake_no_waiter(benchmark::State &st) {
  auto *word = static_cast<std::uint32_t *>(shared_alloc(4096));
  if (word == nullptr) return st.SkipWithError("mmap failed");
  for (auto _ : st) benchmark::DoNotOptimize(futex_wake(word));
  shared_free(word, 4096);
}

// One cache line bounced between two processes: the parent stores an odd
// number, the child answers with the next even one. One iteration is one
// round trip (two line transfers).
void bm_cacheline_pingpong(benchmark::State &st) {
  constexpr std::uint64_t kStop = ~std::uint64_t{0};
  void *mem = shared_alloc(4096);
  if (mem == nullptr) return st.SkipWithError("mmap failed");
  auto *line = new (mem) std::atomic<std::uint64_t>(0);
  auto *ready = new (static_cast<char *>(mem) + 128) std::atomic<std::uint32_t>(0);
  const int pid = fork_child([&] {
    ready->store(1, std::memory_order_release);
    std::uint64_t seen = 0;
    for (;;) {
      std::uint64_t x;
      while ((x = line->load(std::memory_order_acquire)) == seen) __builtin_ia32_pause();
      if (x == kStop) return 0;
      line->store(x + 1, std::memory_order_release);
      seen = x + 1;
    }
  });
  if (pid < 0) return st.SkipWithError("fork failed");
  while (ready->load(std::memory_order_acquire) == 0) __builtin_ia32_pause();
  std::uint64_t cur = 0;
  for (auto _ : st) {
    line->store(cur + 1, std::memory_order_release);
    while (line->load(std::memory_order_acquire) != cur + 2) __builtin_ia32_pause();
    cur += 2;
  }
  line->store(kStop, std::memory_order_release);
  if (!reap(pid)) st.SkipWithError("child failed");
  shared_free(mem, 4096);
}

// Two processes, two futex words on separate lines of a shared mapping: the
// parent bumps `ping` and wakes, the child copies it to `pong` and wakes.
// One iteration is one round trip: two FUTEX_WAKEs, two sleeps in FUTEX_WAIT.
void bm_futex_pingpong(benchmark::State &st) {
  constexpr std::uint32_t kStop = ~std::uint32_t{0};
  void *mem = shared_alloc(4096);
  if (mem == nullptr) return st.SkipWithError("mmap failed");
  auto *ping = static_cast<std::uint32_t *>(mem);
  auto *pong = static_cast<std::uint32_t *>(mem) + 16;
  auto load = [](std::uint32_t *w) { return std::atomic_ref<std::uint32_t>(*w).load(std::memory_order_acquire); };
  auto store = [](std::uint32_t *w, std::uint32_t v) {
    std::atomic_ref<std::uint32_t>(*w).store(v, std::memory_order_release);
  };
  const int pid = fork_child([&] {
    std::uint32_t last = 0;
    for (;;) {
      std::uint32_t p;
      while ((p = load(ping)) == last) futex_wait(ping, last);
      if (p == kStop) return 0;
      last = p;
      store(pong, p);
      futex_wake(pong);
    }
  });
  if (pid < 0) return st.SkipWithError("fork failed");
  std::uint32_t seq = 0;
  for (auto _ : st) {
    ++seq;
    store(ping, seq);
    futex_wake(ping);
    std::uint32_t x;
    while ((x = load(pong)) != seq) futex_wait(pong, x);
  }
  store(ping, kStop);
  futex_wake(ping);
  if (!reap(pid)) st.SkipWithError("child failed");
  shared_free(mem, 4096);
}

// The working set of splinter/get and lmdb/get at load 50 % of 1024 slots:
// 512 values, visited in a fixed shuffled order.
void bm_memcpy_xxh3(benchmark::State &st, std::size_t len) {
  constexpr std::size_t kValues = 512;
  const std::vector<std::byte> one = value_bytes(len);
  std::vector<std::byte> src(kValues * len);
  for (std::size_t v = 0; v < kValues; ++v) std::memcpy(src.data() + v * len, one.data(), len);
  std::vector<std::byte> dst(len);
  const auto order = shuffled(kValues);
  std::size_t i = 0;
  for (auto _ : st) {
    std::memcpy(dst.data(), src.data() + order[i] * len, len);
    std::uint64_t h = XXH3_64bits_withSeed_dispatch(dst.data(), len, order[i]);
    benchmark::DoNotOptimize(h);
    i = i + 1 == kValues ? 0 : i + 1;
  }
  st.SetBytesProcessed(static_cast<std::int64_t>(st.iterations()) * static_cast<std::int64_t>(len));
}

const bool registered = [] {
  benchmark::RegisterBenchmark("limits/memcpy/bytes:64", bm_memcpy<64>);
  benchmark::RegisterBenchmark("limits/memcpy/bytes:1024", bm_memcpy<1024>);
  benchmark::RegisterBenchmark("limits/memcpy/bytes:4096", bm_memcpy<4096>);
  benchmark::RegisterBenchmark("limits/memcpy/bytes:65536", bm_memcpy<65536>);
  for (std::size_t k : {8u, 16u, 32u, 63u}) {
    const std::string n = std::to_string(k);
    benchmark::RegisterBenchmark(("limits/key_hash/key:" + n).c_str(),
                                 [k](benchmark::State &st) { bm_key_hash<xxh3_key>(st, k); });
    benchmark::RegisterBenchmark(("limits/key_hash_chained/key:" + n).c_str(),
                                 [k](benchmark::State &st) { bm_key_hash_chained<xxh3_key>(st, k); });
    benchmark::RegisterBenchmark(("limits/fnv1a/key:" + n).c_str(),
                                 [k](benchmark::State &st) { bm_key_hash<fnv1a>(st, k); });
    benchmark::RegisterBenchmark(("limits/fnv1a_chained/key:" + n).c_str(),
                                 [k](benchmark::State &st) { bm_key_hash_chained<fnv1a>(st, k); });
  }
  for (std::size_t n : {0u, 64u, 1024u, 4096u, 65536u})
    benchmark::RegisterBenchmark(("limits/xxh3/bytes:" + std::to_string(n)).c_str(),
                                 [n](benchmark::State &st) { bm_xxh3(st, n); });
  for (std::size_t n : {64u, 4096u, 65536u})
    benchmark::RegisterBenchmark(("limits/memcpy_xxh3/bytes:" + std::to_string(n)).c_str(),
                                 [n](benchmark::State &st) { bm_memcpy_xxh3(st, n); });
  benchmark::RegisterBenchmark("limits/seqlock_read/bytes:64", bm_seqlock_read);
  benchmark::RegisterBenchmark("limits/clock_gettime", bm_clock);
  benchmark::RegisterBenchmark("limits/store_fence_seq_cst", bm_fence);
  for (std::size_t mib : {1u, 256u})
    benchmark::RegisterBenchmark(("limits/random_read/mib:" + std::to_string(mib)).c_str(),
                                 [mib](benchmark::State &st) { bm_random_read(st, mib << 20); });
  benchmark::RegisterBenchmark("limits/futex_wake_no_waiter", bm_futex_wake_no_waiter);
  benchmark::RegisterBenchmark("limits/cacheline_pingpong", bm_cacheline_pingpong);
  benchmark::RegisterBenchmark("limits/futex_pingpong", bm_futex_pingpong);
  return true;
}();

}  // namespace
}  // namespace bench
