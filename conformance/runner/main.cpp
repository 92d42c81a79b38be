// main.cpp -- splinter-conformance: runs the conformance cases against a
// binding's adapter (conformance/README.md, conformance/PROTOCOL.md).
//
// Each case runs in its own forked process group, so a per-case timeout can
// kill the case together with every adapter it started, and a crash on
// either side is reported as that case's failure.
#include "registry.h"

#include <CLI/CLI.hpp>

#include <fnmatch.h>
#include <poll.h>
#include <signal.h>
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

struct Outcome {
  bool passed = false;
  std::string message;
  double seconds = 0;
};

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

// Runs one case in a child process group; returns its outcome.
Outcome run_case(const Case &c, const RunConfig &cfg, std::size_t index, int timeout_s) {
  int fds[2];
  if (pipe(fds) != 0) return {false, "pipe failed", 0};
  std::cout.flush();
  std::cerr.flush();
  const std::int64_t t0 = now_ms();
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    setpgid(0, 0);
    signal(SIGPIPE, SIG_IGN);
    std::string result;
    {
      Ctx ctx(cfg, index);
      bool ok = false;
      std::string message;
      try {
        c.run(ctx);
        ctx.finish_adapters();
        ok = true;
      } catch (const Fail &f) {
        message = f.what();
      } catch (const std::exception &e) {
        message = std::string("runner exception: ") + e.what();
      }
      if (!ok) {
        message += "\n  transcript (last lines; '>' to, '<' from the adapter or the in-process reference):\n" +
                   ctx.transcript();
        const std::string err = ctx.adapter_stderr();
        if (!err.empty()) message += err;
      }
      result = json{{"ok", ok}, {"message", message}}.dump(-1, ' ', false, json::error_handler_t::replace);
    }
    const char *p = result.data();
    std::size_t left = result.size();
    while (left > 0) {
      const ssize_t n = write(fds[1], p, left);
      if (n <= 0) break;
      p += n;
      left -= static_cast<std::size_t>(n);
    }
    _exit(0);
  }
  close(fds[1]);
  if (pid < 0) {
    close(fds[0]);
    return {false, "fork failed", 0};
  }
  setpgid(pid, pid);
  std::string data;
  bool timed_out = false;
  const std::int64_t deadline = t0 + std::int64_t{timeout_s} * 1000;
  for (;;) {
    const std::int64_t left = deadline - now_ms();
    if (left <= 0) {
      timed_out = true;
      break;
    }
    pollfd pfd{fds[0], POLLIN, 0};
    const int rc = ::poll(&pfd, 1, static_cast<int>(left));
    if (rc < 0 && errno == EINTR) continue;
    if (rc == 0) {
      timed_out = true;
      break;
    }
    char buf[65536];
    const ssize_t n = read(fds[0], buf, sizeof buf);
    if (n <= 0) break;
    data.append(buf, static_cast<std::size_t>(n));
  }
  close(fds[0]);
  kill(-pid, SIGKILL);  // the case's process group: the case and its adapters
  int st = 0;
  waitpid(pid, &st, 0);
  Outcome o;
  o.seconds = static_cast<double>(now_ms() - t0) / 1000.0;
  if (timed_out) {
    o.message = "timed out after " + std::to_string(timeout_s) + " s (case and adapters killed)";
    return o;
  }
  try {
    const json r = json::parse(data);
    o.passed = r.at("ok").get<bool>();
    o.message = r.at("message").get<std::string>();
  } catch (const std::exception &) {
    o.message = "the case process died";
    if (WIFSIGNALED(st)) o.message += std::string(" with signal ") + strsignal(WTERMSIG(st));
    o.message += " before reporting (a crash in the runner or the reference library)";
  }
  return o;
}

std::string xml_escape(const std::string &s) {
  std::string out;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default:
        if (c < 0x20 && c != '\n' && c != '\t') out += ' ';
        else out += static_cast<char>(c);
    }
  }
  return out;
}

struct Row {
  const Case *c;
  std::string verdict;  // PASS FAIL XFAIL XPASS SKIP
  Outcome o;
  std::string reason;   // expected-failure reason
};

void write_junit(const std::string &path, const std::vector<Row> &rows, double total) {
  std::ofstream out(path);
  std::size_t failures = 0, skipped = 0;
  for (const auto &r : rows) {
    if (r.verdict == "FAIL" || r.verdict == "XPASS") ++failures;
    if (r.verdict == "SKIP" || r.verdict == "XFAIL") ++skipped;
  }
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites>\n<testsuite name=\"splinter-conformance\" tests=\"" << rows.size() << "\" failures=\""
      << failures << "\" errors=\"0\" skipped=\"" << skipped << "\" time=\"" << total << "\">\n";
  for (const auto &r : rows) {
    const std::string &name = r.c->name;
    const auto slash = name.rfind('/');
    out << "  <testcase classname=\"" << xml_escape(name.substr(0, slash)) << "\" name=\""
        << xml_escape(name.substr(slash + 1)) << "\" time=\"" << r.o.seconds << "\">";
    if (r.verdict == "FAIL")
      out << "<failure message=\"" << xml_escape(r.o.message.substr(0, r.o.message.find('\n'))) << "\">"
          << xml_escape(r.o.message) << "</failure>";
    else if (r.verdict == "XPASS")
      out << "<failure message=\"listed as an expected failure but passed: remove it from the list\"/>";
    else if (r.verdict == "XFAIL")
      out << "<skipped message=\"expected failure: " << xml_escape(r.reason) << "\"/>";
    else if (r.verdict == "SKIP")
      out << "<skipped message=\"skipped by --skip/--run\"/>";
    out << "</testcase>\n";
  }
  out << "</testsuite>\n</testsuites>\n";
}

void cleanup(const RunConfig &cfg, bool keep) {
  std::error_code ec;
  for (const auto &e : fs::directory_iterator("/dev/shm", ec)) {
    const std::string n = e.path().filename().string();
    if (n.rfind(cfg.name_prefix, 0) == 0) fs::remove(e.path(), ec);
  }
  if (!keep) fs::remove_all(cfg.work_dir, ec);
}

}  // namespace
}  // namespace splc

int main(int argc, char **argv) {
  using namespace splc;
  CLI::App app{"splinter-conformance: checks a Splinter binding, through its adapter, against the reference"};
  std::string adapter, expected_path, junit_path, cases_dir;
  std::vector<std::string> run_patterns, skip_patterns;
  bool list = false, keep = false;
  int timeout_s = 120;  // generous: a loaded machine is slow, not wrong (the step bound is kAnswerBoundMs)
  std::uint64_t seed = 20261125;
  app.add_option("--adapter", adapter, "command that starts the binding's adapter (run by /bin/sh)");
  app.add_option("--expected", expected_path, "expected-failure list (conformance/expected/<binding>.txt)");
  app.add_option("--run", run_patterns, "run only cases matching PATTERN (glob, or substring); repeatable");
  app.add_option("--skip", skip_patterns, "skip cases matching PATTERN (glob, or substring); repeatable");
  app.add_flag("--list", list, "list the selected cases and exit");
  app.add_option("--timeout", timeout_s, "per-case timeout in seconds")->check(CLI::Range(1, 3600));
  app.add_option("--junit", junit_path, "write a JUnit XML report to FILE");
  app.add_option("--seed", seed, "seed of the generated (model) cases");
  app.add_option("--cases", cases_dir, "read scripted cases from DIR instead of the built-in ones");
  app.add_flag("--keep", keep, "keep the run's temporary directory (bus files, adapter stderr)");
  CLI11_PARSE(app, argc, argv);

  std::vector<Case> all;
  add_script_cases(all, cases_dir);
  add_model_cases(all);
  add_vector_cases(all);
  add_interop_cases(all);
  add_process_cases(all);

  std::vector<const Case *> selected;
  std::size_t skipped = 0;
  std::set<std::string> names;
  for (const auto &c : all) {
    if (!names.insert(c.name).second) {
      std::cerr << "splinter-conformance: duplicate case name " << c.name << "\n";
      return 2;
    }
    bool want = run_patterns.empty();
    for (const auto &p : run_patterns) want = want || matches(p, c.name);
    for (const auto &p : skip_patterns) want = want && !matches(p, c.name);
    if (want) selected.push_back(&c);
    else ++skipped;
  }
  if (list) {
    for (const Case *c : selected) std::cout << c->name << "\t" << c->doc << "\n";
    return 0;
  }
  if (adapter.empty()) {
    std::cerr << "splinter-conformance: --adapter COMMAND is required (see --help)\n";
    return 2;
  }
  std::map<std::string, std::string> expected;
  if (!expected_path.empty()) expected = read_expected(expected_path);

  RunConfig cfg;
  cfg.adapter_command = adapter;
  cfg.seed = seed;
  cfg.name_prefix = "splc-" + std::to_string(getpid()) + "-";
  char tmpl[] = "/tmp/splinter-conformance-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) {
    std::perror("mkdtemp");
    return 2;
  }
  cfg.work_dir = tmpl;

  // Say who we are talking to (and fail early if the adapter cannot start).
  {
    Case hello{"hello", "", nullptr};
    std::string who;
    hello.run = [&](Ctx &ctx) {
      const json a = ctx.adapter().call({{"op", "hello"}}, 10000);
      expect_status(a, "OK", "hello");
      throw Fail("adapter " + a.value("adapter", std::string("?")) + ", library " +
                 a.value("library", std::string("?")));
    };
    Outcome o = run_case(hello, cfg, 0, 20);
    const std::string first = o.message.substr(0, o.message.find('\n'));
    if (first.rfind("adapter ", 0) != 0 || first.find("library") == std::string::npos) {
      std::cerr << "splinter-conformance: the adapter does not answer \"hello\":\n" << indent(o.message, "  ");
      cleanup(cfg, keep);
      return 2;
    }
    std::cout << "splinter-conformance: " << selected.size() << " cases (" << skipped << " skipped), seed " << seed
              << ", timeout " << timeout_s << " s\n  --adapter '" << adapter << "': " << first << "\n";
  }

  std::vector<Row> rows;
  std::set<std::string> listed_seen;
  const std::int64_t t0 = now_ms();
  std::size_t index = 1;
  for (const Case *c : selected) {
    Row row{c, "", run_case(*c, cfg, index++, timeout_s), ""};
    const auto ex = expected.find(c->name);
    const bool listed = ex != expected.end();
    if (listed) {
      listed_seen.insert(c->name);
      row.reason = ex->second;
    }
    if (row.o.passed) row.verdict = listed ? "XPASS" : "PASS";
    else row.verdict = listed ? "XFAIL" : "FAIL";
    char secs[32];
    std::snprintf(secs, sizeof secs, "%.2fs", row.o.seconds);
    std::cout << (row.verdict == "PASS" ? "PASS " : row.verdict == "FAIL" ? "FAIL " : row.verdict) << " " << c->name
              << "  (" << secs << ")\n";
    if (row.verdict == "FAIL") std::cout << indent(row.o.message, "      ");
    if (row.verdict == "XPASS")
      std::cout << "      listed in " << expected_path << " (" << row.reason
                << ") but passed: remove it from the list\n";
    if (row.verdict == "XFAIL") std::cout << "      expected failure: " << row.reason << "\n";
    std::cout.flush();
    rows.push_back(std::move(row));
  }
  for (const Case *c : selected) (void)c;
  for (const auto &c : all) (void)c;
  std::size_t passed = 0, failed = 0, xfail = 0;
  std::vector<std::string> failed_names;
  for (const auto &r : rows) {
    if (r.verdict == "PASS") ++passed;
    if (r.verdict == "XFAIL") ++xfail;
    if (r.verdict == "FAIL" || r.verdict == "XPASS") {
      ++failed;
      failed_names.push_back(r.c->name + (r.verdict == "XPASS" ? " (listed as expected failure, but passed)" : ""));
    }
  }
  for (const auto &[name, reason] : expected) {
    if (!names.count(name)) {
      ++failed;
      failed_names.push_back(name + " (in " + expected_path + ", but no such case)");
    }
  }
  const double total = static_cast<double>(now_ms() - t0) / 1000.0;
  if (!junit_path.empty()) write_junit(junit_path, rows, total);
  cleanup(cfg, keep);

  std::cout << "\n== splinter-conformance summary (" << total << " s)\n";
  for (const auto &n : failed_names) std::cout << "FAILED: " << n << "\n";
  if (xfail > 0) std::cout << xfail << " expected failures (listed in " << expected_path << ")\n";
  if (!junit_path.empty()) std::cout << "JUnit report: " << junit_path << "\n";
  std::cout << passed << " passed, " << failed << " failed";
  if (skipped > 0) std::cout << ", " << skipped << " skipped";
  std::cout << "\n";
  return failed == 0 ? 0 : 1;
}
