// findings.h -- how `check` and `recover` print validator findings and
// reports (text lines or JSON), and the exit code a report maps to.
#ifndef SPLINTERCTL_FINDINGS_H
#define SPLINTERCTL_FINDINGS_H

#include "cli.h"

#include <splinter/splinter.h>

#include <nlohmann/json.hpp>

#include <string>

namespace splinterctl {

const char *severity_name(int severity);  // "recoverable", "unrecoverable", "fatal"
const char *fix_name(int fix);            // "none", "repair", "rollback", "drop"

// "F12 slot 3 key 'k': unrecoverable (fix: drop): <detail>"
std::string finding_line(const splinter_finding &f);
nlohmann::json finding_json(const splinter_finding &f);
nlohmann::json report_json(const splinter_report &r);

// Collects findings from a splinter_check / splinter_recover callback, as
// text lines or JSON objects.
struct FindingSink {
  bool json = false;
  std::string text;
  nlohmann::json findings = nlohmann::json::array();
  // The splinter_finding_fn; ctx is a FindingSink*.
  static int collect(void *ctx, const splinter_finding *f);
};

// 0 clean, 1 recoverable only, 2 unrecoverable, 3 fatal (kCheck* in cli.h).
int exit_code_for(const splinter_report &r);

// One run of splinter_check or splinter_recover on a bus (`validator`), its
// findings collected as text lines or JSON objects.
struct Validation {
  using Validator = int (*)(splinter_backing, const char *, splinter_finding_fn, void *, splinter_report *);
  Validation(const BusAddress &bus, bool json, Validator validator);
  FindingSink sink;
  splinter_report report{};
  int status = SPLINTER_OK;
  std::string why;  // reason(status) when it is not OK
  // The JSON document of `check` and `recover` (each adds its own fields):
  // bus, exit_code, error (null when OK), findings, report.
  nlohmann::json document(const BusAddress &bus, int code);
};

}  // namespace splinterctl

#endif  // SPLINTERCTL_FINDINGS_H
