// cmd_info.cpp -- `splinterctl info`: geometry, backing, counts and epoch.
#include "command.h"
#include "remaining.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <memory>

namespace splinterctl {

namespace {
struct Options {
  bool json = false;
};

// Keys with a deadline that are still live, and keys that have expired but
// that the writer has not removed yet (they count in live_keys). splinter_info
// gives neither: they are counted from a listing and each listed key's time
// to live, read after `in` -- each count exact on a bus no writer changes
// meanwhile. A live slot that list skips is an expired key (or a damaged
// slot, which `check` reports).
struct Deadlines {
  std::uint64_t with_ttl = 0;
  std::uint64_t expired = 0;
};

splinter::Result<Deadlines> count_deadlines(const splinter::Bus &reader, const splinter::Info &in) {
  auto listed = reader.list();
  if (!listed) return listed.status();
  Deadlines d;
  std::uint64_t live = 0;  // listed, and not expired since
  for (const splinter::Entry &e : listed.value()) {
    auto ttl = remaining_ttl(reader, e.key);
    if (!ttl && ttl.status().code() == splinter::Code::not_found) continue;
    ++live;
    if (ttl && *ttl != kNever) ++d.with_ttl;
  }
  d.expired = in.live_keys > live ? in.live_keys - live : 0;
  return d;
}

int run(const Context &ctx, const Options &opt) {
  return with_bus(ctx, splinter::Role::reader, [&](const BusAddress &bus, splinter::Bus &reader) {
    auto got = reader.info();
    if (!got) return fail("cannot read info of", bus, got.status());
    const splinter::Info &in = got.value();
    auto counted = count_deadlines(reader, in);
    if (!counted) return fail("cannot list", bus, counted.status());
    const Deadlines &deadlines = counted.value();
    const double load = in.slots ? static_cast<double>(in.live_keys) / in.slots : 0.0;
    const char *backing = in.backing == SPLINTER_FILE ? "file" : "shm";
    const bool held = in.writer_pid != 0;
    if (opt.json) {
      nlohmann::json j;
      j["bus"] = bus.display();
      j["backing"] = backing;
      j["format_version"] = in.format_version;
      j["slots"] = in.slots;
      j["max_value_size"] = in.max_value_size;
      j["region_size"] = in.region_size;
      j["live_keys"] = in.live_keys;
      j["keys_with_ttl"] = deadlines.with_ttl;
      j["expired_keys"] = deadlines.expired;
      j["tombstones"] = in.tombstones;
      j["load_factor"] = load;
      j["longest_probe"] = in.longest_probe;
      j["bus_epoch"] = in.bus_epoch;
      j["writer_held"] = held;
      j["writer_pid"] = held ? nlohmann::json(in.writer_pid) : nlohmann::json(nullptr);
      j["waiters"] = in.waiters;
      j["change_ring"] = in.change_ring;
      j["feed_oldest"] = in.feed_oldest != 0 ? nlohmann::json(in.feed_oldest) : nlohmann::json(nullptr);
      j["history_depth"] = in.history_depth;
      j["library_version"] = splinter_version();
      return output(j.dump(2) + "\n");
    }
    char load_text[32];
    std::snprintf(load_text, sizeof load_text, "%.3f", load);
    std::string out;
    auto line = [&out](const char *name, const std::string &value) {
      out += name;
      out += ':';
      out.append(16 - std::string_view(name).size(), ' ');
      out += value;
      out += '\n';
    };
    line("bus", bus.display());
    line("backing", backing);
    line("format_version", std::to_string(in.format_version));
    line("slots", std::to_string(in.slots));
    line("max_value_size", std::to_string(in.max_value_size) + " bytes");
    line("region_size", std::to_string(in.region_size) + " bytes");
    line("live_keys", std::to_string(in.live_keys));
    line("keys_with_ttl", std::to_string(deadlines.with_ttl) + " (live keys that expire)");
    line("expired_keys", std::to_string(deadlines.expired) +
                             " (absent to readers; the writer has not removed them yet: splinterctl expire)");
    line("tombstones", std::to_string(in.tombstones));
    line("load_factor", load_text);
    line("longest_probe", std::to_string(in.longest_probe) + " slots");
    line("bus_epoch", std::to_string(in.bus_epoch));
    line("writer", held ? "held by pid " + std::to_string(in.writer_pid) : std::string("none"));
    line("waiters", std::to_string(in.waiters));
    line("change_feed", std::to_string(in.change_ring) + " entries, " +
                            (in.feed_oldest != 0 ? "oldest epoch held " + std::to_string(in.feed_oldest)
                                                 : std::string("empty")));
    line("history_depth", std::to_string(in.history_depth) + " earlier values per key");
    return output(out);
  });
}

void declare(Args &args, Options &opt) {
  args.flag("--json", &opt.json, "Print one JSON object");
  args.footer(
      "live_keys counts the slots that hold a key, expired_keys included: keys whose deadline has passed\n"
      "(absent to every reader) and that the writer has not yet removed (splinterctl expire removes them).\n"
      "keys_with_ttl counts the live keys that have a deadline (set --ttl). Both are counted from a listing\n"
      "after live_keys: exact while no writer changes the bus.\n"
      "change_feed is the feed's size (create --change-ring) and the oldest epoch it holds: watch --since E\n"
      "resumes without a resync when E + 1 is at least that epoch. history_depth is create --history.\n"
      "Example:\n  splinterctl --file /var/lib/app.bus info");
}

const Register<Options> kInfo({"info", 80, "Describe a bus: geometry, size, counts, epoch, writer, change feed, history depth"}, declare, run);
}  // namespace

}  // namespace splinterctl
