// cmd_load.cpp -- `splinterctl load FILE`: set every entry of a document
// written by `dump --json` (dump_format.h). The whole document, and whether
// its keys fit in the bus, are checked before the first set, so a malformed
// or too large one changes nothing. --create makes the bus first, with the
// geometry the document records.
#include "command.h"
#include "codec.h"
#include "dump_format.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstdio>
#include <set>

namespace splinterctl {

namespace {
struct Options {
  std::string path;
  bool create = false;
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

// The geometry a document records ("slots", "max_value_size"), for --create.
struct Geometry {
  std::uint32_t slots = 0;
  std::uint32_t max_value_size = 0;
};

std::optional<Geometry> geometry(const std::string &text, std::string *error) {
  const nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
  const auto field = [&](const char *name) -> std::optional<std::uint32_t> {
    if (!doc.is_object() || !doc.contains(name) || !doc[name].is_number_unsigned()) return std::nullopt;
    const auto v = doc[name].get<std::uint64_t>();
    if (v > UINT32_MAX) return std::nullopt;
    return static_cast<std::uint32_t>(v);
  };
  const auto slots = field("slots");
  const auto max_value = field("max_value_size");
  if (!slots || !max_value) {
    *error = "the document records no geometry (\"slots\" and \"max_value_size\"); make the bus with "
             "`create` and load without --create";
    return std::nullopt;
  }
  return Geometry{*slots, *max_value};
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

// Checks that the entries' keys fit: every key already live stays in its
// slot, every other one needs a slot of its own. Empty when they fit, else
// why not.
std::string capacity_problem(splinter::Bus &writer, const std::vector<Entry> &entries, std::uint32_t slots) {
  std::set<std::string> live;
  if (auto listed = writer.list()) {
    for (const auto &e : listed.value()) live.insert(e.key);
  }
  std::set<std::string> added;
  for (const auto &e : entries) {
    if (live.count(e.key) == 0) added.insert(e.key);
  }
  if (live.size() + added.size() <= slots) return {};
  return "the document has " + std::to_string(added.size()) + " keys the bus does not hold, and the bus has " +
         std::to_string(slots) + " slots with " + std::to_string(live.size()) + " live keys (room for " +
         std::to_string(slots > live.size() ? slots - live.size() : 0) +
         " more); make a bigger bus (`create --slots N`, or `load --create` into a new one)";
}

// Sets every entry, then flushes a file bus.
int set_all(splinter::Bus &writer, const BusAddress &addr, const std::vector<Entry> &entries) {
  std::size_t done = 0;
  for (const auto &e : entries) {
    const splinter::Status st = writer.set(e.key, std::string_view(e.value));
    if (!st) {
      fail("cannot set '" + escape(e.key) + "' (after " + std::to_string(done) + " of " +
               std::to_string(entries.size()) + " entries) in",
           addr, st);
      return kExitFailure;
    }
    ++done;
  }
  if (const int code = flush_file_bus(writer, addr); code != kExitOk) return code;
  note("loaded " + std::to_string(done) + " keys into " + addr.display());
  return kExitOk;
}

// --create: the bus is made with the document's geometry, after the document
// is checked; if loading then fails, the new bus is removed again.
int create_and_load(const BusAddress &addr, const Options &opt, const std::string &text) {
  std::string error;
  const auto geo = geometry(text, &error);
  const auto entries = geo ? parse(text, geo->max_value_size, &error) : std::nullopt;
  if (!entries) {
    message("load " + opt.path + ": " + error + "; nothing created");
    return kExitFailure;
  }
  std::set<std::string> keys;
  for (const auto &e : *entries) keys.insert(e.key);
  if (keys.size() > geo->slots) {
    message("load " + opt.path + ": " + std::to_string(keys.size()) + " keys do not fit in the " +
            std::to_string(geo->slots) + " slots the document records; nothing created");
    return kExitFailure;
  }
  auto created = splinter::Bus::create(addr.backing, addr.name, geo->slots, geo->max_value_size, 0600);
  if (!created) {
    if (created.status().code() == splinter::Code::exists) {
      message("cannot create " + addr.display() + ": it already exists; load into it without --create, or "
              "destroy it first; nothing loaded");
      return kExitFailure;
    }
    return fail("cannot create", addr, created.status());
  }
  note("created " + addr.display() + ": " + std::to_string(geo->slots) + " slots, values up to " +
       std::to_string(geo->max_value_size) + " bytes (the document's geometry)");
  const int code = set_all(created.value(), addr, *entries);
  if (code == kExitOk) return code;
  { auto discard = std::move(created).value(); }  // release the writer role before removing it
  if (splinter_destroy(addr.c_backing(), addr.name.c_str()) == SPLINTER_OK) {
    message("removed " + addr.display() + " again: nothing loaded");
  }
  return code;
}

int run(const Context &ctx, const Options &opt) {
  const auto bus = ctx.address();
  if (!bus) return kExitUsage;
  std::string text;
  if (const auto why = read_all(opt.path, &text)) {
    message("load: cannot read " + (opt.path == "-" ? std::string("standard input") : opt.path) + ": " + *why);
    return kExitFailure;
  }
  if (opt.create) return create_and_load(*bus, opt, text);
  return with_bus(*bus, splinter::Role::writer, [&](const BusAddress &addr, splinter::Bus &writer) {
    auto info = writer.info();
    if (!info) return fail("cannot read info of", addr, info.status());
    std::string error;
    const auto entries = parse(text, info->max_value_size, &error);
    if (!entries) {
      message("load " + opt.path + ": " + error + "; nothing loaded");
      return kExitFailure;
    }
    if (const std::string why = capacity_problem(writer, *entries, info->slots); !why.empty()) {
      message("load " + opt.path + " into " + addr.display() + ": " + why + "; nothing loaded");
      return kExitFailure;
    }
    return set_all(writer, addr, *entries);
  });
}

void declare(Args &args, Options &opt) {
  args.option("file", &opt.path, "The document, or - for standard input").required().type("FILE");
  args.flag("--create", &opt.create, "Create the bus first, with the slots and max value size the document records");
  args.footer(
      "Reads FILE (- for standard input); checks the whole document, and that its keys fit in the free\n"
      "slots, before the first set: a document that does not fit loads nothing and says why. Keys not\n"
      "in it are left alone. Epochs in the document are not restored: the bus assigns new ones.\n"
      "--create makes the bus (mode 0600) from the document's geometry; it fails if the bus exists, and\n"
      "removes the new bus again if loading fails.\n"
      "Examples:\n  splinterctl --shm old dump --json | splinterctl --shm new load -\n"
      "  splinterctl --file /var/lib/app.bus load --create salvage.json");
}

const Register<Options> kLoad({"load", 120, "Set every key of a `dump --json` document"}, declare, run);
}  // namespace

}  // namespace splinterctl
