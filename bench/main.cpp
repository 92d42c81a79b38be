// main.cpp -- the suite's entry point: Google Benchmark's flags, plus the
// context that docs/PERFORMANCE.md needs (library and compiler versions, the
// load on the machine when the run started), and cleanup of every bus and
// peer database the benchmarks made.
#include "common.h"

#include <sys/utsname.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

namespace {

// The console output, counting benchmarks that reported an error, so that
// the exit status says whether every benchmark ran (never how fast).
class CountingReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run> &runs) override {
    for (const auto &r : runs)
      if (r.error_occurred) {
        ++errors;
        failed.push_back(r.benchmark_name() + ": " + r.error_message);
      }
    ConsoleReporter::ReportRuns(runs);
  }
  int errors = 0;
  std::vector<std::string> failed;
};

std::string first_line(const char *path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

}  // namespace

int main(int argc, char **argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::AddCustomContext("splinter_version", splinter_version());
#if defined(__clang__)
  benchmark::AddCustomContext("compiler", std::string("clang ") + __clang_version__);
#elif defined(__GNUC__)
  benchmark::AddCustomContext("compiler", std::string("gcc ") + __VERSION__);
#endif
#if defined(SPLINTER_BENCH_BUILD_TYPE)
  benchmark::AddCustomContext("build_type", SPLINTER_BENCH_BUILD_TYPE);
#endif
  utsname u{};
  if (uname(&u) == 0) benchmark::AddCustomContext("kernel", std::string(u.sysname) + " " + u.release);
  benchmark::AddCustomContext("loadavg_at_start", first_line("/proc/loadavg"));
  benchmark::AddCustomContext("smoke", bench::smoke() ? "1" : "0");
  CountingReporter console;
  benchmark::RunSpecifiedBenchmarks(&console);
  benchmark::Shutdown();
  bench::cleanup_all();
  if (console.errors > 0) {
    std::fprintf(stderr, "splinter_bench: %d benchmark(s) reported an error:\n", console.errors);
    for (const auto &f : console.failed) std::fprintf(stderr, "  %s\n", f.c_str());
    return 1;
  }
  return 0;
}
