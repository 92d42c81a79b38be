// cmd_dump.cpp -- `splinterctl dump`: every key, epoch and value; with
// --json, the portable document that `load` reads (dump_format.h). With
// --salvage, every key that reads clean from a damaged bus, and a list of
// what it skipped.
#include "codec.h"
#include "command.h"
#include "dump_format.h"
#include "filter.h"
#include "findings.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <memory>
#include <set>

namespace splinterctl {

namespace {
struct Options {
  KeyFilter filter;
  bool json = false;
  bool salvage = false;
};

struct Item {
  std::string key;
  std::uint64_t epoch = 0;
  std::string value;
};

// What --salvage did not export: a listed key that does not read clean, or a
// damaged slot whose key cannot be listed.
struct Skipped {
  std::int64_t slot = -1;  // -1: a listed key (list gives no slot)
  std::string key;         // raw bytes for a listed key; check's escaped text for a slot
  std::string reason;
};

// Check's findings about a slot's word or key (F7-F11, F18): such a slot may
// be one list skips. Those whose key list does give are dropped after listing
// (F12 and F14 keys are listed, and their get fails instead).
int collect_slot_findings(void *ctx, const splinter_finding *f) {
  if (f->slot >= 0 && ((f->rule >= 7 && f->rule <= 11) || f->rule == 18)) {
    static_cast<std::vector<Skipped> *>(ctx)->push_back({f->slot, f->key ? f->key : "", finding_line(*f)});
  }
  return 0;
}

// Opens the bus read-only for --salvage. A reader open validates only the
// header (F1-F6); damage there leaves no geometry to read by.
std::optional<splinter::Bus> open_for_salvage(const BusAddress &bus, int *code) {
  auto opened = splinter::Bus::open(bus.backing, bus.name, splinter::Role::reader);
  if (opened) return std::move(opened).value();
  const auto c = opened.status().code();
  if (c == splinter::Code::corrupt || c == splinter::Code::version) {
    message("cannot salvage " + bus.display() + ": its header is unusable (" + opened.status().what() +
            "), so no key can be located; nothing exported (`splinterctl " + bus.flags() +
            " check` names the rule; keep a copy of the object before trying anything else)");
    *code = kCheckUnusable;
  } else {
    *code = fail("cannot open", bus, opened.status());
  }
  return std::nullopt;
}

int run(const Context &ctx, const Options &opt) {
  const auto addr = ctx.address();
  if (!addr) return kExitUsage;
  int open_code = kExitFailure;
  auto opened = opt.salvage ? open_for_salvage(*addr, &open_code) : open_bus(*addr, splinter::Role::reader);
  if (!opened) return open_code;
  const BusAddress &bus = *addr;
  splinter::Bus &reader = *opened;
  {
    auto info = reader.info();
    if (!info) return fail("cannot read info of", bus, info.status());
    std::vector<Skipped> slot_findings;
    if (opt.salvage) {
      splinter_report report{};
      if (const int st = splinter_check_bus(reader.c_handle(), collect_slot_findings, &slot_findings, &report);
          st != SPLINTER_OK) {
        message("salvage " + bus.display() + ": cannot check it: " + reason(st) + "; exporting what reads clean");
      }
    }
    auto listed = reader.list();
    if (!listed) return fail("cannot list", bus, listed.status());
    std::vector<Item> items;
    std::vector<Skipped> skipped;
    std::set<std::string> seen;  // a damaged bus may hold a key twice (F15)
    for (const auto &e : listed.value()) {
      if (!opt.filter.matches(e.key)) continue;
      if (opt.salvage && !seen.insert(e.key).second) continue;
      auto got = reader.get(e.key);
      if (got) {
        items.push_back({e.key, got->epoch, std::string(got->text())});
      } else if (opt.salvage) {  // listed, so present: NOT_FOUND is an unreachable key (F14)
        skipped.push_back({-1, e.key, explain(bus, got.status().code(), got.status().what())});
      } else if (got.status().code() != splinter::Code::not_found) {  // removed meanwhile: skip
        return fail("cannot get '" + escape(e.key) + "' from", bus, got.status());
      }
    }
    if (opt.salvage) {
      std::set<std::string> listed_keys;  // as check escapes them
      for (const auto &e : listed.value()) listed_keys.insert(escape(e.key));
      for (auto &f : slot_findings) {
        if (!listed_keys.contains(f.key)) skipped.push_back(std::move(f));
      }
      for (const auto &s : skipped) {
        message("salvage: skipped " + (s.slot >= 0 ? "slot " + std::to_string(s.slot) + ": " + s.reason
                                                   : "key '" + escape(s.key) + "': " + s.reason));
      }
      note("salvage " + bus.display() + ": exported " + std::to_string(items.size()) + " keys, skipped " +
           std::to_string(skipped.size()));
    }
    std::string out;
    if (opt.json) {
      std::sort(items.begin(), items.end(), [](const Item &a, const Item &b) { return a.epoch < b.epoch; });
      nlohmann::json doc;
      doc["format"] = kDumpFormat;
      doc["version"] = kDumpVersion;
      doc["source"] = bus.display();
      doc["slots"] = info->slots;
      doc["max_value_size"] = info->max_value_size;
      doc["bus_epoch"] = info->bus_epoch;
      nlohmann::json entries = nlohmann::json::array();
      for (const auto &it : items) {
        nlohmann::json e;
        put_bytes(e, "key", it.key);
        e["epoch"] = it.epoch;
        put_bytes(e, "value", it.value);
        entries.push_back(std::move(e));
      }
      doc["entries"] = std::move(entries);
      if (opt.salvage) {
        nlohmann::json list = nlohmann::json::array();
        for (const auto &sk : skipped) {
          nlohmann::json j;
          j["slot"] = sk.slot >= 0 ? nlohmann::json(sk.slot) : nlohmann::json(nullptr);
          if (sk.slot >= 0) j["key"] = sk.key;  // check's escaped text
          else put_bytes(j, "key", sk.key);
          j["reason"] = sk.reason;
          list.push_back(std::move(j));
        }
        doc["skipped"] = std::move(list);
      }
      out = doc.dump(1) + "\n";
    } else {
      std::sort(items.begin(), items.end(), [](const Item &a, const Item &b) { return a.key < b.key; });
      for (const auto &it : items) {
        out += escape(it.key) + '\t' + std::to_string(it.epoch) + '\t' + escape(it.value) + '\n';
      }
    }
    const int code = output(out);
    if (code != kExitOk) return code;
    return opt.salvage && !skipped.empty() ? kSalvageSkipped : kExitOk;
  }
}

void declare(Args &args, Options &opt) {
  opt.filter.declare(args, true);
  args.flag("--json", &opt.json, "Print the portable JSON document (binary values in base64)");
  args.flag("--salvage", &opt.salvage,
            "Damaged bus: export every key that reads clean, list the skipped ones on stderr");
  args.footer(
      "Lines are KEY<TAB>EPOCH<TAB>VALUE, escaped as list escapes keys, sorted by key. With a pattern or\n"
      "--prefix, only the keys that match (in --json too).\n"
      "--salvage (a damaged bus, before `recover`): exports every key that reads clean and prints one\n"
      "'skipped' line per key or slot it could not read on stderr (with --json also in the document's\n"
      "\"skipped\" array, which load ignores). Exit status: 0 every key exported; 2 some skipped (the\n"
      "rest exported); 1 could not run; 3 the header is unusable (nothing can be read).\n"
      "Example (copy a bus):\n  splinterctl --shm old dump --json > bus.json\n"
      "  splinterctl --shm new create --slots 1024 --max-value 256\n"
      "  splinterctl --shm new load bus.json\n"
      "Example (save what reads clean before a lossy recover):\n"
      "  splinterctl --file /var/lib/app.bus dump --salvage --json > salvage.json");
}

const Register<Options> kDump({"dump", 110, "Print every key, epoch and value (--json: a document `load` reads)"}, declare, run);
}  // namespace

}  // namespace splinterctl
