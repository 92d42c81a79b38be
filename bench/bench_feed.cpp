// bench_feed.cpp -- the change feed and per-key histories (issue 14), and
// what they cost the other calls. Single thread; reads through a reader
// handle, sets through the writer, keys in the fixed shuffled order.
//
//   feed/changes/ring:N      splinter_changes over the N entries the ring
//                            holds, reported per entry (items = entries)
//   feed/history/depth:D     splinter_history of a live key whose history is
//                            full (D earlier values + the current one), per call
//   feed/set/depth:D         overwrite of a live key with history_depth D
//   feed/get/depth:D/ring:R  get hit with history_depth D and change_ring R
//                            (or the default ring): a get reads neither the
//                            feed nor the earlier values, so the figures of
//                            one run should agree
//
// All on 1024 slots, load 50 %, 16-byte keys, 64-byte values: the headline
// case of splinter/get and splinter/set.
#include "common.h"

#include <string>
#include <vector>

namespace bench {
namespace {

BusSpec feed_spec(std::uint32_t depth, std::uint32_t ring) {
  BusSpec s;  // 1024 slots, 64-byte values, 16-byte keys, load 50 %
  s.history_depth = depth;
  s.change_ring = ring;
  return s;
}

// Overwrites every live key `times` times (same bytes): the ring is full of
// recent changes and every history holds depth + 1 values.
bool overwrite_all(Fixture &f, std::uint32_t times) {
  const void *val = f.value.empty() ? nullptr : f.value.data();
  for (std::uint32_t t = 0; t < times; ++t)
    for (const auto &k : f.live)
      if (splinter_set(f.writer, k.data(), val, f.value.size(), nullptr) != SPLINTER_OK) return false;
  return true;
}

void bm_changes(benchmark::State &st, std::uint32_t ring) {
  std::string why;
  Fixture *f = fixture(feed_spec(0, ring), &why);
  if (f == nullptr) return st.SkipWithError(why.c_str());
  splinter_info info{};
  if (splinter_info_get(f->reader, &info) != SPLINTER_OK) return st.SkipWithError("info");
  const std::uint64_t n = info.change_ring;
  // Enough sets that the ring holds n changes.
  const auto rounds = static_cast<std::uint32_t>(n / f->live.size() + 1);
  if (splinter_epoch(f->writer) < n && !overwrite_all(*f, rounds)) return st.SkipWithError("fill the ring");
  const std::uint64_t since = splinter_epoch(f->reader) - n;
  struct Ctx {
    std::uint64_t count = 0, key_bytes = 0;
  } ctx;
  auto fn = [](void *p, std::uint64_t, int op, const char *key) -> int {
    auto &c = *static_cast<Ctx *>(p);
    ++c.count;
    c.key_bytes += static_cast<std::uint64_t>(op) + static_cast<unsigned char>(key[0]);
    return 0;
  };
  for (auto _ : st) {
    ctx.count = 0;
    std::uint64_t last = 0;
    const int rc = splinter_changes(f->reader, since, fn, &ctx, &last);
    if (rc != SPLINTER_OK || ctx.count != n) [[unlikely]] {
      skip(st, "splinter_changes", rc);
      break;
    }
    benchmark::DoNotOptimize(ctx.key_bytes);
  }
  // items = entries: the report shows ns per entry.
  st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations()) * static_cast<std::int64_t>(n));
  st.counters["entries"] = static_cast<double>(n);
}

void bm_history(benchmark::State &st, std::uint32_t depth) {
  std::string why;
  Fixture *f = fixture(feed_spec(depth, 0), &why);
  if (f == nullptr) return st.SkipWithError(why.c_str());
  if (!overwrite_all(*f, depth + 1)) return st.SkipWithError("fill the histories");
  struct Ctx {
    std::uint64_t values = 0, bytes = 0;
  } ctx;
  auto fn = [](void *p, std::uint64_t, const void *, std::size_t len) -> int {
    auto &c = *static_cast<Ctx *>(p);
    ++c.values;
    c.bytes += len;
    return 0;
  };
  std::size_t i = 0;
  const std::size_t n = f->live.size();
  for (auto _ : st) {
    ctx.values = 0;
    const int rc = splinter_history(f->reader, f->live[i].data(), fn, &ctx);
    if (rc != SPLINTER_OK || ctx.values != depth + 1) [[unlikely]] {
      skip(st, "splinter_history", rc);
      break;
    }
    benchmark::DoNotOptimize(ctx.bytes);
    i = i + 1 == n ? 0 : i + 1;
  }
  st.counters["values"] = depth + 1;
}

void bm_set(benchmark::State &st, std::uint32_t depth) {
  std::string why;
  Fixture *f = fixture(feed_spec(depth, 0), &why);
  if (f == nullptr) return st.SkipWithError(why.c_str());
  const void *val = f->value.empty() ? nullptr : f->value.data();
  std::size_t i = 0;
  const std::size_t n = f->live.size();
  for (auto _ : st) {
    const int rc = splinter_set(f->writer, f->live[i].data(), val, f->value.size(), nullptr);
    if (rc != SPLINTER_OK) [[unlikely]] {
      skip(st, "splinter_set", rc);
      break;
    }
    i = i + 1 == n ? 0 : i + 1;
  }
}

void bm_get(benchmark::State &st, std::uint32_t depth, std::uint32_t ring) {
  std::string why;
  Fixture *f = fixture(feed_spec(depth, ring), &why);
  if (f == nullptr) return st.SkipWithError(why.c_str());
  if (depth > 0 && !overwrite_all(*f, depth + 1)) return st.SkipWithError("fill the histories");
  std::vector<std::byte> buf(f->value.size() + 1);
  std::size_t i = 0;
  const std::size_t n = f->live.size();
  for (auto _ : st) {
    std::size_t len = 0;
    const int rc = splinter_get(f->reader, f->live[i].data(), buf.data(), buf.size(), &len, nullptr);
    if (rc != SPLINTER_OK) [[unlikely]] {
      skip(st, "splinter_get", rc);
      break;
    }
    benchmark::DoNotOptimize(len);
    i = i + 1 == n ? 0 : i + 1;
  }
}

const bool registered = [] {
  for (std::uint32_t ring : {1024u, 65536u})
    benchmark::RegisterBenchmark(("feed/changes/ring:" + std::to_string(ring)).c_str(),
                                 [ring](benchmark::State &st) { bm_changes(st, ring); });
  for (std::uint32_t depth : {0u, 4u})
    benchmark::RegisterBenchmark(("feed/history/depth:" + std::to_string(depth)).c_str(),
                                 [depth](benchmark::State &st) { bm_history(st, depth); });
  for (std::uint32_t depth : {0u, 4u})
    benchmark::RegisterBenchmark(("feed/set/depth:" + std::to_string(depth)).c_str(),
                                 [depth](benchmark::State &st) { bm_set(st, depth); });
  struct Get {
    std::uint32_t depth, ring;
  };
  for (Get g : {Get{0, 0}, Get{4, 0}, Get{0, 65536}})
    benchmark::RegisterBenchmark(
        ("feed/get/depth:" + std::to_string(g.depth) + "/ring:" + (g.ring ? std::to_string(g.ring) : "default"))
            .c_str(),
        [g](benchmark::State &st) { bm_get(st, g.depth, g.ring); });
  return true;
}();

}  // namespace
}  // namespace bench
