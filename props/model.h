// model.h -- the one model of a bus for the stateful property tests.
//
// A plain map from key to (value, epoch), the bus epoch and the geometry:
// everything docs/FORMAT.md and splinter.h promise an observer can see. The
// functions below are the specification of each mutation, and of what a
// writer killed in the middle of one leaves (FORMAT.md section 3). Each
// command advances RapidCheck's model with them (Command::apply), and checks
// the real bus against that model in run: there is no other truth.
#ifndef SPLINTER_PROPS_MODEL_H
#define SPLINTER_PROPS_MODEL_H

#include "test_hooks.h"

#include <splinter/splinter.hpp>

#include <cstdint>
#include <map>
#include <set>
#include <string>

namespace splinter::props {

struct Stored {
  std::string value;
  std::uint64_t epoch = 0;
  friend bool operator==(const Stored &, const Stored &) = default;
};

struct Model {
  std::uint32_t slots = 1;
  std::uint32_t max_value = 0;
  std::map<std::string, Stored> kv;  // the live keys
  std::set<std::string> gone;        // keys once set and now absent (checked NOT_FOUND)
  std::uint64_t bus_epoch = 0;

  static Model fresh(std::uint32_t slots, std::uint32_t max_value) {
    Model m;
    m.slots = slots;
    m.max_value = max_value;
    return m;
  }
  const Stored *find(const std::string &key) const {
    const auto it = kv.find(key);
    return it == kv.end() ? nullptr : &it->second;
  }
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
  m.kv[key] = Stored{value, e};
  m.gone.erase(key);
  return {Code::ok, e};
}

// unset: NOT_FOUND changes nothing (the bus epoch included); OK bumps it.
inline Expect model_unset(Model &m, const std::string &key) {
  if (key.size() > SPLINTER_KEY_MAX) return {Code::key_too_long};
  const auto it = m.kv.find(key);
  if (it == m.kv.end()) return {Code::not_found};
  const std::uint64_t e = ++m.bus_epoch;
  m.kv.erase(it);
  m.gone.insert(key);
  return {Code::ok, e};
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
inline bool bus_epoch_lags_at(int point) { return point == test::kSetCommitted || point == test::kUnsetCommitted; }

// What the region shows between the crash and the next writer open: the
// committed state `after` (the model after the command), with the bus epoch
// of `before` when it lags.
inline Model left_by_crash(const Model &before, const Model &after, int point) {
  Model left = after;
  if (bus_epoch_lags_at(point)) left.bus_epoch = before.bus_epoch;
  return left;
}

// Coverage counters (printed at the end of the run, so that a run that
// never fills a bus or never crashes mid-commit is noticed).
struct Stats {
  unsigned long commands = 0, sets_ok = 0, full = 0, too_large = 0, unsets_ok = 0, not_found = 0,
                crash_old = 0, crash_new = 0, crash_lagging = 0, reclaim_not_reached = 0;
  unsigned long probe_max = 0;  // longest probe chain seen (info.longest_probe)
  unsigned long tombstones_max = 0;
};
inline Stats &stats() {
  static Stats s;
  return s;
}

}  // namespace splinter::props

#endif  // SPLINTER_PROPS_MODEL_H
