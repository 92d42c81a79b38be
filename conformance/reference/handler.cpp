// handler.cpp -- see handler.h. One function per op, each a direct
// translation of the request into one call of the C++ API (or, where the
// C++ API does not expose findings of a failed check, of the C ABI).
#include "handler.h"

#include "../common/base64.h"

#include <sys/resource.h>
#include <unistd.h>

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace splc {

using nlohmann::json;

namespace {

struct BadRequest : std::runtime_error {
  using std::runtime_error::runtime_error;
};

splinter::Backing backing_of(const json &req) {
  const std::string b = req.at("backing").get<std::string>();
  if (b == "shm") return splinter::Backing::shm;
  if (b == "file") return splinter::Backing::file;
  throw BadRequest("backing must be \"shm\" or \"file\"");
}

splinter::Role role_of(const json &req) {
  const std::string r = req.at("role").get<std::string>();
  if (r == "reader") return splinter::Role::reader;
  if (r == "writer") return splinter::Role::writer;
  throw BadRequest("role must be \"reader\" or \"writer\"");
}

std::string b64_field(const json &req, const char *field) {
  auto bytes = base64_decode(req.at(field).get<std::string>());
  if (!bytes) throw BadRequest(std::string(field) + " is not valid base64");
  return *bytes;
}

// The key: "key" (a string, its UTF-8 bytes) or "key_b64" (raw bytes).
std::string key_of(const json &req) {
  if (req.contains("key_b64")) return b64_field(req, "key_b64");
  return req.at("key").get<std::string>();
}

bool has_key(const json &req) { return req.contains("key") || req.contains("key_b64"); }

json findings_json(const std::vector<splinter::Finding> &findings) {
  json out = json::array();
  for (const auto &f : findings) {
    out.push_back({{"rule", f.rule}, {"severity", f.severity}, {"fix", f.fix}, {"slot", f.slot},
                   {"key", f.key}, {"detail", f.detail}});
  }
  return out;
}

void put_report(json &resp, const splinter_report &r, const std::vector<splinter::Finding> &findings) {
  resp["findings"] = findings_json(findings);
  resp["worst"] = r.worst;
  resp["repaired"] = r.repaired;
  resp["rolled_back"] = r.rolled_back;
  resp["dropped"] = r.dropped;
}

int collect_finding(void *ctx, const splinter_finding *f) {
  auto *out = static_cast<std::vector<splinter::Finding> *>(ctx);
  out->push_back({f->rule, f->severity, f->fix, f->slot, f->key ? f->key : "", f->detail ? f->detail : ""});
  return 0;
}

}  // namespace

std::string protocol_status(int status) {
  const char *name = splinter_status_name(status);
  if (name == nullptr) return "UNKNOWN_" + std::to_string(status);
  std::string_view n(name);
  if (n.starts_with("SPLINTER_E_")) n.remove_prefix(11);
  else if (n.starts_with("SPLINTER_")) n.remove_prefix(9);
  return std::string(n);
}

splinter::Bus &ReferenceHandler::bus(const json &req) {
  const std::string name = req.at("bus").get<std::string>();
  auto it = buses_.find(name);
  if (it == buses_.end() || !it->second.is_open()) throw BadRequest("no open handle named " + name);
  return it->second;
}

splinter::Key &ReferenceHandler::pkey(const json &req) {
  const std::string name = req.at("pkey").get<std::string>();
  auto it = pkeys_.find(name);
  if (it == pkeys_.end()) throw BadRequest("no prepared key named " + name);
  return it->second;
}

json ReferenceHandler::handle(const json &request) {
  json resp;
  try {
    resp = dispatch(request.at("op").get<std::string>(), request);
  } catch (const BadRequest &e) {
    resp = {{"status", "ADAPTER_ERROR"}, {"detail", e.what()}};
  } catch (const json::exception &e) {
    resp = {{"status", "ADAPTER_ERROR"}, {"detail", e.what()}};
  }
  if (request.is_object() && request.contains("id")) resp["id"] = request["id"];
  if (broken_ == Broken::wrong_status && resp.value("status", "") == "KEY_TOO_LONG") resp["status"] = "INVALID";
  return resp;
}

json ReferenceHandler::dispatch(const std::string &op, const json &req) {
  if (broken_ != Broken::none)
    if (auto r = broken_dispatch(op, req)) return *r;
  auto answer = [](splinter::Status s) {
    json r = {{"status", protocol_status(s.raw())}};
    if (!s.ok()) r["detail"] = splinter::last_error();
    return r;
  };

  if (op == "hello") {
    return {{"status", "OK"}, {"adapter", adapter_name_}, {"library", splinter_version()},
            {"format_version", SPLINTER_FORMAT_VERSION}, {"pid", static_cast<int>(::getpid())}};
  }
  if (op == "create" || op == "open") {
    const std::string handle = req.at("bus").get<std::string>();
    if (buses_.contains(handle) && buses_[handle].is_open()) throw BadRequest("handle " + handle + " is open");
    const std::string name = req.at("name").get<std::string>();
    auto r = op == "create"
                 ? splinter::Bus::create(backing_of(req), name,
                                         splinter::Options{.slots = req.at("slots").get<std::uint32_t>(),
                                                           .max_value_size = req.at("max_value_size").get<std::uint32_t>(),
                                                           .mode = req.value("mode", std::uint32_t{0}),
                                                           .change_ring = req.value("change_ring", std::uint32_t{0}),
                                                           .history_depth = req.value("history_depth", std::uint32_t{0})})
                 : splinter::Bus::open(backing_of(req), name, role_of(req));
    json resp = answer(r.status());
    if (r.ok()) buses_[handle] = std::move(r).value();
    return resp;
  }
  if (op == "close") {
    auto it = buses_.find(req.at("bus").get<std::string>());
    if (it == buses_.end()) throw BadRequest("no handle named " + req.at("bus").get<std::string>());
    buses_.erase(it);
    return {{"status", "OK"}};
  }
  if (op == "destroy") {
    return answer(splinter::Bus::destroy(backing_of(req), req.at("name").get<std::string>()));
  }
  if (op == "set") {
    std::uint64_t epoch = 0;
    const std::string value = b64_field(req, "value_b64");
    auto s = bus(req).set(key_of(req), std::string_view(value), &epoch);
    json resp = answer(s);
    if (s.ok()) resp["epoch"] = epoch;
    return resp;
  }
  if (op == "set_ttl") {
    std::uint64_t epoch = 0;
    const std::string value = b64_field(req, "value_b64");
    auto s = bus(req).set_ttl(key_of(req), std::string_view(value), req.at("ttl_ms").get<std::uint64_t>(), &epoch);
    json resp = answer(s);
    if (s.ok()) resp["epoch"] = epoch;
    return resp;
  }
  if (op == "ttl") {
    auto r = bus(req).ttl(key_of(req));
    json resp = answer(r.status());
    if (r.ok()) resp["ttl_ms"] = r.value();
    return resp;
  }
  if (op == "expire") {
    auto r = bus(req).expire(req.value("max", std::uint32_t{0}));
    json resp = answer(r.status());
    if (r.ok()) resp["removed"] = r.value();
    return resp;
  }
  if (op == "key_init") {
    const std::string name = req.at("pkey").get<std::string>();
    auto r = splinter::Key::make(key_of(req));
    json resp = answer(r.status());
    if (r.ok()) {
      pkeys_[name] = r.value();
      if (!first_pkey_) first_pkey_ = r.value();
    }
    return resp;
  }
  if (op == "key_garble") {
    // Not a library call: flips the lowest bit of one byte of the prepared
    // key's plain data, as a stray write would.
    splinter::Key &k = pkey(req);
    const auto byte = req.at("byte").get<std::size_t>();
    splinter_key raw = k.c_key();
    if (byte >= sizeof raw) throw BadRequest("byte is beyond the prepared key");
    reinterpret_cast<unsigned char *>(&raw)[byte] ^= 1;
    k = splinter::Key(raw);
    return {{"status", "OK"}};
  }
  if (op == "set_k") {
    std::uint64_t epoch = 0;
    const std::string value = b64_field(req, "value_b64");
    auto s = bus(req).set(pkey(req), std::string_view(value), &epoch);
    json resp = answer(s);
    if (s.ok()) resp["epoch"] = epoch;
    return resp;
  }
  if (op == "unset_k") {
    std::uint64_t epoch = 0;
    auto s = bus(req).unset(pkey(req), &epoch);
    json resp = answer(s);
    if (s.ok()) resp["epoch"] = epoch;
    return resp;
  }
  if (op == "get_k") {
    auto r = bus(req).get(pkey(req));
    json resp = answer(r.status());
    if (!r.ok()) return resp;
    resp["value_b64"] = base64_encode(std::string(r->text()));
    resp["epoch"] = r->epoch;
    return resp;
  }
  if (op == "poll_k") {
    auto r = bus(req).poll(pkey(req), req.at("since").get<std::uint64_t>(), req.at("timeout_ms").get<std::int64_t>());
    json resp = answer(r.status());
    if (r.ok()) resp["epoch"] = r.value();
    return resp;
  }
  if (op == "unset") {
    std::uint64_t epoch = 0;
    auto s = bus(req).unset(key_of(req), &epoch);
    json resp = answer(s);
    if (s.ok()) resp["epoch"] = epoch;
    return resp;
  }
  if (op == "get") {
    std::string value;
    std::uint64_t epoch = 0;
    json resp;
    if (req.contains("cap")) {
      std::vector<std::byte> buf(req.at("cap").get<std::size_t>());
      std::size_t len = 0;
      auto s = bus(req).get(key_of(req), std::span<std::byte>(buf), &len, &epoch);
      resp = answer(s);
      if (s.code() == splinter::Code::buffer) resp["len"] = len;
      if (!s.ok()) return resp;
      value.assign(reinterpret_cast<const char *>(buf.data()), len);
    } else {
      auto r = bus(req).get(key_of(req));
      resp = answer(r.status());
      if (!r.ok()) return resp;
      value = std::string(r->text());
      epoch = r->epoch;
    }
    if (broken_ == Broken::flip_byte && !value.empty()) value.back() = static_cast<char>(value.back() ^ 1);
    resp["value_b64"] = base64_encode(value);
    resp["epoch"] = epoch;
    return resp;
  }
  if (op == "list") {
    auto r = bus(req).list();
    json resp = answer(r.status());
    if (!r.ok()) return resp;
    json entries = json::array();
    for (const auto &e : r.value()) {
      entries.push_back({{"key_b64", base64_encode(e.key)}, {"len", e.value_len}, {"epoch", e.epoch}});
    }
    resp["entries"] = std::move(entries);
    return resp;
  }
  if (op == "changes") {
    json changes = json::array();
    std::uint64_t last = 0;
    auto s = bus(req).changes(
        req.at("since").get<std::uint64_t>(),
        [&](std::uint64_t epoch, splinter::Op o, std::string_view key) {
          // "set", "unset", "expire", or the number of an op this protocol does not name.
          json name = o == splinter::Op::set      ? json("set")
                      : o == splinter::Op::unset  ? json("unset")
                      : o == splinter::Op::expire ? json("expire")
                                                  : json(static_cast<int>(o));
          changes.push_back({{"epoch", epoch}, {"op", std::move(name)}, {"key_b64", base64_encode(key)}});
          return true;
        },
        &last);
    json resp = answer(s);
    // splinter_changes gives the changes it passed and *out_last with COMPACTED too.
    if (s.ok() || s.code() == splinter::Code::compacted) {
      resp["changes"] = std::move(changes);
      resp["last"] = last;
    }
    return resp;
  }
  if (op == "history") {
    auto r = bus(req).history(key_of(req));
    json resp = answer(r.status());
    if (!r.ok()) return resp;
    json values = json::array();
    for (const auto &v : r.value()) values.push_back({{"epoch", v.epoch}, {"value_b64", base64_encode(v.text())}});
    resp["history"] = std::move(values);
    return resp;
  }
  if (op == "poll") {
    const auto since = req.at("since").get<std::uint64_t>();
    const auto timeout = req.at("timeout_ms").get<std::int64_t>();
    auto r = has_key(req) ? bus(req).poll(key_of(req), since, timeout) : bus(req).poll_bus(since, timeout);
    json resp = answer(r.status());
    if (r.ok()) resp["epoch"] = r.value();
    return resp;
  }
  if (op == "epoch") return {{"status", "OK"}, {"epoch", bus(req).epoch()}};
  if (op == "info") {
    auto r = bus(req).info();
    json resp = answer(r.status());
    if (!r.ok()) return resp;
    const splinter_info &i = r.value();
    resp.update({{"format_version", i.format_version},
                 {"backing", i.backing == SPLINTER_FILE ? "file" : "shm"},
                 {"role", i.role == SPLINTER_WRITER ? "writer" : "reader"},
                 {"slots", i.slots},
                 {"max_value_size", i.max_value_size},
                 {"live_keys", i.live_keys},
                 {"tombstones", i.tombstones},
                 {"longest_probe", i.longest_probe},
                 {"region_size", i.region_size},
                 {"bus_epoch", i.bus_epoch},
                 {"writer_pid", i.writer_pid},
                 {"waiters", i.waiters},
                 {"change_ring", i.change_ring},
                 {"history_depth", i.history_depth},
                 {"probe_limit", i.probe_limit},
                 {"feed_oldest", i.feed_oldest}});
    return resp;
  }
  if (op == "flush") return answer(bus(req).flush());
  if (op == "set_spin") return answer(bus(req).set_spin(req.at("spin_us").get<std::uint32_t>()));
  if (op == "check" || op == "recover") {
    std::vector<splinter::Finding> findings;
    splinter_report report{};
    int rc = 0;
    if (op == "check" && req.contains("bus")) {
      rc = splinter_check_bus(bus(req).c_handle(), collect_finding, &findings, &report);
    } else {
      const auto backing = static_cast<splinter_backing>(backing_of(req));
      const std::string name = req.at("name").get<std::string>();
      rc = op == "check" ? splinter_check(backing, name.c_str(), collect_finding, &findings, &report)
                         : splinter_recover(backing, name.c_str(), collect_finding, &findings, &report);
    }
    json resp = answer(splinter::Status(static_cast<splinter::Code>(rc)));
    if (rc == SPLINTER_OK || rc == SPLINTER_E_CORRUPT || rc == SPLINTER_E_VERSION) put_report(resp, report, findings);
    return resp;
  }
  if (op == "resources") {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    std::int64_t fds = 0, maps = 0;
    std::error_code ec;
    for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec); !ec && it != std::filesystem::directory_iterator();
         it.increment(ec))
      ++fds;
    std::ifstream in("/proc/self/maps");
    for (std::string line; std::getline(in, line);) ++maps;
    return {{"status", "OK"},
            {"cpu_us", (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000 + ru.ru_utime.tv_usec + ru.ru_stime.tv_usec},
            {"fds", fds},
            {"maps", maps}};
  }
  return {{"status", "UNSUPPORTED"}, {"detail", "unknown op " + op}};
}

}  // namespace splc
