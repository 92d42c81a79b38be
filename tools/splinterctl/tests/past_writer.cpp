// past_writer.cpp -- test helper: keys that have already expired, without
// waiting for a deadline.
//
//   past_writer shm|file NAME KEY...
//
// A writer whose clock of deadlines runs two hours behind (the test hook
// set_clock_offset_ms, src/test_hooks.h) sets each KEY to "expired:KEY" with
// a time to live of one hour: its deadline is an hour before every other
// process's now, so to them each KEY is expired as soon as it is set, while
// this writer, to whose clock every key has most of an hour left, never
// removes one itself (lazily, 2.10). Then it flushes (file) and exits 0; 2 on a library error,
// 64 on bad arguments.
#include <splinter/splinter.h>

#include "test_hooks.h"

#include <cstdio>
#include <cstdint>
#include <cstring>
#include <string>

int main(int argc, char **argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: past_writer shm|file NAME KEY...\n");
    return 64;
  }
  const splinter_backing backing = std::strcmp(argv[1], "file") == 0 ? SPLINTER_FILE : SPLINTER_SHM;
  constexpr std::int64_t kHourMs = 3600 * 1000;
  splinter::test::set_clock_offset_ms(-2 * kHourMs);
  splinter_bus *bus = nullptr;
  if (splinter_open(&bus, backing, argv[2], SPLINTER_WRITER) != SPLINTER_OK) {
    std::fprintf(stderr, "past_writer: open: %s\n", splinter_last_error());
    return 2;
  }
  for (int i = 3; i < argc; ++i) {
    const std::string value = std::string("expired:") + argv[i];
    if (splinter_set_ttl(bus, argv[i], value.data(), value.size(), static_cast<std::uint64_t>(kHourMs), nullptr) != SPLINTER_OK) {
      std::fprintf(stderr, "past_writer: set %s: %s\n", argv[i], splinter_last_error());
      return 2;
    }
  }
  if (backing == SPLINTER_FILE && splinter_flush(bus) != SPLINTER_OK) return 2;
  splinter_close(bus);
  return 0;
}
