// cmd_ttl.cpp -- `splinterctl ttl`: the remaining time to live of one key.
#include "codec.h"
#include "command.h"
#include "remaining.h"

#include <nlohmann/json.hpp>

namespace splinterctl {

namespace {
struct Options {
  std::string key;
  bool json = false;
};

int run(const Context &ctx, const Options &opt) {
  return with_bus(ctx, splinter::Role::reader, [&](const BusAddress &bus, splinter::Bus &reader) {
    auto got = remaining_ttl(reader, opt.key);
    if (!got) return fail("cannot read the time to live of '" + escape(opt.key) + "' in", bus, got.status());
    const bool never = *got == kNever;
    if (opt.json) {
      nlohmann::json obj;
      put_bytes(obj, "key", opt.key);
      obj["ttl_ms"] = never ? nlohmann::json(nullptr) : nlohmann::json(*got);
      return output(obj.dump() + "\n");
    }
    return output((never ? std::string("never") : std::to_string(*got)) + "\n");
  });
}

void declare(Args &args, Options &opt) {
  args.option("key", &opt.key, "Key").required().type("KEY");
  args.flag("--json", &opt.json, "Print {\"key\", \"ttl_ms\"}; ttl_ms is null for a key that never expires");
  args.footer(
      "Prints the milliseconds KEY has left to live (at least 1), or `never` for a key set without --ttl.\n"
      "An absent key, and an expired one (also before the writer removes it), prints a message and exits 4.\n"
      "Examples:\n  splinterctl --shm demo ttl agent.alive\n  splinterctl --shm demo ttl agent.alive --json");
}

const Register<Options> kTtl({"ttl", 42, "Print KEY's remaining time to live in ms (`never` if it has no deadline)"},
                             declare, run);
}  // namespace

}  // namespace splinterctl
