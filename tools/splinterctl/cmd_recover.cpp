// cmd_recover.cpp -- `splinterctl recover`: copy the bus to a backup file,
// take the writer role, repair what the validator finds, print every key
// rolled back or dropped, and verify that the bus now validates clean.
#include "backup.h"
#include "command.h"
#include "findings.h"

#include <memory>

#include <unistd.h>

namespace splinterctl {

namespace {
struct Options {
  bool json = false;
  bool no_backup = false;
  bool overwrite_backup = false;
  std::optional<std::string> backup;
};

int run(const Context &ctx, const Options &opt) {
  const auto bus = ctx.address();
  if (!bus) return kExitUsage;
  // The backup first: recovery may roll back or drop values, and the copy
  // keeps their bytes for `dump --salvage` or a closer look.
  std::optional<std::string> backup;
  if (!opt.no_backup) {
    const std::string path = opt.backup ? *opt.backup : default_backup_path(*bus);
    switch (write_backup(*bus, path, opt.overwrite_backup)) {
      case BackupResult::failed: return kExitFailure;
      case BackupResult::no_bus: break;  // splinter_recover says "no such bus"
      case BackupResult::written: backup = path; break;
    }
  }
  Validation v(*bus, opt.json, splinter_recover);
  if (backup) {
    if (v.status != SPLINTER_OK) {
      // Recovery did not run (busy, no bus, unusable header) and changed
      // nothing: the copy is not needed, and a retry must not find it.
      ::unlink(backup->c_str());
      backup.reset();
    } else {
      note("backed up " + bus->display() + " to " + *backup + " before recovering");
    }
  }

  // Verify: recovery promises a bus that validates clean.
  splinter_report after{};
  int after_st = SPLINTER_OK;
  if (v.status == SPLINTER_OK) after_st = splinter_check(bus->c_backing(), bus->name.c_str(), nullptr, nullptr, &after);
  const bool clean = v.status == SPLINTER_OK && after_st == SPLINTER_OK && after.worst == 0;

  int code = kExitOk;
  if (v.status == SPLINTER_E_CORRUPT || v.status == SPLINTER_E_VERSION) code = kCheckUnusable;
  else if (v.status != SPLINTER_OK) code = kExitFailure;
  else if (!clean) code = kCheckUnrecoverable;
  else if (v.report.rolled_back + v.report.dropped > 0) code = kRecoverLost;

  if (opt.json) {
    nlohmann::json j = v.document(*bus, code);
    j["recovered"] = v.status == SPLINTER_OK;
    j["clean_after"] = clean;
    j["backup"] = backup ? nlohmann::json(*backup) : nlohmann::json(nullptr);
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
  auto no_backup = args.flag("--no-backup", &opt.no_backup, "Do not copy the bus to a backup file first");
  args.option("--backup", &opt.backup, "Where the backup goes (default: the bus's path + .backup)")
      .type("PATH").excludes(no_backup);
  args.flag("--overwrite-backup", &opt.overwrite_backup, "Replace an existing backup file").excludes(no_backup);
  args.footer(
      "First copies the bus, byte for byte, to PATH.backup (a shm bus to /dev/shm/NAME.backup, which\n"
      "--shm NAME.backup opens) and refuses to overwrite an existing backup. Then takes the writer role\n"
      "(fails if a live writer holds it), rolls each damaged value back to its last intact version or\n"
      "drops it, and re-checks. If recovery could not run (busy, no such bus, unusable header), it\n"
      "changed nothing and the backup is removed again.\n"
      "Exit status: 0 the bus now validates clean and no value was lost; 4 it validates clean but values\n"
      "were rolled back or dropped (each printed); 1 could not run (busy, no such bus, backup failed);\n"
      "2 still damaged; 3 not a bus or unsupported version.\n"
      "Example:\n  splinterctl --file /var/lib/app.bus check || splinterctl --file /var/lib/app.bus recover");
}

const Register<Options> kRecover({"recover", 100, "Repair a damaged bus, printing every key rolled back or dropped"}, declare, run);
}  // namespace

}  // namespace splinterctl
