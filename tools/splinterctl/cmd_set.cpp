// cmd_set.cpp -- `splinterctl set`: store one value (from the argument or,
// binary-safe, from standard input).
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
                [&](splinter::Bus &writer, std::uint64_t *epoch) { return writer.set(opt.key, std::string_view(value), epoch); });
}

void declare(Args &args, Options &opt) {
  args.option("key", &opt.key, "Key: 1-63 bytes").required().type("KEY");
  args.option("value", &opt.value, "Value (quote it if it has spaces; --stdin for binary data)").type("VALUE");
  args.flag("--stdin", &opt.from_stdin, "Read the value from standard input, binary-safe");
  args.flag("--print-epoch", &opt.print_epoch, "Print the epoch of the new value");
  args.footer(
      "Examples:\n  splinterctl --shm demo set greeting 'hello world'\n"
      "  head -c 100 /dev/urandom | splinterctl --shm demo set blob --stdin\n"
      "  splinterctl --shm demo set -- dash '-starts-with-a-dash'");
}

const Register<Options> kSet({"set", 30, "Set KEY to VALUE (or to the bytes of standard input)"}, declare, run);
}  // namespace

}  // namespace splinterctl
