// publish.cpp -- `splinter-bridge publish --bus BUS --nats URL --bucket NAME`:
// the leader side. Reads BUS as a reader and follows its change feed
// (feed.h) into a JetStream KV bucket: a set puts the key's value under
// "k." + its encoding (keycode.h), an unset deletes it. After each batch the
// last epoch published goes to "meta.progress", so a restarted publisher
// resumes from there when the bus's feed still holds the changes after it,
// and resynchronises otherwise. A NATS failure (server away, timeout) is
// retried from the last epoch recorded: changes may be put twice, never lost.
#include "commands.h"
#include "common.h"
#include "feed.h"
#include "geometry.h"
#include "keycode.h"

#include <thread>

namespace bridge {

namespace {

class BucketSink : public Sink {
 public:
  BucketSink(Nats &nats, std::optional<std::uint64_t> committed) : nats_(nats), committed_(committed) {}

  void put(std::string_view key, std::span<const std::byte> value) override { nats_.put(bucket_key(key), value); }
  void remove(std::string_view key) override { nats_.remove(bucket_key(key)); }
  void retain_only(const std::set<std::string> &live) override {
    std::size_t removed = 0;
    for (const std::string &k : nats_.keys()) {
      const auto key = splinter_key(k);
      if (!key) continue;  // meta.* and foreign keys are left alone
      if (!live.contains(*key)) {
        nats_.remove(k);
        ++removed;
      }
    }
    if (removed > 0) log("info", "resync removed bucket keys the bus lacks", {{"removed", removed}});
  }
  void commit(std::uint64_t epoch) override {
    if (committed_ && *committed_ == epoch) return;
    put_progress(nats_, {epoch, unix_ms()});
    committed_ = epoch;
  }
  std::optional<std::uint64_t> committed() const { return committed_; }

 private:
  Nats &nats_;
  std::optional<std::uint64_t> committed_;
};

// Waits `ms` in small steps, returning early on a stop signal.
void pause(std::int64_t ms) {
  for (std::int64_t waited = 0; waited < ms && !g_stop; waited += 50)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
}

}  // namespace

int run_publish(const PublishOptions &opt) {
  set_log_command("publish");
  const BusAddress addr = parse_bus(opt.bus);
  if (opt.history < 1 || opt.history > 64) throw Fatal(kExitUsage, "--history: 1..64");
  install_signal_handlers();
  splinter::Bus bus = open_bus(addr, splinter::Role::reader);
  auto in = bus.info();
  if (!in) throw Fatal(kExitFailure, "cannot read the geometry of " + addr.display() + ": " + in.status().what());

  Nats nats(opt.nats);
  if (static_cast<std::int64_t>(in->max_value_size) > nats.max_payload())
    throw Fatal(kExitConfig, addr.display() + " holds values up to " + std::to_string(in->max_value_size) +
                                 " bytes but the NATS server's max_payload is " + std::to_string(nats.max_payload()) +
                                 " bytes: raise max_payload in the server's configuration (or use a bus with a smaller "
                                 "max value size); nothing was published");
  nats.bind(opt.bucket, true, opt.history, opt.replicas);
  put_geometry(nats, *in);

  std::optional<std::uint64_t> resume;
  if (!opt.resync) {
    if (auto p = get_progress(nats)) resume = p->epoch;
  }
  log("info", "publishing", {{"bus", addr.display()}, {"bucket", opt.bucket}, {"bus_epoch", bus.epoch()},
                             {"resume", resume ? nlohmann::json(*resume) : nlohmann::json(nullptr)}});
  std::int64_t backoff = 100;
  for (;;) {
    BucketSink sink(nats, resume);
    FeedOptions fo;
    fo.resume = resume;
    fo.once = opt.once;
    fo.drop_key = opt.test_drop_key;
    try {
      const std::uint64_t last = follow_feed(bus, sink, fo);
      log("info", "stopped", {{"epoch", last}});
      return kExitOk;
    } catch (const NatsError &e) {
      // Resume from the last epoch recorded in the bucket by this run (or the one before).
      if (sink.committed()) resume = sink.committed();
      log("warn", "nats failed; retrying", {{"error", e.what()}, {"resume", resume ? nlohmann::json(*resume) : nlohmann::json(nullptr)},
                                            {"backoff_ms", backoff}});
      pause(backoff);
      backoff = std::min<std::int64_t>(backoff * 2, 2000);
      if (g_stop) return kExitOk;
    }
  }
}

}  // namespace bridge
