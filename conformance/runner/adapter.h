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
#include <string>

namespace splc {

using nlohmann::json;

// Receives every line sent or received, for the failure transcript.
using LineSink = std::function<void(const std::string &tag, char dir, const std::string &line)>;

// How long the runner waits for an adapter's answer, or for it to exit after
// end of input. A liveness bound, generous so that a loaded machine passes: an
// adapter that never answers (a missed wake-up, a hang) fails the step.
inline constexpr int kAnswerBoundMs = 30000;

class AdapterProcess {
 public:
  // Starts `command` (run by /bin/sh -c 'exec COMMAND') with its stderr going
  // to stderr_path. Throws Fail when it cannot be started.
  AdapterProcess(std::string tag, const std::string &command, const std::string &stderr_path, LineSink sink);
  ~AdapterProcess();
  AdapterProcess(const AdapterProcess &) = delete;
  AdapterProcess &operator=(const AdapterProcess &) = delete;

  // Sends a request (an "id" is assigned) and returns the id.
  std::int64_t send(json request);
  // Waits for the answer to request `id`. Throws Fail on timeout, EOF
  // (the adapter died), an unparsable line or an answer out of order.
  json receive(std::int64_t id, int timeout_ms);
  // send + receive.
  json call(json request, int timeout_ms = kAnswerBoundMs);

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
