// cmd_unset.cpp -- `splinterctl unset`: remove one key.
#include "cli.h"
#include "codec.h"

#include <memory>

namespace splinterctl {

namespace {
struct Options {
  std::string key;
  bool print_epoch = false;
};

int run(const Context &ctx, const Options &opt) {
  const auto bus = ctx.address();
  if (!bus) return kExitUsage;
  auto writer = open_bus(*bus, splinter::Role::writer);
  if (!writer) return kExitFailure;
  std::uint64_t epoch = 0;
  const splinter::Status st = writer->unset(opt.key, &epoch);
  if (!st) return fail("cannot unset '" + escape(opt.key) + "' in", *bus, st);
  if (bus->backing == splinter::Backing::file) {
    const splinter::Status fl = writer->flush();
    if (!fl) return fail("cannot flush", *bus, fl);
  }
  if (opt.print_epoch) write_stdout(std::to_string(epoch) + "\n");
  return kExitOk;
}
}  // namespace

void add_unset(CLI::App &app, Registry &registry) {
  auto opt = std::make_shared<Options>();
  auto *sub = app.add_subcommand("unset", "Remove KEY (exit status 4 if it is absent)");
  sub->add_option("key", opt->key, "Key")->required();
  sub->add_flag("--print-epoch", opt->print_epoch, "Print the epoch of the removal");
  sub->footer("Example:\n  splinterctl --shm demo unset greeting");
  registry.push_back({sub, [opt](const Context &ctx) { return run(ctx, *opt); }});
}

}  // namespace splinterctl
