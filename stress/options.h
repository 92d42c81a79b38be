// options.h -- the harness's flags (one program, driven by flags).
#ifndef SPLINTER_STRESS_OPTIONS_H
#define SPLINTER_STRESS_OPTIONS_H

#include <splinter/splinter.h>

#include <cstdint>
#include <string>

namespace stress {

struct Options {
  std::string mode;                          // load | killloop | powerloss | expiry | writer | reader
  splinter_backing backing = SPLINTER_SHM;   // --backing shm|file
  std::uint32_t slots = 64;                  // --slots
  std::uint32_t max_value = 4096;            // --max-value
  std::uint32_t readers = 2;                 // --readers: reader processes
  std::uint32_t threads = 3;                 // --threads: threads (own handles) per process
  double duration = 10;                      // --duration seconds (load; last writer of killloop)
  std::uint32_t kills = 30;                  // --kills (killloop)
  std::uint32_t kill_min_ms = 2;             // --kill-min-ms: shortest writer life before SIGKILL
  std::uint32_t kill_max_ms = 60;            // --kill-max-ms
  std::uint32_t hook_kill_per_million = 0;   // --hook-kills: chance per crash point (test hooks)
  std::uint32_t states = 1000;               // --states (powerloss): hybrid files to try
  std::uint32_t poll_timeout_ms = 2000;      // --poll-timeout-ms; half of it is the wake latency bound
  std::uint32_t history_depth = 0;           // --history-depth: the bus's history_depth (load, killloop)
  std::uint32_t change_ring = 0;             // --change-ring: the bus's change_ring (0: the default)
  std::uint64_t seed = 0;                    // --seed (0: from the clock; printed)
  bool verbose = false;                      // --verbose
  // --ignore-rule N (powerloss, negative control only): drop the validator's
  // findings of rule N before the oracle sees them, as a validator that misses
  // them would. The "check flags every torn slot" oracle must then fail.
  std::uint32_t ignore_rule = 0;

  // Internal, set by the parent for its children.
  std::string bus;         // --bus: shm name or file path
  std::string stats;       // --stats: path of the shared stats page
  std::uint32_t proc = 0;  // --proc: index in the stats page
  std::uint32_t gen = 0;   // --gen: writer incarnation
  int journal_fd = -1;     // --journal-fd: writer -> parent records
  int control_fd = -1;     // --control-fd: parent -> writer "go"
  bool sync_journal = false;  // --sync-journal: flush each record before acting (killloop)
};

// Parses argv; on error prints usage and exits 2.
Options parse_options(int argc, char **argv);
const char *backing_name(splinter_backing b);

}  // namespace stress

#endif  // SPLINTER_STRESS_OPTIONS_H
