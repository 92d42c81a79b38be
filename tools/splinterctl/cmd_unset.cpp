// cmd_unset.cpp -- `splinterctl unset`: remove one key.
#include "codec.h"
#include "command.h"

namespace splinterctl {

namespace {
struct Options {
  std::string key;
  bool print_epoch = false;
};

int run(const Context &ctx, const Options &opt) {
  const auto bus = ctx.address();
  if (!bus) return kExitUsage;
  return mutate(*bus, "cannot unset '" + escape(opt.key) + "' in", opt.print_epoch,
                [&](splinter::Bus &writer, std::uint64_t *epoch) { return writer.unset(opt.key, epoch); });
}

void declare(Args &args, Options &opt) {
  args.option("key", &opt.key, "Key").required().type("KEY");
  args.flag("--print-epoch", &opt.print_epoch, "Print the epoch of the removal");
  args.footer("Example:\n  splinterctl --shm demo unset greeting");
}

const Register<Options> kUnset({"unset", 50, "Remove KEY (exit status 4 if it is absent)"}, declare, run);
}  // namespace

}  // namespace splinterctl
