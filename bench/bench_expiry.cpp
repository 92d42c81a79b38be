// bench_expiry.cpp -- expiry (issue 15): what a deadline costs a get, and how
// fast the writer removes expired keys. Single thread.
//
//   expiry/get/deadline:none   get hit of keys set with splinter_set
//   expiry/get/deadline:set    the same keys set with splinter_set_ttl (an
//                              hour): the get also reads the clock of
//                              deadlines (CLOCK_REALTIME_COARSE) and compares;
//                              the difference of the two is the deadline check
//   expiry/ttl                 splinter_ttl of a key with a deadline
//   expiry/clock               clock_gettime(CLOCK_REALTIME_COARSE) alone: the
//                              floor of the deadline check on this machine
//                              (a vDSO call), measured in the same run
//   expiry/expire/keys:N       splinter_expire of N expired keys (a 2N-slot
//                              bus), per key removed (items = keys removed);
//                              setting the keys (TTL 50 ms) and waiting for
//                              their deadline is not timed
//
// The gets on 1024 slots, load 50 %, 16-byte keys, 64-byte values: the
// headline case of splinter/get.
#include "common.h"

#include <time.h>
#include <unistd.h>

#include <string>
#include <vector>

namespace bench {
namespace {

constexpr std::uint64_t kHour = 3600u * 1000u;
// The TTL of the keys expire removes: long enough that none expires while
// the others are set (a set's lazy step would remove it: it is then not
// counted), short enough to wait for.
constexpr std::uint64_t kFillTtl = 50;

BusSpec expiry_spec(bool deadline) {
  BusSpec s;  // 1024 slots, 64-byte values, 16-byte keys, load 50 %
  s.tag = deadline ? "expiry-deadline" : "expiry-none";
  return s;
}

void bm_get(benchmark::State &st, bool deadline) {
  std::string why;
  Fixture *f = fixture(expiry_spec(deadline), &why);
  if (f == nullptr) return st.SkipWithError(why.c_str());
  const void *val = f->value.empty() ? nullptr : f->value.data();
  for (const auto &k : f->live) {
    const int rc = deadline ? splinter_set_ttl(f->writer, k.data(), val, f->value.size(), kHour, nullptr)
                            : splinter_set(f->writer, k.data(), val, f->value.size(), nullptr);
    if (rc != SPLINTER_OK) return skip(st, "set", rc);
  }
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

void bm_ttl(benchmark::State &st) {
  std::string why;
  Fixture *f = fixture(expiry_spec(true), &why);
  if (f == nullptr) return st.SkipWithError(why.c_str());
  const void *val = f->value.empty() ? nullptr : f->value.data();
  for (const auto &k : f->live)
    if (const int rc = splinter_set_ttl(f->writer, k.data(), val, f->value.size(), kHour, nullptr))
      return skip(st, "splinter_set_ttl", rc);
  std::size_t i = 0;
  const std::size_t n = f->live.size();
  for (auto _ : st) {
    std::uint64_t ms = 0;
    const int rc = splinter_ttl(f->reader, f->live[i].data(), &ms);
    if (rc != SPLINTER_OK) [[unlikely]] {
      skip(st, "splinter_ttl", rc);
      break;
    }
    benchmark::DoNotOptimize(ms);
    i = i + 1 == n ? 0 : i + 1;
  }
}

void bm_expire(benchmark::State &st, std::uint32_t keys) {
  const std::string name = unique_bus_name("expiry");
  splinter_bus *w = nullptr;
  if (const int rc = splinter_create(&w, SPLINTER_SHM, name.c_str(), 2 * keys, 64, 0600)) return skip(st, "create", rc);
  remember_bus(name);
  std::vector<KeyCell> k(keys);
  for (std::uint32_t i = 0; i < keys; ++i) k[i] = make_key('x', i, 16);
  const std::vector<std::byte> value = value_bytes(64);
  std::uint64_t removed_total = 0;
  for (auto _ : st) {
    st.PauseTiming();
    bool ok = true;
    for (std::uint32_t i = 0; i < keys && ok; ++i)
      ok = splinter_set_ttl(w, k[i].data(), value.data(), value.size(), kFillTtl, nullptr) == SPLINTER_OK;
    // Wait (untimed) until the last key set has expired: an observable state.
    std::uint64_t ms = 0;
    while (ok && splinter_ttl(w, k[keys - 1].data(), &ms) == SPLINTER_OK) ::usleep(1000);
    st.ResumeTiming();
    std::uint32_t removed = 0;
    const int rc = splinter_expire(w, 0, &removed);
    if (!ok || rc != SPLINTER_OK) [[unlikely]] {
      st.SkipWithError("set_ttl or expire failed");
      break;
    }
    removed_total += removed;
  }
  splinter_close(w);
  st.SetItemsProcessed(static_cast<std::int64_t>(removed_total));
}

void bm_clock(benchmark::State &st) {
  for (auto _ : st) {
    timespec t{};
    ::clock_gettime(CLOCK_REALTIME_COARSE, &t);
    benchmark::DoNotOptimize(t);
  }
}

const bool registered = [] {
  for (bool deadline : {false, true})
    benchmark::RegisterBenchmark(deadline ? "expiry/get/deadline:set" : "expiry/get/deadline:none",
                                 [deadline](benchmark::State &st) { bm_get(st, deadline); });
  benchmark::RegisterBenchmark("expiry/ttl", bm_ttl);
  benchmark::RegisterBenchmark("expiry/clock", bm_clock);
  for (std::uint32_t keys : {64u, 4096u})
    benchmark::RegisterBenchmark(("expiry/expire/keys:" + std::to_string(keys)).c_str(),
                                 [keys](benchmark::State &st) { bm_expire(st, keys); })
        ->Iterations(keys > 64 ? 20 : 200);
  return true;
}();

}  // namespace
}  // namespace bench
