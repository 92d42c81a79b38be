// main.cpp -- splinter-conformance: runs the conformance cases against a
// binding's adapter (conformance/README.md, conformance/PROTOCOL.md).
//
// Each case runs in its own forked process group, so a per-case timeout can
// kill the case together with every adapter and helper it started, and a
// crash on either side is reported as that case's failure. The runner waits
// for the case process itself to end (not for its output to close: a helper
// the case forked may still hold it), then kills the whole group, so no
// failure skips that cleanup. What the case exchanged is kept in shared
// memory, so a case that hangs or dies still shows its transcript.
#include "classes.h"
#include "report.h"

#include <CLI/CLI.hpp>

#include <fcntl.h>
#include <fnmatch.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

namespace splc {
namespace {

namespace fs = std::filesystem;

bool matches(const std::string &pattern, const std::string &name) {
  if (pattern.find_first_of("*?[") != std::string::npos) return fnmatch(pattern.c_str(), name.c_str(), 0) == 0;
  return name.find(pattern) != std::string::npos;
}

// name -> reason
std::map<std::string, std::string> read_expected(const std::string &path) {
  std::map<std::string, std::string> out;
  std::ifstream in(path);
  if (!in) {
    std::cerr << "splinter-conformance: cannot read expected-failure list " << path << "\n";
    std::exit(2);
  }
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    const auto start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] == '#') continue;
    const auto end = line.find_first_of(" \t", start);
    const std::string name = line.substr(start, end == std::string::npos ? std::string::npos : end - start);
    const auto reason_at = end == std::string::npos ? std::string::npos : line.find_first_not_of(" \t", end);
    if (reason_at == std::string::npos) {
      std::cerr << path << ":" << n << ": every expected failure needs a reason after the case name\n";
      std::exit(2);
    }
    out[name] = line.substr(reason_at);
  }
  return out;
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string indent(const std::string &text, const std::string &pad) {
  std::string out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) out += pad + line + "\n";
  return out;
}

void write_all(int fd, const std::string &s) {
  const char *p = s.data();
  std::size_t left = s.size();
  while (left > 0) {
    const ssize_t n = write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

// The case process: runs the case, writes {"ok", "unsupported", "message"}
// to `out`, exits.
[[noreturn]] void case_process(const Case &c, const RunConfig &cfg, std::size_t index, int out) {
  setpgid(0, 0);
  signal(SIGPIPE, SIG_IGN);
  std::string result;
  {
    Ctx ctx(cfg, index);
    bool ok = false, unsupported = false;
    std::string message;
    json measures = json::array();
    try {
      c.run(ctx);
      ctx.finish_adapters();
      ok = true;
    } catch (const Fail &f) {
      message = f.what();
      unsupported = f.unsupported;
    } catch (const std::exception &e) {
      message = std::string("runner exception: ") + e.what();
    }
    for (const auto &m : ctx.measures()) measures.push_back(m);
    if (!ok) {
      message += "\n  transcript (last lines; '>' to, '<' from the adapter process named first, or the in-process "
                 "reference 'ref'):\n" +
                 ctx.transcript();
      message += ctx.adapter_stderr();
    }
    result = json{{"ok", ok}, {"unsupported", unsupported}, {"message", message}, {"measures", measures}}.dump(
        -1, ' ', false, json::error_handler_t::replace);
  }  // Ctx ends here: its adapters are killed and reaped
  write_all(out, result);
  _exit(0);
}

// Runs one case in a child process group; returns its outcome.
Outcome run_case(const Case &c, const RunConfig &cfg, std::size_t index, int timeout_s) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return {false, false, "pipe failed", {}, 0};
  if (cfg.transcript) cfg.transcript->clear();
  std::cout.flush();
  std::cerr.flush();
  const std::int64_t t0 = now_ms();
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    case_process(c, cfg, index, fds[1]);
  }
  close(fds[1]);
  if (pid < 0) {
    close(fds[0]);
    return {false, false, "fork failed", {}, 0};
  }
  setpgid(pid, pid);
  fcntl(fds[0], F_SETFL, O_NONBLOCK);
  // Wait for the case process to end (a pidfd is readable then; without one,
  // look every 20 ms), reading its result as it comes.
  const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  std::string data;
  bool timed_out = false, exited = false;
  int st = 0;
  const std::int64_t deadline = t0 + std::int64_t{timeout_s} * 1000;
  auto drain = [&] {
    char buf[65536];
    for (;;) {
      const ssize_t n = read(fds[0], buf, sizeof buf);
      if (n <= 0) break;
      data.append(buf, static_cast<std::size_t>(n));
    }
  };
  while (!exited) {
    const std::int64_t left = deadline - now_ms();
    if (left <= 0) {
      timed_out = true;
      break;
    }
    pollfd pfd[2] = {{fds[0], POLLIN, 0}, {pidfd, POLLIN, 0}};
    const int rc = ::poll(pfd, pidfd >= 0 ? 2 : 1, static_cast<int>(pidfd >= 0 ? left : std::min<std::int64_t>(left, 20)));
    if (rc < 0 && errno != EINTR) break;
    drain();
    if (waitpid(pid, &st, WNOHANG) == pid) exited = true;
  }
  drain();
  kill(-pid, SIGKILL);  // the case's process group: whatever it left behind
  if (!exited) waitpid(pid, &st, 0);
  if (pidfd >= 0) close(pidfd);
  close(fds[0]);
  Outcome o;
  o.seconds = static_cast<double>(now_ms() - t0) / 1000.0;
  const std::string evidence = "\n  transcript (last lines before the end):\n" +
                               (cfg.transcript ? cfg.transcript->tail() : std::string("    (none)\n")) +
                               case_stderr(cfg.work_dir, index);
  if (timed_out) {
    o.message = "timed out after " + std::to_string(timeout_s) +
                " s (--timeout; the case and its adapters were killed): it waited for something that never came" +
                evidence;
    return o;
  }
  try {
    const json r = json::parse(data);
    o.passed = r.at("ok").get<bool>();
    o.unsupported = r.value("unsupported", false);
    o.message = r.at("message").get<std::string>();
    if (r.contains("measures")) o.measures = r["measures"].get<std::vector<std::string>>();
  } catch (const std::exception &) {
    o.message = "the case process died";
    if (WIFSIGNALED(st)) o.message += std::string(" with signal ") + strsignal(WTERMSIG(st));
    o.message += " before reporting (a crash in the runner or the reference library)" + evidence;
  }
  return o;
}

void cleanup(const RunConfig &cfg, bool keep) {
  std::error_code ec;
  for (const auto &e : fs::directory_iterator("/dev/shm", ec)) {
    const std::string n = e.path().filename().string();
    if (n.rfind(cfg.name_prefix, 0) == 0 || n.rfind("." + cfg.name_prefix, 0) == 0) fs::remove(e.path(), ec);
  }
  if (!keep) fs::remove_all(cfg.work_dir, ec);
}

// The shim (shim/preload.c): --shim, else next to the runner (build tree),
// else in the lib directory of its install prefix.
std::string find_shim(const std::string &given) {
  if (!given.empty()) return fs::exists(given) ? fs::absolute(given).string() : std::string();
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "";
  const std::string name = "libsplinter-conformance-shim.so";
  for (const fs::path &p : {exe.parent_path() / name, exe.parent_path() / SPLINTER_CONFORMANCE_SHIM_RELDIR / name})
    if (fs::exists(p, ec)) return fs::weakly_canonical(p, ec).string();
  return "";
}

}  // namespace
}  // namespace splc

int main(int argc, char **argv) {
  using namespace splc;
  CLI::App app{"splinter-conformance: checks a Splinter binding, through its adapter, against the reference"};
  std::string adapter, expected_path, junit_path, json_path, cases_dir, shim_path;
  std::vector<std::string> run_patterns, skip_patterns;
  bool list = false, keep = false, verbose = false;
  int timeout_s = 120;  // generous: a loaded machine is slow, not wrong (the step bound is the answer bound)
  int answer_ms = kDefaultAnswerBoundMs;
  std::uint64_t seed = 20261125;
  app.add_option("--adapter", adapter, "command that starts the binding's adapter (run by /bin/sh)");
  app.add_option("--expected", expected_path, "expected-failure list (conformance/expected/<binding>.txt)");
  app.add_option("--run", run_patterns, "run only cases matching PATTERN (glob, or substring); repeatable");
  app.add_option("--skip", skip_patterns, "skip cases matching PATTERN (glob, or substring); repeatable");
  app.add_flag("--list", list, "list the selected cases (name, class, description) and exit");
  app.add_option("--timeout", timeout_s, "per-case timeout in seconds (default 120)")->check(CLI::Range(1, 3600));
  app.add_option("--answer-timeout", answer_ms,
                 "milliseconds to wait for one answer, an exit at end of input, or a state (default 30000)")
      ->check(CLI::Range(100, 600000));
  app.add_option("--junit", junit_path, "write a JUnit XML report to FILE (one test suite per guarantee class)");
  app.add_option("--json", json_path, "write a JSON summary (per class, per level, per case) to FILE");
  app.add_option("--seed", seed, "seed of the generated (model) cases");
  app.add_option("--cases", cases_dir, "read scripted cases from DIR instead of the built-in ones");
  app.add_option("--shim", shim_path, "the LD_PRELOAD shim some cases load into the adapter (default: found by the runner)");
  app.add_flag("--verbose", verbose, "also print what passing cases measured (CPU times, counts)");
  app.add_flag("--keep", keep, "keep the run's temporary directory (bus files, adapter stderr)");
  CLI11_PARSE(app, argc, argv);
  set_answer_bound_ms(answer_ms);

  std::vector<Case> all;
  add_script_cases(all, cases_dir);
  add_model_cases(all);
  add_vector_cases(all);
  add_interop_cases(all);
  add_process_cases(all);
  add_waiting_cases(all);
  add_resource_cases(all);
  add_creation_cases(all);
  add_feed_cases(all);

  std::vector<Row> rows;
  std::size_t selected = 0, skipped = 0, unclassified = 0;
  std::set<std::string> names;
  for (const auto &c : all) {
    if (!names.insert(c.name).second) {
      std::cerr << "splinter-conformance: duplicate case name " << c.name << "\n";
      return 2;
    }
    bool want = run_patterns.empty();
    for (const auto &p : run_patterns) want = want || matches(p, c.name);
    for (const auto &p : skip_patterns) want = want && !matches(p, c.name);
    Row r;
    r.c = &c;
    r.cls = class_of(c.name, c.cls);
    if (!find_class(r.cls)) ++unclassified;
    r.verdict = want ? "" : "SKIP";
    want ? ++selected : ++skipped;
    rows.push_back(std::move(r));
  }
  if (list) {
    for (const Row &r : rows)
      if (r.verdict.empty()) std::cout << r.c->name << "\t" << (r.cls.empty() ? "(none)" : r.cls) << "\t" << r.c->doc << "\n";
    return unclassified == 0 ? 0 : 1;
  }
  if (adapter.empty()) {
    std::cerr << "splinter-conformance: --adapter COMMAND is required (see --help)\n";
    return 2;
  }
  std::map<std::string, std::string> expected;
  if (!expected_path.empty()) expected = read_expected(expected_path);

  SharedTranscript transcript;
  RunConfig cfg;
  cfg.adapter_command = adapter;
  cfg.seed = seed;
  cfg.name_prefix = "splc-" + std::to_string(getpid()) + "-";
  cfg.shim = find_shim(shim_path);
  cfg.transcript = &transcript;
  char tmpl[] = "/tmp/splinter-conformance-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) {
    std::perror("mkdtemp");
    return 2;
  }
  cfg.work_dir = tmpl;

  // Say who we are talking to (and fail early if the adapter cannot start):
  // "hello" is answered within 10 s, or the run stops with status 2.
  RunInfo info;
  info.adapter_command = adapter;
  info.seed = seed;
  info.expected_path = expected_path;
  {
    Case hello{"hello", "", nullptr};
    hello.run = [&](Ctx &ctx) {
      const json a = ctx.adapter().call({{"op", "hello"}}, std::min(10000, answer_bound_ms()));
      expect_status(a, "OK", "hello");
      throw Fail("adapter " + a.value("adapter", std::string("?")) + ", library " +
                 a.value("library", std::string("?")) + "\n" + a.dump());
    };
    Outcome o = run_case(hello, cfg, 0, 20);
    const std::string first = o.message.substr(0, o.message.find('\n'));
    if (first.rfind("adapter ", 0) != 0 || first.find("library") == std::string::npos) {
      std::cerr << "splinter-conformance: the adapter does not answer \"hello\" (within 10 s):\n"
                << indent(o.message, "  ");
      cleanup(cfg, keep);
      return 2;
    }
    try {
      const json h = json::parse(o.message.substr(first.size() + 1, o.message.find('\n', first.size() + 1) - first.size() - 1));
      info.adapter = h.value("adapter", std::string("?"));
      info.library = h.value("library", std::string("?"));
    } catch (const std::exception &) {
    }
    std::cout << "splinter-conformance: " << selected << " cases (" << skipped << " skipped), seed " << seed
              << ", timeout " << timeout_s << " s\n  --adapter '" << adapter << "': " << first << "\n";
    if (unclassified > 0)
      std::cout << "  warning: " << unclassified << " cases belong to no guarantee class (runner/classes.cpp)\n";
  }

  const std::int64_t t0 = now_ms();
  std::size_t index = 1;
  std::size_t passed = 0, failed = 0, xfail = 0;
  std::vector<std::string> failed_names;
  for (Row &row : rows) {
    if (row.verdict == "SKIP") continue;
    const Case *c = row.c;
    row.o = run_case(*c, cfg, index++, timeout_s);
    const auto ex = expected.find(c->name);
    const bool listed = ex != expected.end();
    if (listed) row.reason = ex->second;
    if (row.o.passed) row.verdict = listed ? "XPASS" : "PASS";
    else row.verdict = listed ? "XFAIL" : "FAIL";
    char secs[32];
    std::snprintf(secs, sizeof secs, "%.2fs", row.o.seconds);
    std::cout << (row.verdict == "PASS" ? "PASS " : row.verdict == "FAIL" ? "FAIL " : row.verdict) << " " << c->name
              << "  (" << secs << ")\n";
    if (row.verdict == "FAIL") std::cout << indent(row.o.message, "      ");
    else if (verbose)
      for (const auto &m : row.o.measures) std::cout << "      measured: " << m << "\n";
    if (row.verdict == "XPASS")
      std::cout << "      listed in " << expected_path << " (" << row.reason << ") but passed: remove it from the list\n";
    if (row.verdict == "XFAIL") std::cout << "      expected failure: " << row.reason << "\n";
    std::cout.flush();
    if (row.verdict == "PASS") ++passed;
    if (row.verdict == "XFAIL") ++xfail;
    if (row.verdict == "FAIL" || row.verdict == "XPASS") {
      ++failed;
      failed_names.push_back(c->name + (row.verdict == "XPASS" ? " (listed as expected failure, but passed)" : ""));
    }
  }
  for (const auto &[name, reason] : expected) {
    if (!names.count(name)) {
      ++failed;
      failed_names.push_back(name + " (in " + expected_path + ", but no such case)");
    }
  }
  info.seconds = static_cast<double>(now_ms() - t0) / 1000.0;
  if (!junit_path.empty()) write_junit(junit_path, rows, info);
  if (!json_path.empty()) write_json(json_path, rows, info);
  cleanup(cfg, keep);

  char total[32];
  std::snprintf(total, sizeof total, "%.1f", info.seconds);
  std::cout << "\n== splinter-conformance summary (" << total << " s; adapter " << info.adapter << ", library "
            << info.library << ")\n";
  std::cout << summary_table(rows);
  for (const auto &n : failed_names) std::cout << "FAILED: " << n << "\n";
  if (xfail > 0) std::cout << xfail << " expected failures (listed in " << expected_path << ")\n";
  if (!junit_path.empty()) std::cout << "JUnit report: " << junit_path << "\n";
  if (!json_path.empty()) std::cout << "JSON summary: " << json_path << "\n";
  if (keep) std::cout << "kept: " << cfg.work_dir << "\n";
  std::cout << passed << " passed, " << failed << " failed";
  if (skipped > 0) std::cout << ", " << skipped << " skipped";
  std::cout << "\n";
  return failed == 0 ? 0 : 1;
}
