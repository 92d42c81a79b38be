// cmd_recover.cpp -- `splinterctl recover`: take the writer role, repair
// what the validator finds, print every key rolled back or dropped, and
// verify that the bus now validates clean.
#include "cli.h"
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
  FindingSink c;
  c.json = opt.json;
  splinter_report report{};
  const int st = splinter_recover(bus->c_backing(), bus->name.c_str(), FindingSink::collect, &c, &report);
  const std::string why = st == SPLINTER_OK ? std::string() : reason(st);

  // Verify: recovery promises a bus that validates clean.
  splinter_report after{};
  int after_st = SPLINTER_OK;
  if (st == SPLINTER_OK) after_st = splinter_check(bus->c_backing(), bus->name.c_str(), nullptr, nullptr, &after);
  const bool clean = st == SPLINTER_OK && after_st == SPLINTER_OK && after.worst == 0;

  int code = kExitOk;
  if (st == SPLINTER_E_CORRUPT || st == SPLINTER_E_VERSION) code = kCheckUnusable;
  else if (st != SPLINTER_OK) code = kExitFailure;
  else if (!clean) code = kCheckUnrecoverable;

  if (opt.json) {
    nlohmann::json j;
    j["bus"] = bus->display();
    j["recovered"] = st == SPLINTER_OK;
    j["clean_after"] = clean;
    j["exit_code"] = code;
    j["error"] = st == SPLINTER_OK ? nlohmann::json(nullptr) : nlohmann::json(why);
    j["findings"] = std::move(c.findings);
    j["report"] = report_json(report);
    write_stdout(j.dump(2) + "\n");
  } else {
    std::string out = std::move(c.text);
    if (st == SPLINTER_OK) {
      out += bus->display() + ": " + std::to_string(report.findings) + " findings: " +
             std::to_string(report.repaired) + " repaired, " + std::to_string(report.rolled_back) +
             " rolled back, " + std::to_string(report.dropped) + " dropped; " +
             (clean ? "now clean" : "STILL DAMAGED") + "\n";
    }
    write_stdout(out);
  }
  if (st != SPLINTER_OK) message("cannot recover " + bus->display() + ": " + why);
  else if (!clean) message(bus->display() + " does not validate clean after recovery (a library bug)");
  return code;
}
}  // namespace

void add_recover(CLI::App &app, Registry &registry) {
  auto opt = std::make_shared<Options>();
  auto *sub = app.add_subcommand(
      "recover", "Repair a damaged bus, printing every key rolled back or dropped");
  sub->add_flag("--json", opt->json, "Print one JSON object with every finding and its fix");
  sub->footer(
      "Takes the writer role (fails if a live writer holds it), rolls each damaged value back to its\n"
      "last intact version or drops it, then re-checks. Exit status: 0 the bus now validates clean;\n"
      "1 could not run (busy, no such bus); 2 still damaged; 3 not a bus or unsupported version.\n"
      "Example:\n  splinterctl --file /var/lib/app.bus check || splinterctl --file /var/lib/app.bus recover");
  registry.push_back({sub, [opt](const Context &ctx) { return run(ctx, *opt); }});
}

}  // namespace splinterctl
