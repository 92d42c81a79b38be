// common.h -- what every splinter-bridge command shares: exit codes, the bus
// address (shm:NAME / file:PATH), structured log lines, the stop flag set by
// SIGINT / SIGTERM, durations and the flush timer.
#ifndef SPLINTER_BRIDGE_COMMON_H
#define SPLINTER_BRIDGE_COMMON_H

#include <splinter/splinter.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace bridge {

// Exit codes (docs/splinter-bridge.1, EXIT STATUS).
inline constexpr int kExitOk = 0;        // stopped by SIGINT/SIGTERM, or --once finished
inline constexpr int kExitFailure = 1;   // a bus or NATS operation failed for good
inline constexpr int kExitConfig = 2;    // geometry or bucket does not fit (too small a bus,
                                         // values above the server's max payload, bad bucket contents)
inline constexpr int kExitUsage = 64;    // bad arguments (EX_USAGE)

// A failure that ends the command with `code`, message already worded.
struct Fatal : std::runtime_error {
  Fatal(int exit_code, const std::string &what) : std::runtime_error(what), code(exit_code) {}
  int code;
};

// "shm:NAME" or "file:PATH" (as splinterctl's SPLINTER_BUS).
struct BusAddress {
  splinter::Backing backing = splinter::Backing::shm;
  std::string name;
  std::string display() const { return (backing == splinter::Backing::shm ? "shm:" : "file:") + name; }
};
// Throws Fatal(kExitUsage) for anything else.
BusAddress parse_bus(const std::string &text);

// Opens (or, with `create` set and no bus there, creates with `create`'s
// options) the bus; throws Fatal with the library's reason.
splinter::Bus open_bus(const BusAddress &addr, splinter::Role role,
                       const std::optional<splinter::Options> &create = std::nullopt);

// "500ms", "2s", "1m", "0": throws Fatal(kExitUsage) otherwise.
std::chrono::milliseconds parse_duration(const std::string &text);

// One JSON object per line on stderr: {"time", "level", "cmd", "msg", ...fields}.
// Never pass a secret in fields.
void log(std::string_view level, std::string_view msg, nlohmann::json fields = nlohmann::json::object());
void set_log_command(std::string_view cmd);

// A key as printable text for logs: the bucket encoding (keycode.h).
std::string printable_key(std::string_view key);

// Set by SIGINT / SIGTERM / SIGHUP: commands stop at the next step boundary.
extern volatile std::sig_atomic_t g_stop;
void install_signal_handlers();

// Flushes a file bus at most every `interval` while it holds unflushed
// mutations (a shm bus needs nothing); interval 0 flushes after every batch.
class Flusher {
 public:
  Flusher(splinter::Bus &bus, bool is_file, std::chrono::milliseconds interval)
      : bus_(bus), is_file_(is_file), interval_(interval) {}
  void dirty() { dirty_ = true; }
  // Flushes if dirty and the interval has passed (or `force`); throws Fatal on failure.
  void maybe_flush(bool force = false);

 private:
  using Clock = std::chrono::steady_clock;
  splinter::Bus &bus_;
  bool is_file_;
  std::chrono::milliseconds interval_;
  bool dirty_ = false;
  Clock::time_point last_ = Clock::now();
};

// Milliseconds since the Unix epoch (wall clock): progress records and lag.
std::int64_t unix_ms();

}  // namespace bridge

#endif  // SPLINTER_BRIDGE_COMMON_H
