// main.cpp -- splinterctl: the command-line tool for a Splinter bus.
//
// parse.cpp parses the command line and runs the one chosen command; each
// command lives in its own cmd_<name>.cpp (command.h); cli.h holds what they
// share.
#include "cli.h"
#include "command.h"

#include <cerrno>
#include <cstdio>
#include <exception>
#include <string>

int main(int argc, char **argv) {
  int code = splinterctl::kExitFailure;
  try {
    code = splinterctl::run_command_line(argc, argv);
  } catch (const std::exception &e) {
    splinterctl::message(std::string("internal error: ") + e.what());
    code = splinterctl::kExitFailure;
  }
  errno = 0;
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    const int err = errno;
    splinterctl::message("error writing to standard output" +
                         (err != 0 ? ": " + splinterctl::system_reason(err) : std::string()));
    if (code == splinterctl::kExitOk) code = splinterctl::kExitFailure;
  }
  return code;
}
