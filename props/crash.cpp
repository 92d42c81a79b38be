// crash.cpp -- fork a writer child and kill it at a crash point.
#include "crash.h"

#include "test_hooks.h"

#include <rapidcheck.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <sstream>

namespace splinter::props {
namespace {

// Child-process state for the hook (the child is single-threaded).
int g_point = 0;
int g_left = 0;

void kill_at_point(int point) {
  if (point == g_point && --g_left == 0) ::raise(SIGKILL);
}

constexpr int kExitOpenFailed = 100;

}  // namespace

const char *crash_point_name(int point) {
  switch (point) {
    case test::kSetFenced: return "set:fenced";
    case test::kSetKeyWritten: return "set:key-written";
    case test::kSetValueHalf: return "set:value-half";
    case test::kSetValueWritten: return "set:value-written";
    case test::kSetMetaWritten: return "set:meta-written";
    case test::kSetCommitted: return "set:committed";
    case test::kSetEpochPublished: return "set:epoch-published";
    case test::kUnsetCommitted: return "unset:committed";
    case test::kUnsetEpochPublished: return "unset:epoch-published";
    case test::kUnsetReclaimStep: return "unset:reclaim-step";
    case test::kSetFeedWritten: return "set:feed-written";
    case test::kUnsetFeedWritten: return "unset:feed-written";
    case test::kFeedWordRead: return "changes:word-read";
    case test::kExpireCommitted: return "expire:committed";
    case test::kExpireFeedWritten: return "expire:feed-written";
    default: return "?";
  }
}

const std::vector<int> &crash_points() {
  static const std::vector<int> points = [] {
    std::vector<int> all;
    // The writer's points (kFeedWordRead is a reader's).
    for (int p = test::kSetFenced; p < test::kCrashPointCount; ++p)
      if (p != test::kFeedWordRead) all.push_back(p);
    const char *env = std::getenv("SPLINTER_PROPS_CRASH_POINTS");
    if (env == nullptr) return all;
    std::vector<int> chosen;
    std::istringstream names(env);
    for (std::string name; std::getline(names, name, ',');) {
      if (name == "none") continue;
      bool known = false;
      for (int p : all) {
        if (name == crash_point_name(p)) {
          chosen.push_back(p);
          known = true;
        }
      }
      if (!known) {
        std::fprintf(stderr, "SPLINTER_PROPS_CRASH_POINTS: unknown crash point \"%s\"\n", name.c_str());
        std::exit(2);
      }
    }
    return chosen;
  }();
  return points;
}

ChildOutcome run_crashing_writer(splinter_backing backing, const std::string &name, int point, int nth,
                                 const std::function<int(splinter_bus *)> &mutation) {
  const pid_t pid = ::fork();
  if (pid < 0) RC_FAIL("fork failed");
  if (pid == 0) {
    splinter_bus *bus = nullptr;
    if (splinter_open(&bus, backing, name.c_str(), SPLINTER_WRITER) != SPLINTER_OK) ::_exit(kExitOpenFailed);
    g_point = point;
    g_left = nth;
    test::set_crash_hook(&kill_at_point);
    const int st = mutation(bus);
    test::set_crash_hook(nullptr);
    splinter_close(bus);
    ::_exit(-st);  // 0 for OK, else the positive status code
  }
  int ws = 0;
  while (::waitpid(pid, &ws, 0) < 0) {
    if (errno != EINTR) RC_FAIL("waitpid failed");
  }
  ChildOutcome out;
  if (WIFSIGNALED(ws) && WTERMSIG(ws) == SIGKILL) {
    out.killed = true;
  } else if (WIFEXITED(ws) && WEXITSTATUS(ws) != kExitOpenFailed) {
    out.status = -WEXITSTATUS(ws);
  } else if (WIFEXITED(ws)) {
    RC_FAIL("crash child: writer open failed");
  } else {
    RC_FAIL("crash child died of signal " + std::to_string(WTERMSIG(ws)));
  }
  return out;
}

}  // namespace splinter::props
