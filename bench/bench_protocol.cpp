// bench_protocol.cpp -- the floor of the format: get and set of
// docs/FORMAT.md 2.4 / 2.2 written out inline on a private table of the same
// layout (128-byte slots, two value buffers, XXH3 key hash and multiply-shift
// home slot, linear probing, XXH3 check), with no library around it: no argument checks, no
// error detail, no call through a shared library.
//
//   limits/get_protocol/value:64/key:16   2.4 steps 1-7, 64 B value, load 50 %
//   limits/set_protocol/value:64/key:16   2.2 steps 1-8 (overwrite, no waiter)
//   limits/get_protocol_unverified/value:64/key:16
//                                         the get without step 7's checksum
//                                         verification: what the check costs
//                                         a read (the library always verifies)
//
// The distance between these and splinter/get, splinter/set at the same
// geometry is what the library adds; these themselves are what the format
// costs (see limits/key_hash and limits/xxh3 for the two hashes).
#include "common.h"

#include <xxhash.h>

#include <atomic>
#include <cstring>
#include <vector>

namespace bench {
namespace {

constexpr std::size_t kSlot = 128;

struct Table {
  std::uint32_t slots = 1024;
  std::uint32_t max_value = 64;
  std::vector<std::uint64_t> mem;  // slot table, then the value area
  std::uint64_t bus_epoch = 0;
  std::uint32_t waiters = 0;
  std::uint8_t *base() { return reinterpret_cast<std::uint8_t *>(mem.data()); }
  std::uint8_t *slot(std::uint32_t i) { return base() + std::size_t{i} * kSlot; }
  std::uint8_t *value(std::uint32_t i, unsigned b) {
    return base() + std::size_t{slots} * kSlot + (2 * std::size_t{i} + b) * max_value;
  }
};

std::uint64_t ld(const std::uint8_t *p, std::memory_order o = std::memory_order_relaxed) {
  return std::atomic_ref<std::uint64_t>(*reinterpret_cast<std::uint64_t *>(const_cast<std::uint8_t *>(p))).load(o);
}
void st64(std::uint8_t *p, std::uint64_t v, std::memory_order o = std::memory_order_relaxed) {
  std::atomic_ref<std::uint64_t>(*reinterpret_cast<std::uint64_t *>(p)).store(v, o);
}

struct K {
  std::uint64_t words[8] = {};
  std::size_t len = 0;
  std::uint64_t hash = 0;
};

K make(const char *key) {
  K k;
  k.len = strnlen(key, 64);
  std::memcpy(k.words, key, k.len);
  k.hash = XXH3_64bits(key, k.len);
  return k;
}

// Probe: returns the slot holding k, or the first free slot (second = false).
std::pair<std::uint32_t, bool> probe(Table &t, const K &k, std::uint64_t *word) {
  __extension__ using u128 = unsigned __int128;
  std::uint32_t i = static_cast<std::uint32_t>((u128{k.hash} * t.slots) >> 64);
  for (std::uint32_t n = 0; n < t.slots; ++n, i = i + 1 == t.slots ? 0 : i + 1) {
    const std::uint8_t *s = t.slot(i);
    const std::uint64_t w = ld(s, std::memory_order_acquire);
    *word = w;
    if ((w & 3) == 0) return {i, false};
    if ((w & 3) != 1 || ld(s + 8) != k.hash) continue;
    bool eq = true;
    for (int j = 0; j < 8 && eq; ++j) eq = ld(s + 16 + 8 * j) == k.words[j];
    if (eq) return {i, true};
  }
  return {0, false};
}

void put(Table &t, const K &k, const void *v, std::size_t len) {
  std::uint64_t w = 0;
  const auto [i, found] = probe(t, k, &w);
  const unsigned b = 1u - ((w >> 2) & 1u);  // 2.2 step 2: the live word's, or the free slot's, inverse
  std::uint8_t *s = t.slot(i);
  std::atomic_thread_fence(std::memory_order_release);
  if (!found) {
    st64(s + 8, k.hash);
    for (int j = 0; j < 8; ++j) st64(s + 16 + 8 * j, k.words[j]);
    for (int j = 0; j < 3; ++j) st64(s + 80 + 24 * (1 - b) + 8 * j, 0);  // 2.2 step 4
  }
  const std::uint64_t e = t.bus_epoch + 1;
  std::uint8_t *dst = t.value(i, b);
  const auto *in = static_cast<const unsigned char *>(v);
  for (std::size_t j = 0; j < len / 8; ++j) {
    std::uint64_t x;
    std::memcpy(&x, in + 8 * j, 8);
    st64(dst + 8 * j, x);
  }
  if (len % 8 != 0) {
    std::uint64_t x = 0;
    std::memcpy(&x, in + 8 * (len / 8), len % 8);
    st64(dst + 8 * (len / 8), x);
  }
  std::uint8_t *m = s + 80 + 24 * b;
  st64(m, len);
  st64(m + 8, e);
  st64(m + 16, XXH3_64bits_withSeed(v, len, k.hash ^ e));
  st64(s, 1 | (std::uint64_t{b} << 2) | (e << 3), std::memory_order_release);
  std::atomic_ref<std::uint64_t>(t.bus_epoch).store(e, std::memory_order_release);
  std::atomic_thread_fence(std::memory_order_seq_cst);
  if (std::atomic_ref<std::uint32_t>(t.waiters).load(std::memory_order_relaxed) > 0) futex_wake(&t.waiters);
}

template <bool Verify>
int get(Table &t, const char *key, void *buf, std::size_t cap, std::size_t *out_len) {
  const K k = make(key);
  for (;;) {
    std::uint64_t w = 0;
    const auto [i, found] = probe(t, k, &w);
    if (!found) return SPLINTER_E_NOT_FOUND;
    const unsigned b = (w >> 2) & 1u;
    const std::uint8_t *m = t.slot(i) + 80 + 24 * b;
    const std::uint64_t len = ld(m) & 0xffffffffu, e = ld(m + 8), check = ld(m + 16);
    if (len > cap || len > t.max_value) return SPLINTER_E_BUFFER;
    const std::uint8_t *src = t.value(i, b);
    auto *out = static_cast<unsigned char *>(buf);
    for (std::size_t j = 0; j < len / 8; ++j) {
      const std::uint64_t x = ld(src + 8 * j);
      std::memcpy(out + 8 * j, &x, 8);
    }
    if (len % 8 != 0) {
      const std::uint64_t x = ld(src + 8 * (len / 8));
      std::memcpy(out + 8 * (len / 8), &x, len % 8);
    }
    std::atomic_thread_fence(std::memory_order_acquire);
    if (ld(t.slot(i)) != w) continue;
    if (e != (w >> 3)) return SPLINTER_E_CORRUPT;
    if (Verify && XXH3_64bits_withSeed(buf, len, k.hash ^ e) != check) return SPLINTER_E_CORRUPT;
    *out_len = len;
    return SPLINTER_OK;
  }
}

struct Floor {
  Table t;
  std::vector<KeyCell> keys;
  std::vector<std::byte> value = value_bytes(64);
  Floor() {
    t.mem.assign((std::size_t{t.slots} * kSlot + 2 * std::size_t{t.slots} * t.max_value) / 8, 0);
    std::vector<KeyCell> all;
    for (std::uint32_t i = 0; i < t.slots / 2; ++i) all.push_back(make_key('k', i, 16));
    for (const auto &k : all) {
      put(t, make(k.data()), value.data(), value.size());
    }
    for (auto i : shuffled(all.size(), 1)) keys.push_back(all[i]);
  }
};

Floor &floor_table() {
  static Floor f;
  return f;
}

template <bool Verify>
void bm_get_protocol(benchmark::State &st) {
  Floor &f = floor_table();
  alignas(64) std::byte buf[64];
  std::size_t i = 0;
  for (auto _ : st) {
    std::size_t len = 0;
    const int rc = get<Verify>(f.t, f.keys[i].data(), buf, sizeof buf, &len);
    if (rc != SPLINTER_OK) [[unlikely]] {
      st.SkipWithError("floor get failed");
      break;
    }
    benchmark::DoNotOptimize(len);
    benchmark::DoNotOptimize(buf);
    i = i + 1 == f.keys.size() ? 0 : i + 1;
  }
}

void bm_set_protocol(benchmark::State &st) {
  Floor &f = floor_table();
  std::size_t i = 0;
  for (auto _ : st) {
    const char *key = f.keys[i].data();
    benchmark::DoNotOptimize(key);
    put(f.t, make(key), f.value.data(), f.value.size());
    benchmark::ClobberMemory();
    i = i + 1 == f.keys.size() ? 0 : i + 1;
  }
}

const bool registered = [] {
  benchmark::RegisterBenchmark("limits/get_protocol/value:64/key:16", bm_get_protocol<true>);
  benchmark::RegisterBenchmark("limits/get_protocol_unverified/value:64/key:16", bm_get_protocol<false>);
  benchmark::RegisterBenchmark("limits/set_protocol/value:64/key:16", bm_set_protocol);
  return true;
}();

}  // namespace
}  // namespace bench
