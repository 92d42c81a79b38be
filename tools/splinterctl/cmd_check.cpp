// cmd_check.cpp -- `splinterctl check`: validate a bus read-only, report each
// finding by its rule number in docs/FORMAT.md, exit 0/1/2/3 by severity.
#include "command.h"
#include "findings.h"

#include <memory>

namespace splinterctl {

namespace {
struct Options {
  bool json = false;
};

const char *verdict(int code) {
  switch (code) {
    case kCheckClean: return "clean";
    case kCheckRecoverable: return "recoverable";
    case kCheckUnrecoverable: return "unrecoverable";
    default: return "unusable";
  }
}

int run(const Context &ctx, const Options &opt) {
  const auto bus = ctx.address();
  if (!bus) return kExitUsage;
  Validation v(*bus, opt.json, splinter_check);
  const int code = v.status == SPLINTER_OK ? exit_code_for(v.report) : kCheckUnusable;
  if (opt.json) {
    nlohmann::json j = v.document(*bus, code);
    j["verdict"] = verdict(code);
    write_stdout(j.dump(2) + "\n");
  } else {
    std::string out = std::move(v.sink.text);
    out += bus->display() + ": ";
    switch (code) {
      case kCheckClean: out += "clean\n"; break;
      case kCheckRecoverable:
        out += "recoverable damage (" + std::to_string(v.report.findings) +
               " findings); `splinterctl recover` repairs it without losing a value\n";
        break;
      case kCheckUnrecoverable:
        out += "unrecoverable damage (" + std::to_string(v.report.findings) + " findings); " +
               "`splinterctl recover` would drop " + std::to_string(v.report.dropped) + " value(s)\n";
        break;
      default: out += "unusable\n"; break;
    }
    write_stdout(out);
  }
  if (v.status != SPLINTER_OK) message("cannot check " + bus->display() + ": " + v.why);
  return code;
}

void declare(Args &args, Options &opt) {
  args.flag("--json", &opt.json, "Print one JSON object with every finding");
  args.footer(
      "Each finding names its rule (F1-F23 of docs/FORMAT.md), slot and key. Opens the bus read-only.\n"
      "Exit status: 0 clean; 1 only recoverable damage; 2 unrecoverable damage (recovery would drop a\n"
      "value); 3 not a bus, unsupported version, or unreadable. (`recover` exits 0 when nothing was lost,\n"
      "4 when it rolled back or dropped values; docs/OPERATIONS.md is the runbook.)\n"
      "Examples:\n  splinterctl --file /var/lib/app.bus check\n"
      "  splinterctl --file /var/lib/app.bus check --json || splinterctl --file /var/lib/app.bus recover");
}

const Register<Options> kCheck({"check", 90, "Validate a bus read-only; exit 0 clean, 1 recoverable, 2 unrecoverable, 3 unusable"}, declare, run);
}  // namespace

}  // namespace splinterctl
