// parse.cpp -- the command line: the only translation unit that includes
// CLI11 (command.h says why). It implements Args / Arg on CLI11, builds the
// top-level command from the registered commands, parses, turns CLI11's
// leftovers into messages that say what to do, and runs the chosen command.
#include "command.h"
#include "duration.h"
#include "size.h"
#include "suggest.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <string>

namespace splinterctl {

namespace {
std::vector<CommandInfo> &catalog_storage() {
  static std::vector<CommandInfo> all;
  return all;
}

std::vector<std::string> split_names(const std::string &names) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = names.find(',', start);
    out.push_back(names.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}
}  // namespace

const std::vector<CommandInfo> &catalog() { return catalog_storage(); }

// ---- Arg / Args -------------------------------------------------------------

Arg &Arg::required() {
  opt_->required();
  return *this;
}

Arg &Arg::type(const std::string &name) {
  opt_->type_name(name);
  info_->type = name;
  return *this;
}

Arg &Arg::range(std::uint64_t lo, std::uint64_t hi) {
  opt_->check(CLI::Range(lo, hi));
  return *this;
}

Arg &Arg::bytes(std::uint64_t lo, std::uint64_t hi) {
  opt_->transform(
      [lo, hi](std::string text) {
        std::string why;
        const auto n = parse_size(text, &why);
        if (!n) throw CLI::ValidationError(why);
        if (*n < lo || *n > hi) {
          throw CLI::ValidationError("'" + text + "' is " + describe_size(*n) + "; give " + describe_size(lo) +
                                     " to " + describe_size(hi));
        }
        return std::to_string(*n);
      },
      "", "BYTES");
  return type("BYTES");
}

Arg &Arg::duration(std::uint64_t lo, std::uint64_t hi) {
  opt_->transform(
      [lo, hi](std::string text) {
        std::string why;
        const auto ms = parse_duration(text, &why);
        if (!ms) throw CLI::ValidationError(why);
        if (*ms < lo || *ms > hi) {
          throw CLI::ValidationError("'" + text + "' is " + describe_duration(*ms) + "; give " +
                                     describe_duration(lo) + " to " + describe_duration(hi));
        }
        return std::to_string(*ms);
      },
      "", "DURATION");
  return type("DURATION");
}

Arg &Arg::show_default() {
  opt_->capture_default_str();
  return *this;
}

Arg &Arg::excludes(const Arg &other) {
  opt_->excludes(other.opt_);
  other.opt_->excludes(opt_);
  return *this;
}

template <class T>
Arg Args::add(const std::string &names, T *out, const std::string &help, bool takes_value) {
  CLI::Option *opt = nullptr;
  if constexpr (std::is_same_v<T, bool>) opt = app_->add_flag(names, *out, help);
  else opt = app_->add_option(names, *out, help);
  OptionInfo &info = info_->options.emplace_back();
  info.names = split_names(names);
  info.positional = opt->get_positional();
  info.takes_value = takes_value;
  info.repeats = std::is_same_v<T, std::vector<std::string>>;
  info.help = help;
  return Arg(opt, &info);
}

Arg Args::flag(const std::string &names, bool *out, const std::string &help) { return add(names, out, help, false); }
Arg Args::option(const std::string &names, std::string *out, const std::string &help) {
  return add(names, out, help, true);
}
Arg Args::option(const std::string &names, std::optional<std::string> *out, const std::string &help) {
  return add(names, out, help, true);
}
Arg Args::option(const std::string &names, std::vector<std::string> *out, const std::string &help) {
  return add(names, out, help, true);
}
Arg Args::option(const std::string &names, std::uint32_t *out, const std::string &help) {
  return add(names, out, help, true);
}
Arg Args::option(const std::string &names, std::optional<std::uint32_t> *out, const std::string &help) {
  return add(names, out, help, true);
}
Arg Args::option(const std::string &names, std::optional<std::uint64_t> *out, const std::string &help) {
  return add(names, out, help, true);
}
Arg Args::option(const std::string &names, std::optional<std::int64_t> *out, const std::string &help) {
  return add(names, out, help, true);
}
void Args::footer(const std::string &text) { app_->footer(text); }

// ---- the command line ---------------------------------------------------------

namespace {
constexpr const char *kFooter = R"(Examples:
  splinterctl --shm demo create --slots 1024 --max-value 256
  splinterctl --shm demo set greeting hello
  splinterctl --shm demo get greeting
  SPLINTER_BUS=file:/var/lib/app.bus splinterctl check

Run `splinterctl COMMAND --help` for a command's options; man splinterctl for the rest.)";

std::vector<std::string> names_of(const std::vector<CommandInfo> &commands) {
  std::vector<std::string> out;
  for (const CommandInfo &c : commands) {
    if (!c.name.empty()) out.push_back(c.name);
  }
  return out;
}

// The option names `command` accepts (its own and the global ones).
std::vector<std::string> option_names(const std::vector<CommandInfo> &commands, const std::string &command) {
  std::vector<std::string> out{"--help"};
  for (const CommandInfo &c : commands) {
    if (!c.name.empty() && c.name != command) continue;
    for (const OptionInfo &o : c.options) {
      if (o.positional) continue;
      for (const std::string &n : o.names) out.push_back(n);
    }
  }
  return out;
}

bool takes_positionals(const std::vector<CommandInfo> &commands, const std::string &command) {
  for (const CommandInfo &c : commands) {
    if (c.name != command) continue;
    for (const OptionInfo &o : c.options) {
      if (o.positional) return true;
    }
  }
  return false;
}

std::string shell_word(const std::string &word) {
  if (word.find_first_of(" \t'\"\\$`!*?[]{}()<>|&;#~") == std::string::npos && !word.empty()) return word;
  std::string out = "'";
  for (const char c : word) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

// What CLI11 left over: an unknown command, an unknown option, or words after
// the last argument a command takes. Returns the message.
std::string explain_leftovers(const std::vector<std::string> &left, const CLI::App *chosen,
                              const std::vector<std::string> &argv) {
  const auto &commands = catalog();
  const std::string command = chosen ? chosen->get_name() : std::string();
  const std::string help = command.empty() ? "splinterctl --help" : "splinterctl " + command + " --help";
  for (const std::string &word : left) {
    if (word.size() < 2 || word[0] != '-') continue;
    const std::string name = word.substr(0, word.find('='));
    std::string text = "unknown option '" + name + "'" + (command.empty() ? "" : " for " + command);
    if (const auto near = nearest(name, option_names(commands, command))) return text + "; did you mean " + *near + "?";
    if (takes_positionals(commands, command)) text += "; if it is a value, put -- before it";
    return text + " (see " + help + ")";
  }
  const std::string &word = left.front();
  if (command.empty()) {
    std::string text = "unknown command '" + word + "'";
    if (const auto near = nearest(word, names_of(commands))) text += "; did you mean " + *near + "?";
    return text + " (see splinterctl --help)";
  }
  // Words after the last argument: most often a value with spaces, unquoted.
  // Show it quoted, joined with the word before it on the command line.
  std::string joined;
  const auto at = std::find(argv.begin(), argv.end(), word);
  if (at != argv.begin() && at != argv.end() && !(at - 1)->empty() && (*(at - 1))[0] != '-') {
    joined = *(at - 1);
    for (const std::string &w : left) joined += " " + w;
  }
  std::string text = command + ": unexpected extra argument" + (left.size() > 1 ? "s" : "") + " '" + word + "'";
  for (std::size_t i = 1; i < left.size(); ++i) text += " '" + left[i] + "'";
  text += "; quote a value that contains spaces";
  if (!joined.empty()) text += " (" + shell_word(joined) + ")";
  text += ", or put -- before one that starts with '-' (see " + help + ")";
  return text;
}
}  // namespace

int run_command_line(int argc, char **argv) {
  CLI::App app{"splinterctl " SPLINTER_VERSION_STRING
               " -- create, inspect, validate and use a Splinter shared-memory bus",
               "splinterctl"};
  app.footer(kFooter);
  app.set_version_flag("--version", std::string("splinterctl ") + splinter_version());
  app.fallthrough();  // bus options may come after the command name too

  auto &infos = catalog_storage();
  infos.clear();
  CommandInfo &global = infos.emplace_back();
  Context ctx;
  Args top(&app, &global);
  Arg shm = top.option("--shm", &ctx.shm, "Bus in POSIX shared memory (/dev/shm/NAME)").type("NAME");
  Arg file = top.option("--file", &ctx.file, "Bus in a regular file (persistent)").type("PATH");
  shm.excludes(file);
  top.flag("-q,--quiet", &ctx.quiet, "No informational messages, and none for an absent key (exit status 4 says it)");

  auto regs = registrations();
  std::stable_sort(regs.begin(), regs.end(),
                   [](const Registration &a, const Registration &b) { return a.spec.order < b.spec.order; });
  std::vector<std::pair<CLI::App *, std::function<int(const Context &)>>> commands;
  for (const Registration &r : regs) {
    CLI::App *sub = app.add_subcommand(r.spec.name, r.spec.summary);
    CommandInfo &info = infos.emplace_back();
    info.name = r.spec.name;
    info.summary = r.spec.summary;
    Args args(sub, &info);
    commands.emplace_back(sub, r.declare(args));
  }
  // Whatever no command takes falls through to here and is explained below,
  // rather than as CLI11's "The following arguments were not expected".
  app.allow_extras();

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp &e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp &e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion &e) {
    return app.exit(e);
  } catch (const CLI::ParseError &e) {
    std::string help = "splinterctl --help";
    for (auto &[sub, fn] : commands) {
      if (sub->parsed()) help = "splinterctl " + sub->get_name() + " --help";
    }
    message(std::string(e.what()) + " (see " + help + ")");
    return kExitUsage;
  }

  const CLI::App *chosen = nullptr;
  std::function<int(const Context &)> run;
  for (auto &[sub, fn] : commands) {
    if (sub->parsed()) {
      chosen = sub;
      run = fn;
    }
  }
  const std::vector<std::string> left = app.remaining();
  if (!left.empty()) {
    message(explain_leftovers(left, chosen, std::vector<std::string>(argv + 1, argv + argc)));
    return kExitUsage;
  }
  if (!chosen) {
    message("no command given (see splinterctl --help)");
    return kExitUsage;
  }
  set_quiet(ctx.quiet);
  return run(ctx);
}

}  // namespace splinterctl
