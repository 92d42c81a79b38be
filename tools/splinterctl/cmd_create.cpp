// cmd_create.cpp -- `splinterctl create`: make a new, empty bus.
#include "cli.h"

#include <memory>

namespace splinterctl {

namespace {
struct Options {
  std::uint32_t slots = 0;
  std::uint32_t max_value = 0;
  std::string mode = "0600";
};

int run(const Context &ctx, const Options &opt) {
  const auto bus = ctx.address();
  if (!bus) return kExitUsage;
  std::uint32_t mode = 0;
  std::size_t used = 0;
  try {
    const unsigned long m = std::stoul(opt.mode, &used, 8);
    if (used != opt.mode.size() || m > 07777) throw std::out_of_range("mode");
    mode = static_cast<std::uint32_t>(m);
  } catch (const std::exception &) {
    message("--mode " + opt.mode + ": expected octal permission bits, e.g. 0600");
    return kExitUsage;
  }
  if (mode == 0) {
    message("--mode 0 would make the bus unreadable; give e.g. 0600");
    return kExitUsage;
  }
  auto created = splinter::Bus::create(bus->backing, bus->name, opt.slots, opt.max_value, mode);
  if (!created) return fail("cannot create", *bus, created.status());
  auto info = created->info();
  if (info) {
    message("created " + bus->display() + ": " + std::to_string(info->slots) + " slots, values up to " +
            std::to_string(info->max_value_size) + " bytes, " + std::to_string(info->region_size) +
            " bytes in all");
  }
  return kExitOk;
}
}  // namespace

void add_create(CLI::App &app, Registry &registry) {
  auto [sub, opt] = add_command<Options>(app, registry, "create", "Create a new, empty bus (never overwrites one)", run);
  sub->add_option("--slots", opt->slots, "Number of slots: the most keys the bus holds")
      ->required()->check(CLI::Range(1u, static_cast<unsigned>(SPLINTER_SLOTS_MAX)));
  sub->add_option("--max-value", opt->max_value, "Largest value, in bytes")
      ->required()->check(CLI::Range(0u, static_cast<unsigned>(SPLINTER_VALUE_MAX)))
      ->type_name("BYTES");
  sub->add_option("--mode", opt->mode, "Permission bits, octal")->capture_default_str()->type_name("MODE");
  sub->footer("Example:\n  splinterctl --file /tmp/app.bus create --slots 1024 --max-value 256 --mode 0640");
}

}  // namespace splinterctl
