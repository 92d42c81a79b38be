// cmd_set.cpp -- `splinterctl set`: store one value (from the argument or,
// binary-safe, from standard input), optionally with a time to live.
#include "codec.h"
#include "command.h"

#include <cerrno>
#include <cstdio>

namespace splinterctl {

namespace {
struct Options {
  std::string key;
  std::optional<std::string> value;
  bool from_stdin = false;
  bool print_epoch = false;
  std::optional<std::uint64_t> ttl_ms;  // --ttl, in ms (parsed by Arg::duration)
};

// Reads all of standard input; on failure returns the system's reason.
std::optional<std::string> read_stdin(std::string *out) {
  char buf[65536];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, stdin)) > 0) out->append(buf, n);
  if (std::ferror(stdin)) return system_reason(errno);
  return std::nullopt;
}

int run(const Context &ctx, const Options &opt) {
  const auto bus = ctx.address();
  if (!bus) return kExitUsage;
  if (!opt.from_stdin && !opt.value) {
    message("set: no value given for '" + escape(opt.key) + "': give it after the key (quoted if it has spaces), " +
            "or --stdin to read it from standard input");
    return kExitUsage;
  }
  if (opt.from_stdin && opt.value) {
    message("set: give the value as an argument or with --stdin, not both");
    return kExitUsage;
  }
  std::string value;
  if (opt.from_stdin) {
    if (const auto why = read_stdin(&value)) {
      message("set: cannot read standard input: " + *why);
      return kExitFailure;
    }
  } else {
    value = *opt.value;
  }
  return mutate(*bus, "cannot set '" + escape(opt.key) + "' in", opt.print_epoch,
                [&](splinter::Bus &writer, std::uint64_t *epoch) {
                  // Without --ttl a plain set: it clears a deadline the key had.
                  if (opt.ttl_ms) return writer.set_ttl(opt.key, std::string_view(value), *opt.ttl_ms, epoch);
                  return writer.set(opt.key, std::string_view(value), epoch);
                });
}

void declare(Args &args, Options &opt) {
  args.option("key", &opt.key, "Key: 1-63 bytes").required().type("KEY");
  args.option("value", &opt.value, "Value (quote it if it has spaces; --stdin for binary data)").type("VALUE");
  args.flag("--stdin", &opt.from_stdin, "Read the value from standard input, binary-safe");
  args.flag("--print-epoch", &opt.print_epoch, "Print the epoch of the new value");
  args.option("--ttl", &opt.ttl_ms,
              "The key expires this long from now: a number and a unit, ms, s, m or h (250ms, 30s, 90m, 1.5h)")
      .duration(1, SPLINTER_TTL_MAX_MS);
  args.footer(
      "Without --ttl the key never expires, also if it had a deadline before (as Redis SET). From its\n"
      "deadline on, a key is absent to every reader (get exits 4, list skips it); the writer removes it\n"
      "later (splinterctl expire). --ttl is at most 2^40 ms (about 34 years).\n"
      "Examples:\n  splinterctl --shm demo set greeting 'hello world'\n"
      "  splinterctl --shm demo set --ttl 30s agent.alive yes\n"
      "  head -c 100 /dev/urandom | splinterctl --shm demo set blob --stdin\n"
      "  splinterctl --shm demo set -- dash '-starts-with-a-dash'");
}

const Register<Options> kSet({"set", 30, "Set KEY to VALUE (or to the bytes of standard input), with --ttl one that expires"}, declare, run);
}  // namespace

}  // namespace splinterctl
