// bench_scaling.cpp -- aggregate successful gets per second with 1 and 2
// readers, as processes (each with its own handle) or as threads (sharing
// one handle), while the writer is idle or sets at full speed.
//
//   scaling/procs:R/writer:W    R reader processes
//   scaling/threads:R/writer:W  R reader threads in this process
//
// Every reader gets 64-byte values of 16-byte keys at load 50 % (the keys of
// splinter/get/.../value:64/key:16/load:50) in its own shuffled order. The
// writer (this process's benchmark thread), when on, overwrites the same
// keys with the same bytes as fast as it can, so readers meet keys in the
// middle of a write and must retry.
//
// Counters: gets_per_s (successful gets, all readers), again_per_s (gets that
// returned SPLINTER_E_AGAIN: the library gave up retrying), errors (any other
// status: must be 0), sets_per_s. Retries that succeed inside one
// splinter_get are not visible through the public API.
#include "common.h"

#include <atomic>
#include <new>
#include <string>
#include <thread>
#include <vector>

namespace bench {
namespace {

struct alignas(64) Count {
  std::uint64_t ok = 0, again = 0, other = 0;
};

struct ScaleShared {
  alignas(64) std::atomic<std::uint32_t> ready{0};
  alignas(64) std::atomic<std::uint32_t> start{0};
  alignas(64) std::atomic<std::uint32_t> stop{0};
  Count counts[8];
};

void reader_loop(const splinter_bus *r, const std::vector<KeyCell> &keys, ScaleShared *sh, std::size_t idx) {
  alignas(64) std::byte buf[64];
  const auto order = shuffled(keys.size(), 100 + idx);
  for (auto j : order) (void)splinter_get(r, keys[j].data(), buf, sizeof buf, nullptr, nullptr);  // warm
  sh->ready.fetch_add(1, std::memory_order_acq_rel);
  while (sh->start.load(std::memory_order_acquire) == 0) __builtin_ia32_pause();
  Count c;
  std::size_t i = 0;
  const std::size_t n = order.size();
  while (sh->stop.load(std::memory_order_relaxed) == 0) {
    for (int b = 0; b < 256; ++b) {
      const int rc = splinter_get(r, keys[order[i]].data(), buf, sizeof buf, nullptr, nullptr);
      if (rc == SPLINTER_OK)
        ++c.ok;
      else if (rc == SPLINTER_E_AGAIN)
        ++c.again;
      else
        ++c.other;
      i = i + 1 == n ? 0 : i + 1;
    }
  }
  sh->counts[idx] = c;
}

void bm_scaling(benchmark::State &st, bool procs, std::size_t readers, bool writer) {
  BusSpec spec;  // 1024 slots, 64 B values, 16 B keys, 50 %
  std::string why;
  Fixture *f = fixture(spec, &why);
  if (f == nullptr) return st.SkipWithError(why.c_str());
  const double seconds = smoke() ? 0.05 : 0.5;
  for (auto _ : st) {
    void *mem = shared_alloc(sizeof(ScaleShared));
    if (mem == nullptr) return st.SkipWithError("mmap failed");
    auto *sh = new (mem) ScaleShared;
    std::vector<int> pids;
    std::vector<std::thread> threads;
    for (std::size_t r = 0; r < readers; ++r) {
      if (procs) {
        pids.push_back(fork_child([&, r] {
          splinter_bus *h = nullptr;
          if (splinter_open(&h, SPLINTER_SHM, f->name.c_str(), SPLINTER_READER) != SPLINTER_OK) return 3;
          reader_loop(h, f->live, sh, r);
          splinter_close(h);
          return 0;
        }));
      } else {
        threads.emplace_back([&, r] { reader_loop(f->reader, f->live, sh, r); });
      }
    }
    while (sh->ready.load(std::memory_order_acquire) != readers) __builtin_ia32_pause();
    const auto worder = shuffled(f->live.size(), 9);
    std::uint64_t sets = 0;
    bool set_failed = false;
    const std::uint64_t t0 = now_ns();
    const auto end = t0 + static_cast<std::uint64_t>(seconds * 1e9);
    sh->start.store(1, std::memory_order_release);
    if (writer) {
      std::size_t i = 0;
      while (now_ns() < end && !set_failed) {
        for (int b = 0; b < 64; ++b) {
          if (splinter_set(f->writer, f->live[worder[i]].data(), f->value.data(), f->value.size(), nullptr) !=
              SPLINTER_OK)
            set_failed = true;
          ++sets;
          i = i + 1 == worder.size() ? 0 : i + 1;
        }
      }
    } else {
      while (now_ns() < end) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    sh->stop.store(1, std::memory_order_release);
    const double wall = static_cast<double>(now_ns() - t0) / 1e9;
    bool ok = !set_failed;
    for (int pid : pids) ok = reap(pid) && ok;
    for (auto &t : threads) t.join();
    Count total;
    for (std::size_t r = 0; r < readers; ++r) {
      total.ok += sh->counts[r].ok;
      total.again += sh->counts[r].again;
      total.other += sh->counts[r].other;
    }
    shared_free(mem, sizeof(ScaleShared));
    if (!ok) return st.SkipWithError("a reader or the writer failed");
    st.SetIterationTime(wall);
    st.counters["gets_per_s"] = static_cast<double>(total.ok) / wall;
    st.counters["again_per_s"] = static_cast<double>(total.again) / wall;
    st.counters["errors"] = static_cast<double>(total.other);
    st.counters["sets_per_s"] = static_cast<double>(sets) / wall;
    if (total.other != 0) return st.SkipWithError("gets returned errors other than AGAIN");
  }
}

const bool registered = [] {
  for (bool procs : {true, false})
    for (bool writer : {false, true})
      for (std::size_t r : {1u, 2u}) {
        const std::string name = std::string("scaling/") + (procs ? "procs:" : "threads:") + std::to_string(r) +
                                 "/writer:" + (writer ? "1" : "0");
        benchmark::RegisterBenchmark(name.c_str(),
                                     [=](benchmark::State &st) { bm_scaling(st, procs, r, writer); })
            ->Iterations(1)
            ->UseManualTime()
            ->Unit(benchmark::kMillisecond);
      }
  return true;
}();

}  // namespace
}  // namespace bench
