// cmd_history.cpp -- `splinterctl history`: a key's current value and the
// earlier ones its bus keeps (create --history N), newest first, with epochs.
//
// The value encodings are get's: escaped on a terminal (--no-raw), raw bytes
// when piped (--raw), or one JSON object per value (--json).
#include "codec.h"
#include "command.h"

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <span>

namespace splinterctl {

namespace {
struct Options {
  std::string key;
  bool json = false;
  bool raw = false;
  bool no_raw = false;
};

enum class Form { raw, escaped, json };

std::string render(Form form, const std::string &key, std::uint64_t epoch, std::string_view bytes) {
  if (form == Form::json) {
    nlohmann::json obj;
    put_bytes(obj, "key", key);
    obj["epoch"] = epoch;
    put_bytes(obj, "value", bytes);
    return obj.dump() + "\n";
  }
  return std::to_string(epoch) + '\t' + (form == Form::escaped ? escape(bytes) : std::string(bytes)) + '\n';
}

int run(const Context &ctx, const Options &opt) {
  Form form = Form::raw;
  if (opt.json) form = Form::json;
  else if (opt.no_raw || (!opt.raw && ::isatty(STDOUT_FILENO) == 1)) form = Form::escaped;
  return with_bus(ctx, splinter::Role::reader, [&](const BusAddress &bus, splinter::Bus &reader) {
    // Values of one moment, each verified; printed as they come, so that on a
    // damaged earlier value the intact newer ones are still printed.
    bool write_failed = false;
    const splinter::Status st =
        reader.history(opt.key, [&](std::uint64_t epoch, std::span<const std::byte> value) {
          const std::string_view bytes(reinterpret_cast<const char *>(value.data()), value.size());
          write_failed = !write_stdout(render(form, opt.key, epoch, bytes));
          return !write_failed;
        });
    if (write_failed) return kExitFailure;
    if (!st) return fail("cannot read the history of '" + escape(opt.key) + "' from", bus, st);
    return kExitOk;
  });
}

void declare(Args &args, Options &opt) {
  args.option("key", &opt.key, "Key").required().type("KEY");
  Arg raw = args.flag("--raw", &opt.raw, "Write each value's bytes as they are (the default when piped)");
  Arg no_raw = args.flag("--no-raw", &opt.no_raw, "Escape each value as list does (the default on a terminal)");
  Arg json = args.flag("--json", &opt.json,
                       "Print {\"key\", \"epoch\", \"value\"} per value; a value that is not UTF-8 text is "
                       "given as \"value_base64\" instead");
  raw.excludes(no_raw);
  json.excludes(raw);
  json.excludes(no_raw);
  args.footer(
      "One line per value, newest first: EPOCH<TAB>VALUE -- the current value, then up to N earlier ones\n"
      "on a bus created with --history N (none by default). An unset ends a history: after unset and set\n"
      "only the new values show. Raw values end with a newline; use --json when they may hold newlines.\n"
      "An absent or expired key (set --ttl) prints a message and exits 4; a damaged earlier value prints\n"
      "the newer ones, then the error (exit 1).\n"
      "Examples:\n  splinterctl --shm demo history temperature\n"
      "  splinterctl --shm demo history temperature --json");
}

const Register<Options> kHistory({"history", 45, "Print KEY's current and earlier values, newest first, with epochs"},
                                 declare, run);
}  // namespace

}  // namespace splinterctl
