// cmd_list.cpp -- `splinterctl list`: every live key with its epoch and length.
#include "cli.h"
#include "codec.h"

#include <algorithm>
#include <memory>

namespace splinterctl {

namespace {
struct Options {
  bool json = false;
};

int run(const Context &ctx, const Options &opt) {
  return with_bus(ctx, splinter::Role::reader, [&](const BusAddress &bus, splinter::Bus &reader) {
    auto listed = reader.list();
    if (!listed) return fail("cannot list", bus, listed.status());
    auto &entries = listed.value();
    std::sort(entries.begin(), entries.end(),
              [](const splinter::Entry &a, const splinter::Entry &b) { return a.key < b.key; });
    std::string out;
    if (opt.json) {
      nlohmann::json arr = nlohmann::json::array();
      for (const auto &e : entries) {
        nlohmann::json obj;
        put_bytes(obj, "key", e.key);
        obj["epoch"] = e.epoch;
        obj["length"] = e.value_len;
        arr.push_back(std::move(obj));
      }
      out = arr.dump() + "\n";
    } else {
      for (const auto &e : entries) {
        out += escape(e.key) + '\t' + std::to_string(e.epoch) + '\t' + std::to_string(e.value_len) + '\n';
      }
    }
    return output(out);
  });
}
}  // namespace

void add_list(CLI::App &app, Registry &registry) {
  auto [sub, opt] = add_command<Options>(app, registry, "list", "List live keys: KEY<TAB>EPOCH<TAB>LENGTH per line, sorted by key", run);
  sub->add_flag("--json", opt->json, "Print a JSON array of {\"key\", \"epoch\", \"length\"}");
  sub->footer("Keys are escaped as in C (\\\\, \\t, \\n, \\xNN) so each entry is one line.\nExamples:\n  splinterctl --shm demo list\n  splinterctl --shm demo list --json");
}

}  // namespace splinterctl
