// cmd_list.cpp -- `splinterctl list`: live keys with their epoch and length.
#include "codec.h"
#include "command.h"
#include "filter.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace splinterctl {

namespace {
struct Options {
  KeyFilter filter;
  bool json = false;
};

int run(const Context &ctx, const Options &opt) {
  return with_bus(ctx, splinter::Role::reader, [&](const BusAddress &bus, splinter::Bus &reader) {
    auto listed = reader.list();
    if (!listed) return fail("cannot list", bus, listed.status());
    auto &entries = listed.value();
    std::erase_if(entries, [&](const splinter::Entry &e) { return !opt.filter.matches(e.key); });
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

void declare(Args &args, Options &opt) {
  opt.filter.declare(args, true);
  args.flag("--json", &opt.json, "Print a JSON array of {\"key\", \"epoch\", \"length\"}");
  args.footer(
      "Keys are escaped as in C (\\\\, \\t, \\n, \\xNN) so each entry is one line.\n"
      "Examples:\n  splinterctl --shm demo list\n  splinterctl --shm demo list 'sensor.*'\n"
      "  splinterctl --shm demo list --prefix sensor. --json");
}

const Register<Options> kList({"list", 60, "List live keys: KEY<TAB>EPOCH<TAB>LENGTH per line, sorted by key"}, declare, run);
}  // namespace

}  // namespace splinterctl
