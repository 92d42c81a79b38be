// cmd_destroy.cpp -- `splinterctl destroy`: remove a bus's name.
#include "command.h"

namespace splinterctl {

namespace {
struct Options {};  // none of its own

int run(const Context &ctx, const Options &) {
  const auto bus = ctx.address();
  if (!bus) return kExitUsage;
  const splinter::Status st = splinter::Bus::destroy(bus->backing, bus->name);
  if (!st) return fail("cannot destroy", *bus, st);
  note("destroyed " + bus->display());
  return kExitOk;
}

void declare(Args &args, Options &) { args.footer("Example:\n  splinterctl --shm demo destroy"); }

const Register<Options> kDestroy({"destroy", 20, "Remove a bus (refused while a writer holds it)"}, declare, run);
}  // namespace

}  // namespace splinterctl
