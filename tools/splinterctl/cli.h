// cli.h -- what every splinterctl command shares: exit codes, the bus
// address (--shm / --file / $SPLINTER_BUS), one-line messages and output.
// How a command declares its arguments and registers itself: command.h.
#ifndef SPLINTERCTL_CLI_H
#define SPLINTERCTL_CLI_H

#include <splinter/splinter.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
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

// `dump --salvage`: some keys or slots could not be read (the rest exported);
// 3 (kCheckUnusable) when the header is unusable.
inline constexpr int kSalvageSkipped = 2;
// `recover`: the bus now validates clean, but values were rolled back or
// dropped (each printed); 0 means nothing was lost.
inline constexpr int kRecoverLost = 4;

// Which bus a command works on.
struct BusAddress {
  splinter::Backing backing = splinter::Backing::shm;
  std::string name;
  // "shm:NAME" or "file:PATH", as users write it in SPLINTER_BUS.
  std::string display() const;
  // "--shm NAME" or "--file PATH", quoted for a shell: for messages that say
  // which command to run next.
  std::string flags() const;
  splinter_backing c_backing() const { return static_cast<splinter_backing>(backing); }
};

// Options of the top-level command, shared by every subcommand.
struct Context {
  std::string shm;
  std::string file;
  bool quiet = false;  // -q: see quiet() below
  // Resolves --shm / --file, else $SPLINTER_BUS. On failure prints the reason
  // and returns nullopt (the caller exits with kExitUsage).
  std::optional<BusAddress> address() const;
};

// The reason for the last failure of a C call: splinter_last_error(), or the
// status's sentence when the library left no detail. Call it right after the
// failure. (A splinter::Status carries its own: Status::what().)
std::string reason(int status);

// The reason, and what to do about it, for a user of splinterctl: BUSY names
// the writer's pid; damage names `splinterctl check` / `recover` with the
// bus's address (the library's own wording names its C function).
std::string explain(const BusAddress &bus, splinter::Code code, std::string why);

// "No such file or directory": the system's reason for errno value err.
std::string system_reason(int err);

// Prints "splinterctl: <what> <bus>: <explanation>" on stderr and returns the
// exit code for status (kExitNotFound for NOT_FOUND, else kExitFailure).
// Under -q an absent key prints nothing: the exit status says it.
int fail(std::string_view what, const BusAddress &bus, const splinter::Status &status);
// Prints "splinterctl: <message>" on stderr: errors, always.
void message(std::string_view text);
// -q (--quiet): no informational messages (note), for scripts.
void set_quiet(bool quiet);
bool quiet();
// Prints "splinterctl: <text>" on stderr unless -q: what was done.
void note(std::string_view text);

// Opens the bus or prints why not ("cannot open <bus>: ...").
std::optional<splinter::Bus> open_bus(const BusAddress &bus, splinter::Role role);

// Opens the bus at `addr` in `role` and returns fn(addr, bus), or kExitFailure
// when it does not open (the reason printed).
template <class F>
int with_bus(const BusAddress &addr, splinter::Role role, F &&fn) {
  auto bus = open_bus(addr, role);
  if (!bus) return kExitFailure;
  return fn(addr, *bus);
}
// The same for the bus the command line names; kExitUsage when it names none.
template <class F>
int with_bus(const Context &ctx, splinter::Role role, F &&fn) {
  const auto addr = ctx.address();
  if (!addr) return kExitUsage;
  return with_bus(*addr, role, std::forward<F>(fn));
}

// Flushes a file bus (a shm bus needs nothing): kExitOk, or the failure.
int flush_file_bus(splinter::Bus &writer, const BusAddress &addr);
// The end of a one-key mutation: the failure of `st` ("<what> <bus>: ..."),
// else the flush of a file bus, then the epoch on stdout if asked.
int finish_mutation(splinter::Bus &writer, const BusAddress &addr, splinter::Status st,
                    std::string_view what, std::uint64_t epoch, bool print_epoch);
// A one-key mutation (set, unset) as a command: opens the bus at `addr` as
// writer, runs op(writer, &epoch) for its status, then finish_mutation.
template <class Op>
int mutate(const BusAddress &addr, std::string_view what, bool print_epoch, Op &&op) {
  return with_bus(addr, splinter::Role::writer, [&](const BusAddress &at, splinter::Bus &writer) {
    std::uint64_t epoch = 0;
    const splinter::Status st = op(writer, &epoch);
    return finish_mutation(writer, at, st, what, epoch, print_epoch);
  });
}

// Writes bytes to stdout through stdio (binary-safe; every command writes
// stdout this way so output keeps its order); false on a write error.
bool write_stdout(std::string_view bytes);
// write_stdout as a command's exit code: kExitOk, or kExitFailure on a write error.
int output(std::string_view bytes);

}  // namespace splinterctl

#endif  // SPLINTERCTL_CLI_H
