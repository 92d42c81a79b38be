// context.h -- what a conformance case gets: adapter processes, the
// in-process reference, unique bus names, and assertion helpers.
#ifndef SPLINTER_CONFORMANCE_CONTEXT_H
#define SPLINTER_CONFORMANCE_CONTEXT_H

#include "../reference/handler.h"
#include "adapter.h"
#include "fail.h"
#include "transcript.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace splc {

using nlohmann::json;

struct RunConfig {
  std::string adapter_command;
  std::string work_dir;     // private temporary directory of this run
  std::string name_prefix;  // prefix of every shm name of this run
  std::uint64_t seed = 0;
  std::string shim;                        // the runner's LD_PRELOAD shim (shim/preload.c), "" if not found
  SharedTranscript *transcript = nullptr;  // where the case's exchanges are kept
};

// What an adapter reports of its own process ("resources", PROTOCOL.md).
struct Resources {
  std::int64_t cpu_us = 0;  // user + system CPU time of the whole process
  std::int64_t fds = 0;     // open file descriptors
  std::int64_t maps = 0;    // memory mappings (lines of /proc/self/maps)
};

// A process the case forks for itself (a reference writer, a CPU yardstick):
// killed and reaped when the guard goes, whatever the case does meanwhile.
class Forked {
 public:
  explicit Forked(const std::function<void()> &body);  // the child runs body, then _exit(0)
  ~Forked();
  Forked(const Forked &) = delete;
  Forked &operator=(const Forked &) = delete;
  pid_t pid() const { return pid_; }
  // Waits for it to exit by itself; returns its wait status and fills
  // *cpu_us with the CPU time it used (user + system), if asked.
  int wait(std::int64_t *cpu_us = nullptr);
  void kill_now();

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
};

// The stderr tails of every adapter process case `index` started (their
// files in the run's directory), for failure reports, even after the case
// process is gone.
std::string case_stderr(const std::string &work_dir, std::size_t index, std::size_t max_bytes = 1500);

class Ctx {
 public:
  Ctx(const RunConfig &cfg, std::size_t case_index);
  ~Ctx();

  // The adapter process named `tag`, started on first use (with `env` added
  // to its environment).
  AdapterProcess &adapter(const std::string &tag = "a", const Env &env = {});
  // The pid adapter `tag` reports in "hello" (asked once).
  pid_t adapter_pid(const std::string &tag = "a");
  // Its "resources" answer (Fail unless OK with every field).
  Resources resources(const std::string &tag = "a");
  // The environment that loads the runner's shim into an adapter, plus `more`
  // (Fail when the shim was not found).
  Env shim_env(const Env &more) const;
  const std::string &shim() const { return cfg_.shim; }
  // A fresh adapter process under `tag` (any previous one is killed first).
  AdapterProcess &restart_adapter(const std::string &tag);
  // Kills adapter `tag` with SIGKILL (it is then dead on purpose).
  void kill_adapter(const std::string &tag);
  bool has_adapter(const std::string &tag) const { return adapters_.count(tag) != 0; }

  // A request to the in-process reference (same protocol, same answers).
  json ref(json request);
  ReferenceHandler &reference() { return ref_; }

  // Unique names: a shared-memory name and a file path in the run's directory.
  std::string shm_name(const std::string &what = "") const;
  std::string file_path(const std::string &what = "") const;
  const std::string &work_dir() const { return cfg_.work_dir; }
  std::uint64_t seed() const { return cfg_.seed; }

  // The last lines exchanged with adapters and the reference.
  void note(const std::string &line);
  // A figure a case measured (CPU times, counts): noted, and reported with
  // the case's result (--verbose, the JSON summary) even when it passes.
  void measure(const std::string &line);
  const std::vector<std::string> &measures() const { return measures_; }
  std::string transcript(std::size_t max_lines = 40) const;
  // Ends every adapter (end of input); fails if one crashed or exited non-zero.
  void finish_adapters();
  // Adapter stderr tails, for failure reports.
  std::string adapter_stderr() const;

 private:
  RunConfig cfg_;
  std::size_t index_;
  ReferenceHandler ref_;
  std::map<std::string, std::unique_ptr<AdapterProcess>> adapters_;
  std::map<std::string, pid_t> pids_;
  std::vector<std::string> measures_;
  std::vector<std::string> killed_;
  std::size_t started_ = 0;
  mutable std::mutex log_mu_;
};

// ---- assertions (throw Fail) ----

// `answer` must have status `status`; `what` names the step in the message.
// An UNSUPPORTED answer makes a Fail marked unsupported.
void expect_status(const json &answer, const std::string &status, const std::string &what);
// Every field of `expected` must be present in `answer` and match (see
// match_value); returns "" or a description of every mismatching field, one
// per line.
std::string mismatch(const json &expected, const json &answer);
// Numbers may be matched by strings ">N", ">=N", "<N", "<=N", "!=N"; arrays
// and objects recursively and exactly; "value"/"key" text against
// "value_b64"/"key_b64" is handled by the callers.
bool match_value(const json &expected, const json &actual);

// Request builders.
json set_req(const std::string &bus, const std::string &key, const std::string &value);
json get_req(const std::string &bus, const std::string &key);
json key_field(json req, const std::string &key);  // "key" if printable UTF-8-safe ASCII, else "key_b64"
std::string value_of(const json &answer);            // decoded value_b64 (Fail if missing/malformed)
std::string key_of_entry(const json &entry);         // decoded key_b64 of a list entry

// A byte string shown for humans (printable ASCII, else \xNN), shortened.
std::string show_bytes(const std::string &s, std::size_t max = 80);

}  // namespace splc

#endif  // SPLINTER_CONFORMANCE_CONTEXT_H
