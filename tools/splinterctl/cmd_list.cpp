// cmd_list.cpp -- `splinterctl list`: live keys with their epoch and length,
// and the remaining time to live of those that have a deadline.
#include "codec.h"
#include "command.h"
#include "filter.h"
#include "remaining.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <utility>
#include <vector>

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
    // Each listed key's remaining time to live, read after the listing (list
    // gives none): a key that has expired (or been removed) since is dropped,
    // as a listing a moment later would; kNever also when it cannot be read
    // (a damaged key is listed, as splinter_list does: get reports it).
    std::vector<std::pair<splinter::Entry, std::uint64_t>> keys;
    for (auto &e : entries) {
      auto ttl = remaining_ttl(reader, e.key);
      if (!ttl && ttl.status().code() == splinter::Code::not_found) continue;
      keys.emplace_back(std::move(e), ttl ? *ttl : kNever);
    }
    std::string out;
    if (opt.json) {
      nlohmann::json arr = nlohmann::json::array();
      for (const auto &[e, ttl] : keys) {
        nlohmann::json obj;
        put_bytes(obj, "key", e.key);
        obj["epoch"] = e.epoch;
        obj["length"] = e.value_len;
        obj["ttl_ms"] = ttl == kNever ? nlohmann::json(nullptr) : nlohmann::json(ttl);
        arr.push_back(std::move(obj));
      }
      out = arr.dump() + "\n";
    } else {
      for (const auto &[e, ttl] : keys) {
        out += escape(e.key) + '\t' + std::to_string(e.epoch) + '\t' + std::to_string(e.value_len);
        if (ttl != kNever) out += '\t' + std::to_string(ttl);
        out += '\n';
      }
    }
    return output(out);
  });
}

void declare(Args &args, Options &opt) {
  opt.filter.declare(args, true);
  args.flag("--json", &opt.json,
            "Print a JSON array of {\"key\", \"epoch\", \"length\", \"ttl_ms\"} (ttl_ms null: no deadline)");
  args.footer(
      "Keys are escaped as in C (\\\\, \\t, \\n, \\xNN) so each entry is one line. A key set with --ttl has a\n"
      "fourth column, TTL_MS: the milliseconds it has left to live. Expired keys are not listed.\n"
      "Examples:\n  splinterctl --shm demo list\n  splinterctl --shm demo list 'sensor.*'\n"
      "  splinterctl --shm demo list --prefix sensor. --json");
}

const Register<Options> kList({"list", 60, "List live keys: KEY<TAB>EPOCH<TAB>LENGTH[<TAB>TTL_MS] per line, sorted by key"}, declare, run);
}  // namespace

}  // namespace splinterctl
