// context.cpp -- see context.h.
#include "context.h"

#include "../common/base64.h"

#include <sstream>

namespace splc {

Ctx::Ctx(const RunConfig &cfg, std::size_t case_index) : cfg_(cfg), index_(case_index), ref_("runner-reference") {}

Ctx::~Ctx() {
  adapters_.clear();  // kills whatever is left
  ref_.close_all();
}

AdapterProcess &Ctx::adapter(const std::string &tag) {
  auto it = adapters_.find(tag);
  if (it != adapters_.end()) return *it->second;
  auto p = std::make_unique<AdapterProcess>(
      tag, cfg_.adapter_command, file_path("stderr-" + tag + "-" + std::to_string(adapters_.size()) + ".log"),
      [this](const std::string &t, char dir, const std::string &line) { note(t + dir + " " + line); });
  auto &ref = *p;
  adapters_[tag] = std::move(p);
  return ref;
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
  ++logged_;
  log_.push_back(line.size() > 400 ? line.substr(0, 400) + "...(" + std::to_string(line.size()) + " bytes)" : line);
  if (log_.size() > 200) log_.erase(log_.begin(), log_.begin() + 100);
}

std::string Ctx::transcript(std::size_t max_lines) const {
  std::lock_guard lock(log_mu_);
  std::ostringstream out;
  const std::size_t from = log_.size() > max_lines ? log_.size() - max_lines : 0;
  if (logged_ > log_.size() - from) out << "    ... (" << (logged_ - (log_.size() - from)) << " earlier lines)\n";
  for (std::size_t i = from; i < log_.size(); ++i) out << "    " << log_[i] << "\n";
  return out.str();
}

void Ctx::finish_adapters() {
  std::string problems;
  for (auto &[tag, p] : adapters_) {
    bool killed = false;
    for (const auto &k : killed_) killed = killed || k == tag;
    if (killed) continue;
    const std::string how = p->finish(kAnswerBoundMs);
    if (!how.empty()) problems += "adapter " + tag + " " + how + " at end of input; stderr: " + p->stderr_tail(600) + "\n";
  }
  adapters_.clear();
  if (!problems.empty()) throw Fail(problems);
}

std::string Ctx::adapter_stderr() const {
  std::string out;
  for (const auto &[tag, p] : adapters_) {
    const std::string tail = p->stderr_tail(1500);
    if (!tail.empty()) out += "    [stderr of adapter " + tag + "]\n" + tail + "\n";
  }
  return out;
}

void expect_status(const json &answer, const std::string &status, const std::string &what) {
  const std::string got = answer.value("status", "(none)");
  if (got != status) {
    std::string detail = answer.contains("detail") ? " (detail: " + answer["detail"].dump() + ")" : "";
    throw Fail(what + ": expected status " + status + ", got " + got + detail);
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
  for (auto it = expected.begin(); it != expected.end(); ++it) {
    if (!answer.contains(it.key())) return "field \"" + it.key() + "\" missing (expected " + it.value().dump() + ")";
    if (!match_value(it.value(), answer[it.key()]))
      return "field \"" + it.key() + "\": expected " + it.value().dump() + ", got " + answer[it.key()].dump();
  }
  return "";
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
