// bench_protocol.cpp -- the floor of the format: the library's own get and
// set protocols of docs/FORMAT.md 2.4 / 2.2 (src/protocol.h), called directly
// on a private heap region of the same geometry and load as the splinter/*
// benchmarks, with no handle around them: no argument checks, no role check,
// no error detail cleared, no lock taken per call, no call through a shared
// library (they come from the static splinter_protocols library).
//
//   limits/get_protocol/value:64/key:16   2.4 steps 1-7, 64 B value, load 50 %
//   limits/set_protocol/value:64/key:16   2.2 steps 1-8 (overwrite, no waiter)
//   limits/get_protocol_unverified/value:64/key:16
//                                         the get without step 7's checksum
//                                         verification: what the check costs
//                                         a read (the library always verifies)
//
// The distance between these and splinter/get, splinter/set at the same
// geometry is what the library adds around its protocols; these themselves
// are what the format costs (see limits/key_hash and limits/xxh3 for the two
// hashes). Each iteration builds the key (its hash included), as a call does.
#include "common.h"

#include "protocol.h"  // src/
#include "thread_safety.h"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

namespace bench {
namespace {

using splinter::layout::State;

// A region like a mapped bus (page-aligned, header initialised, 1024 slots
// of 64 bytes), filled by the set protocol to a load of 50 % with 16-byte keys.
struct Floor {
  const splinter::layout::Geometry geo = *splinter::layout::compute_geometry(1024, 64, 0, *splinter::layout::choose_change_ring(1024, 0));
  std::unique_ptr<void, decltype(&std::free)> mem{std::aligned_alloc(4096, geo.region_size), &std::free};
  splinter::Region region;
  splinter::protocol::Writer writer;
  std::vector<KeyCell> keys;
  std::vector<std::byte> value = value_bytes(64);
  bool ok = true;
  Floor() {
    ok = mem != nullptr;
    if (!ok) return;
    std::memset(mem.get(), 0, geo.region_size);
    region = splinter::Region(static_cast<std::uint8_t *>(mem.get()), geo);
    region.header().init(geo);
    std::vector<KeyCell> all;
    for (std::uint32_t i = 0; i < geo.slots / 2; ++i) all.push_back(make_key('k', i, 16));
    splinter::MutexLock lock(writer.mu);
    for (const auto &k : all) {
      splinter::StoredKey key;
      ok = ok && splinter::make_key(k.data(), &key) == SPLINTER_OK &&
           splinter::protocol::set(region, writer, key, value.data(), value.size(), 0, nullptr) == SPLINTER_OK;
    }
    for (auto i : shuffled(all.size(), 1)) keys.push_back(all[i]);
  }
};

Floor &floor_region() {
  static Floor f;
  return f;
}

// Kept beside the real get because verification is the one step of 2.4 a
// design may choose to drop (the original Splinter had no checksum): this is
// the library's get with step 7's checksum left out, on the same region
// accessors (src/region.h), so that limits/get_protocol minus this is what
// verifying costs a read, and this is the floor of a read that does not
// verify. It restates the control flow of get, not the format.
int get_unverified(const splinter::RegionView &r, const splinter::StoredKey &k, void *buf, std::size_t cap,
                   std::size_t *out_len) {
  for (;;) {
    std::uint32_t i = r.home(k.hash);
    r.prefetch(i);
    for (std::uint32_t n = 0; n < r.slots(); ++n, i = r.next(i)) {
      const std::uint64_t w = r.word(i, std::memory_order_acquire);
      const State s = splinter::layout::word_state(w);
      if (s == State::empty) return SPLINTER_E_NOT_FOUND;
      if (s != State::live || r.hash(i) != k.hash || !r.key_equals(i, k)) continue;
      const unsigned b = splinter::layout::word_sel(w);
      const splinter::Meta m = r.meta(i, b);
      if (m.len > cap) return SPLINTER_E_BUFFER;
      r.read_value(i, b, m.len, buf);
      std::atomic_thread_fence(std::memory_order_acquire);
      if (r.word(i, std::memory_order_relaxed) != w) goto retry;
      if (m.len > r.geo().max_value_size || m.reserved != 0 || m.epoch != splinter::layout::word_epoch(w))
        return SPLINTER_E_CORRUPT;
      *out_len = m.len;
      return SPLINTER_OK;
    }
    return SPLINTER_E_NOT_FOUND;
  retry:;
  }
}

int real_get(const splinter::RegionView &r, const splinter::StoredKey &k, void *buf, std::size_t cap,
             std::size_t *out_len) {
  return splinter::protocol::get(r, k, buf, cap, out_len, nullptr);
}

template <int (*Get)(const splinter::RegionView &, const splinter::StoredKey &, void *, std::size_t, std::size_t *)>
void bm_get_protocol(benchmark::State &st) {
  Floor &f = floor_region();
  if (!f.ok) {
    st.SkipWithError("floor region not built");
    return;
  }
  alignas(64) std::byte buf[64];
  std::size_t i = 0;
  for (auto _ : st) {
    splinter::StoredKey k;
    std::size_t len = 0;
    if (splinter::make_key(f.keys[i].data(), &k) != SPLINTER_OK || Get(f.region, k, buf, sizeof buf, &len) != SPLINTER_OK)
        [[unlikely]] {
      st.SkipWithError("floor get failed");
      break;
    }
    benchmark::DoNotOptimize(len);
    benchmark::DoNotOptimize(buf);
    i = i + 1 == f.keys.size() ? 0 : i + 1;
  }
}

void bm_set_protocol(benchmark::State &st) {
  Floor &f = floor_region();
  if (!f.ok) {
    st.SkipWithError("floor region not built");
    return;
  }
  // The protocol requires the writer's lock; it is held for the whole run,
  // so that the protocol is timed and not the lock.
  splinter::MutexLock lock(f.writer.mu);
  std::size_t i = 0;
  for (auto _ : st) {
    const char *key = f.keys[i].data();
    benchmark::DoNotOptimize(key);
    splinter::StoredKey k;
    if (splinter::make_key(key, &k) != SPLINTER_OK ||
        splinter::protocol::set(f.region, f.writer, k, f.value.data(), f.value.size(), 0, nullptr) != SPLINTER_OK)
        [[unlikely]] {
      st.SkipWithError("floor set failed");
      break;
    }
    benchmark::ClobberMemory();
    i = i + 1 == f.keys.size() ? 0 : i + 1;
  }
}

const bool registered = [] {
  benchmark::RegisterBenchmark("limits/get_protocol/value:64/key:16", bm_get_protocol<real_get>);
  benchmark::RegisterBenchmark("limits/get_protocol_unverified/value:64/key:16", bm_get_protocol<get_unverified>);
  benchmark::RegisterBenchmark("limits/set_protocol/value:64/key:16", bm_set_protocol);
  return true;
}();

}  // namespace
}  // namespace bench
