// feed.h -- the change feed and the per-key histories against the writer's
// journal (the parent's checks after every death and takeover); the readers'
// feed follower is Observer::follow_feed (roles.h, feed.cpp).
#ifndef SPLINTER_STRESS_FEED_H
#define SPLINTER_STRESS_FEED_H

#include "model.h"
#include "value.h"

#include <splinter/splinter.h>

#include <cstdint>
#include <string>

namespace stress {

struct FeedCounts {
  std::uint64_t feed_checks = 0, feed_entries = 0, raw_checks = 0, in_flight_in_feed = 0, history_checks = 0,
                history_values = 0;
  std::uint64_t ns = 0;  // time the parent spent in these checks
};

// With no writer mutating: splinter_changes from the oldest epoch the feed
// holds yields exactly the committed mutations up to the bus epoch, each
// once, in epoch order, with the op and key of the journal; the epoch just
// before it answers COMPACTED.
void check_feed(const splinter_bus *view, const Model &m, const Universe &u, const char *when, FeedCounts &c);

// After a kill, on the raw bytes of the bus (testsupport's reading of
// docs/FORMAT.md 1.5): no feed entry holds an epoch past the committed
// history (a mutation that did not commit is in no entry), and the entry of
// the last committed epoch, when written but not yet covered by the bus
// epoch, holds the journal's op and key.
void check_feed_raw(splinter_backing backing, const std::string &name, const Model &m, const Universe &u,
                    const char *when, FeedCounts &c);

// With no writer mutating: every key's splinter_history is its values since
// it was last created, newest first, as many as the bus keeps (the current
// one and history_depth earlier ones), each the bytes the journal's set of
// that epoch wrote.
void check_histories(const splinter_bus *view, const Model &m, const Universe &u, const char *when, FeedCounts &c);

}  // namespace stress

#endif  // SPLINTER_STRESS_FEED_H
