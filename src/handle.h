// handle.h -- what a splinter_bus handle holds (the opaque type of splinter.h).
// Only the core (bus.cpp, check.cpp, ops.cpp) looks inside it.
#ifndef SPLINTER_SRC_HANDLE_H
#define SPLINTER_SRC_HANDLE_H

#include "protocol.h"
#include "region.h"

#include <splinter/splinter.h>

#include <atomic>
#include <cstdint>
#include <string>

struct splinter_bus {
  int backing = 0;
  int role = SPLINTER_READER;
  std::string path;
  int fd = -1;
  void *map = nullptr;        // the whole region: read-write for a writer, read-only for a reader
  std::uint64_t map_len = 0;
  void *waiter_map = nullptr; // a reader's read-write mapping of the waiter page, if permitted
  // The region; a reader's is over a read-only mapping and only ever used as a RegionView.
  splinter::Region region;
  // The waiter page to announce on when polling (FORMAT.md 2.5): in map
  // (writer) or waiter_map (reader); unset (can_announce false) if neither is writable.
  splinter::WaitWords wait_words;
  bool can_announce = false;
  // splinter_set_spin: set by any thread, read once by each poll;
  // protocol::kAdaptiveSpin until it is called.
  std::atomic<std::uint32_t> spin_us{splinter::protocol::kAdaptiveSpin};
  // When a poll on this handle last returned a change it waited for
  // (CLOCK_MONOTONIC, us): what the adaptive spin asks. Polls of any thread
  // store it (relaxed): a hint, never trusted for correctness.
  mutable std::atomic<std::uint64_t> last_change_us{0};
  splinter::protocol::Writer writer;  // writer handles only
};

#endif  // SPLINTER_SRC_HANDLE_H
