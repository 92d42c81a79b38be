// cmd_get.cpp -- `splinterctl get`: print one value (raw bytes, or JSON).
#include "cli.h"
#include "codec.h"

#include <memory>

namespace splinterctl {

namespace {
struct Options {
  std::string key;
  bool json = false;
};

int run(const Context &ctx, const Options &opt) {
  return with_bus(ctx, splinter::Role::reader, [&](const BusAddress &bus, splinter::Bus &reader) {
    auto got = reader.get(opt.key);
    if (!got) return fail("cannot get '" + escape(opt.key) + "' from", bus, got.status());
    const std::string_view bytes = got->text();
    if (!opt.json) return output(bytes);
    nlohmann::json out;
    put_bytes(out, "key", opt.key);
    out["epoch"] = got->epoch;
    put_bytes(out, "value", bytes);
    return output(out.dump() + "\n");
  });
}
}  // namespace

void add_get(CLI::App &app, Registry &registry) {
  auto [sub, opt] = add_command<Options>(app, registry, "get", "Print KEY's value: raw bytes, or a JSON object with --json", run);
  sub->add_option("key", opt->key, "Key")->required();
  sub->add_flag("--json", opt->json,
                "Print {\"key\", \"epoch\", \"value\"}; a value that is not UTF-8 text is "
                "given as \"value_base64\" instead");
  sub->footer("Examples:\n  splinterctl --shm demo get greeting\n  splinterctl --shm demo get blob --json");
}

}  // namespace splinterctl
