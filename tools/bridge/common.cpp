// common.cpp -- bus addresses, log lines, signals, durations, the flush timer.
#include "common.h"

#include "keycode.h"

#include <cstdio>
#include <ctime>

namespace bridge {

volatile std::sig_atomic_t g_stop = 0;

namespace {
std::string g_command = "splinter-bridge";
extern "C" void on_stop_signal(int) { g_stop = 1; }

std::string utc_now() {
  timespec ts{};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  tm utc{};
  ::gmtime_r(&ts.tv_sec, &utc);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &utc);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03ldZ", date, ts.tv_nsec / 1000000);
  return out;
}
}  // namespace

BusAddress parse_bus(const std::string &text) {
  BusAddress a;
  if (text.rfind("shm:", 0) == 0) {
    a.backing = splinter::Backing::shm;
    a.name = text.substr(4);
  } else if (text.rfind("file:", 0) == 0) {
    a.backing = splinter::Backing::file;
    a.name = text.substr(5);
  } else {
    throw Fatal(kExitUsage, "bus '" + text + "': write shm:NAME or file:PATH");
  }
  if (a.name.empty()) throw Fatal(kExitUsage, "bus '" + text + "': the name is empty");
  return a;
}

splinter::Bus open_bus(const BusAddress &addr, splinter::Role role, const std::optional<splinter::Options> &create) {
  auto opened = splinter::Bus::open(addr.backing, addr.name, role);
  if (!opened && opened.status().code() == splinter::Code::no_bus && create) {
    auto made = splinter::Bus::create(addr.backing, addr.name, *create);
    if (made) {
      log("info", "created bus", {{"bus", addr.display()},
                                  {"slots", create->slots},
                                  {"max_value_size", create->max_value_size},
                                  {"change_ring", create->change_ring},
                                  {"history_depth", create->history_depth}});
      return std::move(made.value());
    }
    // A concurrent creator won: open what it made.
    if (made.status().code() != splinter::Code::exists)
      throw Fatal(kExitFailure, "cannot create " + addr.display() + ": " + made.status().what());
    opened = splinter::Bus::open(addr.backing, addr.name, role);
  }
  if (!opened) throw Fatal(kExitFailure, "cannot open " + addr.display() + ": " + opened.status().what());
  return std::move(opened.value());
}

std::chrono::milliseconds parse_duration(const std::string &text) {
  std::size_t used = 0;
  unsigned long long n = 0;
  try {
    n = std::stoull(text, &used);
  } catch (const std::exception &) {
    throw Fatal(kExitUsage, "duration '" + text + "': write e.g. 500ms, 2s, 1m or 0");
  }
  const std::string unit = text.substr(used);
  std::uint64_t factor = 0;
  if (unit == "ms" || (unit.empty() && n == 0)) factor = 1;
  else if (unit == "s") factor = 1000;
  else if (unit == "m") factor = 60000;
  else throw Fatal(kExitUsage, "duration '" + text + "': write e.g. 500ms, 2s, 1m or 0");
  return std::chrono::milliseconds(static_cast<std::int64_t>(n * factor));
}

void set_log_command(std::string_view cmd) { g_command = "splinter-bridge " + std::string(cmd); }

void log(std::string_view level, std::string_view msg, nlohmann::json fields) {
  nlohmann::json line = nlohmann::json::object();
  line["time"] = utc_now();
  line["level"] = level;
  line["cmd"] = g_command;
  line["msg"] = msg;
  for (auto it = fields.begin(); it != fields.end(); ++it) line[it.key()] = it.value();
  const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + '\n';
  std::fwrite(text.data(), 1, text.size(), stderr);
  std::fflush(stderr);
}

std::string printable_key(std::string_view key) { return encode_key(key); }

void install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGHUP, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
}

void Flusher::maybe_flush(bool force) {
  if (!dirty_ || !is_file_) return;
  const auto now = Clock::now();
  if (!force && now - last_ < interval_) return;
  const splinter::Status st = bus_.flush();
  if (!st) throw Fatal(kExitFailure, "cannot flush: " + st.what());
  dirty_ = false;
  last_ = now;
}

std::int64_t unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace bridge
