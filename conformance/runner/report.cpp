// report.cpp -- see report.h.
#include "report.h"

#include "classes.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

namespace splc {

namespace {

using nlohmann::json;

struct Tally {
  int cases = 0, run = 0, passed = 0, failed = 0, unsupported = 0, xfail = 0, xpass = 0, skipped = 0;
};

std::map<std::string, Tally> tally(const std::vector<Row> &rows) {
  std::map<std::string, Tally> t;
  for (const auto &r : rows) {
    Tally &c = t[r.cls];
    ++c.cases;
    if (r.verdict == "SKIP") {
      ++c.skipped;
      continue;
    }
    ++c.run;
    if (r.verdict == "PASS") ++c.passed;
    if (r.verdict == "FAIL") ++c.failed;
    if (r.verdict == "XFAIL") ++c.xfail;
    if (r.verdict == "XPASS") ++c.xpass, ++c.passed;
    if ((r.verdict == "FAIL" || r.verdict == "XFAIL") && r.o.unsupported) ++c.unsupported;
  }
  return t;
}

struct LevelVerdict {
  int level;
  std::string status;                // "met", "not met", "not assessed"
  std::vector<std::string> failing;  // classes with a failure (or an expected one)
  int not_run = 0;
};

std::vector<LevelVerdict> levels(const std::map<std::string, Tally> &t) {
  std::vector<LevelVerdict> out;
  for (int level = 1; level <= 2; ++level) {
    LevelVerdict v{level, "met", {}, 0};
    for (const auto &c : guarantee_classes()) {
      if (c.level > level) continue;
      const auto it = t.find(c.name);
      if (it == t.end()) continue;
      if (it->second.failed + it->second.xfail > 0) v.failing.push_back(c.name);
      v.not_run += it->second.skipped;
    }
    if (!v.failing.empty()) v.status = "not met";
    else if (v.not_run > 0) v.status = "not assessed";
    out.push_back(v);
  }
  return out;
}

std::string level_line(const LevelVerdict &v) {
  std::string s = "level " + std::to_string(v.level) + " (" + kLevelName[v.level] + (v.level == 1 ? ": classes of level 1" : ": every class") +
                  "): " + (v.status == "met" ? "met" : v.status == "not met" ? "NOT met" : "not assessed");
  if (!v.failing.empty()) {
    s += " -- failing:";
    for (const auto &c : v.failing) s += " " + c;
  } else if (v.not_run > 0) {
    s += " (" + std::to_string(v.not_run) + " of its cases not run)";
  }
  return s;
}

std::string xml_escape(const std::string &s) {
  std::string out;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default:
        if (c < 0x20 && c != '\n' && c != '\t') out += ' ';
        else out += static_cast<char>(c);
    }
  }
  return out;
}

std::string first_line(const std::string &s) { return s.substr(0, s.find('\n')); }

std::vector<std::string> class_order(const std::map<std::string, Tally> &t) {
  std::vector<std::string> order;
  for (const auto &c : guarantee_classes())
    if (t.count(c.name)) order.push_back(c.name);
  for (const auto &[name, tally] : t)
    if (!find_class(name)) order.push_back(name);  // unclassified ("") or unknown names last
  return order;
}

}  // namespace

std::string summary_table(const std::vector<Row> &rows) {
  const auto t = tally(rows);
  std::ostringstream out;
  out << "  class        level  passed\n";
  for (const auto &name : class_order(t)) {
    const Tally &c = t.at(name);
    const GuaranteeClass *gc = find_class(name);
    char line[160];
    const std::string ratio = std::to_string(c.passed) + "/" + std::to_string(c.run);
    std::snprintf(line, sizeof line, "  %-12s %-5s  %-9s", name.empty() ? "(none)" : name.c_str(),
                  gc ? std::to_string(gc->level).c_str() : "?", ratio.c_str());
    out << line;
    std::string notes;
    auto add = [&](int n, const char *what) {
      if (n > 0) notes += (notes.empty() ? "" : ", ") + std::to_string(n) + " " + what;
    };
    add(c.failed, "failed");
    add(c.unsupported, "of them unsupported");
    add(c.xfail, "expected failures");
    add(c.xpass, "listed but passed");
    add(c.skipped, "not run");
    if (!gc) notes += std::string(notes.empty() ? "" : ", ") + "NOT A CLASS: a defect of the suite (classes.cpp)";
    out << notes << "\n";
  }
  for (const auto &v : levels(t)) out << level_line(v) << "\n";
  return out.str();
}

void write_junit(const std::string &path, const std::vector<Row> &rows, const RunInfo &info) {
  std::ofstream out(path);
  const auto t = tally(rows);
  int failures = 0, skipped = 0, tests = 0;
  for (const auto &r : rows) {
    if (r.verdict == "SKIP") continue;
    ++tests;
    if (r.verdict == "FAIL" || r.verdict == "XPASS") ++failures;
    if (r.verdict == "XFAIL") ++skipped;
  }
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites name=\"splinter-conformance\" tests=\"" << tests << "\" failures=\"" << failures
      << "\" errors=\"0\" skipped=\"" << skipped << "\" time=\"" << info.seconds << "\">\n";
  // One suite per guarantee class, so that a dashboard groups them.
  for (const auto &name : class_order(t)) {
    std::ostringstream cases;
    int n = 0, f = 0, s = 0;
    double secs = 0;
    for (const auto &r : rows) {
      if (r.cls != name || r.verdict == "SKIP") continue;
      ++n;
      secs += r.o.seconds;
      cases << "    <testcase classname=\"" << xml_escape(name.empty() ? "unclassified" : name) << "\" name=\""
            << xml_escape(r.c->name) << "\" time=\"" << r.o.seconds << "\">";
      if (r.verdict == "FAIL") {
        ++f;
        cases << "<failure message=\"" << xml_escape(first_line(r.o.message)) << "\""
              << (r.o.unsupported ? " type=\"unsupported\"" : "") << ">" << xml_escape(r.o.message) << "</failure>";
      } else if (r.verdict == "XPASS") {
        ++f;
        cases << "<failure message=\"listed as an expected failure but passed: remove it from the list\"/>";
      } else if (r.verdict == "XFAIL") {
        ++s;
        cases << "<skipped message=\"expected failure: " << xml_escape(r.reason) << "\"/>";
      }
      cases << "</testcase>\n";
    }
    if (n == 0) continue;
    const GuaranteeClass *gc = find_class(name);
    out << "  <testsuite name=\"" << xml_escape(name.empty() ? "unclassified" : name) << "\" tests=\"" << n
        << "\" failures=\"" << f << "\" errors=\"0\" skipped=\"" << s << "\" time=\"" << secs << "\">\n";
    out << "    <properties><property name=\"level\" value=\"" << (gc ? gc->level : 0) << "\"/>"
        << "<property name=\"adapter\" value=\"" << xml_escape(info.adapter) << "\"/>"
        << "<property name=\"seed\" value=\"" << info.seed << "\"/></properties>\n";
    out << cases.str() << "  </testsuite>\n";
  }
  out << "</testsuites>\n";
}

void write_json(const std::string &path, const std::vector<Row> &rows, const RunInfo &info) {
  const auto t = tally(rows);
  json classes = json::array();
  int passed = 0, failed = 0, xfail = 0, skipped = 0;
  for (const auto &name : class_order(t)) {
    const Tally &c = t.at(name);
    const GuaranteeClass *gc = find_class(name);
    classes.push_back({{"class", name},
                       {"level", gc ? gc->level : 0},
                       {"title", gc ? gc->title : "not a guarantee class (a defect of the suite)"},
                       {"cases", c.cases},
                       {"run", c.run},
                       {"passed", c.passed},
                       {"failed", c.failed + c.xpass},
                       {"unsupported", c.unsupported},
                       {"expected_failures", c.xfail},
                       {"skipped", c.skipped}});
    passed += c.passed - c.xpass, failed += c.failed + c.xpass, xfail += c.xfail, skipped += c.skipped;
  }
  json lv = json::array();
  for (const auto &v : levels(t))
    lv.push_back({{"level", v.level}, {"name", kLevelName[v.level]}, {"status", v.status}, {"failing_classes", v.failing},
                  {"cases_not_run", v.not_run}});
  json cases = json::array();
  for (const auto &r : rows) {
    json c = {{"name", r.c->name}, {"class", r.cls}, {"verdict", r.verdict}, {"seconds", r.o.seconds}};
    if (r.verdict == "FAIL") c["message"] = r.o.message, c["unsupported"] = r.o.unsupported;
    if (!r.reason.empty()) c["expected_failure_reason"] = r.reason;
    if (!r.o.measures.empty()) c["measures"] = r.o.measures;
    cases.push_back(std::move(c));
  }
  const json doc = {{"runner", "splinter-conformance"},
                    {"adapter_command", info.adapter_command},
                    {"adapter", info.adapter},
                    {"library", info.library},
                    {"seed", info.seed},
                    {"seconds", info.seconds},
                    {"passed", passed},
                    {"failed", failed},
                    {"expected_failures", xfail},
                    {"skipped", skipped},
                    {"classes", classes},
                    {"levels", lv},
                    {"cases", cases}};
  std::ofstream(path) << doc.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
}

}  // namespace splc
