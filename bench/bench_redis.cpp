// bench_redis.cpp -- the Redis peer over loopback TCP, with Splinter's keys
// and values.
//
//   redis/get/value:V/key:16/depth:1    GET, one round trip per get
//   redis/set/value:V/key:16/depth:1    SET, one round trip per set
//   redis/get/value:V/key:16/depth:16   16 GETs pipelined; time is per batch
//   redis/set/value:V/key:16/depth:16   16 SETs pipelined; time is per batch
//   redis/miss/value:64/key:16/depth:1  GET of an absent key
//
// The server is started by bench/run (or ci/test-bench) on 127.0.0.1, on a
// free port, with persistence off, and named by SPLINTER_BENCH_REDIS
// ("host:port"); without it these benchmarks are skipped with a message.
// The database holds the 512 live keys of the matching splinter/get
// benchmark with the value size under test (it is flushed and refilled when
// the value size changes).
#include "common.h"

#include <hiredis.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

namespace bench {
namespace {

constexpr std::size_t kKeyLen = 16;

struct Redis {
  redisContext *c = nullptr;
  std::int64_t loaded = -1;  // value size currently stored
  std::vector<KeyCell> live, absent;
  std::vector<std::byte> value;
  ~Redis() {
    if (c != nullptr) redisFree(c);
  }
};

Redis *redis_fixture(std::uint32_t value_len, std::string *why) {
  static std::unique_ptr<Redis> r;
  static const bool once = (at_cleanup([] { r.reset(); }), true);
  (void)once;
  if (!r) {
    const char *addr = std::getenv("SPLINTER_BENCH_REDIS");
    if (addr == nullptr || addr[0] == '\0') {
      *why = "no Redis server (SPLINTER_BENCH_REDIS unset; bench/run starts one)";
      return nullptr;
    }
    const std::string a = addr;
    const auto colon = a.rfind(':');
    if (colon == std::string::npos) {
      *why = "SPLINTER_BENCH_REDIS must be host:port";
      return nullptr;
    }
    auto fresh = std::make_unique<Redis>();
    fresh->c = redisConnect(a.substr(0, colon).c_str(), std::atoi(a.c_str() + colon + 1));
    if (fresh->c == nullptr || fresh->c->err != 0) {
      *why = "cannot connect to Redis at " + a + (fresh->c != nullptr ? std::string(": ") + fresh->c->errstr : "");
      return nullptr;
    }
    BusSpec spec;
    const std::size_t n = spec.slots * spec.live_pct / 100;
    std::vector<KeyCell> keys;
    for (std::size_t i = 0; i < n; ++i) keys.push_back(make_key('k', i, kKeyLen));
    for (auto i : shuffled(n, 1)) fresh->live.push_back(keys[i]);
    for (std::size_t i = 0; i < n; ++i) fresh->absent.push_back(make_key('z', i, kKeyLen));
    r = std::move(fresh);
  }
  if (r->loaded != value_len) {
    r->value = value_bytes(value_len);
    redisReply *rep = static_cast<redisReply *>(redisCommand(r->c, "FLUSHDB"));
    if (rep == nullptr) {
      *why = std::string("FLUSHDB: ") + r->c->errstr;
      return nullptr;
    }
    freeReplyObject(rep);
    for (const auto &k : r->live)
      redisAppendCommand(r->c, "SET %b %b", k.data(), kKeyLen, r->value.data(), r->value.size());
    for (std::size_t i = 0; i < r->live.size(); ++i) {
      void *out = nullptr;
      if (redisGetReply(r->c, &out) != REDIS_OK) {
        *why = std::string("fill: ") + r->c->errstr;
        return nullptr;
      }
      freeReplyObject(out);
    }
    r->loaded = value_len;
  }
  return r.get();
}

// Checks one reply; returns false (and skips the benchmark) on a wrong one.
bool check_reply(benchmark::State &st, redisContext *c, redisReply *rep, bool get, bool hit, std::size_t len,
                 std::byte *buf) {
  if (rep == nullptr) {
    st.SkipWithError((std::string("redis: ") + c->errstr).c_str());
    return false;
  }
  bool ok;
  if (get && hit) {
    ok = rep->type == REDIS_REPLY_STRING && rep->len == len;
    if (ok) std::memcpy(buf, rep->str, len);
  } else if (get) {
    ok = rep->type == REDIS_REPLY_NIL;
  } else {
    ok = rep->type == REDIS_REPLY_STATUS;
  }
  freeReplyObject(rep);
  if (!ok) st.SkipWithError("redis: unexpected reply");
  return ok;
}

void bm_redis(benchmark::State &st, std::uint32_t value_len, bool get, bool hit, int depth) {
  std::string why;
  Redis *r = redis_fixture(value_len, &why);
  if (r == nullptr) return st.SkipWithError(why.c_str());
  const auto &keys = hit ? r->live : r->absent;
  std::vector<std::byte> buf(std::max<std::size_t>(value_len, 1));
  std::size_t i = 0;
  const std::size_t n = keys.size();
  for (auto _ : st) {
    bool ok = true;
    if (depth == 1) {
      void *rep = get ? redisCommand(r->c, "GET %b", keys[i].data(), kKeyLen)
                      : redisCommand(r->c, "SET %b %b", keys[i].data(), kKeyLen, r->value.data(), r->value.size());
      ok = check_reply(st, r->c, static_cast<redisReply *>(rep), get, hit, value_len, buf.data());
      i = i + 1 == n ? 0 : i + 1;
    } else {
      for (int d = 0; d < depth; ++d) {
        if (get)
          redisAppendCommand(r->c, "GET %b", keys[i].data(), kKeyLen);
        else
          redisAppendCommand(r->c, "SET %b %b", keys[i].data(), kKeyLen, r->value.data(), r->value.size());
        i = i + 1 == n ? 0 : i + 1;
      }
      for (int d = 0; d < depth && ok; ++d) {
        void *out = nullptr;
        if (redisGetReply(r->c, &out) != REDIS_OK) out = nullptr;
        ok = check_reply(st, r->c, static_cast<redisReply *>(out), get, hit, value_len, buf.data());
      }
    }
    if (!ok) break;
  }
  st.counters["depth"] = depth;
  st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations()) * depth);
}

const bool registered = [] {
  for (std::uint32_t v : {0u, 64u, 1024u, 4096u, 65536u})
    for (int depth : {1, 16}) {
      const std::string s = "/value:" + std::to_string(v) + "/key:16/depth:" + std::to_string(depth);
      benchmark::RegisterBenchmark(("redis/get" + s).c_str(),
                                   [=](benchmark::State &st) { bm_redis(st, v, true, true, depth); });
      benchmark::RegisterBenchmark(("redis/set" + s).c_str(),
                                   [=](benchmark::State &st) { bm_redis(st, v, false, true, depth); });
    }
  benchmark::RegisterBenchmark("redis/miss/value:64/key:16/depth:1",
                               [](benchmark::State &st) { bm_redis(st, 64, true, false, 1); });
  return true;
}();

}  // namespace
}  // namespace bench
