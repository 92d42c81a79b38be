// findings.cpp -- see findings.h.
#include "findings.h"

#include "cli.h"
#include "codec.h"

namespace splinterctl {

const char *severity_name(int severity) {
  switch (severity) {
    case SPLINTER_SEV_RECOVERABLE: return "recoverable";
    case SPLINTER_SEV_UNRECOVERABLE: return "unrecoverable";
    case SPLINTER_SEV_FATAL: return "fatal";
    default: return "unknown";
  }
}

const char *fix_name(int fix) {
  switch (fix) {
    case SPLINTER_FIX_NONE: return "none";
    case SPLINTER_FIX_REPAIR: return "repair";
    case SPLINTER_FIX_ROLLBACK: return "rollback";
    case SPLINTER_FIX_DROP: return "drop";
    default: return "unknown";
  }
}

std::string finding_line(const splinter_finding &f) {
  std::string line = "F" + std::to_string(f.rule);
  if (f.slot < 0) {
    line += " header";
  } else {
    line += " slot " + std::to_string(f.slot);
  }
  const std::string key = f.key ? f.key : "";
  if (!key.empty()) line += " key '" + escape(key) + "'";
  line += ": ";
  line += severity_name(f.severity);
  line += " (fix: ";
  line += fix_name(f.fix);
  line += "): ";
  line += escape(f.detail ? f.detail : "");
  return line;
}

nlohmann::json finding_json(const splinter_finding &f) {
  nlohmann::json j;
  j["rule"] = "F" + std::to_string(f.rule);
  j["severity"] = severity_name(f.severity);
  j["fix"] = fix_name(f.fix);
  j["slot"] = f.slot < 0 ? nlohmann::json(nullptr) : nlohmann::json(f.slot);
  put_bytes(j, "key", f.key ? f.key : "");
  put_bytes(j, "detail", f.detail ? f.detail : "");
  return j;
}

nlohmann::json report_json(const splinter_report &r) {
  return {{"findings", r.findings}, {"repaired", r.repaired},   {"rolled_back", r.rolled_back},
          {"dropped", r.dropped},   {"worst", r.worst == 0 ? "clean" : severity_name(r.worst)}};
}

int FindingSink::collect(void *ctx, const splinter_finding *f) {
  auto *sink = static_cast<FindingSink *>(ctx);
  if (sink->json) sink->findings.push_back(finding_json(*f));
  else sink->text += finding_line(*f) + "\n";
  return 0;
}

Validation::Validation(const BusAddress &bus, bool json, Validator validator) {
  sink.json = json;
  status = validator(bus.c_backing(), bus.name.c_str(), FindingSink::collect, &sink, &report);
  if (status != SPLINTER_OK) why = explain(bus, static_cast<splinter::Code>(status), reason(status));
}

nlohmann::json Validation::document(const BusAddress &bus, int code) {
  nlohmann::json j;
  j["bus"] = bus.display();
  j["exit_code"] = code;
  j["error"] = status == SPLINTER_OK ? nlohmann::json(nullptr) : nlohmann::json(why);
  j["findings"] = std::move(sink.findings);
  j["report"] = report_json(report);
  return j;
}

int exit_code_for(const splinter_report &r) {
  switch (r.worst) {
    case 0: return kCheckClean;
    case SPLINTER_SEV_RECOVERABLE: return kCheckRecoverable;
    case SPLINTER_SEV_UNRECOVERABLE: return kCheckUnrecoverable;
    default: return kCheckUnusable;
  }
}

}  // namespace splinterctl
