// report.h -- the end of a run: the summary by guarantee class and level, the
// JUnit XML and the JSON summary (README.md, "Machine-readable results").
#ifndef SPLINTER_CONFORMANCE_REPORT_H
#define SPLINTER_CONFORMANCE_REPORT_H

#include "registry.h"

#include <string>
#include <vector>

namespace splc {

struct Outcome {
  bool passed = false;
  bool unsupported = false;  // failed because the adapter answered UNSUPPORTED
  std::string message;
  std::vector<std::string> measures;  // figures the case measured (Ctx::measure)
  double seconds = 0;
};

struct Row {
  const Case *c = nullptr;
  std::string cls;      // guarantee class ("" unclassified)
  std::string verdict;  // PASS FAIL XFAIL XPASS SKIP (not selected)
  Outcome o;
  std::string reason;   // expected-failure reason
};

struct RunInfo {
  std::string adapter_command, adapter, library;
  std::uint64_t seed = 0;
  double seconds = 0;
  std::string expected_path;
};

// The table "class  level  passed/run" and the level verdicts, for people.
std::string summary_table(const std::vector<Row> &rows);
void write_junit(const std::string &path, const std::vector<Row> &rows, const RunInfo &info);
void write_json(const std::string &path, const std::vector<Row> &rows, const RunInfo &info);

}  // namespace splc

#endif  // SPLINTER_CONFORMANCE_REPORT_H
