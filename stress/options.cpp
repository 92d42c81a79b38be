// options.cpp -- flag parsing (options.h).
#include "options.h"

#include "value.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace stress {
namespace {

[[noreturn]] void usage(const char *why) {
  std::fprintf(stderr,
               "splinter_stress: %s\n"
               "usage: splinter_stress MODE [flags]\n"
               "  load       one writer + --readers processes x --threads threads for --duration s\n"
               "  killloop   as load, but the writer is SIGKILLed --kills times and taken over\n"
               "  powerloss  file backing: --states hybrid images of flushed/final pages\n"
               "  expiry     keys with TTLs, the writer SIGKILLed --kills times, then --duration s\n"
               "flags: --backing shm|file --slots N --max-value N --readers N --threads N\n"
               "       --duration S --kills N --kill-min-ms N --kill-max-ms N --hook-kills PPM\n"
               "       --states N --poll-timeout-ms N --seed N --verbose\n"
               "       --history-depth N --change-ring N (the bus's options, load and killloop)\n"
               "exit: 0 no violation, 1 violation, 2 usage or setup error, 3 a child crashed\n",
               why);
  std::exit(2);
}

std::uint64_t number(const char *flag, const char *v) {
  char *end = nullptr;
  errno = 0;
  const unsigned long long n = std::strtoull(v, &end, 10);
  if (errno || !end || *end || end == v) {
    std::fprintf(stderr, "splinter_stress: %s needs a number, got '%s'\n", flag, v);
    std::exit(2);
  }
  return n;
}

std::uint32_t u32(const char *flag, const char *v) {
  const std::uint64_t n = number(flag, v);
  if (n > 0xFFFFFFFFu) usage("number too large");
  return static_cast<std::uint32_t>(n);
}

}  // namespace

const char *backing_name(splinter_backing b) { return b == SPLINTER_FILE ? "file" : "shm"; }

Options parse_options(int argc, char **argv) {
  Options o;
  if (argc < 2) usage("no mode");
  o.mode = argv[1];
  if (o.mode != "load" && o.mode != "killloop" && o.mode != "powerloss" && o.mode != "expiry" && o.mode != "writer" &&
      o.mode != "reader")
    usage("unknown mode");
  for (int i = 2; i < argc; ++i) {
    const std::string_view f = argv[i];
    if (f == "--verbose") { o.verbose = true; continue; }
    if (f == "--sync-journal") { o.sync_journal = true; continue; }
    if (i + 1 >= argc) usage("flag without a value");
    const char *v = argv[++i];
    if (f == "--backing") {
      if (std::strcmp(v, "shm") == 0) o.backing = SPLINTER_SHM;
      else if (std::strcmp(v, "file") == 0) o.backing = SPLINTER_FILE;
      else usage("--backing is shm or file");
    } else if (f == "--slots") o.slots = u32("--slots", v);
    else if (f == "--max-value") o.max_value = u32("--max-value", v);
    else if (f == "--readers") o.readers = u32("--readers", v);
    else if (f == "--threads") o.threads = u32("--threads", v);
    else if (f == "--duration") o.duration = std::atof(v);
    else if (f == "--kills") o.kills = u32("--kills", v);
    else if (f == "--kill-min-ms") o.kill_min_ms = u32("--kill-min-ms", v);
    else if (f == "--kill-max-ms") o.kill_max_ms = u32("--kill-max-ms", v);
    else if (f == "--hook-kills") o.hook_kill_per_million = u32("--hook-kills", v);
    else if (f == "--states") o.states = u32("--states", v);
    else if (f == "--poll-timeout-ms") o.poll_timeout_ms = u32("--poll-timeout-ms", v);
    else if (f == "--seed") o.seed = number("--seed", v);
    else if (f == "--history-depth") o.history_depth = u32("--history-depth", v);
    else if (f == "--change-ring") o.change_ring = u32("--change-ring", v);
    else if (f == "--ignore-rule") o.ignore_rule = u32("--ignore-rule", v);
    else if (f == "--bus") o.bus = v;
    else if (f == "--stats") o.stats = v;
    else if (f == "--proc") o.proc = u32("--proc", v);
    else if (f == "--gen") o.gen = u32("--gen", v);
    else if (f == "--journal-fd") o.journal_fd = static_cast<int>(u32("--journal-fd", v));
    else if (f == "--control-fd") o.control_fd = static_cast<int>(u32("--control-fd", v));
    else usage("unknown flag");
  }
  if (o.slots < 8) usage("--slots must be at least 8");
  if (o.max_value < kMinMaxValue) usage("--max-value must be at least 1024");
  if (o.threads < 1 || o.threads > 16) usage("--threads is 1..16");
  if (o.readers > 30) usage("--readers is 0..30");
  if (o.kill_max_ms < o.kill_min_ms) usage("--kill-max-ms < --kill-min-ms");
  if (o.duration <= 0) usage("--duration must be positive");
  if (o.history_depth > SPLINTER_HISTORY_MAX) usage("--history-depth is 0..SPLINTER_HISTORY_MAX");
  if (o.change_ring > SPLINTER_RING_MAX) usage("--change-ring is 0..SPLINTER_RING_MAX");
  return o;
}

}  // namespace stress
