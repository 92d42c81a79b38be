// cmd_create.cpp -- `splinterctl create`: make a new, empty bus.
#include "command.h"
#include "size.h"

#include <stdexcept>

namespace splinterctl {

namespace {
struct Options {
  std::uint32_t slots = 0;
  std::uint32_t max_value = 0;
  std::string mode = "0600";
  std::uint32_t history = 0;
  std::uint32_t change_ring = 0;
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
  splinter::Options options;
  options.slots = opt.slots;
  options.max_value_size = opt.max_value;
  options.mode = mode;
  options.change_ring = opt.change_ring;
  options.history_depth = opt.history;
  auto created = splinter::Bus::create(bus->backing, bus->name, options);
  if (!created) return fail("cannot create", *bus, created.status());
  auto info = created->info();
  if (info) {
    note("created " + bus->display() + ": " + std::to_string(info->slots) + " slots, values up to " +
         describe_size(info->max_value_size) + ", " + std::to_string(info->history_depth) +
         " earlier values per key, a change feed of " + std::to_string(info->change_ring) + " entries, " +
         describe_size(info->region_size) + " in all");
  }
  return kExitOk;
}

void declare(Args &args, Options &opt) {
  args.option("--slots", &opt.slots, "Number of slots: the most keys the bus holds")
      .required().type("N").range(1, SPLINTER_SLOTS_MAX);
  args.option("--max-value", &opt.max_value, "Largest value: bytes, or with a suffix (1K, 4MiB)")
      .required().bytes(0, SPLINTER_VALUE_MAX);
  args.option("--mode", &opt.mode, "Permission bits, octal").show_default().type("MODE");
  args.option("--history", &opt.history,
              "Earlier values kept per key besides the current one (splinterctl history); 0 = none")
      .show_default().type("N").range(0, SPLINTER_HISTORY_MAX);
  args.option("--change-ring", &opt.change_ring,
              "Changes the change feed keeps (how far back a watch can resume); 0 = the default: the slots "
              "rounded up to a power of two, within 1024..65536; any other N is rounded up to a power of two")
      .show_default().type("N").range(0, SPLINTER_RING_MAX);
  args.footer(
      "Sizes take K, M, G (KiB, MiB, GiB: powers of 1024) or KB, MB, GB (powers of 1000).\n"
      "Each slot holds --history + 2 value buffers; each feed entry costs 80 bytes (docs/FORMAT.md).\n"
      "Examples:\n  splinterctl --file /tmp/app.bus create --slots 1024 --max-value 256 --mode 0640\n"
      "  splinterctl --shm big create --slots 65536 --max-value 4KiB\n"
      "  splinterctl --shm audit create --slots 256 --max-value 1K --history 4 --change-ring 100000");
}

const Register<Options> kCreate({"create", 10, "Create a new, empty bus (never overwrites one)"}, declare, run);
}  // namespace

}  // namespace splinterctl
