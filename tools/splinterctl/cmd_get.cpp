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
  const auto bus = ctx.address();
  if (!bus) return kExitUsage;
  auto reader = open_bus(*bus, splinter::Role::reader);
  if (!reader) return kExitFailure;
  auto got = reader->get(opt.key);
  if (!got) return fail("cannot get '" + escape(opt.key) + "' from", *bus, got.status());
  const std::string_view bytes = got->text();
  if (!opt.json) return write_stdout(bytes) ? kExitOk : kExitFailure;
  nlohmann::json out;
  put_bytes(out, "key", opt.key);
  out["epoch"] = got->epoch;
  put_bytes(out, "value", bytes);
  return write_stdout(out.dump() + "\n") ? kExitOk : kExitFailure;
}
}  // namespace

void add_get(CLI::App &app, Registry &registry) {
  auto opt = std::make_shared<Options>();
  auto *sub = app.add_subcommand("get", "Print KEY's value: raw bytes, or a JSON object with --json");
  sub->add_option("key", opt->key, "Key")->required();
  sub->add_flag("--json", opt->json,
                "Print {\"key\", \"epoch\", \"value\"}; a value that is not UTF-8 text is "
                "given as \"value_base64\" instead");
  sub->footer("Examples:\n  splinterctl --shm demo get greeting\n  splinterctl --shm demo get blob --json");
  registry.push_back({sub, [opt](const Context &ctx) { return run(ctx, *opt); }});
}

}  // namespace splinterctl
