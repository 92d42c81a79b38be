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
#include <deque>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace splinter::props {

struct Stored {
  std::string value;
  std::uint64_t epoch = 0;
  friend bool operator==(const Stored &, const Stored &) = default;
};

// One entry of the change feed (splinter_changes).
struct FeedEntry {
  std::uint64_t epoch = 0;
  int op = SPLINTER_OP_SET;
  std::string key;
  friend bool operator==(const FeedEntry &, const FeedEntry &) = default;
};

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
  std::map<std::string, Stored> kv;  // the live keys
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
  const Stored *find(const std::string &key) const {
    const auto it = kv.find(key);
    return it == kv.end() ? nullptr : &it->second;
  }
  // The key's history as splinter_history gives it: current value first.
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
  void log(int op, const std::string &key) {
    feed.push_back(FeedEntry{bus_epoch, op, key});
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

// set (splinter.h): KEY_TOO_LONG, TOO_LARGE, FULL (new key, all slots live)
// leave everything unchanged; OK bumps the bus epoch by exactly 1 and gives
// the key that epoch.
inline Expect model_set(Model &m, const std::string &key, const std::string &value) {
  if (key.size() > SPLINTER_KEY_MAX) return {Code::key_too_long};
  if (value.size() > m.max_value) return {Code::too_large};
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
  m.gone.erase(key);
  m.log(SPLINTER_OP_SET, key);
  return {Code::ok, e};
}

// unset: NOT_FOUND changes nothing (the bus epoch included); OK bumps it.
inline Expect model_unset(Model &m, const std::string &key) {
  if (key.size() > SPLINTER_KEY_MAX) return {Code::key_too_long};
  const auto it = m.kv.find(key);
  if (it == m.kv.end()) return {Code::not_found};
  const std::uint64_t e = ++m.bus_epoch;
  m.kv.erase(it);
  m.earlier.erase(key);
  m.gone.insert(key);
  m.log(SPLINTER_OP_UNSET, key);
  return {Code::ok, e};
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
inline bool bus_epoch_lags_at(int point) {
  return point == test::kSetCommitted || point == test::kUnsetCommitted || point == test::kSetFeedWritten ||
         point == test::kUnsetFeedWritten;
}
// Killed between its commit store and its feed entry (section 3, 2.2 step 7):
// the feed lacks the mutation's entry (its ring position still holds the
// entry change_ring epochs older) until the next writer writes it from the slot.
inline bool feed_lacks_commit_at(int point) { return point == test::kSetCommitted || point == test::kUnsetCommitted; }

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
  unsigned long probe_max = 0;  // longest probe chain seen (info.longest_probe)
  unsigned long tombstones_max = 0;
};
inline Stats &stats() {
  static Stats s;
  return s;
}

}  // namespace splinter::props

#endif  // SPLINTER_PROPS_MODEL_H
