// model_cases.cpp -- generated cases: long random operation sequences run
// against the adapter and checked, answer by answer, against a model of the
// bus that simulates the slot table of docs/FORMAT.md (so list order,
// tombstones and probe lengths are predicted exactly, not just contents).
// Each sequence is reproducible from --seed; a failure names the step.
#include "format.h"
#include "registry.h"

#include "../common/base64.h"

#include <random>

namespace splc {
namespace {

struct Slot {
  unsigned state = fmt::kEmpty;
  std::string key, value;
  std::uint64_t epoch = 0;
};

class Model {
 public:
  Model(std::uint32_t slots, std::uint32_t max_value) : n_(slots), max_(max_value), s_(slots) {}

  json set(const std::string &k, const std::string &v) {
    if (const char *bad = key_error(k)) return {{"status", bad}};
    if (v.size() > max_) return {{"status", "TOO_LARGE"}};
    const spec::Probe p = probe(k);
    std::uint32_t i = p.slot;
    if (!p.found) {
      if (live_ == n_) return {{"status", "FULL"}};
      i = p.free;
      ++live_;
    }
    s_[i] = {fmt::kLive, k, v, ++epoch_};
    return {{"status", "OK"}, {"epoch", epoch_}};
  }

  json unset(const std::string &k) {
    if (const char *bad = key_error(k)) return {{"status", bad}};
    const spec::Probe p = probe(k);
    if (!p.found) return {{"status", "NOT_FOUND"}};
    s_[p.slot].state = fmt::kTombstone;
    s_[p.slot].epoch = ++epoch_;
    --live_;
    reclaim(p.slot);
    return {{"status", "OK"}, {"epoch", epoch_}};
  }

  // FORMAT.md 2.3 step 4 (spec::reclaimed): tombstones of the slot's cluster
  // that lie on no live key's probe path become EMPTY.
  void reclaim(std::uint32_t s) {
    const auto state = [this](std::uint32_t i) { return s_[i].state; };
    const auto home = [this](std::uint32_t i) { return home_of(s_[i].key); };
    for (std::uint32_t i : spec::reclaimed(n_, s, state, home)) s_[i].state = fmt::kEmpty;
  }

  std::uint32_t home_of(const std::string &k) const { return fmt::home_slot(k, n_); }

  json get(const std::string &k) const {
    if (const char *bad = key_error(k)) return {{"status", bad}};
    const spec::Probe p = probe(k);
    if (!p.found) return {{"status", "NOT_FOUND"}};
    return {{"status", "OK"}, {"value_b64", base64_encode(s_[p.slot].value)}, {"epoch", s_[p.slot].epoch}};
  }

  std::uint64_t key_epoch(const std::string &k) const {
    const spec::Probe p = probe(k);
    return p.found ? s_[p.slot].epoch : 0;
  }

  json poll0(const std::string &k, std::uint64_t since) const {
    if (const char *bad = key_error(k)) return {{"status", bad}};
    const std::uint64_t e = key_epoch(k);
    if (e == since) return {{"status", "TIMEOUT"}};
    return {{"status", "OK"}, {"epoch", e}};
  }

  json list() const {
    json entries = json::array();
    for (const Slot &s : s_)
      if (s.state == fmt::kLive)
        entries.push_back({{"key_b64", base64_encode(s.key)}, {"len", s.value.size()}, {"epoch", s.epoch}});
    return {{"status", "OK"}, {"entries", entries}};
  }

  json info() const {
    std::uint32_t tomb = 0, longest = 0;
    for (std::uint32_t i = 0; i < n_; ++i) {
      if (s_[i].state == fmt::kTombstone) ++tomb;
      if (s_[i].state != fmt::kLive) continue;
      const auto home = fmt::home_slot(s_[i].key, n_);
      longest = std::max(longest, (i + n_ - home) % n_ + 1);
    }
    return {{"status", "OK"}, {"live_keys", live_}, {"tombstones", tomb}, {"longest_probe", longest},
            {"bus_epoch", epoch_}, {"slots", n_}, {"max_value_size", max_}};
  }

  std::uint64_t epoch() const { return epoch_; }

 private:
  static const char *key_error(const std::string &k) {
    if (k.empty() || k.find('\0') != std::string::npos) return "INVALID";
    if (k.size() > 63) return "KEY_TOO_LONG";
    return nullptr;
  }
  // FORMAT.md 2.2 steps 1-2 (spec::probe): the key's LIVE slot, or where it goes.
  spec::Probe probe(const std::string &k) const {
    return spec::probe(
        n_, home_of(k), [this](std::uint32_t i) { return s_[i].state; },
        [this, &k](std::uint32_t i) { return s_[i].key == k; });
  }

  std::uint32_t n_, max_;
  std::vector<Slot> s_;
  std::uint64_t epoch_ = 0;
  std::uint32_t live_ = 0;
};

struct Params {
  std::string name, doc;
  std::uint32_t slots, max_value;
  int steps;
  std::size_t pool;        // distinct keys in play
  bool reader_process;     // also read through a reader handle in a second adapter process
  std::uint64_t salt;
};

void run_model(Ctx &ctx, const Params &p) {
  const std::uint64_t seed = ctx.seed() ^ (p.salt * 0x9e3779b97f4a7c15ull);
  std::mt19937_64 rng(seed);
  auto pick = [&](std::uint64_t n) { return std::uniform_int_distribution<std::uint64_t>(0, n - 1)(rng); };

  std::vector<std::string> pool;
  for (std::size_t i = 0; i < p.pool; ++i) {
    std::string k = "m" + std::to_string(i);
    if (i % 5 == 3) k = std::string(63 - (i % 3), static_cast<char>('A' + i % 26));  // long keys
    if (i % 7 == 6) k = "\xce\xbb" + std::to_string(i);                                 // non-ASCII
    pool.push_back(k);
  }
  Model m(p.slots, p.max_value);
  const std::string shm = ctx.shm_name();
  auto &a = ctx.adapter("a");
  expect_status(a.call({{"op", "create"}, {"bus", "w"}, {"backing", "shm"}, {"name", shm}, {"slots", p.slots},
                        {"max_value_size", p.max_value}}),
                "OK", "create");
  AdapterProcess *b = nullptr;
  if (p.reader_process) {
    b = &ctx.adapter("b");
    expect_status(b->call({{"op", "open"}, {"bus", "r"}, {"backing", "shm"}, {"name", shm}, {"role", "reader"}}), "OK",
                  "open reader");
  }
  const std::string rerun = " (seed " + std::to_string(ctx.seed()) + "; rerun: --seed " + std::to_string(ctx.seed()) +
                            " --run " + p.name + ")";
  for (int step = 1; step <= p.steps; ++step) {
    const std::string &k = pool[pick(pool.size())];
    const auto roll = pick(100);
    json req, want;
    AdapterProcess *who = &a;
    std::string bus = "w";
    if (roll < 42) {
      std::size_t len = pick(p.max_value + 1);
      if (pick(30) == 0) len = p.max_value + 1 + pick(3);
      std::string v(len, '\0');
      for (auto &c : v) c = static_cast<char>(pick(256));
      req = set_req("w", k, v);
      want = m.set(k, v);
    } else if (roll < 60) {
      req = key_field({{"op", "unset"}, {"bus", "w"}}, k);
      want = m.unset(k);
    } else if (roll < 82) {
      if (b && pick(2) == 0) {
        who = b;
        bus = "r";
      }
      req = get_req(bus, k);
      want = m.get(k);
    } else if (roll < 88) {
      const std::uint64_t e = m.key_epoch(k);
      const std::uint64_t since = pick(2) ? e : pick(m.epoch() + 2);
      if (b && pick(2) == 0) {
        who = b;
        bus = "r";
      }
      req = key_field({{"op", "poll"}, {"bus", bus}, {"since", since}, {"timeout_ms", 0}}, k);
      want = m.poll0(k, since);
    } else if (roll < 92) {
      req = {{"op", "list"}, {"bus", pick(2) && b ? "r" : "w"}};
      if (req["bus"] == "r") who = b;
      want = m.list();
    } else if (roll < 96) {
      req = {{"op", "info"}, {"bus", "w"}};
      want = m.info();
    } else if (roll < 98) {
      req = {{"op", "epoch"}, {"bus", "w"}};
      want = {{"status", "OK"}, {"epoch", m.epoch()}};
    } else {
      const std::string bad = pick(2) ? std::string(64 + pick(10), 'z') : std::string();
      req = pick(2) ? set_req("w", bad, "x") : get_req("w", bad);
      want = {{"status", bad.empty() ? "INVALID" : "KEY_TOO_LONG"}};
    }
    const json got = who->call(req);
    const std::string diff = mismatch(want, got);
    if (!diff.empty())
      throw Fail("step " + std::to_string(step) + " of " + std::to_string(p.steps) + ": " + diff + "\n  request: " +
                 req.dump().substr(0, 300) + "\n  model expects: " + want.dump().substr(0, 300) + "\n  answer: " +
                 got.dump().substr(0, 300) + "\n" + rerun);
  }
  // The adapter's bus, validated by the reference after the adapter closed it.
  expect_status(a.call({{"op", "close"}, {"bus", "w"}}), "OK", "close");
  const json chk = ctx.ref({{"op", "check"}, {"backing", "shm"}, {"name", shm}});
  expect_status(chk, "OK", "reference check of the adapter's bus");
  if (chk["worst"] != 0) throw Fail("the reference validator finds the adapter's bus damaged: " + chk["findings"].dump());
}

}  // namespace

void add_model_cases(std::vector<Case> &out) {
  const std::vector<Params> all = {
      {"model/random/one_slot", "1 slot: FULL, reuse of the single slot", 1, 8, 150, 3, false, 1},
      {"model/random/two_slots_collisions", "2 slots, 5 keys: FULL, tombstones, reclaim", 2, 8, 300, 5, true, 2},
      {"model/random/five_slots", "5 slots, 8 keys with long and non-ASCII keys", 5, 24, 500, 8, true, 3},
      {"model/random/sixteen_slots", "16 slots, 20 keys: long probe chains and wrap-around", 16, 40, 700, 20, true, 4},
      {"model/random/empty_values_only", "max_value_size 0: only empty values", 4, 0, 200, 6, false, 5},
      {"model/random/sixty_four_slots", "64 slots, 48 keys, values up to 300 bytes", 64, 300, 600, 48, true, 6},
  };
  for (const Params &p : all) out.push_back({p.name, p.doc, [p](Ctx &ctx) { run_model(ctx, p); }});
}

}  // namespace splc
