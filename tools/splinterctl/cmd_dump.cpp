// cmd_dump.cpp -- `splinterctl dump`: every key, epoch and value; with
// --json, the portable document that `load` reads (dump_format.h).
#include "cli.h"
#include "codec.h"
#include "dump_format.h"

#include <algorithm>
#include <memory>

namespace splinterctl {

namespace {
struct Options {
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
}  // namespace

void add_dump(CLI::App &app, Registry &registry) {
  auto [sub, opt] = add_command<Options>(app, registry, "dump", "Print every key, epoch and value (--json: a document `load` reads)", run);
  sub->add_flag("--json", opt->json, "Print the portable JSON document (binary values in base64)");
  sub->footer(
      "Example (copy a bus):\n  splinterctl --shm old dump --json > bus.json\n"
      "  splinterctl --shm new create --slots 1024 --max-value 256\n"
      "  splinterctl --shm new load bus.json");
}

}  // namespace splinterctl
