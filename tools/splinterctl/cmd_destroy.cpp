// cmd_destroy.cpp -- `splinterctl destroy`: remove a bus's name.
#include "cli.h"

namespace splinterctl {

namespace {
struct Options {};  // none of its own

int run(const Context &ctx, const Options &) {
  const auto bus = ctx.address();
  if (!bus) return kExitUsage;
  const splinter::Status st = splinter::Bus::destroy(bus->backing, bus->name);
  if (!st) return fail("cannot destroy", *bus, st);
  message("destroyed " + bus->display());
  return kExitOk;
}
}  // namespace

void add_destroy(CLI::App &app, Registry &registry) {
  auto [sub, opt] = add_command<Options>(app, registry, "destroy", "Remove a bus (refused while a writer holds it)", run);
  sub->footer("Example:\n  splinterctl --shm demo destroy");
}

}  // namespace splinterctl
