// cmd_watch.cpp -- `splinterctl watch`: print every change as it happens.
//
// The watch follows the bus's change feed (splinter_changes): it waits with
// splinter_poll on the bus epoch from the epoch of the last change read, then
// reads every change after it, in epoch order, each once -- no rescans of
// the slots, and a key set k times shows k lines. A SET's value is read with
// get (or, when overwritten since, from the key's history); a value gone
// from both is printed as `overwritten`, and a later change of the key
// follows. When the feed no longer holds the changes after the epoch the
// watch follows from (COMPACTED: the ring wrapped past it, or --since is
// ahead of the bus) the watch says so on stderr and resynchronises from a
// listing marked `resync` (splinter.h, splinter_changes).
// Waits are bounded slices so that SIGINT / SIGTERM end the watch cleanly.
#include "codec.h"
#include "command.h"
#include "filter.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace splinterctl {

namespace {
struct Options {
  std::optional<std::string> key;
  std::optional<std::uint64_t> since;
  std::optional<std::int64_t> timeout_ms;
  std::optional<std::uint64_t> count;
  KeyFilter filter;
  bool json = false;
  bool time = false;
};

volatile std::sig_atomic_t g_stop = 0;
extern "C" void on_stop_signal(int) { g_stop = 1; }

void install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: a blocked wait returns early
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGHUP, &sa, nullptr);
}

constexpr std::int64_t kSliceMs = 100;  // longest wait before re-checking for a signal

// What a printed line says: a change of the feed (set with its value; set
// whose value is no longer readable; unset; the writer's removal of an
// expired key), or a resynchronisation (its start at a bus epoch; then one
// key as it is).
enum class Kind { set, overwritten, unset, expire, resync_start, resync };

struct Line {
  std::uint64_t epoch = 0;
  Kind kind = Kind::set;
  std::string key;
  std::string value;
};

const char *op_name(Kind k) {
  switch (k) {
    case Kind::set:
    case Kind::overwritten: return "set";
    case Kind::unset: return "unset";
    case Kind::expire: return "expire";
    case Kind::resync_start:
    case Kind::resync: return "resync";
  }
  return "?";
}

// The wall-clock time now, local, as RFC 3339 with milliseconds:
// "2025-03-01T14:07:09.042+01:00".
std::string wall_time() {
  timespec ts{};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  tm local{};
  ::localtime_r(&ts.tv_sec, &local);
  char date[32];
  char zone[8];
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &local);
  std::strftime(zone, sizeof zone, "%z", &local);  // +0100
  char out[64];
  std::snprintf(out, sizeof out, "%s.%03ld%.3s:%s", date, ts.tv_nsec / 1000000, zone, zone + 3);
  return out;
}

class Printer {
 public:
  Printer(bool json, bool time, std::optional<std::uint64_t> limit) : json_(json), time_(time), limit_(limit) {}
  bool done() const { return limit_ && printed_ >= *limit_; }
  // Prints one line and flushes it; false on an output error. --count
  // counts changes, not the lines of a resynchronisation.
  bool print(const Line &c) {
    if (done()) return true;
    const bool has_key = c.kind != Kind::resync_start;
    const bool has_value = c.kind == Kind::set || c.kind == Kind::resync;
    std::string line;
    if (json_) {
      nlohmann::json obj;
      if (time_) obj["time"] = wall_time();
      obj["epoch"] = c.epoch;
      obj["op"] = op_name(c.kind);
      if (has_key) put_bytes(obj, "key", c.key);
      if (has_value) put_bytes(obj, "value", c.value);
      if (c.kind == Kind::overwritten) obj["overwritten"] = true;
      line = obj.dump();
    } else {
      if (time_) line = wall_time() + '\t';
      line += std::to_string(c.epoch) + '\t' + op_name(c.kind);
      if (has_key) line += '\t' + escape(c.key);
      if (has_value) line += '\t' + escape(c.value);
    }
    line += '\n';
    if (c.kind != Kind::resync_start && c.kind != Kind::resync) ++printed_;
    return write_stdout(line) && std::fflush(stdout) == 0;
  }

 private:
  bool json_;
  bool time_;
  std::optional<std::uint64_t> limit_;
  std::uint64_t printed_ = 0;
};

// The wait budget: --timeout or forever, handed out in slices.
class Deadline {
 public:
  explicit Deadline(std::optional<std::int64_t> timeout_ms) {
    if (timeout_ms) end_ = Clock::now() + std::chrono::milliseconds(*timeout_ms);
  }
  bool passed() const { return end_ && Clock::now() >= *end_; }
  std::int64_t slice() const {
    if (!end_) return kSliceMs;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*end_ - Clock::now()).count();
    return std::clamp<std::int64_t>(left, 0, kSliceMs);
  }

 private:
  using Clock = std::chrono::steady_clock;
  std::optional<Clock::time_point> end_;
};

enum class End { stopped, timed_out, error };

// The value a SET of `key` at `epoch` wrote, if it can still be read: the
// key's current value when its epoch is still `epoch`, else the history's
// (splinter_history, on a bus created with --history). nullopt when the
// value was overwritten (or the key removed) before the watcher read it: a
// later change of the key then follows in the feed. Any other failure of
// the read is returned as *failure.
std::optional<std::string> value_of(const splinter::Bus &bus, const std::string &key, std::uint64_t epoch,
                                    bool has_history, splinter::Status *failure) {
  // AGAIN: the writer kept changing the key during the read, so a later
  // change of it exists; a few tries, then the value counts as overwritten.
  for (int attempt = 0; attempt < 4; ++attempt) {
    auto got = bus.get(key);
    if (got) {
      if (got->epoch == epoch) return std::string(got->text());
      break;  // newer (a later set): look in the history
    }
    const auto code = got.status().code();
    if (code == splinter::Code::not_found) return std::nullopt;  // unset or expired since: its removal follows
    if (code != splinter::Code::again) { *failure = got.status(); return std::nullopt; }
  }
  if (!has_history) return std::nullopt;
  std::optional<std::string> found;
  const splinter::Status st = bus.history(key, [&](std::uint64_t e, std::span<const std::byte> v) {
    if (e > epoch) return true;  // newer: go on to older values
    if (e == epoch) found.emplace(reinterpret_cast<const char *>(v.data()), v.size());
    return false;
  });
  const auto code = st.code();
  if (!st && code != splinter::Code::not_found && code != splinter::Code::again) *failure = st;
  return found;
}

// Follows the change feed (splinter_changes) from `since`: poll the bus
// epoch, then read every change after the last one printed. A key watch is a
// bus watch of that one key. On COMPACTED (the feed no longer holds the
// changes after `since`) it says so on stderr and resynchronises: it reads
// the bus epoch E, prints a `resync` line, then the keys it watches as they
// are (with epochs <= E; a later one comes again from the feed), and follows
// the feed from E.
class Follower {
 public:
  Follower(const splinter::Bus &bus, const BusAddress &addr, const Options &opt, Printer &out)
      : bus_(bus), addr_(addr), opt_(opt), out_(out) {}

  End run() {
    auto in = bus_.info();
    if (!in) { fail("cannot watch", addr_, in.status()); return End::error; }
    has_history_ = in->history_depth > 0;
    // From now unless --since: every change after the epoch read here.
    std::uint64_t since = opt_.since ? *opt_.since : bus_.epoch();
    const Deadline deadline(opt_.timeout_ms);
    // The first round reads the feed without waiting (--since may be behind).
    bool skip_wait = opt_.since.has_value();
    while (!g_stop && !out_.done()) {
      if (!skip_wait) {
        if (deadline.passed()) return End::timed_out;
        auto polled = bus_.poll_bus(since, deadline.slice());
        if (!polled) {
          const auto code = polled.status().code();
          if (code == splinter::Code::timeout || code == splinter::Code::again) continue;
          fail("cannot watch", addr_, polled.status());
          return End::error;
        }
      }
      skip_wait = false;
      std::vector<splinter::Change> batch;
      std::uint64_t last = since;
      const splinter::Status st = bus_.changes(
          since,
          [&](std::uint64_t epoch, splinter::Op op, std::string_view key) {
            batch.push_back({epoch, op, std::string(key)});
            return true;
          },
          &last);
      if (st.code() == splinter::Code::compacted) {
        const auto resumed = resync(since);
        if (!resumed) return End::error;
        since = *resumed;
        continue;
      }
      if (!st) { fail("cannot read the change feed of", addr_, st); return End::error; }
      for (const splinter::Change &c : batch) {
        if (g_stop || out_.done()) break;
        if (!watched(c.key)) continue;
        if (!print(c)) return End::error;
      }
      since = last;
    }
    return End::stopped;
  }

 private:
  bool watched(const std::string &key) const { return opt_.key ? key == *opt_.key : opt_.filter.matches(key); }

  bool print(const splinter::Change &c) {
    if (c.op == splinter::Op::expire) return out_.print({c.epoch, Kind::expire, c.key, {}});
    if (c.op != splinter::Op::set) return out_.print({c.epoch, Kind::unset, c.key, {}});
    splinter::Status failure;
    auto value = value_of(bus_, c.key, c.epoch, has_history_, &failure);
    if (!failure) { fail("cannot read '" + escape(c.key) + "' from", addr_, failure); return false; }
    if (!value) return out_.print({c.epoch, Kind::overwritten, c.key, {}});
    return out_.print({c.epoch, Kind::set, c.key, std::move(*value)});
  }

  // The resynchronisation after COMPACTED at `since`: the epoch to follow
  // the feed from, or nullopt on a failure (printed).
  std::optional<std::uint64_t> resync(std::uint64_t since) {
    const std::uint64_t now = bus_.epoch();  // read before the listing: later changes come again
    std::string why;
    if (since > now) {
      why = "epoch " + std::to_string(since) + " is ahead of the bus (epoch " + std::to_string(now) +
            "; recreated, or changes lost before a flush)";
    } else {
      auto in = bus_.info();
      const std::string held = in && in->feed_oldest != 0
                                   ? " (it holds the last " + std::to_string(in->change_ring) +
                                         " changes, from epoch " + std::to_string(in->feed_oldest) + ")"
                                   : std::string();
      why = "the change feed no longer holds the changes after epoch " + std::to_string(since) + held;
    }
    message("watch " + addr_.display() + ": " + why + "; resynchronising: a full listing at epoch " +
            std::to_string(now) + " follows, marked resync");
    if (!out_.print({now, Kind::resync_start, {}, {}})) return std::nullopt;
    std::vector<std::string> keys;
    if (opt_.key) {
      keys.push_back(*opt_.key);
    } else {
      auto listed = bus_.list();
      if (!listed) { fail("cannot list", addr_, listed.status()); return std::nullopt; }
      for (const auto &e : listed.value()) {
        if (opt_.filter.matches(e.key)) keys.push_back(e.key);
      }
      std::sort(keys.begin(), keys.end());
    }
    for (const std::string &key : keys) {
      for (int attempt = 0;; ++attempt) {
        auto got = bus_.get(key);
        if (got) {
          // Set after `now`: the feed brings it next.
          if (got->epoch <= now && !out_.print({got->epoch, Kind::resync, key, std::string(got->text())}))
            return std::nullopt;
          break;
        }
        const auto code = got.status().code();
        if (code == splinter::Code::not_found) break;  // removed after `now`: the feed brings it
        if (code == splinter::Code::again && attempt < 3) continue;
        if (code == splinter::Code::again) break;  // changing right now: the feed brings it
        fail("cannot read '" + escape(key) + "' from", addr_, got.status());
        return std::nullopt;
      }
    }
    return now;
  }

  const splinter::Bus &bus_;
  const BusAddress &addr_;
  const Options &opt_;
  Printer &out_;
  bool has_history_ = false;
};

int run(const Context &ctx, const Options &opt) {
  if (opt.key && opt.filter.active()) {
    message("watch: give a KEY or --prefix / --match (which filter a watch of the whole bus), not both");
    return kExitUsage;
  }
  return with_bus(ctx, splinter::Role::reader, [&](const BusAddress &addr, splinter::Bus &reader) {
    install_signal_handlers();
    Printer out(opt.json, opt.time, opt.count);
    const End end = Follower(reader, addr, opt, out).run();
    if (end == End::error) return kExitFailure;
    if (end == End::timed_out && opt.count && !out.done()) {
      message("watch " + addr.display() + ": timed out before " + std::to_string(*opt.count) + " changes");
      return kExitTimeout;
    }
    return kExitOk;
  });
}

void declare(Args &args, Options &opt) {
  args.option("key", &opt.key, "Key to watch; without it, the whole bus").type("KEY");
  args.option("--since", &opt.since,
              "Report every change after this epoch (default: from now): a watch that printed EPOCH last "
              "resumes with --since EPOCH, missing nothing and repeating nothing")
      .type("EPOCH");
  args.option("--timeout", &opt.timeout_ms, "Stop after this many milliseconds").type("MS").range(0, INT64_MAX);
  args.option("--count", &opt.count, "Stop after N changes (exit 5 if the timeout comes first)")
      .type("N").range(1, UINT64_MAX);
  opt.filter.declare(args, false);
  args.flag("--time", &opt.time,
            "Start each line with the local time the change was seen, e.g. 2025-03-01T14:07:09.042+01:00");
  args.flag("--json", &opt.json,
            "One JSON object per line: {\"epoch\", \"op\", \"key\", \"value\"} (and \"time\" with --time)");
  args.footer(
      "Each change is one line: EPOCH<TAB>set<TAB>KEY<TAB>VALUE, EPOCH<TAB>unset<TAB>KEY or, when the writer\n"
      "removes a key whose time to live ran out (set --ttl; see expire), EPOCH<TAB>expire<TAB>KEY (escaped as\n"
      "in C), flushed at once; --time puts TIME<TAB> first. The watch follows the bus's change feed: every change\n"
      "after --since (default: from now) is printed once, in epoch order, with its own epoch. A set whose\n"
      "value was overwritten (or expired) before the watch read it (and that no history holds: create\n"
      "--history) is EPOCH<TAB>set<TAB>KEY, no VALUE (JSON: \"overwritten\": true); the key's later change\n"
      "follows (for an expired key, its expire line, when the writer removes it).\n"
      "When the feed no longer holds the changes after the epoch the watch follows from (the ring wrapped,\n"
      "see create --change-ring; or --since is ahead of the bus), the watch says so on stderr and\n"
      "resynchronises: a line EPOCH<TAB>resync (the bus epoch E), then EPOCH<TAB>resync<TAB>KEY<TAB>VALUE for\n"
      "each watched key as it is (epochs up to E), then the changes after E. --count does not count resync\n"
      "lines. --prefix and --match watch only the keys they match (and --count counts only those).\n"
      "Examples:\n  splinterctl --shm demo watch greeting\n"
      "  splinterctl --shm demo watch --match 'sensor.*' --time\n"
      "  splinterctl --shm demo watch --since 1200 --count 10 --timeout 5000 --json\n"
      "Ctrl-C (SIGINT) or SIGTERM ends the watch with exit status 0.");
}

const Register<Options> kWatch({"watch", 70, "Print each change of KEY (or of any key) as it happens"}, declare, run);
}  // namespace

}  // namespace splinterctl
