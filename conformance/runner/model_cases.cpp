// model_cases.cpp -- generated cases: long random operation sequences run
// against the adapter and checked, answer by answer, against a model of the
// bus that simulates the slot table of docs/FORMAT.md (so list order,
// tombstones and probe lengths are predicted exactly, not just contents).
// Each sequence is reproducible from --seed; a failure names the step.
#include "format.h"
#include "registry.h"

#include "../common/base64.h"

#include <map>
#include <optional>
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

// What a run checks, each a class of its own (classes.h), so that one kind of
// defect fails one kind of case:
//   content: statuses, values, list order and lengths, info's counts -- every
//            field but epochs, against the slot-table model;
//   epochs:  only epochs, against the adapter's own history (each committed
//            mutation returns the last epoch + 1; reads return the epoch of
//            the key's last committed mutation), whatever the statuses;
//   format:  nothing per answer; at the end the reference validates the bus
//            the sequence left (docs/FORMAT.md section 4).
enum class Mode { content, epochs, format };

// An answer or a prediction without its epochs (for the checks that are not
// about them).
json without_epochs(json j) {
  if (!j.is_object()) return j;
  j.erase("epoch");
  j.erase("bus_epoch");
  if (j.contains("entries") && j["entries"].is_array())
    for (auto &e : j["entries"])
      if (e.is_object()) e.erase("epoch");
  return j;
}

// The epoch oracle of Mode::epochs.
class EpochHistory {
 public:
  // Returns "" or what is wrong with the epochs of `got`, the answer to `req`.
  std::string judge(const json &req, const json &got) {
    const std::string op = req.value("op", ""), status = got.value("status", "");
    const std::string key = req.contains("key_b64") ? base64_decode(req["key_b64"].get<std::string>()).value_or("")
                                                    : req.value("key", std::string());
    auto num = [&](const json &j, const char *f) -> std::optional<std::uint64_t> {
      if (!j.contains(f) || !j[f].is_number_unsigned()) return std::nullopt;
      return j[f].get<std::uint64_t>();
    };
    auto expect = [&](const char *what, std::optional<std::uint64_t> e, std::uint64_t want) -> std::string {
      if (!e) return std::string(what) + ": no epoch in the answer (expected " + std::to_string(want) + ")";
      if (*e != want) return std::string(what) + ": epoch " + std::to_string(*e) + ", expected " + std::to_string(want);
      return "";
    };
    if ((op == "set" || op == "unset") && status == "OK") {
      const std::string bad =
          expect(op == "set" ? "a committed set" : "a committed unset", num(got, "epoch"), bus_ + 1);
      if (!bad.empty()) return bad + " (the bus epoch was " + std::to_string(bus_) + ": +1 per committed mutation)";
      ++bus_;
      if (op == "set") keys_[key] = bus_;
      else keys_.erase(key);
      return "";
    }
    if (op == "get" && status == "OK")
      return expect("get (the epoch of the key's last committed mutation)", num(got, "epoch"), key_epoch(key));
    if (op == "epoch") return expect("the bus epoch", num(got, "epoch"), bus_);
    if (op == "info" && status == "OK") return expect("info.bus_epoch", num(got, "bus_epoch"), bus_);
    if (op == "poll" && status == "OK") return expect("poll (the key's current epoch)", num(got, "epoch"), key_epoch(key));
    if (op == "poll" && status == "TIMEOUT" && req["since"].get<std::uint64_t>() != key_epoch(key))
      return "poll since " + req["since"].dump() + " timed out, but the key's epoch is " + std::to_string(key_epoch(key));
    if (op == "list" && status == "OK" && got.contains("entries") && got["entries"].is_array()) {
      std::string bad;
      for (const auto &e : got["entries"]) {
        const std::string k = key_of_entry(e);
        const std::string b = expect(("list entry " + show_bytes(k)).c_str(), num(e, "epoch"), key_epoch(k));
        if (!b.empty()) bad += (bad.empty() ? "" : "\n") + b;
      }
      return bad;
    }
    return "";
  }
  std::uint64_t key_epoch(const std::string &k) const {
    const auto it = keys_.find(k);
    return it == keys_.end() ? 0 : it->second;
  }
  std::uint64_t bus() const { return bus_; }

 private:
  std::uint64_t bus_ = 0;
  std::map<std::string, std::uint64_t> keys_;
};

void run_model(Ctx &ctx, const Params &p, Mode mode) {
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
  EpochHistory history;
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
    auto roll = pick(100);
    // Polls and the epoch op judge epochs: the content check leaves them out.
    if (mode == Mode::content && ((roll >= 82 && roll < 88) || (roll >= 96 && roll < 98))) roll = 70;
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
      const std::uint64_t e = mode == Mode::epochs ? history.key_epoch(k) : m.key_epoch(k);
      const std::uint64_t since = pick(2) ? e : pick((mode == Mode::epochs ? history.bus() : m.epoch()) + 2);
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
    std::string diff;
    if (mode == Mode::content) diff = mismatch(without_epochs(want), without_epochs(got));
    if (mode == Mode::epochs) diff = history.judge(req, got);
    if (mode == Mode::format && got.value("status", "") == "UNSUPPORTED") diff = "the adapter answered UNSUPPORTED";
    if (!diff.empty())
      throw Fail("step " + std::to_string(step) + " of " + std::to_string(p.steps) + ":\n" + diff + "\n  request: " +
                     req.dump().substr(0, 300) +
                     (mode == Mode::content ? "\n  model expects: " + without_epochs(want).dump().substr(0, 300) : "") +
                     "\n  answer: " + got.dump().substr(0, 300) + "\n" + rerun,
                 got.value("status", "") == "UNSUPPORTED");
  }
  if (mode != Mode::format) return;
  // The adapter's bus, validated by the reference after the adapter closed it.
  if (b) expect_status(b->call({{"op", "close"}, {"bus", "r"}}), "OK", "close the reader");
  expect_status(a.call({{"op", "close"}, {"bus", "w"}}), "OK", "close");
  const json chk = ctx.ref({{"op", "check"}, {"backing", "shm"}, {"name", shm}});
  expect_status(chk, "OK", "reference check of the adapter's bus");
  if (chk["worst"] != 0) throw Fail("the reference validator finds the adapter's bus damaged: " + chk["findings"].dump());
  const fmt::Image im = fmt::Image::load("/dev/shm/" + shm);
  if (const std::string problem = fmt::spec_problem(im, p.slots, p.max_value); !problem.empty())
    throw Fail("the adapter's bus breaks docs/FORMAT.md: " + problem);
}

// Keys whose stored hash (FORMAT.md 1.3: XXH3-64, seed 0) is as near an edge
// value as a search of 2^35 keys found (no key is known whose hash is exactly
// 0 or all ones: that is a 64-bit preimage). The home slot is the high bits
// of hash * slots, so the first two sit at slot 0 and at the last slot of a
// table of any size; the other two have their low 32 bits all 0 or all 1 (an
// implementation that reduces with the low bits, or keeps a 32-bit hash,
// meets its edge there). Each must behave like any other key.
struct EdgeKey {
  const char *key;
  std::uint64_t hash;
};
const EdgeKey kEdgeKeys[] = {
    {"edge-9vm6q8ha", 0x000000000ab66ac4ull},  // high 36 bits 0
    {"edge-fb27x9ca", 0xfffffffffc5093adull},  // high 38 bits 1
    {"edge-z5cpqnaa", 0x2c48ea7500000000ull},  // low 32 bits 0
    {"edge-lrkgpica", 0x33a85419ffffffffull},  // low 32 bits 1
};

void run_edge_hash(Ctx &ctx, std::uint32_t slots) {
  std::vector<std::string> keys;
  for (const auto &e : kEdgeKeys) {
    if (spec::key_hash(e.key) != e.hash)
      throw Fail(std::string("suite defect: the hash of ") + e.key + " is not the one recorded in model_cases.cpp");
    keys.push_back(e.key);
  }
  if (slots > 1) {
    // A key that also starts at the last slot: its chain wraps to slot 0.
    for (int i = 0;; ++i) {
      const std::string k = "wrap" + std::to_string(i);
      if (fmt::home_slot(k, slots) == slots - 1) {
        keys.push_back(k);
        break;
      }
    }
  }
  Model m(slots, 16);
  const std::string shm = ctx.shm_name();
  auto &a = ctx.adapter("a");
  auto &b = ctx.adapter("b");
  expect_status(a.call({{"op", "create"}, {"bus", "w"}, {"backing", "shm"}, {"name", shm}, {"slots", slots},
                        {"max_value_size", 16}}),
                "OK", "create");
  expect_status(b.call({{"op", "open"}, {"bus", "r"}, {"backing", "shm"}, {"name", shm}, {"role", "reader"}}), "OK",
                "open reader");
  int step = 0;
  auto check = [&](AdapterProcess &who, const json &req, const json &want) {
    ++step;
    const json got = who.call(req);
    const std::string diff = mismatch(without_epochs(want), without_epochs(got));
    if (!diff.empty())
      throw Fail("step " + std::to_string(step) + " on a table of " + std::to_string(slots) + " slots:\n" + diff +
                     "\n  request: " + req.dump().substr(0, 300) + "\n  expected: " + without_epochs(want).dump() +
                     "\n  answer: " + got.dump().substr(0, 300),
                 got.value("status", "") == "UNSUPPORTED");
  };
  auto set = [&](const std::string &k) { check(a, set_req("w", k, k.substr(0, 16)), m.set(k, k.substr(0, 16))); };
  auto unset = [&](const std::string &k) { check(a, key_field({{"op", "unset"}, {"bus", "w"}}, k), m.unset(k)); };
  auto read_all = [&] {
    for (const auto &k : keys) {
      check(a, get_req("w", k), m.get(k));
      check(b, get_req("r", k), m.get(k));
    }
    check(a, {{"op", "list"}, {"bus", "w"}}, m.list());
    check(b, {{"op", "list"}, {"bus", "r"}}, m.list());
    json info = m.info();
    info.erase("bus_epoch");
    check(a, {{"op", "info"}, {"bus", "w"}}, info);
  };
  if (slots == 1) {  // one key at a time
    for (const auto &k : keys) {
      set(k);
      read_all();
      unset(k);
      read_all();
    }
    return;
  }
  for (const auto &k : keys) set(k);
  read_all();
  unset(keys[0]);  // the smallest hash, then the largest
  unset(keys[1]);
  read_all();
  set(keys[1]);
  set(keys[0]);
  read_all();
  for (const auto &k : keys) unset(k);
  read_all();
}

}  // namespace

void add_model_cases(std::vector<Case> &out) {
  const std::vector<Params> all = {
      {"one_slot", "1 slot: FULL, reuse of the single slot", 1, 8, 150, 3, false, 1},
      {"two_slots_collisions", "2 slots, 5 keys: FULL, tombstones, reclaim", 2, 8, 300, 5, true, 2},
      {"five_slots", "5 slots, 8 keys with long and non-ASCII keys", 5, 24, 500, 8, true, 3},
      {"sixteen_slots", "16 slots, 20 keys: long probe chains and wrap-around", 16, 40, 700, 20, true, 4},
      {"empty_values_only", "max_value_size 0: only empty values", 4, 0, 200, 6, false, 5},
      {"sixty_four_slots", "64 slots, 48 keys, values up to 300 bytes", 64, 300, 600, 48, true, 6},
  };
  for (Params p : all) {
    const std::string name = p.name, doc = p.doc;
    p.name = "model/random/" + name;
    out.push_back({p.name, doc + " (every field but epochs, against the slot-table model)",
                   [p](Ctx &ctx) { run_model(ctx, p, Mode::content); }});
  }
  for (std::uint32_t slots : {1u, 7u, 64u, 65536u})
    out.push_back({"model/edge_hash/slots_" + std::to_string(slots),
                   "keys whose hash is near 0, near all ones, or has its low 32 bits all 0 or all 1 behave like any "
                   "other on a table of " + std::to_string(slots) + " slots (set, get from two processes, list order, "
                   "counts, unset)",
                   [slots](Ctx &ctx) { run_edge_hash(ctx, slots); }, "keys"});
  // Epochs and the validity of the resulting bus, on three of the sequences.
  for (Params p : all) {
    if (p.salt != 2 && p.salt != 4 && p.salt != 6) continue;
    const std::string name = p.name;
    p.name = "model/epochs/" + name;
    out.push_back({p.name, "the epochs of the " + name + " sequence: +1 per committed mutation, reads give the key's last",
                   [p](Ctx &ctx) { run_model(ctx, p, Mode::epochs); }});
    p.name = "interop/model_sequence_bus_validates_" + name;
    out.push_back({p.name, "the bus the adapter leaves after the " + name + " sequence validates and follows docs/FORMAT.md",
                   [p](Ctx &ctx) { run_model(ctx, p, Mode::format); }});
  }
}

}  // namespace splc
