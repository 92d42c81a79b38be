// adapter.h -- one adapter process: spawned through /bin/sh, spoken to with
// one JSON object per line (conformance/PROTOCOL.md).
#ifndef SPLINTER_CONFORMANCE_ADAPTER_H
#define SPLINTER_CONFORMANCE_ADAPTER_H

#include <nlohmann/json.hpp>

#include <sys/types.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace splc {

using nlohmann::json;

// Receives every line sent or received, for the failure transcript.
using LineSink = std::function<void(const std::string &tag, char dir, const std::string &line)>;

// How long the runner waits for an adapter's answer, or for it to exit after
// end of input, or for a state another process must reach (a poller showing as
// a waiter). A liveness bound, generous so that a loaded machine passes: an
// adapter that never answers (a missed wake-up, a hang) fails the step. 30 s;
// --answer-timeout changes it (the runner's self-test and negative controls).
inline constexpr int kDefaultAnswerBoundMs = 30000;
int answer_bound_ms();
void set_answer_bound_ms(int ms);

// Extra environment of an adapter process (NAME=VALUE), e.g. LD_PRELOAD of
// the runner's shim for the cases that need it.
using Env = std::vector<std::string>;

class AdapterProcess {
 public:
  // Starts `command` (run by /bin/sh -c 'exec COMMAND') with its stderr going
  // to stderr_path. Throws Fail when it cannot be started.
  AdapterProcess(std::string tag, const std::string &command, const std::string &stderr_path, LineSink sink,
                 const Env &env = {});
  ~AdapterProcess();
  AdapterProcess(const AdapterProcess &) = delete;
  AdapterProcess &operator=(const AdapterProcess &) = delete;

  // Sends a request (an "id" is assigned) and returns the id.
  std::int64_t send(json request);
  // Waits for the answer to request `id`. Throws Fail on timeout, EOF
  // (the adapter died), an unparsable line or an answer out of order.
  json receive(std::int64_t id, int timeout_ms);
  // The answer to request `id` if it arrives within timeout_ms, else nothing
  // (the request stays outstanding). Throws Fail as receive does.
  std::optional<json> try_receive(std::int64_t id, int timeout_ms);
  // send + receive (timeout_ms < 0: answer_bound_ms()).
  json call(json request, int timeout_ms = -1);

  pid_t pid() const { return pid_; }
  const std::string &tag() const { return tag_; }
  // SIGKILLs the process and reaps it; it is then dead on purpose.
  void kill_now();
  // Closes its stdin and waits up to timeout_ms for a clean exit. Returns an
  // empty string if it exited with status 0, else what happened.
  std::string finish(int timeout_ms);
  // The last bytes it wrote to stderr.
  std::string stderr_tail(std::size_t max_bytes = 2000) const;

 private:
  bool read_line(std::string *line, int timeout_ms);

  std::string tag_;
  std::string stderr_path_;
  LineSink sink_;
  pid_t pid_ = -1;
  int to_child_ = -1;
  int from_child_ = -1;
  bool reaped_ = false;
  int wait_status_ = 0;
  std::int64_t next_id_ = 1;
  std::string buffer_;
  std::map<std::int64_t, json> early_;  // answers received while waiting for another id
};

}  // namespace splc

#endif  // SPLINTER_CONFORMANCE_ADAPTER_H
