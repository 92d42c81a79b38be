// cmd_destroy.cpp -- `splinterctl destroy`: remove a bus's name.
#include "cli.h"

namespace splinterctl {

namespace {
int run(const Context &ctx) {
  const auto bus = ctx.address();
  if (!bus) return kExitUsage;
  const splinter::Status st = splinter::Bus::destroy(bus->backing, bus->name);
  if (!st) return fail("cannot destroy", *bus, st);
  message("destroyed " + bus->display());
  return kExitOk;
}
}  // namespace

void add_destroy(CLI::App &app, Registry &registry) {
  auto *sub = app.add_subcommand(
      "destroy", "Remove a bus (refused while a writer holds it)");
  sub->footer("Example:\n  splinterctl --shm demo destroy");
  registry.push_back({sub, [](const Context &ctx) { return run(ctx); }});
}

}  // namespace splinterctl
