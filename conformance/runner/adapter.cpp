// adapter.cpp -- see adapter.h.
#include "adapter.h"

#include "fail.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

namespace splc {

namespace {
int g_answer_bound_ms = kDefaultAnswerBoundMs;
std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
std::string describe_wait(int st) {
  if (WIFEXITED(st)) return "exited with status " + std::to_string(WEXITSTATUS(st));
  if (WIFSIGNALED(st)) return std::string("killed by signal ") + strsignal(WTERMSIG(st));
  return "stopped";
}
}  // namespace

int answer_bound_ms() { return g_answer_bound_ms; }
void set_answer_bound_ms(int ms) { g_answer_bound_ms = ms; }

AdapterProcess::AdapterProcess(std::string tag, const std::string &command, const std::string &stderr_path,
                               LineSink sink, const Env &env)
    : tag_(std::move(tag)), stderr_path_(stderr_path), sink_(std::move(sink)) {
  int in[2], out[2];
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) throw Fail("pipe: " + std::string(strerror(errno)));
  const std::string shell_cmd = "exec " + command;
  pid_ = fork();
  if (pid_ < 0) throw Fail("fork: " + std::string(strerror(errno)));
  if (pid_ == 0) {
    const int err = open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    dup2(in[0], 0);
    dup2(out[1], 1);
    if (err >= 0) dup2(err, 2);
    signal(SIGPIPE, SIG_DFL);
    for (const std::string &kv : env) putenv(const_cast<char *>(kv.c_str()));  // the child's own copy
    execl("/bin/sh", "sh", "-c", shell_cmd.c_str(), static_cast<char *>(nullptr));
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  to_child_ = in[1];
  from_child_ = out[0];
}

AdapterProcess::~AdapterProcess() {
  if (!reaped_) {
    ::kill(pid_, SIGKILL);
    waitpid(pid_, &wait_status_, 0);
  }
  if (to_child_ >= 0) close(to_child_);
  if (from_child_ >= 0) close(from_child_);
}

std::int64_t AdapterProcess::send(json request) {
  const std::int64_t id = next_id_++;
  request["id"] = id;
  const std::string line = request.dump(-1, ' ', false, json::error_handler_t::replace);
  if (sink_) sink_(tag_, '>', line);
  std::string data = line + "\n";
  const char *p = data.data();
  std::size_t left = data.size();
  while (left > 0) {
    const ssize_t n = write(to_child_, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw Fail("adapter " + tag_ + ": cannot send request (it has exited?): " + strerror(errno));
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  return id;
}

bool AdapterProcess::read_line(std::string *line, int timeout_ms) {
  const std::int64_t deadline = now_ms() + timeout_ms;
  for (;;) {
    const auto nl = buffer_.find('\n');
    if (nl != std::string::npos) {
      *line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      return true;
    }
    const std::int64_t left = deadline - now_ms();
    if (left < 0) return false;  // (a timeout of 0 still takes what has arrived)
    pollfd pfd{from_child_, POLLIN, 0};
    const int rc = ::poll(&pfd, 1, static_cast<int>(left));
    if (rc < 0 && errno == EINTR) continue;
    if (rc == 0) return false;
    char chunk[65536];
    const ssize_t n = read(from_child_, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      std::string how;
      if (!reaped_ && waitpid(pid_, &wait_status_, 0) == pid_) reaped_ = true;
      if (reaped_) how = " (" + describe_wait(wait_status_) + ")";
      throw Fail("adapter " + tag_ + " closed its output" + how + "; stderr: " + stderr_tail(600));
    }
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
}

json AdapterProcess::receive(std::int64_t id, int timeout_ms) {
  if (auto a = try_receive(id, timeout_ms)) return std::move(*a);
  throw Fail("adapter " + tag_ + " did not answer request " + std::to_string(id) + " within " +
             std::to_string(timeout_ms) + " ms (the answer bound; PROTOCOL.md, \"Limits\")");
}

std::optional<json> AdapterProcess::try_receive(std::int64_t id, int timeout_ms) {
  if (auto it = early_.find(id); it != early_.end()) {
    json r = std::move(it->second);
    early_.erase(it);
    return r;
  }
  const std::int64_t deadline = now_ms() + timeout_ms;
  for (;;) {
    std::string line;
    const std::int64_t left = std::max<std::int64_t>(0, deadline - now_ms());
    if (!read_line(&line, static_cast<int>(left))) return std::nullopt;
    if (sink_) sink_(tag_, '<', line);
    json answer;
    try {
      answer = json::parse(line);
    } catch (const json::exception &e) {
      throw Fail("adapter " + tag_ + " wrote a line that is not JSON: " + line.substr(0, 200));
    }
    if (!answer.is_object() || !answer.contains("id") || !answer["id"].is_number_integer() ||
        !answer.contains("status") || !answer["status"].is_string())
      throw Fail("adapter " + tag_ + " answer lacks an integer \"id\" or a string \"status\": " + line.substr(0, 200));
    const std::int64_t got = answer["id"].get<std::int64_t>();
    if (got == id) return answer;
    if (got > id || got < 1 || got >= next_id_)
      throw Fail("adapter " + tag_ + " answered id " + std::to_string(got) + " while request " + std::to_string(id) +
                 " was outstanding (answers must come in request order)");
    early_[got] = std::move(answer);
  }
}

json AdapterProcess::call(json request, int timeout_ms) {
  return receive(send(std::move(request)), timeout_ms < 0 ? answer_bound_ms() : timeout_ms);
}

void AdapterProcess::kill_now() {
  if (reaped_) return;
  ::kill(pid_, SIGKILL);
  waitpid(pid_, &wait_status_, 0);
  reaped_ = true;
}

std::string AdapterProcess::finish(int timeout_ms) {
  if (to_child_ >= 0) {
    close(to_child_);
    to_child_ = -1;
  }
  const std::int64_t deadline = now_ms() + timeout_ms;
  while (!reaped_) {
    const pid_t r = waitpid(pid_, &wait_status_, WNOHANG);
    if (r == pid_) {
      reaped_ = true;
      break;
    }
    if (now_ms() > deadline) {
      kill_now();
      return "did not exit within " + std::to_string(timeout_ms) + " ms of end of input (killed)";
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (WIFEXITED(wait_status_) && WEXITSTATUS(wait_status_) == 0) return "";
  return describe_wait(wait_status_);
}

std::string AdapterProcess::stderr_tail(std::size_t max_bytes) const {
  std::ifstream f(stderr_path_, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  std::string s = ss.str();
  if (s.size() > max_bytes) s = "..." + s.substr(s.size() - max_bytes);
  return s;
}

}  // namespace splc
