// cmd_expire.cpp -- `splinterctl expire`: the writer removes expired keys now
// (splinter_expire), each one change of op `expire` in the change feed.
#include "command.h"

namespace splinterctl {

namespace {
struct Options {
  std::optional<std::uint32_t> max;
};

int run(const Context &ctx, const Options &opt) {
  return with_bus(ctx, splinter::Role::writer, [&](const BusAddress &bus, splinter::Bus &writer) {
    auto removed = writer.expire(opt.max.value_or(0));  // 0: all of them
    // FULL (the epoch space is exhausted) may come after some removals:
    // those are committed, and flushed below like the others.
    const int flushed = flush_file_bus(writer, bus);
    if (!removed) return fail("cannot remove the expired keys of", bus, removed.status());
    if (flushed != kExitOk) return flushed;
    return output(std::to_string(*removed) + "\n");
  });
}

void declare(Args &args, Options &opt) {
  args.option("--max", &opt.max, "Remove at most N expired keys (default: all of them)").type("N").range(1, UINT32_MAX);
  args.footer(
      "Prints how many keys it removed. An expired key is absent to readers from its deadline on; the\n"
      "writer removes it from the table later -- a few on each set and unset, or all at once here -- and\n"
      "only then does `watch` show it (EPOCH<TAB>expire<TAB>KEY) and its slot become free. An application\n"
      "whose writer is otherwise idle calls splinter_expire on a timer when watchers need the change feed\n"
      "current. Needs the writer role (exit 1 while another process holds it).\n"
      "Examples:\n  splinterctl --shm demo expire\n  splinterctl --shm demo expire --max 100");
}

const Register<Options> kExpire({"expire", 55, "Remove expired keys now (the writer's job), printing how many"},
                                declare, run);
}  // namespace

}  // namespace splinterctl
