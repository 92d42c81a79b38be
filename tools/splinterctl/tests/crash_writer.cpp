// crash_writer.cpp -- test helper: a writer process that SIGKILLs itself at
// a chosen crash point of the write protocol (src/test_hooks.h), leaving the
// bus exactly as a writer dying at that instruction would.
//
//   crash_writer shm|file NAME KEY VALUE POINT
//
// Sets KEY to VALUE and dies at crash point POINT (1..10) of that set (or of
// an unset when VALUE is "-"). Exits 3 if the point was never reached, 2 on
// a library error, 64 on bad arguments.
//
// POINT "hold" instead sets KEY, prints "ready" and holds the writer role
// until its standard input is closed (a live writer, for BUSY and info).
#include <splinter/splinter.h>

#include "test_hooks.h"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <unistd.h>

namespace {
int g_point = 0;
void hook(int point) {
  if (point == g_point) std::raise(SIGKILL);
}
}  // namespace

int main(int argc, char **argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: crash_writer shm|file NAME KEY VALUE|- POINT\n");
    return 64;
  }
  const splinter_backing backing = std::strcmp(argv[1], "file") == 0 ? SPLINTER_FILE : SPLINTER_SHM;
  const bool hold = std::strcmp(argv[5], "hold") == 0;
  g_point = hold ? 0 : std::atoi(argv[5]);
  splinter_bus *bus = nullptr;
  int st = splinter_open(&bus, backing, argv[2], SPLINTER_WRITER);
  if (st != SPLINTER_OK) {
    std::fprintf(stderr, "crash_writer: open: %s\n", splinter_last_error());
    return 2;
  }
  if (hold) {
    const std::string v = argv[4];
    if (splinter_set(bus, argv[3], v.data(), v.size(), nullptr) != SPLINTER_OK) return 2;
    std::printf("ready %d\n", static_cast<int>(getpid()));
    std::fflush(stdout);
    while (std::fgetc(stdin) != EOF) {
    }
    splinter_close(bus);
    return 0;
  }
  splinter::test::set_crash_hook(hook);
  const std::string value = argv[4];
  if (value == "-") st = splinter_unset(bus, argv[3], nullptr);
  else st = splinter_set(bus, argv[3], value.data(), value.size(), nullptr);
  splinter::test::set_crash_hook(nullptr);
  if (st != SPLINTER_OK) {
    std::fprintf(stderr, "crash_writer: mutation: %s\n", splinter_last_error());
    return 2;
  }
  if (backing == SPLINTER_FILE && splinter_flush(bus) != SPLINTER_OK) return 2;
  splinter_close(bus);
  std::fprintf(stderr, "crash_writer: crash point %d never reached\n", g_point);
  return 3;
}
