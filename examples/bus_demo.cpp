// bus_demo -- one writer process and two reader processes exchange updates
// through a bus: one reader blocks in poll and wakes on every change of a
// key, the other reads with get. Then the bus is validated.
//
//   bus_demo [shm:NAME | file:PATH]      (default: shm:splinter-demo-<pid>)
#include <splinter/splinter.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>

namespace {

constexpr int kUpdates = 20;

// The waiting reader: sleeps in poll until "progress" changes, prints each value.
int waiting_reader(splinter::Backing backing, const std::string &name) {
  auto bus = splinter::Bus::open(backing, name, splinter::Role::reader);
  if (!bus) return std::fprintf(stderr, "reader A: open: %s\n", splinter::last_error()), 1;
  std::uint64_t since = 0;
  for (int seen = 0; seen < kUpdates;) {
    auto e = bus->poll("progress", since, 10000);
    if (!e) return std::fprintf(stderr, "reader A: poll: %s\n", e.status().name()), 1;
    auto v = bus->get("progress");
    if (!v) continue;  // removed meanwhile
    since = v->epoch;
    seen = std::stoi(std::string(v->text()));
    std::printf("reader A (poll): progress=%s at epoch %llu\n", std::string(v->text()).c_str(),
                static_cast<unsigned long long>(v->epoch));
  }
  return 0;
}

// The polling-free reader: waits for the "done" key, then reads everything.
int reading_reader(splinter::Backing backing, const std::string &name) {
  auto bus = splinter::Bus::open(backing, name, splinter::Role::reader);
  if (!bus) return std::fprintf(stderr, "reader B: open: %s\n", splinter::last_error()), 1;
  if (auto e = bus->poll("done", 0, 10000); !e) return std::fprintf(stderr, "reader B: no done\n"), 1;
  auto list = bus->list();
  if (!list) return 1;
  for (const auto &entry : list.value()) {
    auto v = bus->get(entry.key);
    if (v) std::printf("reader B (get): %s = %s (epoch %llu)\n", entry.key.c_str(), std::string(v->text()).c_str(),
                       static_cast<unsigned long long>(v->epoch));
  }
  return 0;
}

}  // namespace

int main(int argc, char **argv) {
  std::string spec = argc > 1 ? argv[1] : "shm:splinter-demo-" + std::to_string(::getpid());
  const bool file = spec.rfind("file:", 0) == 0;
  const splinter::Backing backing = file ? splinter::Backing::file : splinter::Backing::shm;
  const std::string name = spec.substr(spec.find(':') + 1);

  auto writer = splinter::Bus::create(backing, name, 64, 256);
  if (!writer) return std::fprintf(stderr, "create %s: %s\n", spec.c_str(), splinter::last_error()), 1;
  std::printf("created %s: 64 slots of up to 256 bytes\n", spec.c_str());
  std::fflush(stdout);

  pid_t readers[2];
  for (int i = 0; i < 2; ++i) {
    readers[i] = ::fork();
    if (readers[i] == 0) {
      const int rc = i == 0 ? waiting_reader(backing, name) : reading_reader(backing, name);
      std::fflush(stdout);
      ::_exit(rc);
    }
  }
  ::usleep(100000);  // let the readers start waiting; not needed for correctness
  for (int i = 1; i <= kUpdates; ++i) {
    if (!writer->set("progress", std::to_string(i)).ok()) return 1;
    (void)writer->set("step-" + std::to_string(i % 4), "update " + std::to_string(i));
    ::usleep(5000);
  }
  (void)writer->set("done", std::string_view("yes"));
  int failed = 0;
  for (pid_t r : readers) {
    int status = 0;
    ::waitpid(r, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) ++failed;
  }
  auto checked = writer->check();
  const bool clean = checked.ok() && checked->report.worst == 0;
  std::printf("bus epoch %llu; validator: %s; readers failed: %d\n",
              static_cast<unsigned long long>(writer->epoch()), clean ? "clean" : "FINDINGS", failed);
  writer->close();
  (void)splinter::Bus::destroy(backing, name);
  return clean && failed == 0 ? 0 : 1;
}
