// command.h -- how a command file declares and registers its subcommand.
//
// A command is one file, cmd_<name>.cpp, with an Options struct, a run
// function and a declare function, registered by one static object:
//
//   namespace {
//   struct Options { std::string key; bool json = false; };
//   int run(const Context &ctx, const Options &opt) { ... }
//   void declare(Args &args, Options &opt) {
//     args.option("key", &opt.key, "Key").required().type("KEY");
//     args.flag("--json", &opt.json, "Print one JSON object");
//     args.footer("Example:\n  splinterctl --shm demo frob k");
//   }
//   const Register<Options> kFrob({"frob", 45, "Frob KEY"}, declare, run);
//   }  // namespace
//
// and its line in CMakeLists.txt. The parser behind Args is CLI11, which only
// parse.cpp includes (it costs seconds per translation unit to compile):
// nothing here exposes it.
#ifndef SPLINTERCTL_COMMAND_H
#define SPLINTERCTL_COMMAND_H

#include "cli.h"

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace splinterctl {

// What the parser knows of one option or positional argument: for help
// texts, suggestions ("did you mean --json?") and shell completion.
struct OptionInfo {
  std::vector<std::string> names;  // "--json", "-q"; a positional's name has no dash
  bool positional = false;
  bool takes_value = false;
  bool repeats = false;  // a positional that takes every remaining word
  // What the value is, as help shows it: KEY and GLOB complete with the bus's
  // keys, FILE and PATH with file names, NAME with /dev/shm names.
  std::string type;
  std::string help;
};

struct CommandInfo {
  std::string name;
  std::string summary;
  std::deque<OptionInfo> options;  // a deque: Arg keeps pointers into it
};

// Every command's CommandInfo, in --help order, and the options every
// command takes (--shm, --file, -q) as the command named "". Filled by the
// parser before a command runs.
const std::vector<CommandInfo> &catalog();

// One declared option or positional; refine it with the chained calls.
class Arg {
 public:
  Arg(CLI::Option *opt, OptionInfo *info) : opt_(opt), info_(info) {}
  Arg &required();
  // The value's name in help (KEY, FILE, BYTES, MS, DURATION, ...); see OptionInfo::type.
  Arg &type(const std::string &name);
  // A number in [lo, hi].
  Arg &range(std::uint64_t lo, std::uint64_t hi);
  // A size in bytes in [lo, hi], with an optional suffix: 1K, 4MiB (size.h).
  Arg &bytes(std::uint64_t lo, std::uint64_t hi);
  // A duration in ms in [lo, hi], with a unit: 250ms, 30s, 90m, 1.5h (duration.h).
  Arg &duration(std::uint64_t lo, std::uint64_t hi);
  // Help shows the default value.
  Arg &show_default();
  // At most one of the two may be given.
  Arg &excludes(const Arg &other);

 private:
  CLI::Option *opt_;
  OptionInfo *info_;
};

// The declaration interface of one command. `names` is "--name" or
// "-n,--name" for an option and a bare word ("key") for a positional.
class Args {
 public:
  Args(CLI::App *app, CommandInfo *info) : app_(app), info_(info) {}
  Arg flag(const std::string &names, bool *out, const std::string &help);
  Arg option(const std::string &names, std::string *out, const std::string &help);
  Arg option(const std::string &names, std::optional<std::string> *out, const std::string &help);
  // A positional that takes every remaining word (at least one when required).
  Arg option(const std::string &names, std::vector<std::string> *out, const std::string &help);
  Arg option(const std::string &names, std::uint32_t *out, const std::string &help);
  Arg option(const std::string &names, std::optional<std::uint32_t> *out, const std::string &help);
  Arg option(const std::string &names, std::optional<std::uint64_t> *out, const std::string &help);
  Arg option(const std::string &names, std::optional<std::int64_t> *out, const std::string &help);
  // Text after the options in `--help`: what else to know, and examples.
  void footer(const std::string &text);

 private:
  template <class T>
  Arg add(const std::string &names, T *out, const std::string &help, bool takes_value);
  CLI::App *app_;
  CommandInfo *info_;
};

// A registered command: declare(args) declares its arguments and returns what
// runs it with the values they receive.
struct CommandSpec {
  const char *name;
  int order;  // its place in --help: create 10, destroy 20, set 30, ... (see the cmd_*.cpp)
  const char *summary;
};
struct Registration {
  CommandSpec spec;
  std::function<std::function<int(const Context &)>(Args &)> declare;
};
std::vector<Registration> &registrations();

// Registers a command at static initialisation (one object per cmd_*.cpp).
template <class Options>
struct Register {
  Register(CommandSpec spec, void (*declare)(Args &, Options &), int (*run)(const Context &, const Options &)) {
    registrations().push_back({spec, [declare, run](Args &args) {
                                 auto opt = std::make_shared<Options>();
                                 declare(args, *opt);
                                 return std::function<int(const Context &)>(
                                     [opt, run](const Context &ctx) { return run(ctx, *opt); });
                               }});
  }
};

// Parses the command line and runs the chosen command: its exit code.
int run_command_line(int argc, char **argv);

}  // namespace splinterctl

#endif  // SPLINTERCTL_COMMAND_H
