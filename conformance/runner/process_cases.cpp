// process_cases.cpp -- process-level behaviour: one writer across processes,
// a writer killed with SIGKILL (by the runner) and a new writer taking over
// cleanly, in both directions between the adapter and the reference.
#include "format.h"
#include "registry.h"
#include "workload.h"

#include <splinter/splinter.hpp>

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <random>
#include <thread>

namespace splc {
namespace {

constexpr std::size_t kMaxValue = 300;
const std::vector<std::string> kKeys = {"p0", "p1", "p2", "p3", "p4"};

json open_req(const std::string &handle, const std::string &backing, const std::string &name, const char *role) {
  return {{"op", "open"}, {"bus", handle}, {"backing", backing}, {"name", name}, {"role", role}};
}

// Each key must hold a value the killed writer sent for it, no older than
// its last acknowledged one.
void verify_after_kill(const json &answer, const std::string &k, std::uint64_t acked_seq, const std::string &who) {
  expect_status(answer, "OK", who + " get " + k + " after the writer was killed");
  const std::string v = value_of(answer);
  const auto d = decode_value(v, kMaxValue);
  if (!d || d->key != k) throw Fail(who + ": " + k + " holds bytes the writer never set: \"" + show_bytes(v, 60) + "\"");
  if (d->seq < acked_seq)
    throw Fail(who + ": " + k + " went back to seq " + std::to_string(d->seq) + " although seq " +
               std::to_string(acked_seq) + " was acknowledged");
}

void killed_writer_replaced(Ctx &ctx, bool shm) {
  const std::string b = shm ? "shm" : "file";
  const std::string name = shm ? ctx.shm_name() : ctx.file_path();
  auto &w = ctx.adapter("w");
  expect_status(w.call({{"op", "create"}, {"bus", "w"}, {"backing", b}, {"name", name}, {"slots", 8},
                        {"max_value_size", kMaxValue}}),
                "OK", "create");
  std::map<std::string, std::uint64_t> acked;
  std::uint64_t seq = 0;
  for (const auto &k : kKeys) {
    const json r = w.call(set_req("w", k, make_value(k, ++seq, kMaxValue)));
    expect_status(r, "OK", "set " + k);
    acked[k] = seq;
  }
  // A reader (reference, this process) opened before the kill.
  auto reader = splinter::Bus::open(shm ? splinter::Backing::shm : splinter::Backing::file, name, splinter::Role::reader);
  if (!reader.ok()) throw Fail("reference reader open failed");
  // A burst of sets in flight, then SIGKILL once the first `acks` of them are
  // acknowledged (a number from the run's seed): the kill lands mid-burst
  // whatever the machine's speed, and those acknowledged sets must survive.
  struct Sent {
    std::int64_t id;
    std::string key;
    std::uint64_t seq;
  };
  std::vector<Sent> burst;
  for (int i = 0; i < 300; ++i) {
    const std::string &k = kKeys[static_cast<std::size_t>(i) % kKeys.size()];
    ++seq;
    burst.push_back({w.send(set_req("w", k, make_value(k, seq, kMaxValue))), k, seq});
  }
  const std::size_t acks = 1 + std::mt19937_64(ctx.seed())() % (burst.size() - 1);
  for (std::size_t i = 0; i < acks; ++i) {
    expect_status(w.receive(burst[i].id, answer_bound_ms()), "OK", "set " + burst[i].key + " of the burst");
    acked[burst[i].key] = burst[i].seq;
  }
  ctx.kill_adapter("w");
  ctx.note("killed the writer after " + std::to_string(acks) + " of " + std::to_string(burst.size()) +
           " sets of the burst were acknowledged");

  // Readers never block on a dead writer.
  for (const auto &k : kKeys) {
    auto g = reader->get(k);
    if (!g.ok()) throw Fail("reference get " + k + " after the kill: " + std::string(g.status().name()));
  }
  // A new adapter process takes the writer role at once.
  auto &n = ctx.adapter("new");
  const json hello = n.call({{"op", "hello"}});
  const json o = n.call(open_req("w", b, name, "writer"));
  expect_status(o, "OK", "a new writer opens after the old one was killed");
  const json info = n.call({{"op", "info"}, {"bus", "w"}});
  expect_status(info, "OK", "info");
  if (info["writer_pid"] != hello["pid"])
    throw Fail("info.writer_pid is " + info["writer_pid"].dump() + ", the new writer's pid is " + hello["pid"].dump());
  for (const auto &k : kKeys) verify_after_kill(n.call(get_req("w", k)), k, acked[k], "the new writer");
  const json s = n.call(set_req("w", "after", "takeover"));
  expect_status(s, "OK", "set after takeover");
  auto g = reader->get("after");
  if (!g.ok() || g->text() != "takeover") throw Fail("the old reader does not see the new writer's set");
  expect_status(n.call({{"op", "close"}, {"bus", "w"}}), "OK", "close");
  const json chk = ctx.ref({{"op", "check"}, {"backing", b}, {"name", name}});
  expect_status(chk, "OK", "reference check after takeover");
  if (chk["worst"] != 0) throw Fail("the bus does not validate after the takeover: " + chk["findings"].dump());
}

void adapter_takes_over_from_killed_reference(Ctx &ctx) {
  const std::string name = ctx.shm_name();
  int ready[2];
  if (pipe(ready) != 0) throw Fail("pipe");
  // The reference writer, in a process of its own: killed when `writer`
  // goes out of scope, whichever way the case ends (a failed step included).
  Forked writer([&] {
    close(ready[0]);
    auto bus = splinter::Bus::create(splinter::Backing::shm, name, 8, kMaxValue);
    if (!bus.ok()) _exit(3);
    std::uint64_t seq = 0;
    for (const auto &k : kKeys)
      if (!bus->set(k, std::string_view(make_value(k, ++seq, kMaxValue))).ok()) _exit(4);
    if (write(ready[1], "r", 1) != 1) _exit(5);
    for (;;) {  // keep writing until killed, acknowledging each set with a byte
      const std::string &k = kKeys[seq % kKeys.size()];
      if (!bus->set(k, std::string_view(make_value(k, ++seq, kMaxValue))).ok()) _exit(6);
      if (write(ready[1], "a", 1) != 1) _exit(7);
    }
  });
  close(ready[1]);
  struct Closer {
    int fd;
    ~Closer() { close(fd); }
  } closer{ready[0]};
  char c = 0;
  if (read(ready[0], &c, 1) != 1) throw Fail("the reference writer process failed to start");
  auto &a = ctx.adapter();
  expect_status(a.call(open_req("busy", "shm", name, "writer")), "BUSY", "writer open while the reference writes");
  // Killed mid-stream: after a number of acknowledged sets (from the seed), never after a pause.
  const std::uint64_t sets = 1 + std::mt19937_64(ctx.seed() ^ 0x5eedu)() % 500;
  for (std::uint64_t i = 0; i < sets; ++i)
    if (read(ready[0], &c, 1) != 1) throw Fail("the reference writer process stopped writing");
  writer.kill_now();
  ctx.note("killed the reference writer after " + std::to_string(sets) + " acknowledged sets");
  expect_status(a.call(open_req("w", "shm", name, "writer")), "OK", "adapter takes the writer role from a killed writer");
  for (const auto &k : kKeys) verify_after_kill(a.call(get_req("w", k)), k, 0, "the adapter");
  expect_status(a.call(set_req("w", "mine", "now")), "OK", "set after takeover");
  expect_status(a.call({{"op", "close"}, {"bus", "w"}}), "OK", "close");
  const json chk = ctx.ref({{"op", "check"}, {"backing", "shm"}, {"name", name}});
  if (chk.value("status", "") != "OK" || chk["worst"] != 0)
    throw Fail("the bus does not validate after the adapter took over: " + chk.dump());
}

// Epochs go on from the last committed one across a writer's death: the new
// writer's first mutation gets the next epoch.
void epochs_continue_after_writer_death(Ctx &ctx) {
  const std::string name = ctx.shm_name();
  auto &w = ctx.adapter("w");
  expect_status(w.call({{"op", "create"}, {"bus", "w"}, {"backing", "shm"}, {"name", name}, {"slots", 8},
                        {"max_value_size", 16}}),
                "OK", "create");
  std::uint64_t last = 0;
  for (int i = 0; i < 3; ++i) {
    const json s = w.call(set_req("w", "k" + std::to_string(i), "v"));
    expect_status(s, "OK", "set");
    last = s.value("epoch", std::uint64_t{0});
  }
  if (last != 3) throw Fail("three sets on a new bus end at epoch " + std::to_string(last) + ", expected 3");
  ctx.kill_adapter("w");
  auto &n = ctx.adapter("new");
  expect_status(n.call(open_req("w", "shm", name, "writer")), "OK", "a new writer opens after the old one was killed");
  const json e = n.call({{"op", "epoch"}, {"bus", "w"}});
  if (e.value("epoch", std::uint64_t{0}) != 3) throw Fail("the bus epoch after the writer's death is " + e.dump() + ", expected 3");
  const json s = n.call(set_req("w", "after", "x"));
  expect_status(s, "OK", "set after takeover");
  if (s.value("epoch", std::uint64_t{0}) != 4)
    throw Fail("the first set after takeover has epoch " + s["epoch"].dump() + ", expected 4");
  const json g = n.call(get_req("w", "k2"));
  if (g.value("epoch", std::uint64_t{0}) != 3) throw Fail("k2 keeps its epoch 3 across the takeover, got " + g.dump());
}

// info.waiters of bus "w" through adapter `w`.
std::uint64_t waiters(AdapterProcess &w) {
  const json info = w.call({{"op", "info"}, {"bus", "w"}});
  expect_status(info, "OK", "info");
  return info.value("waiters", std::uint64_t{0});
}

// Asks until at least `n` wait words hold an announcement (FORMAT.md 2.5: a
// poll announces itself on its key's bucket or the bus word before it
// sleeps; a state another process reaches when it gets there, however busy
// the machine).
std::uint64_t wait_for_waiters(AdapterProcess &w, std::uint64_t n, const std::string &who) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(answer_bound_ms());
  for (;;) {
    const std::uint64_t got = waiters(w);
    if (got >= n) return got;
    if (std::chrono::steady_clock::now() > until)
      throw Fail(who + " never showed as a waiter: info.waiters is " + std::to_string(got) + ", expected " +
                 std::to_string(n));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // how often to ask, not a bound
  }
}

void killed_poller_harmless(Ctx &ctx) {
  const std::string name = ctx.shm_name();
  auto &w = ctx.adapter("w");
  expect_status(w.call({{"op", "create"}, {"bus", "w"}, {"backing", "shm"}, {"name", name}, {"slots", 4},
                        {"max_value_size", 16}}),
                "OK", "create");
  auto &p = ctx.adapter("poller");
  expect_status(p.call(open_req("r", "shm", name, "reader")), "OK", "open reader");
  p.send({{"op", "poll"}, {"bus", "r"}, {"key", "k"}, {"since", 0}, {"timeout_ms", -1}});
  // Killed while blocked in poll: once it shows as a waiter.
  wait_for_waiters(w, 1, "the poller");
  ctx.kill_adapter("poller");
  // Its announcement outlives it (FORMAT.md 2.6): the next set of k wakes
  // its word once, for nobody, and clears it.
  const json first = w.call(set_req("w", "k", "1"));
  expect_status(first, "OK", "set after a poller was killed");
  if (const std::uint64_t left = waiters(w); left != 0)
    throw Fail("info.waiters is " + std::to_string(left) + " after a set woke the killed poller's word, expected 0");
  // The writer goes on; another reader's poll of the same key still wakes.
  auto &q = ctx.adapter("q");
  expect_status(q.call(open_req("r", "shm", name, "reader")), "OK", "open reader");
  const std::uint64_t before = waiters(w);
  // Since the epoch the adapter reported for k (not the numbering of epochs).
  const auto id = q.send({{"op", "poll"}, {"bus", "r"}, {"key", "k"}, {"since", first["epoch"]}, {"timeout_ms", -1}});
  wait_for_waiters(w, before + 1, "the second reader's poll");
  expect_status(w.call(set_req("w", "k", "v")), "OK", "set while a second reader polls");
  const json r = q.receive(id, answer_bound_ms());
  expect_status(r, "OK", "poll of a live reader after another was killed");
}

void second_writer_refused(Ctx &ctx) {
  const std::string name = ctx.file_path();
  auto &a = ctx.adapter("a");
  expect_status(a.call({{"op", "create"}, {"bus", "w"}, {"backing", "file"}, {"name", name}, {"slots", 4},
                        {"max_value_size", 16}}),
                "OK", "create");
  expect_status(ctx.adapter("b").call(open_req("w", "file", name, "writer")), "BUSY", "second adapter process");
  auto ref = splinter::Bus::open(splinter::Backing::file, name, splinter::Role::writer);
  if (ref.status().code() != splinter::Code::busy)
    throw Fail(std::string("the reference got ") + ref.status().name() + " instead of BUSY while the adapter writes");
  // Refusal changes nothing: the first writer carries on.
  expect_status(a.call(set_req("w", "k", "still mine")), "OK", "the first writer still writes");
  expect_status(ctx.adapter("b").call(open_req("r", "file", name, "reader")), "OK", "a reader is always welcome");
  const json g = ctx.adapter("b").call(get_req("r", "k"));
  expect_status(g, "OK", "get");
  if (value_of(g) != "still mine") throw Fail("the reader sees " + show_bytes(value_of(g)));
}

void concurrent_creators_one_wins(Ctx &ctx) {
  auto &a = ctx.adapter("a");
  auto &b = ctx.adapter("b");
  for (int round = 0; round < 20; ++round) {
    const std::string name = ctx.shm_name("r" + std::to_string(round));
    const json req = {{"op", "create"}, {"bus", "w" + std::to_string(round)}, {"backing", "shm"}, {"name", name},
                      {"slots", 4}, {"max_value_size", 8}};
    const auto ia = a.send(req);
    const auto ib = b.send(req);
    const json ra = a.receive(ia, 10000), rb = b.receive(ib, 10000);
    const std::string sa = ra.value("status", ""), sb = rb.value("status", "");
    if (!((sa == "OK" && sb == "EXISTS") || (sa == "EXISTS" && sb == "OK")))
      throw Fail("round " + std::to_string(round) + ": concurrent creates answered " + sa + " and " + sb +
                 "; exactly one must win and the other get EXISTS");
    auto &winner = sa == "OK" ? a : b;
    expect_status(winner.call(set_req("w" + std::to_string(round), "k", "v")), "OK", "the winner writes");
  }
}

void create_file_mode_and_symlink(Ctx &ctx) {
  auto &a = ctx.adapter();
  const std::string p1 = ctx.file_path("default"), p2 = ctx.file_path("0640");
  expect_status(a.call({{"op", "create"}, {"bus", "w1"}, {"backing", "file"}, {"name", p1}, {"slots", 1},
                        {"max_value_size", 0}}),
                "OK", "create with mode 0");
  expect_status(a.call({{"op", "create"}, {"bus", "w2"}, {"backing", "file"}, {"name", p2}, {"slots", 1},
                        {"max_value_size", 0}, {"mode", 0640}}),
                "OK", "create with mode 0640");
  struct stat st1{}, st2{};
  if (::stat(p1.c_str(), &st1) != 0 || ::stat(p2.c_str(), &st2) != 0) throw Fail("created files missing");
  if ((st1.st_mode & 07777) != 0600)
    throw Fail("mode 0 must mean 0600, the file has " + std::to_string(st1.st_mode & 07777) + " (decimal)");
  if ((st2.st_mode & 07777) != 0640)
    throw Fail("mode 0640 asked, the file has " + std::to_string(st2.st_mode & 07777) + " (decimal)");
  // A symbolic link as the final component is never followed: its target is not created.
  const std::string target = ctx.file_path("target"), link = ctx.file_path("link");
  if (::symlink(target.c_str(), link.c_str()) != 0) throw Fail("symlink");
  const json r = a.call({{"op", "create"}, {"bus", "w3"}, {"backing", "file"}, {"name", link}, {"slots", 1},
                         {"max_value_size", 0}});
  if (r.value("status", "") == "OK") throw Fail("create through a symbolic link succeeded");
  if (::access(target.c_str(), F_OK) == 0) throw Fail("create followed the symbolic link and made its target");
  const json o = a.call({{"op", "open"}, {"bus", "r"}, {"backing", "file"}, {"name", link}, {"role", "reader"}});
  if (o.value("status", "") == "OK") throw Fail("open through a dangling symbolic link succeeded");
}

}  // namespace

void add_process_cases(std::vector<Case> &out) {
  out.push_back({"process/second_writer_refused", "while an adapter process writes, a second adapter process and the "
                 "reference get BUSY, and the first writer is unaffected", second_writer_refused});
  out.push_back({"process/killed_writer_replaced_shm",
                 "the runner SIGKILLs the adapter's writer mid-burst; readers never block, a new adapter writer takes over "
                 "at once with every key intact, and the bus validates",
                 [](Ctx &ctx) { killed_writer_replaced(ctx, true); }});
  out.push_back({"process/killed_writer_replaced_file", "the same on a file bus",
                 [](Ctx &ctx) { killed_writer_replaced(ctx, false); }});
  out.push_back({"process/adapter_takes_over_from_killed_reference",
                 "a reference writer process is killed mid-write; the adapter gets BUSY before and the writer role after",
                 adapter_takes_over_from_killed_reference});
  out.push_back({"process/epochs_continue_after_writer_death", "after the adapter's writer is killed, a new writer sees "
                 "the last committed epoch and its first mutation gets the next", epochs_continue_after_writer_death, "epochs"});
  out.push_back({"process/killed_poller_harmless", "a reader killed while blocked in poll does not stop the writer or "
                 "other readers' wake-ups", killed_poller_harmless});
  out.push_back({"process/concurrent_creators_one_wins", "two adapter processes create one name at once, 20 times: "
                 "exactly one gets OK, the other EXISTS", concurrent_creators_one_wins});
  out.push_back({"process/create_file_mode_and_symlink", "file creation honours the mode (0 means 0600) and never "
                 "follows a symbolic link", create_file_mode_and_symlink});
}

}  // namespace splc
