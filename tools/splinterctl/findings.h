// findings.h -- how `check` and `recover` print validator findings and
// reports (text lines or JSON), and the exit code a report maps to.
#ifndef SPLINTERCTL_FINDINGS_H
#define SPLINTERCTL_FINDINGS_H

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

}  // namespace splinterctl

#endif  // SPLINTERCTL_FINDINGS_H
