// cmd_load.cpp -- `splinterctl load FILE`: set every entry of a document
// written by `dump --json` (dump_format.h). The whole document is checked
// before the first set, so a malformed one changes nothing.
#include "command.h"
#include "codec.h"
#include "dump_format.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstdio>

namespace splinterctl {

namespace {
struct Options {
  std::string path;
};

struct Entry {
  std::string key;
  std::string value;
};

// Reads the whole file (or standard input for "-"); on failure returns the
// system's reason.
std::optional<std::string> read_all(const std::string &path, std::string *out) {
  std::FILE *f = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
  if (f == nullptr) return system_reason(errno);
  char buf[65536];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out->append(buf, n);
  const int err = std::ferror(f) ? errno : 0;
  if (f != stdin) std::fclose(f);
  if (err != 0) return system_reason(err);
  return std::nullopt;
}

// Parses and checks the document; on failure returns nullopt with *error set.
std::optional<std::vector<Entry>> parse(const std::string &text, std::uint32_t max_value,
                                        std::string *error) {
  const nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded()) { *error = "not valid JSON"; return std::nullopt; }
  if (!doc.is_object() || !doc.contains("format") || doc["format"] != std::string(kDumpFormat)) {
    *error = "not a splinter dump (no \"format\": \"splinter-dump\")";
    return std::nullopt;
  }
  if (!doc.contains("version") || doc["version"] != kDumpVersion) {
    *error = "unsupported dump version (this splinterctl reads version " + std::to_string(kDumpVersion) + ")";
    return std::nullopt;
  }
  if (!doc.contains("entries") || !doc["entries"].is_array()) {
    *error = "\"entries\" is missing or not an array";
    return std::nullopt;
  }
  std::vector<Entry> entries;
  std::size_t i = 0;
  for (const auto &e : doc["entries"]) {
    const std::string where = "entry " + std::to_string(i++) + ": ";
    if (!e.is_object()) { *error = where + "not an object"; return std::nullopt; }
    std::string why;
    auto key = get_bytes(e, "key", &why);
    if (!key) { *error = where + why; return std::nullopt; }
    auto value = get_bytes(e, "value", &why);
    if (!value) { *error = where + why; return std::nullopt; }
    if (key->empty() || key->size() > SPLINTER_KEY_MAX || key->find('\0') != std::string::npos) {
      *error = where + "key '" + escape(*key) + "' is not 1-" + std::to_string(SPLINTER_KEY_MAX) +
               " bytes without NUL";
      return std::nullopt;
    }
    if (value->size() > max_value) {
      *error = where + "value of '" + escape(*key) + "' is " + std::to_string(value->size()) +
               " bytes; this bus holds at most " + std::to_string(max_value);
      return std::nullopt;
    }
    entries.push_back({std::move(*key), std::move(*value)});
  }
  return entries;
}

int run(const Context &ctx, const Options &opt) {
  const auto bus = ctx.address();
  if (!bus) return kExitUsage;
  std::string text;
  if (const auto why = read_all(opt.path, &text)) {
    message("load: cannot read " + (opt.path == "-" ? std::string("standard input") : opt.path) + ": " + *why);
    return kExitFailure;
  }
  return with_bus(*bus, splinter::Role::writer, [&](const BusAddress &addr, splinter::Bus &writer) {
    auto info = writer.info();
    if (!info) return fail("cannot read info of", addr, info.status());
    std::string error;
    const auto entries = parse(text, info->max_value_size, &error);
    if (!entries) {
      message("load " + opt.path + ": " + error + "; nothing loaded");
      return kExitFailure;
    }
    std::size_t done = 0;
    for (const auto &e : *entries) {
      const splinter::Status st = writer.set(e.key, std::string_view(e.value));
      if (!st) {
        fail("cannot set '" + escape(e.key) + "' (after " + std::to_string(done) + " of " +
                 std::to_string(entries->size()) + " entries) in",
             addr, st);
        return kExitFailure;
      }
      ++done;
    }
    if (const int code = flush_file_bus(writer, addr); code != kExitOk) return code;
    note("loaded " + std::to_string(done) + " keys into " + addr.display());
    return kExitOk;
  });
}

void declare(Args &args, Options &opt) {
  args.option("file", &opt.path, "The document, or - for standard input").required().type("FILE");
  args.footer(
      "Reads FILE (- for standard input); checks the whole document before the first set. Keys not in\n"
      "it are left alone. Epochs in the document are not restored: the bus assigns new ones.\n"
      "Example:\n  splinterctl --shm old dump --json | splinterctl --shm new load -");
}

const Register<Options> kLoad({"load", 120, "Set every key of a `dump --json` document"}, declare, run);
}  // namespace

}  // namespace splinterctl
