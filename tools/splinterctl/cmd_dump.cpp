// cmd_dump.cpp -- `splinterctl dump`: every key, epoch and value; with
// --json, the portable document that `load` reads (dump_format.h).
#include "codec.h"
#include "command.h"
#include "dump_format.h"
#include "filter.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <memory>

namespace splinterctl {

namespace {
struct Options {
  KeyFilter filter;
  bool json = false;
};

struct Item {
  std::string key;
  std::uint64_t epoch = 0;
  std::string value;
};

int run(const Context &ctx, const Options &opt) {
  return with_bus(ctx, splinter::Role::reader, [&](const BusAddress &bus, splinter::Bus &reader) {
    auto info = reader.info();
    if (!info) return fail("cannot read info of", bus, info.status());
    auto listed = reader.list();
    if (!listed) return fail("cannot list", bus, listed.status());
    std::vector<Item> items;
    for (const auto &e : listed.value()) {
      if (!opt.filter.matches(e.key)) continue;
      auto got = reader.get(e.key);
      if (got) {
        items.push_back({e.key, got->epoch, std::string(got->text())});
      } else if (got.status().code() != splinter::Code::not_found) {  // removed meanwhile: skip
        return fail("cannot get '" + escape(e.key) + "' from", bus, got.status());
      }
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
      out = doc.dump(1) + "\n";
    } else {
      std::sort(items.begin(), items.end(), [](const Item &a, const Item &b) { return a.key < b.key; });
      for (const auto &it : items) {
        out += escape(it.key) + '\t' + std::to_string(it.epoch) + '\t' + escape(it.value) + '\n';
      }
    }
    return output(out);
  });
}

void declare(Args &args, Options &opt) {
  opt.filter.declare(args, true);
  args.flag("--json", &opt.json, "Print the portable JSON document (binary values in base64)");
  args.footer(
      "Lines are KEY<TAB>EPOCH<TAB>VALUE, escaped as list escapes keys, sorted by key. With a pattern or\n"
      "--prefix, only the keys that match (in --json too).\n"
      "Example (copy a bus):\n  splinterctl --shm old dump --json > bus.json\n"
      "  splinterctl --shm new create --slots 1024 --max-value 256\n"
      "  splinterctl --shm new load bus.json");
}

const Register<Options> kDump({"dump", 110, "Print every key, epoch and value (--json: a document `load` reads)"}, declare, run);
}  // namespace

}  // namespace splinterctl
