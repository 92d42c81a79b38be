// cli.h -- what every splinterctl command shares: exit codes, the bus
// address (--shm / --file / $SPLINTER_BUS), one-line error messages, and the
// registry through which each command file adds its subcommand.
#ifndef SPLINTERCTL_CLI_H
#define SPLINTERCTL_CLI_H

#include <splinter/splinter.hpp>

#include <CLI/CLI.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace splinterctl {

// Exit codes (docs/splinterctl.1, EXIT STATUS). `check` and `recover` use
// 0-3 with the meanings of the kCheck* names instead.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;   // the operation failed (message on stderr)
inline constexpr int kExitNotFound = 4;  // get / unset: no such key
inline constexpr int kExitTimeout = 5;   // watch --count: timeout before N changes
inline constexpr int kExitUsage = 64;    // bad arguments (EX_USAGE)

inline constexpr int kCheckClean = 0;
inline constexpr int kCheckRecoverable = 1;
inline constexpr int kCheckUnrecoverable = 2;
inline constexpr int kCheckUnusable = 3;  // not a bus, unsupported version, unreadable

// Which bus a command works on.
struct BusAddress {
  splinter::Backing backing = splinter::Backing::shm;
  std::string name;
  // "shm:NAME" or "file:PATH", as users write it in SPLINTER_BUS.
  std::string display() const;
  splinter_backing c_backing() const { return static_cast<splinter_backing>(backing); }
};

// Options of the top-level command, shared by every subcommand.
struct Context {
  std::string shm;
  std::string file;
  // Resolves --shm / --file, else $SPLINTER_BUS. On failure prints the reason
  // and returns nullopt (the caller exits with kExitUsage).
  std::optional<BusAddress> address() const;
};

// A subcommand: its CLI11 node and what runs when it was chosen.
struct Command {
  CLI::App *app = nullptr;
  std::function<int(const Context &)> run;
};
using Registry = std::vector<Command>;

// The reason for the last failure: splinter_last_error(), or the status's
// sentence when the library left no detail. Call it right after the failure.
std::string reason(int status);
std::string reason(splinter::Status status);

// Prints "splinterctl: <what> <bus>: <reason>" on stderr and returns the exit
// code for status (kExitNotFound for NOT_FOUND, else kExitFailure).
int fail(std::string_view what, const BusAddress &bus, splinter::Status status);
// Prints "splinterctl: <message>" on stderr.
void message(std::string_view text);

// Opens the bus or prints why not ("cannot open <bus>: ...").
std::optional<splinter::Bus> open_bus(const BusAddress &bus, splinter::Role role);

// Writes bytes to stdout through stdio (binary-safe; every command writes
// stdout this way so output keeps its order); false on a write error.
bool write_stdout(std::string_view bytes);

// Each command file defines one of these (cmd_<name>.cpp).
void add_create(CLI::App &app, Registry &registry);
void add_destroy(CLI::App &app, Registry &registry);
void add_set(CLI::App &app, Registry &registry);
void add_get(CLI::App &app, Registry &registry);
void add_unset(CLI::App &app, Registry &registry);
void add_list(CLI::App &app, Registry &registry);
void add_watch(CLI::App &app, Registry &registry);
void add_info(CLI::App &app, Registry &registry);
void add_check(CLI::App &app, Registry &registry);
void add_recover(CLI::App &app, Registry &registry);
void add_dump(CLI::App &app, Registry &registry);
void add_load(CLI::App &app, Registry &registry);
void add_bench(CLI::App &app, Registry &registry);

}  // namespace splinterctl

#endif  // SPLINTERCTL_CLI_H
