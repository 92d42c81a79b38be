// creation_cases.cpp -- a bus is visible to openers only once it is whole
// (class "lifetime"; splinter.h, splinter_create; FORMAT.md 2.8). The
// adapter creates a bus with the runner's shim loaded; the shim holds the
// create at its first sizing call on the new object (ftruncate or fallocate
// through the C library), right after the object came to exist and before
// anything was written in it. Meanwhile the reference opens the bus's name,
// as reader and as writer: both must answer NO_BUS (a creator that builds the
// bus under its final name shows a half-made object: CORRUPT, or worse).
// Then the create is let go and must succeed, and the bus must be whole.
// The hold is an event (a byte on a FIFO), never a pause.
#include "observe.h"
#include "registry.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

namespace splc {
namespace {

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

void opener_never_sees_a_half_made_bus(Ctx &ctx, bool shm) {
  const std::string b = shm ? "shm" : "file";
  const std::string name = shm ? ctx.shm_name("half") : ctx.file_path("half");
  const std::string match = shm ? name : std::filesystem::path(name).filename().string();
  const std::string fifo = ctx.file_path("park");
  Fd parked, go;
  for (const auto &[suffix, fd] : {std::pair{".parked", &parked}, std::pair{".go", &go}}) {
    const std::string path = fifo + suffix;
    if (mkfifo(path.c_str(), 0600) != 0) throw Fail("mkfifo " + path);
    fd->fd = ::open(path.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);  // O_RDWR: never blocks on a FIFO
    if (fd->fd < 0) throw Fail("open " + path);
  }
  auto &a = ctx.adapter("a", ctx.shim_env({"SPLINTER_SHIM_PARK=" + fifo, "SPLINTER_SHIM_PARK_MATCH=" + match}));
  require_shim_loaded(ctx, ctx.adapter_pid("a"));
  const std::int64_t id = a.send({{"op", "create"}, {"bus", "w"}, {"backing", b}, {"name", name}, {"slots", 16},
                                  {"max_value_size", 32}});
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(answer_bound_ms());
  for (;;) {
    pollfd p{parked.fd, POLLIN, 0};
    if (::poll(&p, 1, 20) == 1) break;
    if (auto early = a.try_receive(id, 0))
      throw Fail("the create answered without sizing a new object through ftruncate or fallocate of the C library, "
                 "so this case could not hold it half-made: " + early->dump());
    if (std::chrono::steady_clock::now() > until)
      throw Fail("the create neither sized a new object nor answered within " + std::to_string(answer_bound_ms()) + " ms");
  }
  ctx.note("the adapter's create is held at its first sizing of the new object");
  std::vector<std::string> problems;
  for (const char *role : {"reader", "writer"}) {
    const json o = ctx.ref({{"op", "open"}, {"bus", std::string("half-") + role}, {"backing", b}, {"name", name}, {"role", role}});
    if (o.value("status", "") != "NO_BUS")
      problems.push_back(std::string("a ") + role + " open of the name while the bus was being made answered " +
                         o.value("status", "?") + ", not NO_BUS: the bus was visible before it was whole" +
                         (o.contains("detail") ? " (" + o["detail"].get<std::string>() + ")" : ""));
    if (o.value("status", "") == "OK") ctx.ref({{"op", "close"}, {"bus", std::string("half-") + role}});
  }
  if (::write(go.fd, "g", 1) != 1) throw Fail("cannot release the create");
  const json c = a.receive(id, answer_bound_ms());
  if (!problems.empty()) {
    std::string msg = "an opener racing a creator that was still initialising saw a half-made bus:";
    for (const auto &p : problems) msg += "\n  - " + p;
    throw Fail(msg);
  }
  expect_status(c, "OK", "the create, once let go");
  expect_status(a.call({{"op", "set"}, {"bus", "w"}, {"key", "k"}, {"value_b64", "dg=="}}), "OK", "set");
  expect_status(ctx.ref({{"op", "open"}, {"bus", "r"}, {"backing", b}, {"name", name}, {"role", "reader"}}), "OK",
                "the reference opens the finished bus");
  const json info = ctx.ref({{"op", "info"}, {"bus", "r"}});
  if (info.value("slots", 0) != 16 || info.value("max_value_size", 0) != 32)
    throw Fail("the finished bus has the wrong geometry: " + info.dump());
  const json g = ctx.ref({{"op", "get"}, {"bus", "r"}, {"key", "k"}});
  if (g.value("status", "") != "OK" || g.value("value_b64", "") != "dg==")
    throw Fail("the reference does not read the adapter's set on the finished bus: " + g.dump());
}

}  // namespace

void add_creation_cases(std::vector<Case> &out) {
  out.push_back({"observe/create/opener_never_sees_a_half_made_bus_shm",
                 "while the adapter's create is held right after the shm object came to exist, opening the name "
                 "answers NO_BUS; once let go the create succeeds and the bus is whole",
                 [](Ctx &ctx) { opener_never_sees_a_half_made_bus(ctx, true); }, "lifetime"});
  out.push_back({"observe/create/opener_never_sees_a_half_made_bus_file", "the same for a file bus",
                 [](Ctx &ctx) { opener_never_sees_a_half_made_bus(ctx, false); }, "lifetime"});
}

}  // namespace splc
