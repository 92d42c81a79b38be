// script_cases.cpp -- scripted cases: operation scripts with expected
// answers, read from conformance/cases/*.jsonl (format: cases/README.md).
#include "registry.h"

#include "../common/base64.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

namespace splc {

// cases_embedded.cpp (generated at build time from conformance/cases/).
const std::vector<std::pair<std::string, std::string>> &embedded_case_files();

namespace {

struct Step {
  json body;
  std::string where;  // file:line
};

struct Script {
  std::string name, doc, cls;
  std::vector<Step> steps;
};

// Values a step saved ("save": {"var": "field"}), for later steps ("$var").
using Vars = std::map<std::string, json>;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string repeat(const json &spec) {
  // ["x", n]: the UTF-8 string "x" n times.
  const std::string unit = spec.at(0).get<std::string>();
  const auto n = spec.at(1).get<std::size_t>();
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s += unit;
  return s;
}

std::string substitute_name(const Ctx &ctx, const std::string &s) {
  static const std::regex var(R"(^\$(shm|file)([A-Za-z0-9_]*)$)");
  static const std::regex len(R"(^\$shmlen:([0-9]+)$)");
  std::smatch m;
  if (std::regex_match(s, m, var)) return m[1] == "shm" ? ctx.shm_name(m[2]) : ctx.file_path(m[2]);
  if (std::regex_match(s, m, len)) {
    std::string name = ctx.shm_name("len");
    name.resize(std::stoul(m[1]), 'x');
    return name;
  }
  if (s == "$nodir") return ctx.work_dir() + "/no-such-dir/x.bus";
  if (s == "$workdir") return ctx.work_dir();
  return s;
}

// A string request field: "$var" (a saved value), else the names below.
json substitute(const Ctx &ctx, const Vars &vars, const std::string &s) {
  if (s.size() > 1 && s[0] == '$')
    if (auto it = vars.find(s.substr(1)); it != vars.end()) return it->second;
  return substitute_name(ctx, s);
}

// An expected value: "$var", or a comparison with one (">$var", "!=$var").
json expand_expected(const Vars &vars, const json &want) {
  if (want.is_object()) {
    json out = json::object();
    for (auto it = want.begin(); it != want.end(); ++it) out[it.key()] = expand_expected(vars, it.value());
    return out;
  }
  if (want.is_array()) {
    json out = json::array();
    for (const auto &w : want) out.push_back(expand_expected(vars, w));
    return out;
  }
  if (!want.is_string()) return want;
  const std::string s = want.get<std::string>();
  const auto dollar = s.find('$');
  if (dollar == std::string::npos || dollar > 2) return want;
  const std::string op = s.substr(0, dollar);
  if (!(op.empty() || op == ">" || op == "<" || op == ">=" || op == "<=" || op == "!=")) return want;
  const auto it = vars.find(s.substr(dollar + 1));
  if (it == vars.end()) return want;
  return op.empty() ? it->second : json(op + it->second.dump());
}

const std::vector<std::string> kStepOnly = {"proc", "expect", "async", "within_ms", "min_ms", "retry_ms", "comment",
                                            "value", "value_fill", "key_fill", "save"};

json build_request(const Ctx &ctx, const Vars &vars, const json &step) {
  json req = json::object();
  for (auto it = step.begin(); it != step.end(); ++it) {
    if (std::find(kStepOnly.begin(), kStepOnly.end(), it.key()) != kStepOnly.end()) continue;
    req[it.key()] = it.value().is_string() ? substitute(ctx, vars, it.value().get<std::string>()) : it.value();
  }
  if (step.contains("value")) req["value_b64"] = base64_encode(step["value"].get<std::string>());
  if (step.contains("value_fill")) req["value_b64"] = base64_encode(repeat(step["value_fill"]));
  if (step.contains("key_fill")) req["key"] = repeat(step["key_fill"]);
  return req;
}

// Every expected field is compared, and every mismatch reported (one line
// each), so that one wrong field does not hide another.
void check_answer(const json &expect, const json &answer, const std::string &where) {
  std::vector<std::string> wrong;
  auto fail = [&](const std::string &what) { wrong.push_back(what); };
  for (auto it = expect.begin(); it != expect.end(); ++it) {
    const std::string &k = it.key();
    const json &want = it.value();
    if (k == "value" || k == "value_fill") {
      const std::string expected = k == "value" ? want.get<std::string>() : repeat(want);
      if (!answer.contains("value_b64")) {
        fail("value: no value_b64 in the answer");
        continue;
      }
      const auto got = answer["value_b64"].is_string() ? base64_decode(answer["value_b64"].get<std::string>())
                                                        : std::optional<std::string>();
      if (!got) fail("value: value_b64 is not valid base64");
      else if (*got != expected)
        fail("value: expected \"" + show_bytes(expected) + "\", got \"" + show_bytes(*got) + "\"");
    } else if (k == "entries") {
      if (!answer.contains("entries") || !answer["entries"].is_array()) {
        fail("entries: no entries array in the answer");
        continue;
      }
      const json &got = answer["entries"];
      if (got.size() != want.size())
        fail("entries: expected " + std::to_string(want.size()) + ", got " + std::to_string(got.size()));
      for (std::size_t i = 0; i < want.size() && i < got.size(); ++i) {
        const json &w = want[i];
        const std::string wkey = w.contains("key_b64") ? base64_decode(w["key_b64"].get<std::string>()).value_or("")
                                 : w.contains("key_fill") ? repeat(w["key_fill"])
                                                          : w.at("key").get<std::string>();
        std::string gkey;
        try {
          gkey = key_of_entry(got[i]);
        } catch (const Fail &f) {
          fail("entries[" + std::to_string(i) + "]: " + f.what());
          continue;
        }
        if (gkey != wkey)
          fail("entries[" + std::to_string(i) + "].key: expected \"" + show_bytes(wkey) + "\", got \"" +
               show_bytes(gkey) + "\" (list is in slot order)");
        for (const char *f : {"len", "epoch"})
          if (w.contains(f) && (!got[i].contains(f) || !match_value(w[f], got[i][f])))
            fail("entries[" + std::to_string(i) + "]." + f + ": expected " + w[f].dump() + ", got " +
                 (got[i].contains(f) ? got[i][f].dump() : "nothing"));
      }
    } else if (k == "changes" || k == "history") {
      // A changes or history answer, in order: each expected element's
      // "key" / "value" text (or "key_b64" / "value_b64") against the
      // answer's base64 field, every other field (epoch, op) as it is.
      const char *b64 = k == "changes" ? "key_b64" : "value_b64";
      const char *text = k == "changes" ? "key" : "value";
      if (!answer.contains(k) || !answer[k].is_array()) {
        fail(k + ": no " + k + " array in the answer");
        continue;
      }
      const json &got = answer[k];
      if (got.size() != want.size())
        fail(k + ": expected " + std::to_string(want.size()) + ", got " + std::to_string(got.size()));
      for (std::size_t i = 0; i < want.size() && i < got.size(); ++i) {
        const std::string at = k + "[" + std::to_string(i) + "]";
        for (auto f = want[i].begin(); f != want[i].end(); ++f) {
          if (f.key() == text || f.key() == b64) {
            const std::string wbytes = f.key() == text ? f.value().get<std::string>()
                                                       : base64_decode(f.value().get<std::string>()).value_or("");
            const auto gbytes = got[i].contains(b64) && got[i][b64].is_string()
                                    ? base64_decode(got[i][b64].get<std::string>())
                                    : std::optional<std::string>();
            if (!gbytes) fail(at + ": no valid " + b64);
            else if (*gbytes != wbytes)
              fail(at + "." + text + ": expected \"" + show_bytes(wbytes) + "\", got \"" + show_bytes(*gbytes) + "\"");
          } else if (!got[i].contains(f.key()) || !match_value(f.value(), got[i][f.key()])) {
            fail(at + "." + f.key() + ": expected " + f.value().dump() + ", got " +
                 (got[i].contains(f.key()) ? got[i][f.key()].dump() : "nothing"));
          }
        }
      }
    } else if (k == "rules") {
      if (!answer.contains("findings") || !answer["findings"].is_array()) {
        fail("rules: no findings array in the answer");
        continue;
      }
      std::vector<int> got, wanted = want.get<std::vector<int>>();
      for (const auto &f : answer["findings"]) got.push_back(f.is_object() ? f.value("rule", -1) : -1);
      std::sort(got.begin(), got.end());
      std::sort(wanted.begin(), wanted.end());
      if (got != wanted) fail("findings' rules: expected " + json(wanted).dump() + ", got " + json(got).dump());
    } else {
      if (!answer.contains(k)) fail("field \"" + k + "\" missing");
      else if (!match_value(want, answer[k]))
        fail("field \"" + k + "\": expected " + want.dump() + ", got " + answer[k].dump().substr(0, 300));
    }
  }
  if (wrong.empty()) return;
  std::string msg = where + ": " + std::to_string(wrong.size()) + (wrong.size() == 1 ? " mismatch" : " mismatches");
  for (const auto &w : wrong) msg += "\n  - " + w;
  msg += "\n  expected: " + expect.dump() + "\n  answer:   " + answer.dump().substr(0, 600);
  const bool unsupported = answer.value("status", "") == "UNSUPPORTED" && expect.value("status", "") != "UNSUPPORTED";
  throw Fail(msg, unsupported);
}

// One request of a step, to the reference or an adapter process.
json ask(Ctx &ctx, const std::string &proc, const json &req) {
  return proc == "ref" ? ctx.ref(req) : ctx.adapter(proc).call(req);
}

void run_script(Ctx &ctx, const Script &s) {
  std::map<std::string, std::pair<std::string, std::int64_t>> pending;  // async tag -> (proc, id)
  Vars vars;
  for (const Step &st : s.steps) {
    const json &step = st.body;
    const json expect = expand_expected(vars, step.value("expect", json{{"status", "OK"}}));
    const std::int64_t t0 = now_ms();
    json answer;
    if (step.contains("await")) {
      const std::string tag = step["await"].get<std::string>();
      auto it = pending.find(tag);
      if (it == pending.end()) throw Fail(st.where + ": await of unknown async tag " + tag);
      answer = ctx.adapter(it->second.first).receive(it->second.second, answer_bound_ms());
      pending.erase(it);
    } else {
      const std::string proc = step.value("proc", "a");
      const json req = build_request(ctx, vars, step);
      if (step.contains("async")) {
        if (proc == "ref") throw Fail(st.where + ": the reference runs in the runner and cannot be async");
        pending[step["async"].get<std::string>()] = {proc, ctx.adapter(proc).send(req)};
        continue;
      }
      answer = ask(ctx, proc, req);
      // "retry_ms": re-send until the answer matches (a state another process reaches eventually).
      const std::int64_t retry_until = t0 + step.value("retry_ms", std::int64_t{0});
      for (;;) {
        try {
          check_answer(expect, answer, st.where);
          break;
        } catch (const Fail &) {
          if (now_ms() >= retry_until) break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));  // how often to ask, not a bound
        answer = ask(ctx, proc, req);
      }
    }
    const std::int64_t took = now_ms() - t0;
    check_answer(expect, answer, st.where);
    if (step.contains("within_ms") && took > step["within_ms"].get<std::int64_t>())
      throw Fail(st.where + ": answered after " + std::to_string(took) + " ms, expected within " +
                 step["within_ms"].dump() + " ms");
    if (step.contains("min_ms") && took < step["min_ms"].get<std::int64_t>())
      throw Fail(st.where + ": answered after " + std::to_string(took) + " ms, expected no sooner than " +
                 step["min_ms"].dump() + " ms");
    if (step.contains("save"))
      for (auto it = step["save"].begin(); it != step["save"].end(); ++it) {
        const std::string field = it.value().get<std::string>();
        if (!answer.contains(field))
          throw Fail(st.where + ": the answer has no field \"" + field + "\" to save as $" + it.key() +
                     "\n  answer: " + answer.dump().substr(0, 600));
        vars[it.key()] = answer[field];
      }
  }
  if (!pending.empty()) throw Fail("script ends with an async step never awaited: " + pending.begin()->first);
}

std::vector<Script> parse(const std::string &file, const std::string &text) {
  std::vector<Script> out;
  std::istringstream in(text);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    const auto start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] == '#') continue;
    json j;
    try {
      j = json::parse(line);
    } catch (const json::exception &e) {
      throw std::runtime_error(file + ":" + std::to_string(n) + ": not JSON: " + e.what());
    }
    if (j.contains("case")) {
      out.push_back({"script/" + j["case"].get<std::string>(), j.value("doc", ""), j.value("class", ""), {}});
      continue;
    }
    if (out.empty()) throw std::runtime_error(file + ":" + std::to_string(n) + ": step before the first case line");
    if (j.contains("sleep_ms"))  // a pause assumes another process got somewhere meanwhile
      throw std::runtime_error(file + ":" + std::to_string(n) +
                               ": sleep_ms is not a step: wait for a state instead (retry_ms, cases/README.md)");
    out.back().steps.push_back({j, file + ":" + std::to_string(n)});
  }
  return out;
}

}  // namespace

void add_script_cases(std::vector<Case> &out, const std::string &dir) {
  std::vector<std::pair<std::string, std::string>> files;
  if (dir.empty()) {
    files = embedded_case_files();
  } else {
    for (const auto &e : std::filesystem::directory_iterator(dir)) {
      if (e.path().extension() != ".jsonl") continue;
      std::ifstream f(e.path());
      std::stringstream ss;
      ss << f.rdbuf();
      files.emplace_back(e.path().filename().string(), ss.str());
    }
    std::sort(files.begin(), files.end());
  }
  for (const auto &[name, text] : files) {
    for (Script &s : parse("cases/" + name, text)) {
      auto shared = std::make_shared<Script>(std::move(s));
      out.push_back({shared->name, shared->doc, [shared](Ctx &ctx) { run_script(ctx, *shared); }, shared->cls});
    }
  }
}

}  // namespace splc
