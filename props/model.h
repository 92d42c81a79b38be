// model.h -- the in-process model of a bus for the stateful property tests.
//
// A plain map from key to (value, epoch), the bus epoch and the geometry:
// everything docs/FORMAT.md and splinter.h promise an observer can see. The
// step functions are the specification of each mutation, used both to
// advance RapidCheck's model (Command::apply) and to predict what the real
// bus must answer (Command::run).
#ifndef SPLINTER_PROPS_MODEL_H
#define SPLINTER_PROPS_MODEL_H

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

// Coverage counters (printed at the end of the run, so that a run that
// never fills a bus or never crashes mid-commit is noticed).
struct Stats {
  unsigned long commands = 0, sets_ok = 0, full = 0, too_large = 0, unsets_ok = 0, not_found = 0,
                crashes_killed = 0, crash_old = 0, crash_new = 0, crash_completed = 0;
  unsigned long probe_max = 0;  // longest probe chain seen (info.longest_probe)
  unsigned long tombstones_max = 0;
};
inline Stats &stats() {
  static Stats s;
  return s;
}

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

}  // namespace splinter::props

#endif  // SPLINTER_PROPS_MODEL_H
