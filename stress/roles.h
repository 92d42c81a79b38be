// roles.h -- the child processes of a load or kill-loop run, and the checks
// their threads make. Each child is this program exec'd with mode "reader" or
// "writer" (fork + exec, so every process is a fresh sanitizer runtime).
#ifndef SPLINTER_STRESS_ROLES_H
#define SPLINTER_STRESS_ROLES_H

#include "options.h"
#include "shared.h"
#include "value.h"

#include <splinter/splinter.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace stress {

int run_reader(const Options &o);  // mode "reader"
int run_writer(const Options &o);  // mode "writer"

// One reading thread: its own handle (or the writer's), its own view of what
// it has seen, and the oracles every observation must pass.
class Observer {
 public:
  Observer(const splinter_bus *bus, const Universe &u, ProcStats &st, int thread, std::uint64_t seed,
           std::string label);
  // get + full value check; returns the status (OK, NOT_FOUND or AGAIN).
  int get(std::uint32_t id, std::uint64_t *epoch = nullptr, ValueFacts *facts = nullptr);
  void list();                 // splinter_list + per-entry checks
  void poll_beacon();          // poll on a beacon: never misses an update; latency
  void poll_bus();             // poll on the bus epoch
  void follow_feed();          // poll + changes from the last change seen (feed.cpp)
  void getter_step();          // one random get (or a list)
  void heartbeat();
  std::mt19937_64 &rng() { return rng_; }

 private:
  void saw(std::uint32_t id, std::uint64_t epoch, const char *how);
  std::uint64_t bus_epoch_checked();

  const splinter_bus *bus_;
  const Universe &u_;
  ProcStats &st_;
  int thread_;
  std::mt19937_64 rng_;
  std::string label_;
  std::vector<std::uint64_t> seen_;  // highest non-zero epoch seen per key
  std::uint64_t bus_seen_ = 0;
  std::uint64_t feed_last_ = 0;  // the last change the feed gave this thread
  std::vector<unsigned char> buf_;
  std::uint64_t steps_ = 0;
  std::uint32_t poll_timeout_ms_;

 public:
  void set_poll_timeout(std::uint32_t ms) { poll_timeout_ms_ = ms; }
};

// Runs reader threads until the shared stop flag is raised. Thread 0 polls
// (a beacon, the bus, and follows the change feed) when there are at least
// two threads; the others get and list.
void reader_thread_body(Observer &obs, bool poller);

}  // namespace stress

#endif  // SPLINTER_STRESS_ROLES_H
