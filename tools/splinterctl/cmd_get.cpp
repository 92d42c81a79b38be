// cmd_get.cpp -- `splinterctl get`: print the values of one or more keys.
//
// On a terminal a value is escaped (as `list` and `watch` print them) and
// ends with a newline; piped, one key's value is written as its raw bytes.
// --raw and --no-raw choose either way, as in redis-cli.
#include "codec.h"
#include "command.h"

#include <nlohmann/json.hpp>

#include <unistd.h>

namespace splinterctl {

namespace {
struct Options {
  std::vector<std::string> keys;
  bool json = false;
  bool raw = false;
  bool no_raw = false;
};

enum class Form { raw, escaped, json };

// One key's line (or, raw with a single key, its bytes alone).
std::string render(Form form, const std::string &key, const splinter::Value *v, bool single) {
  if (form == Form::json) {
    nlohmann::json obj;
    put_bytes(obj, "key", key);
    if (v != nullptr) {
      obj["epoch"] = v->epoch;
      put_bytes(obj, "value", v->text());
    } else {
      obj["epoch"] = nullptr;
      obj["value"] = nullptr;
    }
    return obj.dump() + "\n";
  }
  const std::string_view bytes = v != nullptr ? v->text() : std::string_view();
  if (form == Form::escaped) return escape(bytes) + "\n";
  return single ? std::string(bytes) : std::string(bytes) + "\n";
}

int run(const Context &ctx, const Options &opt) {
  Form form = Form::raw;
  if (opt.json) form = Form::json;
  else if (opt.no_raw || (!opt.raw && ::isatty(STDOUT_FILENO) == 1)) form = Form::escaped;
  const bool single = opt.keys.size() == 1;
  return with_bus(ctx, splinter::Role::reader, [&](const BusAddress &bus, splinter::Bus &reader) {
    int code = kExitOk;
    for (const std::string &key : opt.keys) {
      auto got = reader.get(key);
      if (!got) {
        const int failed = fail("cannot get '" + escape(key) + "' from", bus, got.status());
        if (failed != kExitNotFound) return failed;
        code = kExitNotFound;
        // Several keys: an absent one keeps its line, so lines match keys.
        if (!single && !write_stdout(render(form, key, nullptr, single))) return kExitFailure;
        continue;
      }
      if (!write_stdout(render(form, key, &got.value(), single))) return kExitFailure;
    }
    return code;
  });
}

void declare(Args &args, Options &opt) {
  args.option("key", &opt.keys, "Key(s): with several, one line per key, in order").required().type("KEY");
  Arg raw = args.flag("--raw", &opt.raw, "Write the value's bytes as they are (the default when piped)");
  Arg no_raw = args.flag("--no-raw", &opt.no_raw,
                         "Escape the value as list does and end it with a newline (the default on a terminal)");
  Arg json = args.flag("--json", &opt.json,
                       "Print {\"key\", \"epoch\", \"value\"} per key; a value that is not UTF-8 text is "
                       "given as \"value_base64\" instead");
  raw.excludes(no_raw);
  json.excludes(raw);
  json.excludes(no_raw);
  args.footer(
      "With several keys each value is one line (raw values end with a newline; use --json when they may\n"
      "hold newlines), each key read on its own, not as one snapshot. An absent key (or one whose --ttl\n"
      "ran out) prints an empty line (null in JSON) and a message, and the exit status is 4.\n"
      "Examples:\n  splinterctl --shm demo get greeting\n  splinterctl --shm demo get blob --raw > blob.bin\n"
      "  splinterctl --shm demo get temperature humidity --json");
}

const Register<Options> kGet({"get", 40, "Print the value of KEY (or of several keys, one line each)"}, declare, run);
}  // namespace

}  // namespace splinterctl
