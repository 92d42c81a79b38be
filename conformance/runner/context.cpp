// context.cpp -- see context.h.
#include "context.h"

#include "../common/base64.h"

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace splc {

namespace {
std::string stderr_prefix(std::size_t index) { return "c" + std::to_string(index) + "-"; }
}  // namespace

Forked::Forked(const std::function<void()> &body) {
  pid_ = fork();
  if (pid_ < 0) throw Fail("fork failed");
  if (pid_ == 0) {
    body();
    _exit(0);
  }
}

Forked::~Forked() { kill_now(); }

void Forked::kill_now() {
  if (pid_ <= 0 || reaped_) return;
  ::kill(pid_, SIGKILL);
  int st = 0;
  waitpid(pid_, &st, 0);
  reaped_ = true;
}

int Forked::wait(std::int64_t *cpu_us) {
  int st = 0;
  rusage ru{};
  if (wait4(pid_, &st, 0, &ru) != pid_) throw Fail("wait4 failed");
  reaped_ = true;
  if (cpu_us)
    *cpu_us = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000 + ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
  return st;
}

std::string case_stderr(const std::string &work_dir, std::size_t index, std::size_t max_bytes) {
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto &e : fs::directory_iterator(work_dir, ec)) {
    const std::string n = e.path().filename().string();
    if (n.rfind(stderr_prefix(index), 0) == 0 && e.path().extension() == ".stderr") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  std::string out;
  for (const auto &f : files) {
    std::ifstream in(f, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string s = ss.str();
    if (s.empty()) continue;
    if (s.size() > max_bytes) s = "..." + s.substr(s.size() - max_bytes);
    // c<index>-<n>-<tag>.stderr
    std::string tag = f.stem().string().substr(stderr_prefix(index).size());
    tag = tag.substr(tag.find('-') + 1);
    out += "    [stderr of adapter " + tag + "]\n" + s + (s.back() == '\n' ? "" : "\n");
  }
  return out;
}

Ctx::Ctx(const RunConfig &cfg, std::size_t case_index) : cfg_(cfg), index_(case_index), ref_("runner-reference") {}

Ctx::~Ctx() {
  adapters_.clear();  // kills whatever is left
  ref_.close_all();
}

AdapterProcess &Ctx::adapter(const std::string &tag, const Env &env) {
  auto it = adapters_.find(tag);
  if (it != adapters_.end()) return *it->second;
  const std::string err = cfg_.work_dir + "/" + stderr_prefix(index_) + std::to_string(started_++) + "-" + tag + ".stderr";
  auto p = std::make_unique<AdapterProcess>(
      tag, cfg_.adapter_command, err,
      [this](const std::string &t, char dir, const std::string &line) { note(t + dir + " " + line); }, env);
  auto &ref = *p;
  adapters_[tag] = std::move(p);
  pids_.erase(tag);
  return ref;
}

pid_t Ctx::adapter_pid(const std::string &tag) {
  if (auto it = pids_.find(tag); it != pids_.end()) return it->second;
  const json h = adapter(tag).call({{"op", "hello"}});
  expect_status(h, "OK", "hello");
  if (!h.contains("pid") || !h["pid"].is_number_integer() || h["pid"].get<std::int64_t>() <= 0)
    throw Fail("hello: the answer has no positive integer \"pid\" (the runner needs it to observe the adapter)");
  const auto pid = static_cast<pid_t>(h["pid"].get<std::int64_t>());
  pids_[tag] = pid;
  return pid;
}

Resources Ctx::resources(const std::string &tag) {
  const json r = adapter(tag).call({{"op", "resources"}});
  expect_status(r, "OK", "resources");
  Resources out;
  std::string missing;
  for (auto [field, dst] : {std::pair{"cpu_us", &out.cpu_us}, {"fds", &out.fds}, {"maps", &out.maps}}) {
    if (!r.contains(field) || !r[field].is_number_integer()) missing += std::string(missing.empty() ? "" : ", ") + field;
    else *dst = r[field].get<std::int64_t>();
  }
  if (!missing.empty()) throw Fail("resources: the answer lacks the integer field(s) " + missing);
  return out;
}

Env Ctx::shim_env(const Env &more) const {
  if (cfg_.shim.empty())
    throw Fail("this case needs the runner's shim (libsplinter-conformance-shim.so), which was not found next to "
               "the runner or in its lib directory: give its path with --shim");
  std::string preload = cfg_.shim;
  if (const char *old = std::getenv("LD_PRELOAD"); old && *old) preload += std::string(":") + old;
  Env env = {"LD_PRELOAD=" + preload};
  env.insert(env.end(), more.begin(), more.end());
  return env;
}

AdapterProcess &Ctx::restart_adapter(const std::string &tag) {
  if (adapters_.count(tag)) kill_adapter(tag);
  adapters_.erase(tag);
  return adapter(tag);
}

void Ctx::kill_adapter(const std::string &tag) {
  auto it = adapters_.find(tag);
  if (it == adapters_.end()) return;
  it->second->kill_now();
  note(tag + "  (killed with SIGKILL)");
  killed_.push_back(it->first);
}

json Ctx::ref(json request) {
  note("ref> " + request.dump());
  json answer = ref_.handle(request);
  note("ref< " + answer.dump());
  return answer;
}

std::string Ctx::shm_name(const std::string &what) const {
  return cfg_.name_prefix + std::to_string(index_) + (what.empty() ? "" : "-" + what);
}

std::string Ctx::file_path(const std::string &what) const {
  return cfg_.work_dir + "/c" + std::to_string(index_) + (what.empty() ? "" : "-" + what) + ".bus";
}

void Ctx::note(const std::string &line) {
  std::lock_guard lock(log_mu_);
  if (cfg_.transcript) cfg_.transcript->append(line);
}

void Ctx::measure(const std::string &line) {
  note(line);
  measures_.push_back(line);
}

std::string Ctx::transcript(std::size_t max_lines) const {
  std::lock_guard lock(log_mu_);
  return cfg_.transcript ? cfg_.transcript->tail(max_lines) : std::string();
}

void Ctx::finish_adapters() {
  std::string problems;
  for (auto &[tag, p] : adapters_) {
    bool killed = false;
    for (const auto &k : killed_) killed = killed || k == tag;
    if (killed) continue;
    const std::string how = p->finish(answer_bound_ms());
    if (!how.empty()) problems += "adapter " + tag + " " + how + " at end of input; stderr: " + p->stderr_tail(600) + "\n";
  }
  adapters_.clear();
  if (!problems.empty()) throw Fail(problems);
}

std::string Ctx::adapter_stderr() const { return case_stderr(cfg_.work_dir, index_); }

void expect_status(const json &answer, const std::string &status, const std::string &what) {
  const std::string got = answer.value("status", "(none)");
  if (got != status) {
    std::string detail = answer.contains("detail") ? " (detail: " + answer["detail"].dump() + ")" : "";
    throw Fail(what + ": expected status " + status + ", got " + got + detail, got == "UNSUPPORTED");
  }
}

bool match_value(const json &expected, const json &actual) {
  if (expected.is_string() && actual.is_number()) {
    const std::string e = expected.get<std::string>();
    std::string op;
    for (const char *candidate : {">=", "<=", "!=", ">", "<"}) {
      if (e.rfind(candidate, 0) == 0) {
        op = candidate;
        break;
      }
    }
    if (op.empty()) return false;
    const double want = std::stod(e.substr(op.size()));
    const double got = actual.get<double>();
    if (op == ">=") return got >= want;
    if (op == "<=") return got <= want;
    if (op == "!=") return got != want;
    if (op == ">") return got > want;
    return got < want;
  }
  if (expected.is_number() && actual.is_number()) {
    if (expected.is_number_float() || actual.is_number_float()) return expected.get<double>() == actual.get<double>();
    if (expected.is_number_unsigned() || actual.is_number_unsigned()) {
      if ((expected.is_number_integer() && !expected.is_number_unsigned() && expected.get<std::int64_t>() < 0) ||
          (actual.is_number_integer() && !actual.is_number_unsigned() && actual.get<std::int64_t>() < 0))
        return expected.get<std::int64_t>() == actual.get<std::int64_t>();
      return expected.get<std::uint64_t>() == actual.get<std::uint64_t>();
    }
    return expected.get<std::int64_t>() == actual.get<std::int64_t>();
  }
  if (expected.is_object() && actual.is_object()) {
    if (expected.size() != actual.size()) return false;
    for (auto it = expected.begin(); it != expected.end(); ++it)
      if (!actual.contains(it.key()) || !match_value(it.value(), actual[it.key()])) return false;
    return true;
  }
  if (expected.is_array() && actual.is_array()) {
    if (expected.size() != actual.size()) return false;
    for (std::size_t i = 0; i < expected.size(); ++i)
      if (!match_value(expected[i], actual[i])) return false;
    return true;
  }
  return expected == actual;
}

std::string mismatch(const json &expected, const json &answer) {
  std::string out;
  for (auto it = expected.begin(); it != expected.end(); ++it) {
    if (!answer.contains(it.key())) out += (out.empty() ? "" : "\n") + std::string("field \"") + it.key() +
                                           "\" missing (expected " + it.value().dump() + ")";
    else if (!match_value(it.value(), answer[it.key()]))
      out += (out.empty() ? "" : "\n") + std::string("field \"") + it.key() + "\": expected " + it.value().dump() +
             ", got " + answer[it.key()].dump().substr(0, 300);
  }
  return out;
}

json key_field(json req, const std::string &key) {
  bool plain = true;
  for (char ch : key) {
    const auto c = static_cast<unsigned char>(ch);
    plain = plain && c >= 0x20 && c < 0x7f;
  }
  if (plain) req["key"] = key;
  else req["key_b64"] = base64_encode(key);
  return req;
}

json set_req(const std::string &bus, const std::string &key, const std::string &value) {
  return key_field({{"op", "set"}, {"bus", bus}, {"value_b64", base64_encode(value)}}, key);
}

json get_req(const std::string &bus, const std::string &key) { return key_field({{"op", "get"}, {"bus", bus}}, key); }

std::string value_of(const json &answer) {
  if (!answer.contains("value_b64") || !answer["value_b64"].is_string())
    throw Fail("answer lacks \"value_b64\": " + answer.dump().substr(0, 300));
  auto v = base64_decode(answer["value_b64"].get<std::string>());
  if (!v) throw Fail("answer's value_b64 is not valid base64: " + answer.dump().substr(0, 300));
  return *v;
}

std::string key_of_entry(const json &entry) {
  if (entry.contains("key_b64") && entry["key_b64"].is_string()) {
    auto v = base64_decode(entry["key_b64"].get<std::string>());
    if (v) return *v;
  }
  throw Fail("list entry lacks a valid \"key_b64\": " + entry.dump().substr(0, 300));
}

std::string show_bytes(const std::string &s, std::size_t max) {
  std::string out = codec::escape(s.substr(0, max));
  if (s.size() > max) out += "...(" + std::to_string(s.size()) + " bytes)";
  return out;
}

}  // namespace splc
