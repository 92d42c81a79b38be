// resource_cases.cpp -- what handles and lookups cost (class "resources"):
//   - many open/close cycles leave no file descriptor and no mapping behind;
//   - a get that misses on a large table costs about what a hit costs (a
//     short probe chain), not a walk over the whole table.
// Both compare counts or CPU times within one run, never a duration.
#include "observe.h"
#include "procfs.h"
#include "registry.h"

#include "../common/base64.h"

namespace splc {
namespace {

json open_req(const std::string &handle, const std::string &backing, const std::string &name, const char *role) {
  return {{"op", "open"}, {"bus", handle}, {"backing", backing}, {"name", name}, {"role", role}};
}

// Leaks. 100 cycles, each opening five handles (reader and writer of a shm
// and of a file bus, and a created-then-destroyed bus) and using them, after
// five cycles of warm-up. A leak of one descriptor or mapping per open adds
// 500; per cycle, 100. The adapter's own totals ("resources") may drift with
// its runtime's housekeeping, by a few entries, whatever the machine's load:
// the bound is 50 (half the cycles). And from /proc, exactly: no descriptor
// or mapping of any bus of this case is left once every handle is closed.
void open_close_cycles_leak_nothing(Ctx &ctx) {
  const std::string shm = ctx.shm_name("s"), file = ctx.file_path("f"), created = ctx.shm_name("c");
  for (const auto &[b, n] : {std::pair{"shm", shm}, std::pair{"file", file}}) {
    expect_status(ctx.ref({{"op", "create"}, {"bus", "w"}, {"backing", b}, {"name", n}, {"slots", 8}, {"max_value_size", 16}}),
                  "OK", "reference create");
    expect_status(ctx.ref({{"op", "set"}, {"bus", "w"}, {"key", "k"}, {"value_b64", "dg=="}}), "OK", "reference set");
    ctx.ref({{"op", "close"}, {"bus", "w"}});
  }
  auto &a = ctx.adapter();
  const pid_t pid = ctx.adapter_pid();
  auto ok = [&](const json &req, const std::string &what) { expect_status(a.call(req), "OK", what); };
  auto cycle = [&] {
    for (const auto &[b, n] : {std::pair{"shm", shm}, std::pair{"file", file}}) {
      ok(open_req("r", b, n, "reader"), std::string("open a reader of the ") + b + " bus");
      ok({{"op", "get"}, {"bus", "r"}, {"key", "k"}}, "get");
      ok({{"op", "poll"}, {"bus", "r"}, {"key", "k"}, {"since", 0}, {"timeout_ms", 0}}, "poll that returns at once");
      ok({{"op", "info"}, {"bus", "r"}}, "info");
      ok({{"op", "close"}, {"bus", "r"}}, "close the reader");
      ok(open_req("w", b, n, "writer"), std::string("open the writer of the ") + b + " bus");
      ok({{"op", "set"}, {"bus", "w"}, {"key", "k"}, {"value_b64", "dg=="}}, "set");
      ok({{"op", "flush"}, {"bus", "w"}}, "flush");
      ok({{"op", "close"}, {"bus", "w"}}, "close the writer");
    }
    ok({{"op", "create"}, {"bus", "c"}, {"backing", "shm"}, {"name", created}, {"slots", 4}, {"max_value_size", 8}}, "create");
    ok({{"op", "set"}, {"bus", "c"}, {"key", "x"}, {"value_b64", ""}}, "set");
    ok({{"op", "close"}, {"bus", "c"}}, "close the created bus");
    ok({{"op", "destroy"}, {"backing", "shm"}, {"name", created}}, "destroy");
  };
  for (int i = 0; i < 5; ++i) cycle();
  const Resources before = ctx.resources();
  constexpr int kCycles = 100;
  for (int i = 0; i < kCycles; ++i) cycle();
  const Resources after = ctx.resources();

  // From /proc: descriptors and mappings of this case's buses.
  const std::string shm_prefix = "/dev/shm/" + ctx.shm_name(), hidden = "/dev/shm/." + ctx.shm_name();
  const std::string file_prefix = ctx.file_path("");
  const std::string file_stem = file_prefix.substr(0, file_prefix.size() - 4);  // without ".bus"
  auto ours = [&](std::string path) {
    const std::string deleted = " (deleted)";
    if (path.size() > deleted.size() && path.compare(path.size() - deleted.size(), deleted.size(), deleted) == 0)
      path.resize(path.size() - deleted.size());
    return path.rfind(shm_prefix, 0) == 0 || path.rfind(hidden, 0) == 0 ||
           (path.rfind(file_stem, 0) == 0 && path.size() > 4 && path.compare(path.size() - 4, 4, ".bus") == 0);
  };
  std::vector<std::string> problems;
  std::vector<std::string> left;
  for (const auto &t : procfs::fd_targets(pid))
    if (ours(t)) left.push_back("descriptor of " + t);
  for (const auto &m : procfs::mappings(pid))
    if (ours(m.path)) left.push_back("mapping of " + m.path);
  if (!left.empty()) {
    std::string what = "with every handle closed, the adapter process still holds " + std::to_string(left.size()) +
                       " descriptors or mappings of this case's buses, such as:";
    for (std::size_t i = 0; i < left.size() && i < 6; ++i) what += "\n    " + left[i];
    problems.push_back(what);
  }
  const std::int64_t bound = kCycles / 2;
  if (after.fds - before.fds > bound)
    problems.push_back("its open descriptors went from " + std::to_string(before.fds) + " to " +
                       std::to_string(after.fds) + " over " + std::to_string(kCycles) + " cycles (bound: +" +
                       std::to_string(bound) + ")");
  if (after.maps - before.maps > bound)
    problems.push_back("its mappings went from " + std::to_string(before.maps) + " to " + std::to_string(after.maps) +
                       " over " + std::to_string(kCycles) + " cycles (bound: +" + std::to_string(bound) + ")");
  ctx.measure("descriptors " + std::to_string(before.fds) + " -> " + std::to_string(after.fds) + ", mappings " +
           std::to_string(before.maps) + " -> " + std::to_string(after.maps));
  if (!problems.empty()) {
    std::string msg = std::to_string(kCycles) + " open/close cycles (5 handles each) leak:";
    for (const auto &p : problems) msg += "\n  - " + p;
    throw Fail(msg);
  }
}

// Miss cost. A table of 2^18 slots (a 32 MiB slot table) holds 2000 keys:
// a get of an absent key stops at the first EMPTY slot of its probe path,
// after one or two slots, as a hit does (FORMAT.md 2.4); a walk over the
// table reads 262144 slots. The adapter's CPU time over 400 misses must stay
// within four times its CPU time over 400 hits of the same run, plus 20 ms
// for the resolution of the figures; a walk costs hundreds of times a hit.
// Both sides run interleaved, in rounds, on the same process and machine.
void miss_costs_a_probe_chain(Ctx &ctx) {
  const std::string name = ctx.shm_name();
  constexpr std::uint32_t kSlots = 1u << 18;
  expect_status(ctx.ref({{"op", "create"}, {"bus", "w"}, {"backing", "shm"}, {"name", name}, {"slots", kSlots},
                         {"max_value_size", 8}}),
                "OK", "reference create");
  for (int i = 0; i < 2000; ++i) {
    const json s = ctx.reference().handle(
        {{"op", "set"}, {"bus", "w"}, {"key", "h" + std::to_string(i)}, {"value_b64", base64_encode("v")}});
    expect_status(s, "OK", "reference set");
  }
  auto &a = ctx.adapter();
  expect_status(a.call(open_req("r", "shm", name, "reader")), "OK", "open reader");
  constexpr int kPerRound = 100, kRounds = 4;
  auto gets = [&](const char *prefix, int from, const std::string &status) {
    for (int i = from; i < from + kPerRound; ++i) {
      const json g = a.call({{"op", "get"}, {"bus", "r"}, {"key", prefix + std::to_string(i)}});
      expect_status(g, status, std::string("get of a key that is ") + (status == "OK" ? "there" : "absent"));
    }
  };
  gets("h", 0, "OK");  // warm-up
  gets("m", 0, "NOT_FOUND");
  ctx.resources();
  std::int64_t hit_us = 0, miss_us = 0;
  for (int r = 0; r < kRounds; ++r) {
    const Resources r0 = ctx.resources();
    gets("h", r * kPerRound, "OK");
    const Resources r1 = ctx.resources();
    gets("m", r * kPerRound, "NOT_FOUND");
    const Resources r2 = ctx.resources();
    hit_us += r1.cpu_us - r0.cpu_us;
    miss_us += r2.cpu_us - r1.cpu_us;
  }
  ctx.measure("CPU: " + std::to_string(hit_us) + " us for the hits, " + std::to_string(miss_us) + " us for the misses");
  if (miss_us > 4 * hit_us + 20000)
    throw Fail(std::to_string(kRounds * kPerRound) + " gets of absent keys on a table of " + std::to_string(kSlots) +
               " slots cost the adapter " + std::to_string(miss_us / 1000) + " ms of CPU, against " +
               std::to_string(hit_us / 1000) + " ms for as many gets of present keys (bound: 4 times that + 20 ms): a "
               "miss must stop at the first EMPTY slot of its probe path (FORMAT.md 2.4), not walk the table");
}

}  // namespace

void add_resource_cases(std::vector<Case> &out) {
  out.push_back({"observe/handles/open_close_cycles_leak_nothing",
                 "100 cycles of opening, using and closing five handles leave no descriptor or mapping of a bus, "
                 "and the process's totals do not grow with them",
                 open_close_cycles_leak_nothing, "resources"});
  out.push_back({"observe/lookup/miss_costs_a_probe_chain",
                 "on a table of 2^18 slots a get that misses costs about what a hit costs (CPU time, same run), "
                 "not a walk over the table",
                 miss_costs_a_probe_chain, "resources"});
}

}  // namespace splc
