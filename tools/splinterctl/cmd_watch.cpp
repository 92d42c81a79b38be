// cmd_watch.cpp -- `splinterctl watch`: print every change as it happens.
//
// No change is missed between two prints: each wait is a splinter_poll with
// the epoch of what was printed last, which returns at once if anything
// changed since (splinter.h: "no update can be missed between a get and the
// poll that follows it with the epoch that get returned"). A key watch polls
// the key's epoch; a bus watch polls the bus epoch and diffs `list` against
// the epochs it has already reported. Values overwritten before the watcher
// could read them are not observable by anyone and show as one change.
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
#include <limits>
#include <map>
#include <memory>

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

struct Change {
  std::uint64_t epoch = 0;
  bool is_set = true;
  std::string key;
  std::string value;
};

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
  // Prints one change line and flushes it; false on an output error.
  bool print(const Change &c) {
    if (done()) return true;
    std::string line;
    if (json_) {
      nlohmann::json obj;
      if (time_) obj["time"] = wall_time();
      obj["epoch"] = c.epoch;
      obj["op"] = c.is_set ? "set" : "unset";
      put_bytes(obj, "key", c.key);
      if (c.is_set) put_bytes(obj, "value", c.value);
      line = obj.dump();
    } else {
      if (time_) line = wall_time() + '\t';
      line += std::to_string(c.epoch) + (c.is_set ? "\tset\t" : "\tunset\t") + escape(c.key);
      if (c.is_set) line += '\t' + escape(c.value);
    }
    line += '\n';
    ++printed_;
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

End watch_key(const splinter::Bus &bus, const BusAddress &addr, const std::string &key,
              const Options &opt, Printer &out) {
  std::uint64_t since = 0;
  if (opt.since) {
    since = *opt.since;
  } else {
    // The key's current epoch (0 when absent): no epoch is UINT64_MAX, so the
    // poll returns it at once.
    auto now = bus.poll(key, std::numeric_limits<std::uint64_t>::max(), 0);
    if (!now) { fail("cannot watch '" + escape(key) + "' on", addr, now.status()); return End::error; }
    since = now.value();
  }
  const Deadline deadline(opt.timeout_ms);
  while (!g_stop && !out.done()) {
    if (deadline.passed()) return End::timed_out;
    auto polled = bus.poll(key, since, deadline.slice());
    if (!polled) {
      const auto code = polled.status().code();
      if (code == splinter::Code::timeout || code == splinter::Code::again) continue;
      fail("cannot watch '" + escape(key) + "' on", addr, polled.status());
      return End::error;
    }
    auto got = bus.get(key);
    if (got) {
      if (got->epoch == since) continue;
      since = got->epoch;
      if (!out.print({got->epoch, true, key, std::string(got->text())})) return End::error;
    } else if (got.status().code() == splinter::Code::not_found) {
      if (since == 0) continue;  // set and removed again before we looked: no net change
      since = 0;
      if (!out.print({bus.epoch(), false, key, {}})) return End::error;
    } else if (got.status().code() != splinter::Code::again) {
      fail("cannot read '" + escape(key) + "' from", addr, got.status());
      return End::error;
    }
  }
  return End::stopped;
}

End watch_bus(const splinter::Bus &bus, const BusAddress &addr, const Options &opt, Printer &out) {
  // known: the epoch of every key as last reported (or as found at start).
  std::map<std::string, std::uint64_t> known;
  std::uint64_t since = opt.since ? *opt.since : bus.epoch();  // read before listing
  auto initial = bus.list();
  if (!initial) { fail("cannot list", addr, initial.status()); return End::error; }
  for (const auto &e : initial.value()) {
    if (!opt.filter.matches(e.key)) continue;
    if (!opt.since || e.epoch <= *opt.since) known[e.key] = e.epoch;
  }
  const Deadline deadline(opt.timeout_ms);
  while (!g_stop && !out.done()) {
    if (deadline.passed()) return End::timed_out;
    auto polled = bus.poll_bus(since, deadline.slice());
    if (!polled) {
      const auto code = polled.status().code();
      if (code == splinter::Code::timeout || code == splinter::Code::again) continue;
      fail("cannot watch", addr, polled.status());
      return End::error;
    }
    // Every mutation after `now` will wake the next poll, so listing after
    // reading `now` misses nothing; `known` suppresses repeats.
    const std::uint64_t now = polled.value();
    auto listed = bus.list();
    if (!listed) { fail("cannot list", addr, listed.status()); return End::error; }
    std::vector<Change> changes;
    std::map<std::string, bool> live;
    for (const auto &e : listed.value()) {
      if (!opt.filter.matches(e.key)) continue;
      live[e.key] = true;
      const auto it = known.find(e.key);
      if (it != known.end() && it->second == e.epoch) continue;
      auto got = bus.get(e.key);
      if (got) {
        if (it != known.end() && it->second == got->epoch) continue;
        // A change after `now` waits for the next round: `list` is no snapshot,
        // so an earlier change in a slot already passed would print after it.
        if (got->epoch > now) continue;
        known[e.key] = got->epoch;
        changes.push_back({got->epoch, true, e.key, std::string(got->text())});
      } else if (got.status().code() == splinter::Code::not_found) {
        live.erase(e.key);  // removed since the list: reported below if it was known
      } else if (got.status().code() != splinter::Code::again) {
        fail("cannot read '" + escape(e.key) + "' from", addr, got.status());
        return End::error;
      }
    }
    const std::uint64_t removal_epoch = bus.epoch();  // at or after every removal seen
    for (auto it = known.begin(); it != known.end();) {
      if (live.count(it->first) == 0) {
        changes.push_back({removal_epoch, false, it->first, {}});
        it = known.erase(it);
      } else {
        ++it;
      }
    }
    std::stable_sort(changes.begin(), changes.end(),
                     [](const Change &a, const Change &b) { return a.epoch < b.epoch; });
    for (const auto &c : changes) {
      if (!out.print(c)) return End::error;
    }
    since = now;
  }
  return End::stopped;
}

int run(const Context &ctx, const Options &opt) {
  if (opt.key && opt.filter.active()) {
    message("watch: give a KEY or --prefix / --match (which filter a watch of the whole bus), not both");
    return kExitUsage;
  }
  return with_bus(ctx, splinter::Role::reader, [&](const BusAddress &addr, splinter::Bus &reader) {
    install_signal_handlers();
    Printer out(opt.json, opt.time, opt.count);
    const End end = opt.key ? watch_key(reader, addr, *opt.key, opt, out) : watch_bus(reader, addr, opt, out);
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
              "Report changes after this epoch (default: from now); a key watch prints the "
              "current value at once if its epoch differs")
      .type("EPOCH");
  args.option("--timeout", &opt.timeout_ms, "Stop after this many milliseconds").type("MS").range(0, INT64_MAX);
  args.option("--count", &opt.count, "Stop after N changes (exit 5 if the timeout comes first)")
      .type("N").range(1, UINT64_MAX);
  opt.filter.declare(args, false);
  args.flag("--time", &opt.time,
            "Start each line with the local time the change was seen, e.g. 2025-03-01T14:07:09.042+01:00");
  args.flag("--json", &opt.json,
            "One JSON object per change: {\"epoch\", \"op\", \"key\", \"value\"} (and \"time\" with --time)");
  args.footer(
      "Each change is one line: EPOCH<TAB>set<TAB>KEY<TAB>VALUE or EPOCH<TAB>unset<TAB>KEY (escaped as in C),\n"
      "flushed at once; --time puts TIME<TAB> first. No change is missed between two lines; a value\n"
      "overwritten before the watcher could read it shows as one change. For an unset, EPOCH is the bus\n"
      "epoch when it was seen. --prefix and --match watch only the keys they match (and --count counts\n"
      "only those).\n"
      "Examples:\n  splinterctl --shm demo watch greeting\n"
      "  splinterctl --shm demo watch --match 'sensor.*' --time\n"
      "  splinterctl --shm demo watch --count 10 --timeout 5000 --json\n"
      "Ctrl-C (SIGINT) or SIGTERM ends the watch with exit status 0.");
}

const Register<Options> kWatch({"watch", 70, "Print each change of KEY (or of any key) as it happens"}, declare, run);
}  // namespace

}  // namespace splinterctl
