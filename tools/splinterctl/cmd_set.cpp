// cmd_set.cpp -- `splinterctl set`: store one value (from the argument or,
// binary-safe, from standard input).
#include "cli.h"
#include "codec.h"

#include <cstdio>
#include <memory>

namespace splinterctl {

namespace {
struct Options {
  std::string key;
  std::optional<std::string> value;
  bool from_stdin = false;
  bool print_epoch = false;
};

bool read_stdin(std::string *out) {
  std::string data;
  char buf[65536];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, stdin)) > 0) data.append(buf, n);
  if (std::ferror(stdin)) return false;
  *out = std::move(data);
  return true;
}

int run(const Context &ctx, const Options &opt) {
  const auto bus = ctx.address();
  if (!bus) return kExitUsage;
  if (opt.from_stdin == opt.value.has_value()) {
    message("set: give the value as an argument or with --stdin, not both");
    return kExitUsage;
  }
  std::string value;
  if (opt.from_stdin) {
    if (!read_stdin(&value)) {
      message("set: cannot read standard input");
      return kExitFailure;
    }
  } else {
    value = *opt.value;
  }
  return mutate(*bus, "cannot set '" + escape(opt.key) + "' in", opt.print_epoch,
                [&](splinter::Bus &writer, std::uint64_t *epoch) { return writer.set(opt.key, std::string_view(value), epoch); });
}
}  // namespace

void add_set(CLI::App &app, Registry &registry) {
  auto [sub, opt] = add_command<Options>(app, registry, "set", "Set KEY to VALUE (or to the bytes of standard input)", run);
  sub->add_option("key", opt->key, "Key: 1-63 bytes")->required();
  sub->add_option("value", opt->value, "Value (use --stdin for binary data)");
  sub->add_flag("--stdin", opt->from_stdin, "Read the value from standard input, binary-safe");
  sub->add_flag("--print-epoch", opt->print_epoch, "Print the epoch of the new value");
  sub->footer(
      "Examples:\n  splinterctl --shm demo set greeting 'hello world'\n"
      "  head -c 100 /dev/urandom | splinterctl --shm demo set blob --stdin\n"
      "  splinterctl --shm demo set -- dash '-starts-with-a-dash'");
}

}  // namespace splinterctl
