// mirror.cpp -- `splinter-bridge mirror --from BUS --to BUS`: a local copy
// of a bus, e.g. a memory bus onto a persistent file bus, with no NATS.
// It reads --from as a reader, holds the writer role of --to (created with
// --from's geometry when missing) and follows --from's change feed into it
// (feed.h), flushing a file bus every --flush-interval while it has
// unflushed mutations, and on exit.
#include "commands.h"
#include "common.h"
#include "feed.h"

namespace bridge {

namespace {

class BusSink : public Sink {
 public:
  BusSink(splinter::Bus &target, Flusher &flusher) : target_(target), flusher_(flusher) {}

  void put(std::string_view key, std::span<const std::byte> value) override {
    const splinter::Status st = target_.set(key, value);
    if (!st) throw Fatal(kExitFailure, "cannot set " + printable_key(key) + " in the target: " + st.what());
    flusher_.dirty();
  }
  void remove(std::string_view key) override {
    const splinter::Status st = target_.unset(key);
    if (!st && st.code() != splinter::Code::not_found)
      throw Fatal(kExitFailure, "cannot unset " + printable_key(key) + " in the target: " + st.what());
    if (st) flusher_.dirty();
  }
  void retain_only(const std::set<std::string> &live) override {
    auto listed = target_.list();
    if (!listed) throw Fatal(kExitFailure, "cannot list the target: " + listed.status().what());
    for (const auto &e : listed.value()) {
      if (!live.contains(e.key)) remove(e.key);
    }
  }
  void commit(std::uint64_t) override { flusher_.maybe_flush(); }
  void tick() override { flusher_.maybe_flush(); }

 private:
  splinter::Bus &target_;
  Flusher &flusher_;
};

}  // namespace

int run_mirror(const MirrorOptions &opt) {
  set_log_command("mirror");
  const BusAddress from = parse_bus(opt.from);
  const BusAddress to = parse_bus(opt.to);
  const auto interval = parse_duration(opt.flush_interval);
  if (from.backing == to.backing && from.name == to.name) throw Fatal(kExitUsage, "--from and --to are the same bus");
  install_signal_handlers();

  splinter::Bus source = open_bus(from, splinter::Role::reader);
  auto in = source.info();
  if (!in) throw Fatal(kExitFailure, "cannot read the geometry of " + from.display() + ": " + in.status().what());
  splinter::Options geometry;
  geometry.slots = in->slots;
  geometry.max_value_size = in->max_value_size;
  geometry.change_ring = in->change_ring;
  geometry.history_depth = in->history_depth;
  splinter::Bus target = open_bus(to, splinter::Role::writer, geometry);
  auto tin = target.info();
  if (!tin) throw Fatal(kExitFailure, "cannot read the geometry of " + to.display() + ": " + tin.status().what());
  if (tin->slots < in->slots || tin->max_value_size < in->max_value_size)
    throw Fatal(kExitConfig, to.display() + " (slots " + std::to_string(tin->slots) + ", max value size " +
                                 std::to_string(tin->max_value_size) + ") cannot hold " + from.display() + " (slots " +
                                 std::to_string(in->slots) + ", max value size " +
                                 std::to_string(in->max_value_size) + "): give a bus at least that large");
  log("info", "mirroring", {{"from", from.display()}, {"to", to.display()}, {"flush_interval_ms", interval.count()}});

  Flusher flusher(target, to.backing == splinter::Backing::file, interval);
  BusSink sink(target, flusher);
  FeedOptions fo;
  fo.once = opt.once;
  fo.drop_key = opt.test_drop_key;
  const std::uint64_t last = follow_feed(source, sink, fo);
  flusher.maybe_flush(true);
  log("info", "stopped", {{"epoch", last}, {"target_epoch", target.epoch()}});
  return kExitOk;
}

}  // namespace bridge
