// feed.cpp -- follow_feed: the change feed into a Sink (feed.h).
#include "feed.h"

#include "common.h"

#include <unordered_set>
#include <vector>

namespace bridge {

namespace {

enum class State { set, absent, unstable };

// The key's current state: its value (in *out) or absent. AGAIN that persists
// means the writer keeps changing the key: a later change of it follows in
// the feed, so the caller skips it.
State read_key(const splinter::Bus &bus, const std::string &key, std::vector<std::byte> *out) {
  for (int attempt = 0; attempt < 8; ++attempt) {
    auto got = bus.get(key);
    if (got) { *out = std::move(got->bytes); return State::set; }
    const auto code = got.status().code();
    if (code == splinter::Code::not_found) return State::absent;
    if (code != splinter::Code::again)
      throw Fatal(kExitFailure, "cannot read key " + printable_key(key) + ": " + got.status().what());
  }
  return State::unstable;
}

class Follower {
 public:
  Follower(const splinter::Bus &bus, Sink &sink, const FeedOptions &opt) : bus_(bus), sink_(sink), opt_(opt) {}

  std::uint64_t run() {
    std::uint64_t since = 0;
    bool need_resync = true;
    if (opt_.resume) {
      since = *opt_.resume;
      need_resync = false;
      log("info", "resuming", {{"epoch", since}, {"bus_epoch", bus_.epoch()}});
    }
    if (need_resync) since = resync("start");
    std::uint64_t idle_logged = UINT64_MAX;
    bool first = true;  // the first round reads the feed without waiting (a resume may be behind)
    while (!g_stop) {
      sink_.tick();
      if (!first) {
        auto polled = bus_.poll_bus(since, opt_.slice.count());
        if (!polled) {
          const auto code = polled.status().code();
          if (code == splinter::Code::timeout) {
            if (opt_.once) return since;
            if (idle_logged != since) {
              log("info", "idle", {{"epoch", since}});
              idle_logged = since;
            }
            continue;
          }
          if (code == splinter::Code::again) continue;
          throw Fatal(kExitFailure, "cannot poll the bus: " + polled.status().what());
        }
      }
      first = false;
      std::vector<splinter::Change> batch;
      std::uint64_t last = since;
      const splinter::Status st = bus_.changes(
          since,
          [&](std::uint64_t epoch, splinter::Op op, std::string_view key) {
            batch.push_back({epoch, op, std::string(key)});
            return batch.size() < 4096;  // bounded batches: progress is committed between them
          },
          &last);
      if (st.code() == splinter::Code::compacted) {
        since = resync(since > bus_.epoch() ? "ahead" : "compacted");
        continue;
      }
      if (!st) throw Fatal(kExitFailure, "cannot read the change feed: " + st.what());
      apply(batch);
      if (last != since) {
        sink_.commit(last);
        since = last;
      } else if (opt_.once) {
        return since;
      }
    }
    return since;
  }

 private:
  // Each changed key once, in the order of its last change in the batch,
  // with its state as it is now.
  void apply(const std::vector<splinter::Change> &batch) {
    std::unordered_set<std::string> done;
    std::vector<const splinter::Change *> last_changes;
    for (auto it = batch.rbegin(); it != batch.rend(); ++it)
      if (done.insert(it->key).second) last_changes.push_back(&*it);
    std::vector<std::byte> value;
    for (auto it = last_changes.rbegin(); it != last_changes.rend(); ++it) {
      const splinter::Change *c = *it;
      if (opt_.drop_key && !dropped_ && c->key == *opt_.drop_key) {
        dropped_ = true;
        log("warn", "test: dropping a change (--test-drop-key)", {{"key", printable_key(c->key)}, {"epoch", c->epoch}});
        continue;
      }
      switch (read_key(bus_, c->key, &value)) {
        case State::set: sink_.put(c->key, value); break;
        case State::absent: sink_.remove(c->key); break;
        case State::unstable: break;  // changing right now: its next change follows
      }
    }
  }

  // Lists the bus into the sink; returns the epoch to follow from.
  std::uint64_t resync(const char *why) {
    const std::uint64_t now = bus_.epoch();  // before the listing: later changes come again
    log("info", "resynchronising", {{"reason", why}, {"epoch", now}});
    auto listed = bus_.list();
    if (!listed) throw Fatal(kExitFailure, "cannot list the bus: " + listed.status().what());
    std::set<std::string> live;
    std::vector<std::byte> value;
    for (const auto &e : listed.value()) {
      switch (read_key(bus_, e.key, &value)) {
        case State::set: sink_.put(e.key, value); live.insert(e.key); break;
        case State::absent: break;  // removed after `now`: the feed brings it
        case State::unstable: live.insert(e.key); break;  // changing: the feed brings it
      }
    }
    sink_.retain_only(live);
    sink_.commit(now);
    log("info", "resynchronised", {{"epoch", now}, {"keys", live.size()}});
    return now;
  }

  const splinter::Bus &bus_;
  Sink &sink_;
  const FeedOptions &opt_;
  bool dropped_ = false;
};

}  // namespace

std::uint64_t follow_feed(const splinter::Bus &bus, Sink &sink, const FeedOptions &opt) {
  return Follower(bus, sink, opt).run();
}

}  // namespace bridge
