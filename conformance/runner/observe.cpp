// observe.cpp -- see observe.h.
#include "observe.h"

#include "procfs.h"

#include <sys/syscall.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

namespace splc {

void require_shim_loaded(const Ctx &ctx, pid_t pid) {
  for (const auto &m : procfs::mappings(pid))
    if (!m.path.empty() && procfs::same_object(m.path, ctx.shim())) return;
  throw Fail("the runner's shim (" + ctx.shim() + ") is not loaded in the adapter process " + std::to_string(pid) +
             ": LD_PRELOAD did not reach it (a statically linked adapter, or a wrapper that resets LD_PRELOAD?), so "
             "this case cannot act inside it (PROTOCOL.md, \"What the runner observes\")");
}

void wait_for_waiters(Ctx &ctx, const std::string &ref_bus, std::uint64_t n, const std::string &who) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(answer_bound_ms());
  for (;;) {
    const json info = ctx.reference().handle({{"op", "info"}, {"bus", ref_bus}});
    const std::uint64_t got = info.value("waiters", std::uint64_t{0});
    if (got >= n) {
      ctx.note("ref: info.waiters is " + std::to_string(got));
      return;
    }
    if (std::chrono::steady_clock::now() > until)
      throw Fail(who + " never showed as a waiter within " + std::to_string(answer_bound_ms()) +
                 " ms: info.waiters is " + std::to_string(got) + ", expected at least " + std::to_string(n) +
                 " (a blocked poll registers, FORMAT.md 2.5)");
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // how often to ask, not a bound
  }
}

std::string thread_states(pid_t pid) {
  static const std::map<long, const char *> names = {
      {SYS_futex, "futex"},     {SYS_nanosleep, "nanosleep"},   {SYS_clock_nanosleep, "clock_nanosleep"},
      {SYS_read, "read"},       {SYS_poll, "poll"},             {SYS_ppoll, "ppoll"},
      {SYS_epoll_wait, "epoll_wait"}, {SYS_epoll_pwait, "epoll_pwait"}, {SYS_select, "select"},
      {SYS_pselect6, "pselect6"}, {SYS_sched_yield, "sched_yield"}, {SYS_wait4, "wait4"}};
  std::string out;
  std::error_code ec;
  for (const auto &e : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
    std::ifstream in(e.path() / "syscall");
    std::string nr;
    in >> nr;
    std::string what = nr;
    if (!nr.empty() && nr != "running" && nr[0] != '-') {
      const auto it = names.find(std::stol(nr));
      what = it != names.end() ? it->second : "system call " + nr;
    }
    out += "    thread " + e.path().filename().string() + ": " + (what.empty() ? "?" : what) + "\n";
  }
  return out;
}

}  // namespace splc
