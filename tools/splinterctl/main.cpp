// main.cpp -- splinterctl: the command-line tool for a Splinter bus.
//
// Parses the command line with CLI11, then runs the one chosen subcommand.
// Each subcommand lives in its own cmd_<name>.cpp; cli.h holds what they share.
#include "cli.h"

#include <cstdio>
#include <exception>
#include <string>

namespace {

constexpr const char *kFooter = R"(Examples:
  splinterctl --shm demo create --slots 1024 --max-value 256
  splinterctl --shm demo set greeting hello
  splinterctl --shm demo get greeting
  SPLINTER_BUS=file:/var/lib/app.bus splinterctl check

Run `splinterctl COMMAND --help` for a command's options; man splinterctl for the rest.)";

int run(int argc, char **argv) {
  CLI::App app{"splinterctl " SPLINTER_VERSION_STRING
               " -- create, inspect, validate and use a Splinter shared-memory bus",
               "splinterctl"};
  app.footer(kFooter);
  app.set_version_flag("--version", std::string("splinterctl ") + splinter_version());
  app.require_subcommand(1);
  app.fallthrough();  // bus options may come after the command name too

  splinterctl::Context ctx;
  auto *shm = app.add_option("--shm", ctx.shm, "Bus in POSIX shared memory (/dev/shm/NAME)")
                  ->type_name("NAME");
  auto *file = app.add_option("--file", ctx.file, "Bus in a regular file (persistent)")
                   ->type_name("PATH");
  shm->excludes(file);
  file->excludes(shm);

  splinterctl::Registry registry;
  using namespace splinterctl;  // the order of --help
  for (AddCommand *add : {add_create, add_destroy, add_set, add_get, add_unset, add_list, add_watch, add_info,
                          add_check, add_recover, add_dump, add_load, add_bench})
    add(app, registry);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp &e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp &e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion &e) {
    return app.exit(e);
  } catch (const CLI::ParseError &e) {
    splinterctl::message(std::string(e.what()) + " (see splinterctl --help)");
    return splinterctl::kExitUsage;
  }

  for (const auto &cmd : registry) {
    if (cmd.app->parsed()) return cmd.run(ctx);
  }
  splinterctl::message("no command given (see splinterctl --help)");
  return splinterctl::kExitUsage;
}

}  // namespace

int main(int argc, char **argv) {
  int code = splinterctl::kExitFailure;
  try {
    code = run(argc, argv);
  } catch (const std::exception &e) {
    splinterctl::message(std::string("internal error: ") + e.what());
    code = splinterctl::kExitFailure;
  }
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    splinterctl::message("error writing to standard output");
    if (code == splinterctl::kExitOk) code = splinterctl::kExitFailure;
  }
  return code;
}
