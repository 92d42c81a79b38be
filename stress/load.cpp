// load.cpp -- the parent of load and kill-loop runs (load.h).
#include "load.h"

#include "feed.h"
#include "model.h"
#include "shared.h"
#include "value.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace stress {
namespace {

constexpr int kChildJournalFd = 100, kChildControlFd = 101;
constexpr double kHangSeconds = 20.0;

struct Child {
  pid_t pid = -1;
  int journal = -1;  // parent's read end (writer only)
  int control = -1;  // parent's write end (writer only)
};

// Everything the cleanup on a violation must reach.
struct Run {
  Options o;
  std::string dir, stats_path;
  std::vector<Child> readers;
  Child writer;
  SharedPage *page = nullptr;
};
Run *g_run = nullptr;

void kill_all() {
  if (!g_run) return;
  for (auto &c : g_run->readers)
    if (c.pid > 0) kill(c.pid, SIGKILL);
  if (g_run->writer.pid > 0) kill(g_run->writer.pid, SIGKILL);
}

void cleanup() {
  if (!g_run) return;
  kill_all();
  for (auto &c : g_run->readers)
    if (c.pid > 0) waitpid(c.pid, nullptr, 0);
  if (g_run->writer.pid > 0) waitpid(g_run->writer.pid, nullptr, 0);
  if (splinter_destroy(g_run->o.backing, g_run->o.bus.c_str()) != SPLINTER_OK) {
    // already gone, or a child still holds it: nothing more to do
  }
  if (!std::getenv("SPLINTER_STRESS_KEEP")) {
    ::unlink(g_run->stats_path.c_str());
    if (g_run->o.backing == SPLINTER_FILE) ::unlink(g_run->o.bus.c_str());
    ::rmdir(g_run->dir.c_str());
  }
}

std::vector<std::string> child_args(const Options &o, const char *mode, std::uint32_t proc, std::uint32_t gen,
                                    bool hooks = false) {
  return {"splinter_stress", mode, "--backing", backing_name(o.backing), "--bus", o.bus, "--stats", o.stats,
          "--slots", std::to_string(o.slots), "--max-value", std::to_string(o.max_value), "--threads",
          std::to_string(o.threads), "--proc", std::to_string(proc), "--gen", std::to_string(gen), "--seed",
          std::to_string(mix64(o.seed + proc * 7919u + gen)), "--hook-kills",
          std::to_string(hooks ? o.hook_kill_per_million : 0), "--poll-timeout-ms", std::to_string(o.poll_timeout_ms)};
}

pid_t spawn(std::vector<std::string> args, int journal_w = -1, int control_r = -1) {
  const pid_t pid = fork();
  if (pid < 0) setup_error("fork: %s", std::strerror(errno));
  if (pid > 0) return pid;
  if (journal_w >= 0) {
    if (dup2(journal_w, kChildJournalFd) < 0 || dup2(control_r, kChildControlFd) < 0) _exit(kExitSetup);
    args.insert(args.end(), {"--journal-fd", std::to_string(kChildJournalFd), "--control-fd",
                             std::to_string(kChildControlFd)});
  }
  std::vector<char *> argv;
  for (auto &a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  execv("/proc/self/exe", argv.data());
  _exit(kExitSetup);
}

// Describes how a child ended; returns the harness exit code it implies.
int judge_exit(const char *who, int status, bool killed_by_us) {
  if (WIFEXITED(status)) {
    const int c = WEXITSTATUS(status);
    if (c == 0) return kExitOk;
    std::fprintf(stderr, "%s exited with status %d%s\n", who, c,
                 c == kExitViolation ? " (violation, see above)" : c == kExitSetup ? " (setup error)" : " (sanitizer report?)");
    return c == kExitViolation ? kExitViolation : c == kExitSetup ? kExitSetup : kExitCrash;
  }
  if (WIFSIGNALED(status)) {
    if (WTERMSIG(status) == SIGKILL && killed_by_us) return kExitOk;
    std::fprintf(stderr, "%s died of signal %d (%s)\n", who, WTERMSIG(status), strsignal(WTERMSIG(status)));
    return kExitCrash;
  }
  return kExitCrash;
}

[[noreturn]] void fail(int code) {
  kill_all();
  if (g_run && g_run->page) g_run->page->stop.store(1);
  cleanup();
  std::fprintf(stderr, "splinter_stress: FAILED (exit %d)\n", code);
  std::exit(code);
}

class Parent {
 public:
  explicit Parent(Run &run) : r_(run), o_(run.o), u_(Universe::make(o_.slots, o_.max_value)), model_(u_), rng_(o_.seed) {}
  int main();

 private:
  void create_bus();
  void start_writer(std::uint32_t gen, bool hooks);
  bool read_journal(int timeout_ms);  // false at EOF
  void wait_ready();
  void kill_writer_and_reap(bool expect_dead);
  void check_after_crash();
  void check_after_takeover();
  void watchdog();
  void reap_readers_nohang();
  void report(double seconds);

  Run &r_;
  const Options &o_;
  Universe u_;
  Model model_;
  std::mt19937_64 rng_;
  splinter_bus *view_ = nullptr;  // the parent's own reader handle
  std::vector<char> partial_;
  bool ready_ = false;
  bool f13_unrepaired_ = false;  // an F13 left by a crash that no takeover has repaired yet
  std::uint32_t ring_ = 0;       // the bus's change_ring
  FeedCounts feed_;
  std::uint32_t gen_ = 0;
  std::uint64_t kills_ = 0, startup_kills_ = 0, hook_deaths_ = 0, takeovers_ = 0, resolved_old_ = 0,
                resolved_new_ = 0, crash_checks_ = 0, f13_after_crash_ = 0;
};

void Parent::create_bus() {
  splinter_bus *w = nullptr;
  splinter_options opt{};
  opt.size = sizeof opt;
  opt.slots = o_.slots;
  opt.max_value_size = o_.max_value;
  opt.mode = 0600;
  opt.change_ring = o_.change_ring;
  opt.history_depth = o_.history_depth;
  int st = splinter_create_ex(&w, o_.backing, o_.bus.c_str(), &opt);
  if (st != SPLINTER_OK) setup_error("create %s: %s (%s)", o_.bus.c_str(), splinter_status_name(st), splinter_last_error());
  splinter_info info{};
  if (splinter_info_get(w, &info) != SPLINTER_OK) setup_error("info_get: %s", splinter_last_error());
  ring_ = info.change_ring;
  // The model keeps more of the past than the feed holds, and as many
  // values per key as a history gives.
  model_.keep(ring_ + 64, info.history_depth);
  std::vector<unsigned char> buf(o_.max_value + 1);
  for (std::uint32_t i = 0; i < u_.beacons; ++i) {
    for (std::uint32_t id : {u_.beacon_id(i), u_.ack_id(i)}) {
      const std::uint64_t e = splinter_epoch(w) + 1;
      const std::size_t len = encode(u_, id, e, ValueFacts{}, buf.data());
      std::uint64_t got = 0;
      record_intent(e, SPLINTER_OP_SET, id);
      st = splinter_set(w, u_.name(id).c_str(), buf.data(), len, &got);
      if (st != SPLINTER_OK || got != e) violation("initial set %s: %s", u_.name(id).c_str(), splinter_status_name(st));
      model_.initial_set(id, e);
    }
  }
  splinter_close(w);
  st = splinter_open(&view_, o_.backing, o_.bus.c_str(), SPLINTER_READER);
  if (st != SPLINTER_OK) setup_error("parent reader open: %s", splinter_status_name(st));
}

void Parent::start_writer(std::uint32_t gen, bool hooks) {
  int jp[2], cp[2];
  if (pipe2(jp, O_CLOEXEC) != 0 || pipe2(cp, O_CLOEXEC) != 0) setup_error("pipe: %s", std::strerror(errno));
  auto args = child_args(o_, "writer", 0, gen, hooks);
  if (o_.mode == "killloop") args.push_back("--sync-journal");
  r_.writer.pid = spawn(args, jp[1], cp[0]);
  ::close(jp[1]);
  ::close(cp[0]);
  r_.writer.journal = jp[0];
  r_.writer.control = cp[1];
  partial_.clear();
  ready_ = false;
}

bool Parent::read_journal(int timeout_ms) {
  pollfd p{r_.writer.journal, POLLIN, 0};
  const int n = ::poll(&p, 1, timeout_ms);
  if (n < 0 && errno != EINTR) setup_error("poll: %s", std::strerror(errno));
  if (n <= 0) return true;
  char buf[4096];
  const ssize_t got = ::read(r_.writer.journal, buf, sizeof buf);
  if (got < 0) {
    if (errno == EINTR) return true;
    setup_error("journal read: %s", std::strerror(errno));
  }
  if (got == 0) return false;
  partial_.insert(partial_.end(), buf, buf + got);
  std::size_t off = 0;
  for (; off + sizeof(JournalRecord) <= partial_.size(); off += sizeof(JournalRecord)) {
    JournalRecord rec;
    std::memcpy(&rec, partial_.data() + off, sizeof rec);
    model_.apply(rec);
    if (rec.type == Rec::ready) ready_ = true;
  }
  partial_.erase(partial_.begin(), partial_.begin() + static_cast<std::ptrdiff_t>(off));
  return true;
}

void Parent::reap_readers_nohang() {
  for (auto &c : r_.readers) {
    if (c.pid <= 0) continue;
    int status = 0;
    if (waitpid(c.pid, &status, WNOHANG) == c.pid) {
      const int code = judge_exit("reader", status, false);
      if (code == kExitOk) std::fprintf(stderr, "reader pid %d exited before the run ended\n", c.pid);
      c.pid = -1;
      fail(code == kExitOk ? kExitViolation : code);  // readers only stop when told
    }
  }
}

void Parent::watchdog() {
  if (r_.page->stop.load()) return;  // stopping: readers exit on their own
  reap_readers_nohang();
  const std::uint64_t now = now_ns();
  for (std::uint32_t p = 1; p <= o_.readers; ++p) {
    const ProcStats &st = r_.page->proc[p];
    for (std::uint32_t t = 0; t < st.threads.load(); ++t) {
      const std::uint64_t hb = st.heartbeat_ns[t].load();
      if (hb != 0 && now > hb && static_cast<double>(now - hb) / 1e9 > kHangSeconds + o_.poll_timeout_ms / 1000.0)
        violation("reader %u thread %u made no progress for %.1f s (hung%s)", p, t,
                  static_cast<double>(now - hb) / 1e9, r_.writer.pid > 0 ? "" : " while the writer was dead");
    }
  }
}

void Parent::wait_ready() {
  const std::uint64_t t0 = now_ns();
  while (!ready_) {
    if (!read_journal(100)) {
      int status = 0;
      waitpid(r_.writer.pid, &status, 0);
      r_.writer.pid = -1;
      if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL && o_.hook_kill_per_million > 0) {
        ++hook_deaths_;  // died at a crash point during its recovery
        return;
      }
      fail(judge_exit("writer (before ready)", status, false) == kExitOk ? kExitViolation
                                                                          : judge_exit("writer", status, false));
    }
    watchdog();
    if (now_ns() - t0 > 60000000000ull) violation("writer gen %u did not take over within 60 s", gen_);
  }
}

void Parent::kill_writer_and_reap(bool expect_dead) {
  if (!expect_dead) kill(r_.writer.pid, SIGKILL);
  while (read_journal(100)) {
  }
  int status = 0;
  waitpid(r_.writer.pid, &status, 0);
  r_.writer.pid = -1;
  ::close(r_.writer.journal);
  ::close(r_.writer.control);
  if (!(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)) {
    const int code = judge_exit("writer", status, false);
    fail(code == kExitOk ? kExitViolation : code);
  }
}

// After a SIGKILL: only the in-flight mutation may show, as F13 (the slot
// word committed, the bus epoch not yet raised). Then resolve it.
void Parent::check_after_crash() {
  struct Ctx {
    std::vector<std::string> bad;
    std::uint32_t f13 = 0;
  } ctx;
  auto fn = [](void *p, const splinter_finding *f) -> int {
    auto &c = *static_cast<Ctx *>(p);
    if (f->rule == 13 && f->severity == SPLINTER_SEV_RECOVERABLE) ++c.f13;
    else
      c.bad.push_back("F" + std::to_string(f->rule) + " slot " + std::to_string(f->slot) + " key '" + f->key +
                      "': " + f->detail);
    return 0;
  };
  splinter_report rep{};
  const int st = splinter_check(o_.backing, o_.bus.c_str(), fn, &ctx, &rep);
  if (st != SPLINTER_OK) violation("check after kill %" PRIu64 ": %s (%s)", kills_, splinter_status_name(st), splinter_last_error());
  if (!ctx.bad.empty())
    violation("a SIGKILLed writer left %zu finding(s) other than F13; first: %s", ctx.bad.size(), ctx.bad[0].c_str());
  // F13 comes from the mutation in flight, or is still there because the
  // writer that died was killed while taking over, before its recovery ran.
  if (ctx.f13 > 1 || (ctx.f13 == 1 && !model_.pending() && !f13_unrepaired_))
    violation("a SIGKILLed writer left %u F13 findings (in flight: %s)", ctx.f13, model_.pending() ? "one" : "none");
  f13_unrepaired_ = ctx.f13 > 0;
  f13_after_crash_ += ctx.f13;
  ++crash_checks_;
  const int how = model_.verify(view_, false);
  if (how == 1) ++resolved_old_;
  if (how == 2) ++resolved_new_;
  // The in-flight mutation is now resolved: committed (slot, and the feed
  // entry if written; recovery writes it otherwise, checked at takeover) or
  // in no entry of the feed.
  const std::uint64_t t0 = now_ns();
  const std::string when = "after kill " + std::to_string(kills_);
  check_feed(view_, model_, u_, when.c_str(), feed_);
  check_feed_raw(o_.backing, o_.bus, model_, u_, when.c_str(), feed_);
  check_histories(view_, model_, u_, when.c_str(), feed_);
  feed_.ns += now_ns() - t0;
}

void Parent::check_after_takeover() {
  splinter_report rep{};
  std::string first;
  auto fn = [](void *p, const splinter_finding *f) -> int {
    auto &s = *static_cast<std::string *>(p);
    if (s.empty()) s = "F" + std::to_string(f->rule) + " slot " + std::to_string(f->slot) + ": " + f->detail;
    return 0;
  };
  const int st = splinter_check_bus(view_, fn, &first, &rep);
  if (st != SPLINTER_OK || rep.findings != 0)
    violation("validator after takeover by writer gen %u: %s, %u findings; first: %s", gen_, splinter_status_name(st),
              rep.findings, first.c_str());
  (void)model_.verify(view_, true);
  const std::uint64_t t0 = now_ns();
  const std::string when = "after takeover by writer gen " + std::to_string(gen_);
  check_feed(view_, model_, u_, when.c_str(), feed_);
  check_histories(view_, model_, u_, when.c_str(), feed_);
  feed_.ns += now_ns() - t0;
  f13_unrepaired_ = false;
  ++takeovers_;
}

int Parent::main() {
  create_bus();
  for (std::uint32_t p = 1; p <= o_.readers; ++p) r_.readers.push_back({spawn(child_args(o_, "reader", p, 0))});
  const std::uint64_t t_start = now_ns();
  const bool killloop = o_.mode == "killloop";
  std::uint32_t kills_left = killloop ? o_.kills : 0;
  std::uint64_t last_report = t_start;
  while (true) {
    start_writer(++gen_, kills_left > 0);
    // Sometimes kill the writer while it is still opening and recovering.
    if (kills_left > 0 && rng_() % 10 == 0) {
      usleep(static_cast<useconds_t>(rng_() % 4000));
      kill_writer_and_reap(false);
      ++kills_, ++startup_kills_, --kills_left;
      check_after_crash();
      continue;
    }
    wait_ready();
    if (r_.writer.pid < 0) {  // a crash hook killed it while it took over
      ::close(r_.writer.journal);
      ::close(r_.writer.control);
      ++kills_;
      if (kills_left > 0) --kills_left;
      check_after_crash();
      continue;
    }
    check_after_takeover();
    if (::write(r_.writer.control, "g", 1) != 1) setup_error("control write: %s", std::strerror(errno));
    if (kills_left > 0) {
      const std::uint64_t life_ms = o_.kill_min_ms + rng_() % (o_.kill_max_ms - o_.kill_min_ms + 1);
      const std::uint64_t until = now_ns() + life_ms * 1000000u;
      bool alive = true;
      while (alive && now_ns() < until) {
        alive = read_journal(static_cast<int>(std::min<std::uint64_t>(50, (until - now_ns()) / 1000000u + 1)));
        watchdog();
      }
      if (!alive) ++hook_deaths_;
      kill_writer_and_reap(!alive);
      ++kills_, --kills_left;
      check_after_crash();
      if (o_.verbose || now_ns() - last_report > 5000000000ull) {
        last_report = now_ns();
        std::fprintf(stderr, "  killloop: %" PRIu64 " kills, bus epoch %" PRIu64 ", %" PRIu64 " acknowledged mutations\n",
                     kills_, model_.bus_epoch(), model_.acked());
      }
      continue;
    }
    // The last writer runs to the end of the run.
    const double run_s = killloop ? 1.0 : o_.duration;
    const std::uint64_t until = now_ns() + static_cast<std::uint64_t>(run_s * 1e9);
    while (now_ns() < until) {
      if (!read_journal(50)) {  // the last writer has no crash hooks: it must not die
        std::fprintf(stderr, "writer gen %u died during the final phase\n", gen_);
        kill_writer_and_reap(true);
        fail(kExitViolation);
      }
      watchdog();
    }
    break;
  }
  // Stop everyone; the writer finishes its current mutation and exits.
  r_.page->stop.store(1);
  const std::uint64_t t_stopping = now_ns();
  while (read_journal(100))
    if (now_ns() - t_stopping > 60000000000ull) violation("writer gen %u did not stop within 60 s (hung)", gen_);
  int status = 0;
  waitpid(r_.writer.pid, &status, 0);
  r_.writer.pid = -1;
  if (int c = judge_exit("writer", status, false)) fail(c);
  const std::uint64_t t_stop = now_ns();
  for (auto &c : r_.readers) {
    while (true) {
      const pid_t w = waitpid(c.pid, &status, WNOHANG);
      if (w == c.pid) break;
      if (static_cast<double>(now_ns() - t_stop) / 1e9 > kHangSeconds + 2.0 * o_.poll_timeout_ms / 1000.0)
        violation("reader pid %d did not stop within %.0f s of the stop flag (hung)", c.pid, kHangSeconds);
      usleep(10000);
    }
    c.pid = -1;
    if (int code = judge_exit("reader", status, false)) fail(code);
  }
  check_after_takeover();  // final: validator clean, every key as acknowledged
  report(static_cast<double>(t_stop - t_start) / 1e9);
  splinter_close(view_);
  return kExitOk;
}

void Parent::report(double s) {
  ProcStats &w = r_.page->proc[0];
  std::uint64_t get_ok = 0, get_absent = 0, list_ok = 0, entries = 0, poll_ok = 0, poll_to = 0, bus_poll = 0,
                again = 0, skipped = 0, feed_reads = 0, feed_entries = 0, feed_unchecked = 0, feed_compacted = 0;
  Histogram *lat = new Histogram();
  for (int p = 0; p <= static_cast<int>(o_.readers); ++p) {
    ProcStats &st = r_.page->proc[p];
    get_ok += st.get_ok, get_absent += st.get_absent, list_ok += st.list_ok, entries += st.list_entries;
    poll_ok += st.poll_ok, poll_to += st.poll_timeout, bus_poll += st.bus_poll_ok, again += st.again;
    skipped += st.latency_samples_skipped;
    feed_reads += st.feed_reads, feed_entries += st.feed_entries, feed_unchecked += st.feed_unchecked;
    feed_compacted += st.feed_compacted;
    lat->merge(st.poll_latency);
  }
  const std::uint64_t writes = w.sets + w.unsets;
  const std::uint64_t reads = get_ok + get_absent + list_ok + poll_ok + bus_poll;
  std::printf("splinter_stress %s: backing %s, %u slots, max value %u, %u reader processes x %u threads, "
              "writer process with %u threads, seed %" PRIu64 "\n",
              o_.mode.c_str(), backing_name(o_.backing), o_.slots, o_.max_value, o_.readers, o_.threads, o_.threads,
              o_.seed);
  std::printf("  duration %.1f s; violations: 0\n", s);
  std::printf("  writer: %" PRIu64 " sets + %" PRIu64 " unsets committed (%.0f/s); rejected as expected: %" PRIu64
              " FULL, %" PRIu64 " unset NOT_FOUND; %" PRIu64 " table fills; %" PRIu64 " self-validations; %" PRIu64
              " flushes\n",
              w.sets.load(), w.unsets.load(), static_cast<double>(writes) / s, w.full.load(), w.unset_absent.load(),
              w.fills.load(), w.self_checks.load(), w.flushes.load());
  std::printf("  readers: %" PRIu64 " successful ops (%.0f/s): %" PRIu64 " get OK, %" PRIu64 " get NOT_FOUND, %" PRIu64
              " lists (%" PRIu64 " entries), %" PRIu64 " key polls, %" PRIu64 " bus polls\n",
              reads, static_cast<double>(reads) / s, get_ok, get_absent, list_ok, entries, poll_ok, bus_poll);
  std::printf("  not counted as ops: %" PRIu64 " AGAIN retries, %" PRIu64 " poll timeouts\n", again, poll_to);
  std::printf("  poll wake latency (set call -> poller awake), %" PRIu64 " samples (%" PRIu64
              " without an identifiable first change): p50 %.0f us, p99 %.0f us, max %.0f us\n",
              lat->count.load(), skipped, lat->quantile_us(0.5), lat->quantile_us(0.99),
              static_cast<double>(lat->max_ns.load()) / 1000.0);
  std::printf("  feed followers (poll + changes): %" PRIu64 " reads, %" PRIu64 " entries checked against the "
              "writer's intents (%" PRIu64 " unchecked: the reader lagged the intent ring), %" PRIu64
              " COMPACTED + resync\n",
              feed_reads, feed_entries - feed_unchecked, feed_unchecked, feed_compacted);
  std::printf("  parent (change_ring %u, history_depth %u): %" PRIu64 " feed checks against the journal (%" PRIu64
              " entries), %" PRIu64 " raw feed checks after kills (%" PRIu64
              " in-flight entries past the bus epoch), %" PRIu64 " history checks (%" PRIu64 " values); %.2f s\n",
              ring_, o_.history_depth, feed_.feed_checks, feed_.feed_entries, feed_.raw_checks,
              feed_.in_flight_in_feed, feed_.history_checks, feed_.history_values, static_cast<double>(feed_.ns) / 1e9);
  if (o_.mode == "killloop")
    std::printf("  kill loop: %" PRIu64 " writer deaths (%" PRIu64 " during takeover, %" PRIu64
                " at crash hooks), %" PRIu64 " post-crash checks (%" PRIu64 " F13 in flight), %" PRIu64
                " verified takeovers; in-flight mutation found old %" PRIu64 ", new %" PRIu64 " times; %" PRIu64
                " acknowledged mutations\n",
                kills_, startup_kills_, hook_deaths_, crash_checks_, f13_after_crash_, takeovers_, resolved_old_,
                resolved_new_, model_.acked());
  std::fflush(stdout);
  delete lat;
}

}  // namespace

int run_load(const Options &opts) {
  Run run;
  run.o = opts;
  if (run.o.seed == 0) run.o.seed = now_ns() ^ static_cast<std::uint64_t>(getpid());
  char tmpl[] = "/tmp/splinter-stress-XXXXXX";
  if (!mkdtemp(tmpl)) setup_error("mkdtemp: %s", std::strerror(errno));
  run.dir = tmpl;
  run.stats_path = run.dir + "/stats";
  run.o.stats = run.stats_path;
  run.o.bus = run.o.backing == SPLINTER_FILE ? run.dir + "/bus"
                                             : "splinter-stress-" + std::to_string(getpid()) + "-" + run.dir.substr(run.dir.size() - 6);
  g_run = &run;
  std::fprintf(stderr, "splinter_stress %s: seed %" PRIu64 ", bus %s\n", run.o.mode.c_str(), run.o.seed, run.o.bus.c_str());
  run.page = create_shared(run.stats_path);
  set_shared(run.page);
  set_violation_cleanup([] {
    kill_all();
    cleanup();
  });
  Parent parent(run);
  const int rc = parent.main();
  cleanup();
  g_run = nullptr;
  return rc;
}

}  // namespace stress
