// context.h -- what a conformance case gets: adapter processes, the
// in-process reference, unique bus names, and assertion helpers.
#ifndef SPLINTER_CONFORMANCE_CONTEXT_H
#define SPLINTER_CONFORMANCE_CONTEXT_H

#include "../reference/handler.h"
#include "adapter.h"
#include "fail.h"

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
};

class Ctx {
 public:
  Ctx(const RunConfig &cfg, std::size_t case_index);
  ~Ctx();

  // The adapter process named `tag`, started on first use.
  AdapterProcess &adapter(const std::string &tag = "a");
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
  std::vector<std::string> killed_;
  mutable std::mutex log_mu_;
  std::vector<std::string> log_;
  std::size_t logged_ = 0;
};

// ---- assertions (throw Fail) ----

// `answer` must have status `status`; `what` names the step in the message.
void expect_status(const json &answer, const std::string &status, const std::string &what);
// Every field of `expected` must be present in `answer` and match (see
// match_value); returns "" or a description of the first mismatch.
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
