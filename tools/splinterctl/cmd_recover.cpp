// cmd_recover.cpp -- `splinterctl recover`: take the writer role, repair
// what the validator finds, print every key rolled back or dropped, and
// verify that the bus now validates clean.
#include "command.h"
#include "findings.h"

#include <memory>

namespace splinterctl {

namespace {
struct Options {
  bool json = false;
};

int run(const Context &ctx, const Options &opt) {
  const auto bus = ctx.address();
  if (!bus) return kExitUsage;
  Validation v(*bus, opt.json, splinter_recover);

  // Verify: recovery promises a bus that validates clean.
  splinter_report after{};
  int after_st = SPLINTER_OK;
  if (v.status == SPLINTER_OK) after_st = splinter_check(bus->c_backing(), bus->name.c_str(), nullptr, nullptr, &after);
  const bool clean = v.status == SPLINTER_OK && after_st == SPLINTER_OK && after.worst == 0;

  int code = kExitOk;
  if (v.status == SPLINTER_E_CORRUPT || v.status == SPLINTER_E_VERSION) code = kCheckUnusable;
  else if (v.status != SPLINTER_OK) code = kExitFailure;
  else if (!clean) code = kCheckUnrecoverable;

  if (opt.json) {
    nlohmann::json j = v.document(*bus, code);
    j["recovered"] = v.status == SPLINTER_OK;
    j["clean_after"] = clean;
    write_stdout(j.dump(2) + "\n");
  } else {
    std::string out = std::move(v.sink.text);
    if (v.status == SPLINTER_OK) {
      out += bus->display() + ": " + std::to_string(v.report.findings) + " findings: " +
             std::to_string(v.report.repaired) + " repaired, " + std::to_string(v.report.rolled_back) +
             " rolled back, " + std::to_string(v.report.dropped) + " dropped; " +
             (clean ? "now clean" : "STILL DAMAGED") + "\n";
    }
    write_stdout(out);
  }
  if (v.status != SPLINTER_OK) message("cannot recover " + bus->display() + ": " + v.why);
  else if (!clean) message(bus->display() + " does not validate clean after recovery (a library bug)");
  return code;
}

void declare(Args &args, Options &opt) {
  args.flag("--json", &opt.json, "Print one JSON object with every finding and its fix");
  args.footer(
      "Takes the writer role (fails if a live writer holds it), rolls each damaged value back to its\n"
      "last intact version or drops it, then re-checks. Exit status: 0 the bus now validates clean;\n"
      "1 could not run (busy, no such bus); 2 still damaged; 3 not a bus or unsupported version.\n"
      "Example:\n  splinterctl --file /var/lib/app.bus check || splinterctl --file /var/lib/app.bus recover");
}

const Register<Options> kRecover({"recover", 100, "Repair a damaged bus, printing every key rolled back or dropped"}, declare, run);
}  // namespace

}  // namespace splinterctl
