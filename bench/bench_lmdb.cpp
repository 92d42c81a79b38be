// bench_lmdb.cpp -- the LMDB peer, with Splinter's keys and values.
//
//   lmdb/get/value:V/key:16   mdb_txn_renew + mdb_get + copy out + mdb_txn_reset
//   lmdb/miss/value:64/key:16 the same for an absent key
//   lmdb/set/value:V/key:16   mdb_txn_begin + mdb_put + mdb_txn_commit
//
// The environment lives on tmpfs (/dev/shm) and is opened with
// MDB_NOSYNC | MDB_WRITEMAP: no fsync, writes straight into the map -- the
// fastest LMDB configuration, and like a Splinter SHM bus, not durable. The
// database holds the live keys of the matching splinter/get benchmark (512
// keys of 16 bytes, i.e. load 50 % of a 1024-slot bus), in the same order.
#include "common.h"

#include <lmdb.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <string>

namespace bench {
namespace {

constexpr std::size_t kKeyLen = 16;

struct Lmdb {
  MDB_env *env = nullptr;
  MDB_dbi dbi = 0;
  MDB_txn *rtxn = nullptr;  // reset / renewed per get
  std::string dir;
  std::vector<KeyCell> live, absent;
  std::vector<std::byte> value;
  ~Lmdb() {
    if (rtxn != nullptr) mdb_txn_abort(rtxn);
    if (env != nullptr) mdb_env_close(env);
    if (!dir.empty()) {
      unlink((dir + "/data.mdb").c_str());
      unlink((dir + "/lock.mdb").c_str());
      rmdir(dir.c_str());
    }
  }
};

std::map<std::uint32_t, std::unique_ptr<Lmdb>> &cache() {
  static std::map<std::uint32_t, std::unique_ptr<Lmdb>> c;
  static const bool once = (at_cleanup([] { c.clear(); }), true);
  (void)once;
  return c;
}

std::string mdb_why(const char *what, int rc) { return std::string(what) + ": " + mdb_strerror(rc); }

Lmdb *lmdb_fixture(std::uint32_t value_len, std::string *why) {
  auto &c = cache();
  if (auto it = c.find(value_len); it != c.end()) return it->second.get();
  auto db = std::make_unique<Lmdb>();
  // Named like the buses (spl-bench-PID-...) so bench/run can clean up
  // after a killed run without touching a live one.
  std::string tmpl = "/dev/shm/spl-bench-" + std::to_string(getpid()) + "-lmdb-XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) {
    *why = "mkdtemp in /dev/shm failed";
    return nullptr;
  }
  db->dir = tmpl;
  int rc = mdb_env_create(&db->env);
  if (rc == 0) rc = mdb_env_set_mapsize(db->env, std::size_t{1} << 30);
  if (rc == 0) rc = mdb_env_open(db->env, db->dir.c_str(), MDB_NOSYNC | MDB_WRITEMAP, 0600);
  if (rc != 0) {
    *why = mdb_why("mdb_env_open", rc);
    return nullptr;
  }
  // The same keys as the splinter fixture {1024 slots, 16 B keys, 50 %}.
  BusSpec spec;
  spec.key_len = kKeyLen;
  const std::size_t n = spec.slots * spec.live_pct / 100;
  std::vector<KeyCell> keys;
  for (std::size_t i = 0; i < n; ++i) keys.push_back(make_key('k', i, spec.key_len));
  for (auto i : shuffled(n, 1)) db->live.push_back(keys[i]);
  for (std::size_t i = 0; i < n; ++i) db->absent.push_back(make_key('z', i, spec.key_len));
  db->value = value_bytes(value_len);
  MDB_txn *txn = nullptr;
  rc = mdb_txn_begin(db->env, nullptr, 0, &txn);
  if (rc == 0) rc = mdb_dbi_open(txn, nullptr, 0, &db->dbi);
  for (std::size_t i = 0; rc == 0 && i < n; ++i) {
    MDB_val k{std::strlen(keys[i].data()), keys[i].data()};
    MDB_val v{db->value.size(), db->value.data()};
    rc = mdb_put(txn, db->dbi, &k, &v, 0);
  }
  if (rc == 0) {
    rc = mdb_txn_commit(txn);
  } else if (txn != nullptr) {
    mdb_txn_abort(txn);
  }
  if (rc == 0) rc = mdb_txn_begin(db->env, nullptr, MDB_RDONLY, &db->rtxn);
  if (rc == 0) mdb_txn_reset(db->rtxn);
  if (rc != 0) {
    *why = mdb_why("fill", rc);
    return nullptr;
  }
  Lmdb *raw = db.get();
  c.emplace(value_len, std::move(db));
  return raw;
}

void bm_get(benchmark::State &st, std::uint32_t value_len, bool hit) {
  std::string why;
  Lmdb *db = lmdb_fixture(value_len, &why);
  if (db == nullptr) return st.SkipWithError(why.c_str());
  const auto &keys = hit ? db->live : db->absent;
  std::vector<std::byte> buf(std::max<std::size_t>(value_len, 1));
  const int expect = hit ? 0 : MDB_NOTFOUND;
  std::size_t i = 0;
  const std::size_t n = keys.size();
  for (auto _ : st) {
    int rc = mdb_txn_renew(db->rtxn);
    MDB_val k{kKeyLen, const_cast<char *>(keys[i].data())};
    MDB_val v{0, nullptr};
    if (rc == 0) rc = mdb_get(db->rtxn, db->dbi, &k, &v);
    if (rc == 0) std::memcpy(buf.data(), v.mv_data, std::min(v.mv_size, buf.size()));
    mdb_txn_reset(db->rtxn);
    if (rc != expect) [[unlikely]] {
      st.SkipWithError(mdb_why("mdb_get", rc).c_str());
      break;
    }
    benchmark::DoNotOptimize(buf.data());
    i = i + 1 == n ? 0 : i + 1;
  }
}

void bm_set(benchmark::State &st, std::uint32_t value_len) {
  std::string why;
  Lmdb *db = lmdb_fixture(value_len, &why);
  if (db == nullptr) return st.SkipWithError(why.c_str());
  std::size_t i = 0;
  const std::size_t n = db->live.size();
  for (auto _ : st) {
    MDB_txn *txn = nullptr;
    int rc = mdb_txn_begin(db->env, nullptr, 0, &txn);
    MDB_val k{kKeyLen, db->live[i].data()};
    MDB_val v{db->value.size(), db->value.data()};
    if (rc == 0) rc = mdb_put(txn, db->dbi, &k, &v, 0);
    if (rc == 0) {
      rc = mdb_txn_commit(txn);
    } else if (txn != nullptr) {
      mdb_txn_abort(txn);
    }
    if (rc != 0) [[unlikely]] {
      st.SkipWithError(mdb_why("mdb_put/commit", rc).c_str());
      break;
    }
    i = i + 1 == n ? 0 : i + 1;
  }
}

const bool registered = [] {
  for (std::uint32_t v : {0u, 64u, 1024u, 4096u, 65536u}) {
    const std::string s = "/value:" + std::to_string(v) + "/key:16";
    benchmark::RegisterBenchmark(("lmdb/get" + s).c_str(), [v](benchmark::State &st) { bm_get(st, v, true); });
    benchmark::RegisterBenchmark(("lmdb/set" + s).c_str(), [v](benchmark::State &st) { bm_set(st, v); });
  }
  benchmark::RegisterBenchmark("lmdb/miss/value:64/key:16", [](benchmark::State &st) { bm_get(st, 64, false); });
  return true;
}();

}  // namespace
}  // namespace bench
