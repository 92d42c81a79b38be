// model.h -- the parent's record of the committed history, built from the
// writer's journal: for each key, present or not, its epoch and the (gen,
// seq) of the set that wrote it; the bus epoch; and the one mutation that may
// be in flight when the writer is killed.
#ifndef SPLINTER_STRESS_MODEL_H
#define SPLINTER_STRESS_MODEL_H

#include "shared.h"
#include "value.h"

#include <splinter/splinter.h>

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

namespace stress {

struct KeyState {
  bool present = false;
  std::uint64_t epoch = 0;
  std::uint32_t gen = 0;
  std::uint64_t seq = 0;
};

// One committed mutation, as the change feed must show it.
struct Change {
  std::uint64_t epoch = 0;
  int op = 0;  // SPLINTER_OP_SET / SPLINTER_OP_UNSET
  std::uint32_t id = 0;
};

// One committed value of a key (its history entry).
struct Version {
  std::uint64_t epoch = 0;
  std::uint32_t gen = 0;
  std::uint64_t seq = 0;
};

class Model {
 public:
  explicit Model(const Universe &u) : u_(u), keys_(u.total()), versions_(u.total()) {
    for (std::uint32_t id = 0; id < u.total(); ++id) names_.push_back(u.name(id));
  }
  // The key's name (made once: the checks compare thousands of them).
  const std::string &name(std::uint32_t id) const { return names_[id]; }
  // How much of the past to keep: the last `log` committed mutations (at
  // least the feed's ring) and the last `depth` + 1 values of each key.
  void keep(std::uint32_t log, std::uint32_t depth) { log_cap_ = log, depth_ = depth; }
  // A set made before any writer ran (the parent's initial keys).
  void initial_set(std::uint32_t id, std::uint64_t epoch);
  // Applies one journal record; violations of the journal's own order exit.
  void apply(const JournalRecord &r);
  // Compares the bus (read through `bus`, with no writer mutating) with the
  // model. A pending mutation may show its old or its new state; it is then
  // resolved to what the bus shows. Returns how it was resolved: 0 none,
  // 1 old, 2 new.
  int verify(const splinter_bus *bus, bool bus_epoch_exact);
  void set_key(std::uint32_t id, const KeyState &k) { keys_[id] = k; }
  void set_bus_epoch(std::uint64_t e) { bus_epoch_ = e; }
  std::uint64_t bus_epoch() const { return bus_epoch_; }
  bool pending() const { return pending_.has_value(); }
  std::uint64_t acked() const { return acked_; }
  // The mutation in flight (its intent), if any.
  const std::optional<JournalRecord> &in_flight() const { return pending_; }
  // The committed mutation of epoch e, if still kept.
  const Change *change(std::uint64_t e) const;
  // The key's values since it was last created, oldest first (at most
  // depth + 1); empty when absent.
  const std::deque<Version> &versions(std::uint32_t id) const { return versions_[id]; }

 private:
  void commit(const JournalRecord &intent, std::uint64_t epoch);

  const Universe &u_;
  std::vector<KeyState> keys_;
  std::uint64_t bus_epoch_ = 0;
  std::optional<JournalRecord> pending_;
  std::uint64_t acked_ = 0;
  std::deque<Change> log_;  // consecutive epochs, oldest first
  std::vector<std::deque<Version>> versions_;
  std::vector<std::string> names_;
  std::uint32_t log_cap_ = 1u << 16, depth_ = 0;
};

}  // namespace stress

#endif  // SPLINTER_STRESS_MODEL_H
