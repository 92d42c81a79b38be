// model.h -- the one model of a bus for the stateful property tests.
//
// A plain map from key to (value, epoch), each live key's earlier values
// (its history), the change feed (a bounded ring of {epoch, op, key}), the
// bus epoch and the geometry: everything docs/FORMAT.md and splinter.h
// promise an observer can see. The
// functions below are the specification of each mutation, and of what a
// writer killed in the middle of one leaves (FORMAT.md section 3). Each
// command advances RapidCheck's model with them (Command::apply), and checks
// the real bus against that model in run: there is no other truth.
#ifndef SPLINTER_PROPS_MODEL_H
#define SPLINTER_PROPS_MODEL_H

#include "test_hooks.h"

#include <splinter/splinter.hpp>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace splinter::props {

struct Stored {
  std::string value;
  std::uint64_t epoch = 0;
  friend bool operator==(const Stored &, const Stored &) = default;
};

// One entry of the change feed (splinter_changes). `group` is set on the
// EXPIRE entries of several keys that one call removed together (the lazy
// step, splinter_expire): the writer removes them in slot order (2.10),
// which the model does not know, so such an entry's key is any of the
// group's, each once (feed_matches). Compared exactly otherwise.
struct FeedEntry {
  std::uint64_t epoch = 0;
  int op = SPLINTER_OP_SET;
  std::string key;
  std::shared_ptr<const std::set<std::string>> group;
  friend bool operator==(const FeedEntry &a, const FeedEntry &b) {
    return a.epoch == b.epoch && a.op == b.op && a.key == b.key;
  }
};

// The test clock (issue 15): the model's time counts units of kClockUnitMs,
// moved on only by the AdvanceClock command (test::set_clock_offset_ms). A
// key set with a TTL of n units gets n units less half a unit in ms
// (ttl_ms_for), so that it is expired exactly when the model's clock has
// moved on by n units or more, whatever the real clock did meanwhile (a
// test case lasts far less than half a unit; so does any wall-clock step
// the oracle tolerates).
inline constexpr std::uint64_t kClockUnitMs = 3600000;  // an hour
inline std::uint64_t ttl_ms_for(std::uint64_t units) { return units == 0 ? 0 : units * kClockUnitMs - kClockUnitMs / 2; }

// The geometry and options a bus is created with (splinter_options).
struct Geometry {
  std::uint32_t slots = 1;
  std::uint32_t max_value = 0;
  std::uint32_t change_ring = 0;  // as requested: 0 = the default
  std::uint32_t history_depth = 0;
};

// The ring size a bus gets for a requested change_ring (splinter.h,
// splinter_options): 0 = the slot count rounded up to a power of two and
// clamped to 1024..65536; anything else rounded up to a power of two.
inline std::uint32_t ring_for(std::uint32_t requested, std::uint32_t slots) {
  if (requested == 0) return std::clamp<std::uint32_t>(std::bit_ceil(slots), 1024, 65536);
  return std::bit_ceil(requested);
}

struct Model {
  std::uint32_t slots = 1;
  std::uint32_t max_value = 0;
  std::uint32_t change_ring = 1024;  // entries the feed holds (after rounding)
  std::uint32_t history_depth = 0;
  // The LIVE slots: every key set and not removed, including expired keys
  // the writer has not removed yet (absent to every reader: visible()).
  std::map<std::string, Stored> kv;
  // The deadline of each key of kv with one, in clock units (a key without
  // one never expires; a plain set clears it).
  std::map<std::string, std::uint64_t> deadline;
  std::uint64_t now = 0;  // the model's clock, in units of kClockUnitMs
  // Each live key's earlier values, newest first, at most history_depth of
  // them, since the key was last created (an unset ends a history).
  std::map<std::string, std::vector<Stored>> earlier;
  std::set<std::string> gone;  // keys once set and now absent (checked NOT_FOUND)
  // The last change_ring committed mutations, oldest first.
  std::deque<FeedEntry> feed;
  std::uint64_t bus_epoch = 0;

  static Model fresh(const Geometry &g) {
    Model m;
    m.slots = g.slots;
    m.max_value = g.max_value;
    m.change_ring = ring_for(g.change_ring, g.slots);
    m.history_depth = g.history_depth;
    return m;
  }
  // The key as readers see it: nullptr when absent or expired.
  const Stored *find(const std::string &key) const {
    const auto it = kv.find(key);
    return it == kv.end() || expired(key) ? nullptr : &it->second;
  }
  // Whether key is LIVE and its deadline has come (1.6: now >= deadline).
  bool expired(const std::string &key) const {
    const auto it = deadline.find(key);
    return it != deadline.end() && now >= it->second;
  }
  // The LIVE keys that have expired and that the writer has not removed.
  std::set<std::string> pending() const {
    std::set<std::string> p;
    for (const auto &[k, d] : deadline)
      if (now >= d) p.insert(k);
    return p;
  }
  // The keys readers see (list), each with its value.
  std::map<std::string, Stored> visible() const {
    std::map<std::string, Stored> v;
    for (const auto &[k, s] : kv)
      if (!expired(k)) v.emplace(k, s);
    return v;
  }
  // The key's history as splinter_history gives it: current value first
  // (none when absent or expired).
  std::vector<Stored> history(const std::string &key) const {
    std::vector<Stored> h;
    const Stored *s = find(key);
    if (s == nullptr) return h;
    h.push_back(*s);
    if (const auto it = earlier.find(key); it != earlier.end()) h.insert(h.end(), it->second.begin(), it->second.end());
    return h;
  }
  // The feed's record of the mutation of epoch bus_epoch: the ring drops
  // the entry change_ring epochs older.
  void log(int op, const std::string &key, std::shared_ptr<const std::set<std::string>> group = nullptr) {
    feed.push_back(FeedEntry{bus_epoch, op, key, std::move(group)});
    while (feed.size() > change_ring) feed.pop_front();
  }
  // splinter_info's feed_oldest: the oldest epoch the ring covers, 0 when none.
  std::uint64_t feed_oldest() const { return feed.empty() ? 0 : feed.front().epoch; }
};

// What a call must return: its status and, on OK, its epoch.
struct Expect {
  Code code = Code::ok;
  std::uint64_t epoch = 0;
};

// Broken variants of the model, for negative controls of the oracle only
// (no library mutant plants these bugs; as stress's --ignore-rule): with
// SPLINTER_PROPS_MODEL_BUG set to one of the names below, the model itself
// is wrong, and the suite must find a falsifying case against the correct
// library -- proof that the checks of the expiry model observe what the
// variant gets wrong.
//   plain_set_keeps_deadline  a plain set leaves an earlier deadline
//   expire_as_unset           a removal's feed entry is UNSET, not EXPIRE
//   no_lazy_expiry            set and unset remove no expired key first
inline bool model_bug(const char *name) {
  static const std::string bug = [] {
    const char *env = std::getenv("SPLINTER_PROPS_MODEL_BUG");
    return std::string(env ? env : "");
  }();
  return bug == name;
}

// 2.10 step 2: the writer removes the expired LIVE keys `keys`, each as one
// mutation (epoch + 1, a feed entry of op EXPIRE); readers saw them absent
// already. Several removed by one call form a group (FeedEntry::group).
inline void model_remove_expired(Model &m, const std::set<std::string> &keys) {
  auto group = keys.size() > 1 ? std::make_shared<const std::set<std::string>>(keys) : nullptr;
  for (const std::string &k : keys) {
    ++m.bus_epoch;
    m.kv.erase(k);
    m.earlier.erase(k);
    m.deadline.erase(k);
    m.gone.insert(k);
    m.log(model_bug("expire_as_unset") ? SPLINTER_OP_UNSET : SPLINTER_OP_EXPIRE, k, group);
  }
}

// 2.10 step 1, the lazy step at the start of a set or unset: the next 4
// slots after the writer's cursor. With at most 4 slots that is the whole
// table: every expired key is removed. Which of a larger table's expired
// keys it meets depends on where they hash, which the model does not know:
// the commands mutate a table of more than 4 slots only when the outcome
// does not depend on it (lazy_predictable).
inline constexpr std::uint32_t kLazySlots = 4;
inline void model_lazy_expiry(Model &m) {
  if (m.slots <= kLazySlots && !model_bug("no_lazy_expiry")) model_remove_expired(m, m.pending());
}
// Whether a set or unset of key has an outcome the model predicts exactly:
// the lazy step sees every slot, or no key but possibly key itself has
// expired (which the call removes, lazily or as 2.2 step 1 / 2.3 step 1:
// one EXPIRE entry either way).
inline bool lazy_predictable(const Model &m, const std::string &key) {
  if (m.slots <= kLazySlots) return true;
  const std::set<std::string> p = m.pending();
  return p.empty() || (p.size() == 1 && *p.begin() == key);
}

// The removals a set of key makes before it mutates (2.2 steps 0-1): the
// lazy step, the key itself if expired, and every expired key when the key
// is new and every slot is LIVE. (A writer killed at a crash point of the
// set has made them all: they come before 2.2 step 4.)
inline void model_set_removals(Model &m, const std::string &key) {
  model_lazy_expiry(m);
  if (m.expired(key)) model_remove_expired(m, {key});
  if (m.kv.find(key) == m.kv.end() && m.kv.size() >= m.slots) model_remove_expired(m, m.pending());
}

// set (splinter.h): KEY_TOO_LONG, TOO_LARGE (checked before anything else)
// and INVALID (a TTL above SPLINTER_TTL_MAX_MS, ttl_units < 0) change
// nothing. Then expired keys are removed (the lazy step; the key itself if
// expired, 2.2 step 1; every expired key when a new key finds every slot
// LIVE); then FULL (new key, every slot LIVE with an unexpired key), or OK:
// the bus epoch + 1, the key gets that epoch and the deadline now + ttl
// (none for ttl_units 0: a plain set clears it).
inline Expect model_set(Model &m, const std::string &key, const std::string &value, int ttl_units = 0) {
  if (key.size() > SPLINTER_KEY_MAX) return {Code::key_too_long};
  if (ttl_units < 0) return {Code::invalid};
  if (value.size() > m.max_value) return {Code::too_large};
  model_set_removals(m, key);
  if (m.kv.find(key) == m.kv.end() && m.kv.size() >= m.slots) return {Code::full};
  const std::uint64_t e = ++m.bus_epoch;
  std::vector<Stored> &earlier = m.earlier[key];
  if (const auto it = m.kv.find(key); it != m.kv.end()) {
    earlier.insert(earlier.begin(), it->second);
    if (earlier.size() > m.history_depth) earlier.resize(m.history_depth);
  } else {
    earlier.clear();  // a new key's history begins with this value
  }
  m.kv[key] = Stored{value, e};
  if (ttl_units > 0) {
    m.deadline[key] = m.now + static_cast<std::uint64_t>(ttl_units);
  } else if (!model_bug("plain_set_keeps_deadline")) {
    m.deadline.erase(key);
  }
  m.gone.erase(key);
  m.log(SPLINTER_OP_SET, key);
  return {Code::ok, e};
}

// unset: after the lazy step, NOT_FOUND when absent (nothing else changes),
// and when expired (the call removes it with op EXPIRE, 2.3 step 1); OK
// bumps the bus epoch.
inline Expect model_unset(Model &m, const std::string &key) {
  if (key.size() > SPLINTER_KEY_MAX) return {Code::key_too_long};
  model_lazy_expiry(m);
  if (m.expired(key)) {
    model_remove_expired(m, {key});
    return {Code::not_found};
  }
  const auto it = m.kv.find(key);
  if (it == m.kv.end()) return {Code::not_found};
  const std::uint64_t e = ++m.bus_epoch;
  m.kv.erase(it);
  m.earlier.erase(key);
  m.deadline.erase(key);
  m.gone.insert(key);
  m.log(SPLINTER_OP_UNSET, key);
  return {Code::ok, e};
}

// splinter_expire(0): every expired key removed; how many.
inline std::uint32_t model_expire_all(Model &m) {
  const std::set<std::string> p = m.pending();
  model_remove_expired(m, p);
  return static_cast<std::uint32_t>(p.size());
}

// What changes(since) must give (splinter.h, FORMAT.md 2.9): COMPACTED when
// since is ahead of the bus epoch or the feed no longer holds since + 1;
// else every entry after since up to the bus epoch, in epoch order, each
// once. `last` is the epoch of the last entry given, or since.
struct ExpectChanges {
  Code code = Code::ok;
  std::vector<FeedEntry> entries;
  std::uint64_t last = 0;
};
inline ExpectChanges model_changes(const Model &m, std::uint64_t since) {
  ExpectChanges x;
  x.last = since;
  if (since > m.bus_epoch) {
    x.code = Code::compacted;
    return x;
  }
  if (since == m.bus_epoch) return x;
  const std::uint64_t oldest_held = m.feed.empty() ? m.bus_epoch + 1 : m.feed.front().epoch;
  if (since + 1 < oldest_held) {
    x.code = Code::compacted;
    return x;
  }
  for (const FeedEntry &f : m.feed)
    if (f.epoch > since && f.epoch <= m.bus_epoch) x.entries.push_back(f);
  if (!x.entries.empty()) x.last = x.entries.back().epoch;
  return x;
}

// ---- A writer killed at a crash point (src/test_hooks.h) of a set or unset
// that succeeds. docs/FORMAT.md section 3, exactly:

// The set is committed iff the writer died at or after the commit store
// (2.2 step 6): before it the key keeps its old value (or stays absent).
inline bool set_committed_at(int point) { return point >= test::kSetCommitted; }
// (Every unset crash point lies after its commit store, 2.3 step 2: the
// unset is committed wherever its writer dies.)
// kSetKeyWritten is reached only when the key is new (2.2 step 4).
inline bool set_reaches(const Model &m, const std::string &key, int point) {
  return point != test::kSetKeyWritten || m.find(key) == nullptr;
}
// Killed right after the commit store, before storing the bus epoch (2.2
// step 6, 2.3 step 2): until the next writer opens and raises it (F13),
// bus_epoch stays one behind the committed slot, and the validator reports
// that slot under F13.
// So does a writer killed after the feed entry (2.2 step 8, 2.3 step 3),
// whose entry is then in the ring already.
// (The removal of an expired key, 2.10 step 2, is an unset of op EXPIRE:
// its commit and feed-entry points are as unset's.)
inline bool bus_epoch_lags_at(int point) {
  return point == test::kSetCommitted || point == test::kUnsetCommitted || point == test::kSetFeedWritten ||
         point == test::kUnsetFeedWritten || point == test::kExpireCommitted || point == test::kExpireFeedWritten;
}
// Killed between its commit store and its feed entry (section 3, 2.2 step 7):
// the feed lacks the mutation's entry (its ring position still holds the
// entry change_ring epochs older) until the next writer writes it from the slot.
inline bool feed_lacks_commit_at(int point) {
  return point == test::kSetCommitted || point == test::kUnsetCommitted || point == test::kExpireCommitted;
}

// What the region shows between the crash and the next writer open: the
// committed state `after` (the model after the command: slots, histories),
// with the bus epoch of `before` when it lags, and the feed of `before` when
// the writer died before writing its entry. (A feed reader then gets the
// entries up to the lagging bus epoch; one whose ring position the dead
// writer's entry overwrote is COMPACTED.)
inline Model left_by_crash(const Model &before, const Model &after, int point) {
  Model left = after;
  if (bus_epoch_lags_at(point)) left.bus_epoch = before.bus_epoch;
  if (feed_lacks_commit_at(point)) left.feed = before.feed;
  return left;
}

// Coverage counters (printed at the end of the run, so that a run that
// never fills a bus or never crashes mid-commit is noticed).
struct Stats {
  unsigned long commands = 0, sets_ok = 0, full = 0, too_large = 0, unsets_ok = 0, not_found = 0,
                crash_old = 0, crash_new = 0, crash_lagging = 0, reclaim_not_reached = 0;
  // The feed and histories (commands Changes and History; the oracle's own
  // checks of the whole feed after every command are not counted).
  unsigned long changes_ok = 0, changes_entries = 0, changes_compacted = 0, changes_stopped = 0,
                histories = 0, history_values = 0, history_not_found = 0, history_stopped = 0;
  unsigned long ring_wraps = 0;        // verified states whose bus epoch exceeded the ring
  unsigned long history_longest = 0;  // most values one verified history held
  // Expiry (issue 15): sets with a TTL, clock moves, keys the model saw
  // expire, EXPIRE entries (removals) by a set or unset and by expire, ttl
  // answers by kind, writers killed while removing an expired key, and
  // verified states holding an expired key not yet removed.
  unsigned long sets_ttl = 0, ttl_invalid = 0, clock_moves = 0, removed_by_mutation = 0, removed_by_expire = 0,
                expire_partial = 0, ttl_finite = 0, ttl_forever = 0, ttl_not_found = 0, crash_expire = 0,
                states_with_expired = 0, full_of_expired = 0;
  unsigned long probe_max = 0;  // longest probe chain seen (info.longest_probe)
  unsigned long tombstones_max = 0;
};
inline Stats &stats() {
  static Stats s;
  return s;
}

}  // namespace splinter::props

#endif  // SPLINTER_PROPS_MODEL_H
