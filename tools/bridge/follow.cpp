// follow.cpp -- `splinter-bridge follow --bus BUS --nats URL --bucket NAME`:
// the follower side. Holds the writer role of BUS (created with the
// geometry the publisher recorded in the bucket when missing) and applies
// the bucket's watch: first the last entry of every key (the catch-up; keys
// the local bus holds and the bucket does not are then removed), then every
// update. After a reconnection to NATS (or a slow-consumer error) it watches
// again from the start, which catches up whatever it missed.
#include "commands.h"
#include "common.h"
#include "geometry.h"
#include "keycode.h"

#include <set>
#include <thread>

namespace bridge {

namespace {

void pause(std::int64_t ms) {
  for (std::int64_t waited = 0; waited < ms && !g_stop; waited += 50)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
}

class Applier {
 public:
  Applier(splinter::Bus &bus, Flusher &flusher) : bus_(bus), flusher_(flusher) {}
  void set(const std::string &key, std::span<const std::byte> value) {
    const splinter::Status st = bus_.set(key, value);
    if (!st) {
      const int code = st.code() == splinter::Code::too_large ? kExitConfig : kExitFailure;
      throw Fatal(code, "cannot set " + printable_key(key) + " in the local bus: " + st.what());
    }
    flusher_.dirty();
  }
  void unset(const std::string &key) {
    const splinter::Status st = bus_.unset(key);
    if (!st && st.code() != splinter::Code::not_found)
      throw Fatal(kExitFailure, "cannot unset " + printable_key(key) + " in the local bus: " + st.what());
    if (st) flusher_.dirty();
  }
  void retain_only(const std::set<std::string> &live) {
    auto listed = bus_.list();
    if (!listed) throw Fatal(kExitFailure, "cannot list the local bus: " + listed.status().what());
    for (const auto &e : listed.value())
      if (!live.contains(e.key)) unset(e.key);
  }

 private:
  splinter::Bus &bus_;
  Flusher &flusher_;
};

}  // namespace

int run_follow(const FollowOptions &opt) {
  set_log_command("follow");
  const BusAddress addr = parse_bus(opt.bus);
  const auto interval = parse_duration(opt.flush_interval);
  install_signal_handlers();
  Nats nats(opt.nats);

  bool said = false;
  std::optional<splinter::Options> geometry;
  while (!g_stop) {
    try {
      if (nats.bind(opt.bucket, false) && (geometry = get_geometry(nats))) break;
    } catch (const NatsError &e) {
      log("warn", "nats failed; retrying", {{"error", e.what()}});
    }
    if (!said) log("info", "waiting for the publisher to create the bucket and record the geometry", {{"bucket", opt.bucket}});
    said = true;
    pause(200);
  }
  if (g_stop) return kExitOk;
  splinter::Options create = *geometry;
  if (opt.slots) create.slots = *opt.slots;
  if (opt.max_value_size) create.max_value_size = *opt.max_value_size;
  splinter::Bus bus = open_bus(addr, splinter::Role::writer, create);
  auto in = bus.info();
  if (!in) throw Fatal(kExitFailure, "cannot read the geometry of " + addr.display() + ": " + in.status().what());
  if (in->max_value_size < geometry->max_value_size)
    throw Fatal(kExitConfig, addr.display() + " holds values up to " + std::to_string(in->max_value_size) +
                                 " bytes, the leader up to " + std::to_string(geometry->max_value_size) +
                                 ": give a bus with a max value size at least that large");
  if (in->slots < geometry->slots)
    log("warn", "the local bus has fewer slots than the leader: it fills up first",
        {{"slots", in->slots}, {"leader_slots", geometry->slots}});
  log("info", "following", {{"bus", addr.display()}, {"bucket", opt.bucket}});

  Flusher flusher(bus, addr.backing == splinter::Backing::file, interval);
  Applier apply(bus, flusher);
  bool dropped = false;
  std::int64_t backoff = 100;
  while (!g_stop) {
    try {
      const std::uint64_t reconnects = nats.reconnects();
      const std::uint64_t slow = nats.slow_consumer_errors();
      nats.watch();
      bool initial = true;
      std::set<std::string> seen;
      std::uint64_t revision = 0;
      std::uint64_t idle_logged = UINT64_MAX;
      while (!g_stop) {
        if (nats.reconnects() != reconnects || nats.slow_consumer_errors() != slow) {
          log("info", "watching again from the start (reconnected or slow consumer)");
          break;
        }
        bool initial_done = false;
        auto e = nats.next(100, &initial_done);
        if (initial_done) {
          initial = false;
          apply.retain_only(seen);
          seen.clear();
          log("info", "caught up", {{"revision", revision}, {"epoch", bus.epoch()}});
          if (opt.once) {
            flusher.maybe_flush(true);
            return kExitOk;
          }
          continue;
        }
        if (!e) {
          if (!initial && idle_logged != revision) {
            log("info", "idle", {{"revision", revision}, {"epoch", bus.epoch()}});
            idle_logged = revision;
          }
          flusher.maybe_flush();
          continue;
        }
        revision = std::max(revision, e->revision);
        const auto key = splinter_key(e->key);
        if (!key) continue;  // meta.* records
        if (opt.test_drop_key && !initial && !dropped && *key == *opt.test_drop_key) {
          dropped = true;
          log("warn", "test: dropping a change (--test-drop-key)", {{"key", e->key}});
          continue;
        }
        if (e->removed) {
          apply.unset(*key);
        } else {
          apply.set(*key, e->value);
          if (initial) seen.insert(*key);
        }
        flusher.maybe_flush();
      }
      backoff = 100;
    } catch (const NatsError &e) {
      log("warn", "nats failed; watching again", {{"error", e.what()}, {"backoff_ms", backoff}});
      pause(backoff);
      backoff = std::min<std::int64_t>(backoff * 2, 2000);
    }
  }
  nats.unwatch();
  flusher.maybe_flush(true);
  log("info", "stopped", {{"epoch", bus.epoch()}});
  return kExitOk;
}

}  // namespace bridge
