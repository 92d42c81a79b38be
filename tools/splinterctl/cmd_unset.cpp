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
  return mutate(*bus, "cannot unset '" + escape(opt.key) + "' in", opt.print_epoch,
                [&](splinter::Bus &writer, std::uint64_t *epoch) { return writer.unset(opt.key, epoch); });
}
}  // namespace

void add_unset(CLI::App &app, Registry &registry) {
  auto [sub, opt] = add_command<Options>(app, registry, "unset", "Remove KEY (exit status 4 if it is absent)", run);
  sub->add_option("key", opt->key, "Key")->required();
  sub->add_flag("--print-epoch", opt->print_epoch, "Print the epoch of the removal");
  sub->footer("Example:\n  splinterctl --shm demo unset greeting");
}

}  // namespace splinterctl
