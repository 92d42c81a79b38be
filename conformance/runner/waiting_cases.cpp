// waiting_cases.cpp -- how a blocked poll waits, seen from outside the
// adapter process (class "waiting"):
//   - it uses no CPU: its CPU time over the wait is compared with a process
//     that spins for the same span, on the same machine, at the same time;
//   - it sleeps in the kernel on the bus's own memory (a futex wait there),
//     where the writer's wake reaches it: it wakes on the change, not on a
//     timer of its own;
//   - its deadline is on the monotonic clock: stepping the wall clock (as the
//     adapter process sees it, through the runner's shim) changes nothing.
// Why none of these can fail on a slow or busy machine is said at each.
#include "observe.h"
#include "procfs.h"
#include "registry.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <thread>

namespace splc {
namespace {

using Clock = std::chrono::steady_clock;

json open_req(const std::string &handle, const std::string &name, const char *role) {
  return {{"op", "open"}, {"bus", handle}, {"backing", "shm"}, {"name", name}, {"role", role}};
}

json poll_req(const std::string &bus, std::int64_t timeout_ms) {
  return {{"op", "poll"}, {"bus", bus}, {"key", "k"}, {"since", 0}, {"timeout_ms", timeout_ms}};
}

// The reference creates bus "w" (shm, in the runner) and the adapter opens
// it as reader "r".
std::string reader_on_reference_bus(Ctx &ctx, AdapterProcess &a) {
  const std::string name = ctx.shm_name();
  expect_status(ctx.ref({{"op", "create"}, {"bus", "w"}, {"backing", "shm"}, {"name", name}, {"slots", 8},
                         {"max_value_size", 16}}),
                "OK", "reference create");
  expect_status(a.call(open_req("r", name, "reader")), "OK", "open reader");
  return name;
}

// CPU: a blocked poller against a spinning yardstick. The yardstick is a
// process of the runner that burns CPU until it has used 300 ms of it; the
// poll waits all that time. A poll that sleeps uses a few hundred
// microseconds to enter and leave the wait, however long the wait and however
// busy the machine (a sleeping thread is charged nothing). A poll that spins
// competes for the CPU exactly as the yardstick does, so it gets about as
// much as the yardstick whatever else runs: a quarter of the yardstick
// separates the two with a wide margin on any machine. Both figures are
// CPU times the kernel charged, never a wall-clock duration.
void blocked_poll_uses_no_cpu(Ctx &ctx) {
  auto &a = ctx.adapter();
  reader_on_reference_bus(ctx, a);
  // Warm-up: each request below has run once before anything is measured.
  ctx.resources();
  expect_status(a.call(poll_req("r", 0)), "TIMEOUT", "poll with timeout 0 on an absent key");
  const Resources before = ctx.resources();
  const std::int64_t id = a.send(poll_req("r", -1));
  constexpr std::int64_t kYardstickUs = 300000;
  std::int64_t yardstick_us = 0;
  {
    Forked yardstick([] {
      timespec t{};
      do clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
      while (std::int64_t{t.tv_sec} * 1000000 + t.tv_nsec / 1000 < kYardstickUs);
    });
    yardstick.wait(&yardstick_us);
  }
  expect_status(ctx.ref({{"op", "set"}, {"bus", "w"}, {"key", "k"}, {"value_b64", "dg=="}}), "OK", "reference set");
  const json p = a.receive(id, answer_bound_ms());
  expect_status(p, "OK", "the poll, once the key is set");
  const Resources after = ctx.resources();
  const std::int64_t used = after.cpu_us - before.cpu_us;
  ctx.measure("the poller used " + std::to_string(used) + " us of CPU while a yardstick spun for " +
           std::to_string(yardstick_us) + " us");
  if (used * 4 > yardstick_us)
    throw Fail("the adapter process used " + std::to_string(used / 1000) + " ms of CPU while its poll waited, against " +
               std::to_string(yardstick_us / 1000) + " ms used meanwhile by a process that only spins (the bound is a "
               "quarter of that): a blocked poll must sleep in the kernel, not re-check in a loop");
}

// In the kernel, on the bus: while the poll is pending, some thread of the
// adapter process must be seen in a futex wait on an address inside its
// mapping of the bus (FORMAT.md 2.5 step 4; the writer's FUTEX_WAKE, 2.6,
// reaches exactly those). The runner looks every few milliseconds for up to
// the answer bound; a thread that sleeps there is found at the first look on
// any machine. A poll that sleeps on a timer between checks (nanosleep, or a
// futex wait elsewhere) is never seen there: it wakes late by up to its
// period, and this case fails it without timing anything.
void blocked_poll_sleeps_on_the_bus(Ctx &ctx) {
  auto &a = ctx.adapter();
  const pid_t pid = ctx.adapter_pid();
  const std::string name = reader_on_reference_bus(ctx, a);
  const std::string object = "/dev/shm/" + name;
  const std::int64_t id = a.send(poll_req("r", -1));
  const auto until = Clock::now() + std::chrono::milliseconds(answer_bound_ms());
  bool seen = false;
  std::string last;
  while (!seen) {
    const auto maps = procfs::mappings(pid);
    for (const auto &w : procfs::futex_waits(pid))
      for (const auto &m : maps)
        if (w.uaddr >= m.lo && w.uaddr < m.hi && procfs::same_object(m.path, object)) {
          seen = true;
          ctx.note("thread " + std::to_string(w.tid) + " of the adapter waits in futex on the bus (offset " +
                   std::to_string(w.uaddr - m.lo) + " of a mapping of " + object + ")");
        }
    if (seen) break;
    if (auto early = a.try_receive(id, 0))
      throw Fail("the poll answered before anything changed: " + early->dump());
    last = thread_states(pid);
    if (Clock::now() > until)
      throw Fail("while its poll waited, no thread of the adapter process " + std::to_string(pid) +
                 " was seen sleeping in a futex wait on the bus's memory (looked for " +
                 std::to_string(answer_bound_ms()) + " ms). A blocked poll must sleep on the bus's wake word "
                 "(FORMAT.md 2.5), where the writer's wake (2.6) reaches it at once; one that re-checks on a timer "
                 "wakes up to a period late. Its threads at the last look:\n" + last);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));  // how often to look, not a bound
  }
  expect_status(ctx.ref({{"op", "set"}, {"bus", "w"}, {"key", "k"}, {"value_b64", "dg=="}}), "OK", "reference set");
  expect_status(a.receive(id, answer_bound_ms()), "OK", "the poll, once the key is set");
}

// Monotonic deadline. The adapter runs with the runner's shim, which shifts
// the wall clock the process reads through the C library by an offset the
// runner sets (the machine's clock is not touched; a time namespace cannot
// do this: it offsets only the monotonic and boot clocks, and only before a
// process enters it). Once the poll is inside its wait (the reference sees it
// registered), the runner steps that wall clock:
//   - an hour forward during a 1500 ms poll: it must still time out no sooner
//     than 1500 ms after it was sent (a lower bound: a slow machine only makes
//     it later);
//   - two hours back during a 300 ms poll: it must still time out (within
//     the answer bound: a deadline on the wall clock would wait hours).
// What this proves: the poll's deadline is not computed from the wall clock
// as read through the C library. It cannot see a deadline the kernel keeps on
// CLOCK_REALTIME (a futex or timer with that clock), nor a clock read that
// bypasses the C library (PROTOCOL.md, "What the runner observes").
void deadline_ignores_wall_clock_steps(Ctx &ctx) {
  const std::string clock_file = ctx.file_path("clock");
  {
    const std::int64_t zero = 0;
    const int fd = ::open(clock_file.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || ::write(fd, &zero, sizeof zero) != static_cast<ssize_t>(sizeof zero)) throw Fail("cannot write " + clock_file);
    ::close(fd);
  }
  const int fd = ::open(clock_file.c_str(), O_RDWR | O_CLOEXEC);
  void *p = fd < 0 ? MAP_FAILED : mmap(nullptr, sizeof(std::int64_t), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (fd >= 0) ::close(fd);
  if (p == MAP_FAILED) throw Fail("cannot map " + clock_file);
  auto *offset = static_cast<std::int64_t *>(p);
  auto step = [&](std::int64_t seconds) {
    __atomic_store_n(offset, seconds * 1000000000, __ATOMIC_RELAXED);
    ctx.note("the adapter's wall clock is now " + std::to_string(seconds) + " s off the machine's");
  };
  auto &a = ctx.adapter("a", ctx.shim_env({"SPLINTER_SHIM_CLOCK=" + clock_file}));
  require_shim_loaded(ctx, ctx.adapter_pid("a"));
  reader_on_reference_bus(ctx, a);

  const auto t0 = Clock::now();
  const std::int64_t id = a.send(poll_req("r", 1500));
  wait_for_waiters(ctx, "w", 1, "the poller");
  step(3600);
  const json forward = a.receive(id, answer_bound_ms());
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
  expect_status(forward, "TIMEOUT", "a 1500 ms poll on an unchanged key");
  ctx.measure("a 1500 ms poll, the wall clock stepped an hour forward, timed out after " + std::to_string(took) + " ms");
  if (took < 1500)
    throw Fail("a 1500 ms poll timed out after " + std::to_string(took) +
               " ms, once the adapter's wall clock was stepped an hour forward: its deadline follows the wall "
               "clock, not CLOCK_MONOTONIC (FORMAT.md 2.5)");

  const std::int64_t id2 = a.send(poll_req("r", 300));
  wait_for_waiters(ctx, "w", 1, "the poller");
  step(-3600);
  const auto back = a.try_receive(id2, answer_bound_ms());
  if (!back)
    throw Fail("a 300 ms poll did not return within " + std::to_string(answer_bound_ms()) +
               " ms once the adapter's wall clock was stepped back: its deadline follows the wall clock, not "
               "CLOCK_MONOTONIC (FORMAT.md 2.5)");
  expect_status(*back, "TIMEOUT", "a 300 ms poll on an unchanged key");
}

}  // namespace

void add_waiting_cases(std::vector<Case> &out) {
  out.push_back({"observe/poll/blocked_poll_uses_no_cpu",
                 "a reader blocked in poll uses almost no CPU: under a quarter of what a spinning process uses "
                 "over the same wait",
                 blocked_poll_uses_no_cpu, "waiting"});
  out.push_back({"observe/poll/blocked_poll_sleeps_on_the_bus",
                 "a reader blocked in poll sleeps in a futex wait on the bus's memory, where the writer's wake "
                 "reaches it (not on a timer of its own)",
                 blocked_poll_sleeps_on_the_bus, "waiting"});
  out.push_back({"observe/poll/deadline_ignores_wall_clock_steps",
                 "a poll's timeout runs on the monotonic clock: stepping the adapter's wall clock forward or back "
                 "during the poll changes nothing (through the runner's shim)",
                 deadline_ignores_wall_clock_steps, "waiting"});
}

}  // namespace splc
