// bench_splinter_ops.cpp -- single-thread latency of each Splinter call.
//
//   splinter/get    hit, by value size, key length, load factor
//   splinter/get_k  the same with prepared keys (splinter_get_k)
//   splinter/set_k  set with a prepared key (splinter_set_k)
//   splinter/miss   absent key, by load factor, after churn, and at 1 Mi slots
//   splinter/set    overwrite of a live key (no reader waits: no syscall)
//   splinter/unset  removal of a live key
//   splinter/replace  unset a live key + set a new one, after churn
//   splinter/list   walk, reported per live key
//   splinter/poll_check  poll with timeout 0 on an unchanged key
//
// Gets go through a reader handle (as a reader process would), sets through
// the writer handle. Keys are visited in a fixed shuffled order over all live
// keys, so the working set is the whole table, not one hot line.
#include "common.h"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

namespace bench {
namespace {

std::string spec_name(const char *op, const BusSpec &s, bool with_value = true) {
  std::string n = std::string("splinter/") + op + "/slots:" + std::to_string(s.slots);
  if (with_value) n += "/value:" + std::to_string(s.value_len);
  n += "/key:" + std::to_string(s.key_len) + "/load:" + std::to_string(s.live_pct) +
       "/tomb:" + std::to_string(s.tomb_pct);
  if (s.churn > 0) n += "/churn:" + std::to_string(s.churn);
  return n;
}

void add_table_counters(benchmark::State &st, const Fixture &f) {
  st.counters["live"] = f.info.live_keys;
  st.counters["tombstones"] = f.info.tombstones;
  st.counters["longest_probe"] = f.info.longest_probe;
}

void bm_get(benchmark::State &st, BusSpec spec, bool hit) {
  std::string why;
  Fixture *f = fixture(spec, &why);
  if (f == nullptr) return st.SkipWithError(why.c_str());
  const auto &keys = hit ? f->live : f->absent;
  if (keys.empty()) return st.SkipWithError("no keys");
  std::vector<std::byte> buf(std::max<std::size_t>(spec.value_len, 1));
  const int expect = hit ? SPLINTER_OK : SPLINTER_E_NOT_FOUND;
  std::size_t i = 0;
  const std::size_t n = keys.size();
  for (auto _ : st) {
    std::size_t len = 0;
    const int rc = splinter_get(f->reader, keys[i].data(), buf.data(), buf.size(), &len, nullptr);
    if (rc != expect) [[unlikely]] {
      skip(st, "splinter_get", rc);
      break;
    }
    benchmark::DoNotOptimize(len);
    i = i + 1 == n ? 0 : i + 1;
  }
  add_table_counters(st, *f);
}

std::vector<splinter_key> prepared(const std::vector<KeyCell> &keys) {
  std::vector<splinter_key> out(keys.size());
  for (std::size_t j = 0; j < keys.size(); ++j)
    if (splinter_key_init(&out[j], keys[j].data()) != SPLINTER_OK) return {};
  return out;
}

void bm_get_k(benchmark::State &st, BusSpec spec) {
  std::string why;
  Fixture *f = fixture(spec, &why);
  if (f == nullptr) return st.SkipWithError(why.c_str());
  const std::vector<splinter_key> keys = prepared(f->live);
  if (keys.empty()) return st.SkipWithError("no keys");
  std::vector<std::byte> buf(std::max<std::size_t>(spec.value_len, 1));
  std::size_t i = 0;
  const std::size_t n = keys.size();
  for (auto _ : st) {
    std::size_t len = 0;
    const int rc = splinter_get_k(f->reader, &keys[i], buf.data(), buf.size(), &len, nullptr);
    if (rc != SPLINTER_OK) [[unlikely]] {
      skip(st, "splinter_get_k", rc);
      break;
    }
    benchmark::DoNotOptimize(len);
    i = i + 1 == n ? 0 : i + 1;
  }
  add_table_counters(st, *f);
}

void bm_set_k(benchmark::State &st, BusSpec spec) {
  std::string why;
  Fixture *f = fixture(spec, &why);
  if (f == nullptr) return st.SkipWithError(why.c_str());
  const std::vector<splinter_key> keys = prepared(f->live);
  if (keys.empty()) return st.SkipWithError("no keys");
  const void *val = f->value.empty() ? nullptr : f->value.data();
  std::size_t i = 0;
  const std::size_t n = keys.size();
  for (auto _ : st) {
    const int rc = splinter_set_k(f->writer, &keys[i], val, f->value.size(), nullptr);
    if (rc != SPLINTER_OK) [[unlikely]] {
      skip(st, "splinter_set_k", rc);
      break;
    }
    i = i + 1 == n ? 0 : i + 1;
  }
  add_table_counters(st, *f);
}

void bm_set(benchmark::State &st, BusSpec spec) {
  std::string why;
  Fixture *f = fixture(spec, &why);
  if (f == nullptr) return st.SkipWithError(why.c_str());
  const void *val = f->value.empty() ? nullptr : f->value.data();
  const std::size_t len = f->value.size();
  std::size_t i = 0;
  const std::size_t n = f->live.size();
  for (auto _ : st) {
    const int rc = splinter_set(f->writer, f->live[i].data(), val, len, nullptr);
    if (rc != SPLINTER_OK) [[unlikely]] {
      skip(st, "splinter_set", rc);
      break;
    }
    i = i + 1 == n ? 0 : i + 1;
  }
  add_table_counters(st, *f);
}

// Unsets a batch of keys, then (timer paused) sets them back, so the load
// stays within a few percent of the nominal. The batch is large so the cost
// of pausing the timer (two clock reads) is under 1 ns per unset.
void bm_unset(benchmark::State &st, BusSpec spec) {
  std::string why;
  Fixture *f = fixture(spec, &why);
  if (f == nullptr) return st.SkipWithError(why.c_str());
  const void *val = f->value.empty() ? nullptr : f->value.data();
  const std::size_t batch = std::max<std::size_t>(1, f->live.size() / 8);
  std::size_t i = 0;
  for (auto _ : st) {
    const int rc = splinter_unset(f->writer, f->live[i].data(), nullptr);
    if (rc != SPLINTER_OK) [[unlikely]] {
      skip(st, "splinter_unset", rc);
      break;
    }
    if (++i == batch) [[unlikely]] {
      st.PauseTiming();
      for (std::size_t j = 0; j < batch; ++j)
        if (splinter_set(f->writer, f->live[j].data(), val, f->value.size(), nullptr) != SPLINTER_OK)
          st.SkipWithError("re-set failed");
      i = 0;
      st.ResumeTiming();
    }
  }
  // Leave the table as it was for the next run.
  for (std::size_t j = 0; j < i; ++j)
    (void)splinter_set(f->writer, f->live[j].data(), val, f->value.size(), nullptr);
  add_table_counters(st, *f);
}

// The steady state of a bus whose keys change: unset a live key, set a new
// one (one iteration = both calls; the new key's name is made in the loop).
void bm_replace(benchmark::State &st, BusSpec spec) {
  std::string why;
  Fixture *f = fixture(spec, &why);
  if (f == nullptr) return st.SkipWithError(why.c_str());
  const void *val = f->value.empty() ? nullptr : f->value.data();
  static std::uint64_t counter = 0;
  std::size_t i = 0;
  const std::size_t n = f->live.size();
  for (auto _ : st) {
    int rc = splinter_unset(f->writer, f->live[i].data(), nullptr);
    f->live[i] = make_key('n', counter++, spec.key_len);
    if (rc == SPLINTER_OK) rc = splinter_set(f->writer, f->live[i].data(), val, f->value.size(), nullptr);
    if (rc != SPLINTER_OK) [[unlikely]] {
      skip(st, "replace", rc);
      break;
    }
    i = i + 1 == n ? 0 : i + 1;
  }
  splinter_info info{};
  if (splinter_info_get(f->writer, &info) == SPLINTER_OK) {
    st.counters["live"] = info.live_keys;
    st.counters["tombstones"] = info.tombstones;
    st.counters["longest_probe"] = info.longest_probe;
  }
}

void bm_list(benchmark::State &st, BusSpec spec) {
  std::string why;
  Fixture *f = fixture(spec, &why);
  if (f == nullptr) return st.SkipWithError(why.c_str());
  std::size_t seen = 0;
  auto cb = [](void *ctx, const char *, std::size_t, std::uint64_t) -> int {
    ++*static_cast<std::size_t *>(ctx);
    return 0;
  };
  for (auto _ : st) {
    seen = 0;
    const int rc = splinter_list(f->reader, cb, &seen);
    if (rc != SPLINTER_OK || seen != f->live.size()) [[unlikely]] {
      st.SkipWithError(("splinter_list saw " + std::to_string(seen) + " keys").c_str());
      break;
    }
  }
  // items = live keys: the report shows ns per key.
  st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations()) * static_cast<std::int64_t>(f->live.size()));
  add_table_counters(st, *f);
}

void bm_poll_check(benchmark::State &st, BusSpec spec) {
  std::string why;
  Fixture *f = fixture(spec, &why);
  if (f == nullptr) return st.SkipWithError(why.c_str());
  std::vector<std::uint64_t> epochs;
  std::vector<std::byte> buf(std::max<std::size_t>(spec.value_len, 1));
  for (const auto &k : f->live) {
    std::uint64_t e = 0;
    if (splinter_get(f->reader, k.data(), buf.data(), buf.size(), nullptr, &e) != SPLINTER_OK)
      return st.SkipWithError("get for epoch failed");
    epochs.push_back(e);
  }
  std::size_t i = 0;
  const std::size_t n = f->live.size();
  for (auto _ : st) {
    const int rc = splinter_poll(f->reader, f->live[i].data(), epochs[i], 0, nullptr);
    if (rc != SPLINTER_E_TIMEOUT) [[unlikely]] {
      skip(st, "splinter_poll", rc);
      break;
    }
    i = i + 1 == n ? 0 : i + 1;
  }
}

const bool registered = [] {
  std::set<std::string> done;
  auto reg = [&](const std::string &name, auto fn) {
    if (!done.insert(name).second) return;
    benchmark::RegisterBenchmark(name.c_str(), fn);
  };
  const std::uint32_t values[] = {0, 64, 1024, 4096, 65536};
  const std::uint32_t keys[] = {8, 16, 32, 63};
  struct Load {
    std::uint32_t live, tomb;
  };
  const Load loads[] = {{10, 0}, {50, 0}, {90, 0}, {100, 0}, {50, 50}};

  auto spec = [](std::uint32_t value, std::uint32_t key, Load l, std::uint32_t slots = 1024) {
    BusSpec s;
    s.slots = slots;
    s.max_value = value;
    s.value_len = value;
    s.key_len = key;
    s.live_pct = l.live;
    s.tomb_pct = l.tomb;
    return s;
  };
  // get and set: value sweep (16 B key, 50 %), key sweep (64 B), load sweep.
  for (const char *op : {"get", "set"}) {
    const bool get = op[0] == 'g';
    auto add = [&](BusSpec s) {
      if (get)
        reg(spec_name(op, s), [s](benchmark::State &st) { bm_get(st, s, true); });
      else
        reg(spec_name(op, s), [s](benchmark::State &st) { bm_set(st, s); });
    };
    for (auto v : values) add(spec(v, 16, {50, 0}));
    for (auto k : keys) add(spec(64, k, {50, 0}));
    for (auto l : loads) add(spec(64, 16, l));
  }
  // Prepared keys: value sweep and key sweep at 50 %.
  for (auto v : values) {
    const BusSpec s = spec(v, 16, {50, 0});
    reg(spec_name("get_k", s), [s](benchmark::State &st) { bm_get_k(st, s); });
    reg(spec_name("set_k", s), [s](benchmark::State &st) { bm_set_k(st, s); });
  }
  for (auto k : keys) {
    const BusSpec s = spec(64, k, {50, 0});
    reg(spec_name("get_k", s), [s](benchmark::State &st) { bm_get_k(st, s); });
  }
  // Misses: load sweep, and 1 Mi slots at 50 %.
  for (auto l : loads) {
    const BusSpec s = spec(64, 16, l);
    reg(spec_name("miss", s), [s](benchmark::State &st) { bm_get(st, s, false); });
  }
  {
    const BusSpec s = spec(64, 16, {50, 0}, 1u << 20);
    reg(spec_name("miss", s), [s](benchmark::State &st) { bm_get(st, s, false); });
    reg(spec_name("get", s), [s](benchmark::State &st) { bm_get(st, s, true); });
  }
  // Tombstones left by churn: a table that stays at load 50 % while its
  // keys change; and the worst case of a full table at 1 Mi slots.
  for (std::uint32_t churn : {10000u, 100000u}) {
    BusSpec s = spec(64, 16, {50, 0});
    s.churn = churn;
    reg(spec_name("miss", s), [s](benchmark::State &st) { bm_get(st, s, false); });
    reg(spec_name("get", s), [s](benchmark::State &st) { bm_get(st, s, true); });
    reg(spec_name("set", s), [s](benchmark::State &st) { bm_set(st, s); });
  }
  {
    // Full with tombstones at 64 Ki slots (1 Mi would take minutes to fill:
    // inserting into a nearly full linear-probing table is quadratic).
    const BusSpec s = spec(64, 16, {50, 50}, 65536);
    reg(spec_name("miss", s), [s](benchmark::State &st) { bm_get(st, s, false); });
  }
  {
    BusSpec s = spec(64, 16, {50, 0});
    s.churn = 10000;
    s.tag = "churn-op";
    reg(spec_name("replace", s), [s](benchmark::State &st) { bm_replace(st, s); });
  }
  // unset on a larger table so the re-set batches are long (see bm_unset).
  {
    const BusSpec s = spec(64, 16, {50, 0}, 16384);
    reg(spec_name("unset", s), [s](benchmark::State &st) { bm_unset(st, s); });
  }
  for (std::uint32_t slots : {1024u, 65536u}) {
    const BusSpec s = spec(64, 16, {50, 0}, slots);
    reg(spec_name("list", s), [s](benchmark::State &st) { bm_list(st, s); });
  }
  {
    const BusSpec s = spec(64, 16, {50, 0});
    reg(spec_name("poll_check", s), [s](benchmark::State &st) { bm_poll_check(st, s); });
  }
  return true;
}();

}  // namespace
}  // namespace bench
