// feed.h -- following a bus's change feed into a Sink (a target bus, a NATS
// KV bucket), as splinter.h prescribes for splinter_changes.
//
// Each round polls the bus epoch, reads every change after the last epoch
// applied and gives the sink each changed key's *current* state (a set with
// its value, or a removal): a key changed k times in one batch is applied
// once, and a key changed again after it was read comes again in the next
// batch. Application is therefore at-least-once, and the sink converges to
// the bus once the bus is quiet. On start (unless resuming from an epoch
// the feed still holds) and on COMPACTED the follower resynchronises: it
// takes the bus epoch E, gives the sink every listed key, then the set of
// keys it listed so that the sink removes any other key, and follows the
// feed from E (changes after E come again).
#ifndef SPLINTER_BRIDGE_FEED_H
#define SPLINTER_BRIDGE_FEED_H

#include <splinter/splinter.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>

namespace bridge {

class Sink {
 public:
  virtual ~Sink() = default;
  virtual void put(std::string_view key, std::span<const std::byte> value) = 0;
  virtual void remove(std::string_view key) = 0;
  // After a resynchronisation's puts: remove every key not in `live`.
  virtual void retain_only(const std::set<std::string> &live) = 0;
  // Everything through `epoch` of the bus has been given to the sink.
  virtual void commit(std::uint64_t epoch) = 0;
  // Called between rounds (at least every poll slice): flush timers.
  virtual void tick() {}
};

struct FeedOptions {
  std::optional<std::uint64_t> resume;  // follow from this epoch if the feed holds it; else resync first
  bool once = false;                    // return once the sink holds the bus as it was when the feed ran dry
  std::optional<std::string> drop_key;  // test only: the first feed change of this key is not given
  std::chrono::milliseconds slice{100};
};

// Follows until g_stop (or, with once, caught up); returns the last epoch
// committed. Throws Fatal on a bus failure; a sink's exceptions pass through.
std::uint64_t follow_feed(const splinter::Bus &bus, Sink &sink, const FeedOptions &opt);

}  // namespace bridge

#endif  // SPLINTER_BRIDGE_FEED_H
