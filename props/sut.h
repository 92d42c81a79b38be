// sut.h -- the system under test: one bus (either backing) and its writer,
// and the oracle that compares any handle on it with the model.
#ifndef SPLINTER_PROPS_SUT_H
#define SPLINTER_PROPS_SUT_H

#include "model.h"

#include <splinter/splinter.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace splinter::props {

// Printable form of a key or value: printable ASCII as is, else \xNN.
std::string escape(const std::string &bytes);

// The oracle, through any handle (`who` names it in messages): the
// validator reports nothing -- or, when `bus_epoch_lags` (a writer died
// right after its commit store, FORMAT.md section 3), only F13 findings --;
// list equals the model (keys, lengths, epochs, each once); every live key's
// get equals the model (bytes and epoch); keys once set and now absent are
// NOT_FOUND, and so are expired keys (list skips them); every key's ttl is
// the model's; the bus epoch equals the model's; every live key's history
// equals the model's (values and epochs, newest first) and a removed key
// has none; the change feed gives exactly the model's entries from the
// oldest it holds, COMPACTED just before that and past the bus epoch.
// RC_FAILs.
void verify_bus(const Bus &handle, const Model &m, const char *who, bool bus_epoch_lags = false);

// Printable forms of what the feed and histories hold, for messages.
std::string show_entries(const std::vector<FeedEntry> &entries);
std::string show_values(const std::vector<Stored> &values);

// changes(since) through the allocating C++ call against model_changes(m,
// since): status, entries (epoch, op, key, each once, in order) and last.
void verify_changes(const Bus &handle, const Model &m, std::uint64_t since, const std::string &who);
// Whether the feed entries got are want's: the same epochs and ops, and
// each key the model's, or, for an entry of a group of removals
// (FeedEntry::group), any key of the group not given before in that group.
bool feed_matches(const std::vector<FeedEntry> &got, const std::vector<FeedEntry> &want);
// ttl(key) against the model: NOT_FOUND when absent or expired, UINT64_MAX
// without a deadline, else the deadline less the model's now, in ms, give
// or take a quarter of a clock unit (model.h, kClockUnitMs).
void verify_ttl(const Bus &handle, const Model &m, const std::string &key, const std::string &who);
// history(key) through the allocating C++ call against m.history(key).
void verify_history(const Bus &handle, const Model &m, const std::string &key, const std::string &who);

class Sut {
 public:
  // Creates a fresh bus with a unique name (pid + counter) and opens it.
  Sut(Backing backing, const Geometry &g);
  ~Sut();
  Sut(const Sut &) = delete;
  Sut &operator=(const Sut &) = delete;

  Backing backing() const { return backing_; }
  const std::string &name() const { return name_; }

  // The writer handle the commands mutate through.
  Bus writer;

  // Closes the writer, destroys the bus and creates a new one.
  void recreate(const Geometry &g);
  // Re-opens the writer role (after a close or a crashed child writer).
  void reopen_writer();
  // After every command: verify_bus through the writer, against the model
  // state after the command.
  void verify(const Model &m) const;

 private:
  void create(const Geometry &g);
  Backing backing_;
  std::string name_;
  std::string dir_;
};

}  // namespace splinter::props

#endif  // SPLINTER_PROPS_SUT_H
