// broken.cpp -- the deliberately broken behaviours of the reference adapter
// (handler.h, Broken), for the negative controls only. Each imitates, through
// the real library, a defect another implementation of the protocol could
// have; a case meant to catch that defect must fail with it.
#include "handler.h"

#include "../common/base64.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <ctime>
#include <fstream>
#include <sstream>
#include <thread>

namespace splc {

using nlohmann::json;

const std::vector<std::string> &broken_names() {
  static const std::vector<std::string> names = {"",          "flip-byte",       "wrong-status", "spin-poll",
                                                 "sleepy-poll", "wall-clock-poll", "leak-fd",      "leak-map",
                                                 "create-in-place", "miss-scan",   "hash-sentinel",
                                                 "feed-skip", "feed-duplicate", "feed-swap", "feed-wrong-op",
                                                 "feed-no-compacted", "feed-stale-epoch", "feed-torn",
                                                 "history-reversed", "history-survives-unset", "info-feed-oldest",
                                                 "ttl-dropped", "expire-as-unset", "prepared-unchecked",
                                                 "prepared-stale"};
  return names;
}

namespace {

std::string key_of(const json &req) {
  if (req.contains("key_b64")) return base64_decode(req.at("key_b64").get<std::string>()).value_or("");
  return req.at("key").get<std::string>();
}

bool has_key(const json &req) { return req.contains("key") || req.contains("key_b64"); }

// The object a bus name stands for (splinter.h, splinter_create).
std::string object_path(const json &req) {
  const std::string name = req.at("name").get<std::string>();
  if (req.at("backing").get<std::string>() == "file") return name;
  return "/dev/shm/" + (name.starts_with("/") ? name.substr(1) : name);
}

json status_answer(const splinter::Status &s) {
  json r = {{"status", protocol_status(s.raw())}};
  if (!s.ok()) r["detail"] = splinter::last_error();
  return r;
}

std::int64_t realtime_ms() {
  timespec t{};
  ::clock_gettime(CLOCK_REALTIME, &t);  // through the C library, as a wall-clock deadline would be
  return std::int64_t{t.tv_sec} * 1000 + t.tv_nsec / 1000000;
}

bool edge_hash(const std::string &key) {
  const std::uint64_t h = XXH3_64bits(key.data(), key.size());
  const auto hi = static_cast<std::uint32_t>(h >> 32), lo = static_cast<std::uint32_t>(h);
  return hi == 0 || hi == 0xffffffffu || lo == 0 || lo == 0xffffffffu;
}

}  // namespace

std::optional<json> ReferenceHandler::broken_dispatch(const std::string &op, const json &req) {
  // The op as the working handler answers it (the broken mode switched off meanwhile).
  auto plain = [&] {
    const Broken b = broken_;
    broken_ = Broken::none;
    json r = dispatch(op, req);
    broken_ = b;
    return r;
  };
  switch (broken_) {
    case Broken::spin_poll:
    case Broken::sleepy_poll:
    case Broken::wall_clock_poll: {
      if (op != "poll") return std::nullopt;
      splinter::Bus &b = bus(req);
      const auto since = req.at("since").get<std::uint64_t>();
      const auto timeout = req.at("timeout_ms").get<std::int64_t>();
      const std::string key = has_key(req) ? key_of(req) : std::string();
      auto check = [&](std::int64_t ms) { return has_key(req) ? b.poll(key, since, ms) : b.poll_bus(since, ms); };
      auto done = [&](const splinter::Result<std::uint64_t> &r) -> std::optional<json> {
        if (r.ok()) return json{{"status", "OK"}, {"epoch", r.value()}};
        if (r.status().code() != splinter::Code::timeout) return status_answer(r.status());
        return std::nullopt;
      };
      if (broken_ == Broken::wall_clock_poll) {
        if (timeout < 0) return plain();
        const std::int64_t deadline = realtime_ms() + timeout;
        for (;;) {  // checks once even when the deadline has passed (a timeout of 0 is a check)
          const std::int64_t left = deadline - realtime_ms();
          if (auto a = done(check(std::clamp<std::int64_t>(left, 0, 50)))) return a;
          if (left <= 0) return json{{"status", "TIMEOUT"}};
        }
      }
      const auto start = std::chrono::steady_clock::now();
      for (;;) {
        if (auto a = done(check(0))) return a;
        if (timeout >= 0 && std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(timeout))
          return json{{"status", "TIMEOUT"}};
        if (broken_ == Broken::sleepy_poll) std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    }
    case Broken::leak_fd:
    case Broken::leak_map: {
      if (op != "open" && op != "create") return std::nullopt;
      json r = plain();
      if (r.value("status", "") != "OK") return r;
      const int fd = ::open(object_path(req).c_str(), O_RDONLY | O_CLOEXEC);
      if (fd >= 0 && broken_ == Broken::leak_map) {
        (void)mmap(nullptr, 4096, PROT_READ, MAP_SHARED, fd, 0);  // never unmapped
        ::close(fd);
      }
      return r;  // (leak_fd: fd is never closed)
    }
    case Broken::create_in_place: {
      if (op != "create") return std::nullopt;
      const std::string path = object_path(req);
      const auto mode = static_cast<mode_t>(req.value("mode", 0) == 0 ? 0600 : req.value("mode", 0));
      const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, mode);
      if (fd < 0) return json{{"status", errno == EEXIST ? "EXISTS" : "SYSTEM"}, {"detail", "in-place create failed"}};
      // The object is visible under its final name from here on, still empty.
      if (::ftruncate(fd, 4096) != 0) {
        ::close(fd);
        ::unlink(path.c_str());
        return json{{"status", "SYSTEM"}};
      }
      // Build the real bus under another name and copy its bytes in.
      json tmp = req;
      tmp["name"] = req.at("backing") == "file" ? path + ".inplace" : req.at("name").get<std::string>() + "-inplace";
      tmp["bus"] = "__inplace";
      const Broken b = broken_;
      broken_ = Broken::none;
      json r = dispatch("create", tmp);
      if (r.value("status", "") == "OK") dispatch("close", {{"bus", "__inplace"}});
      broken_ = b;
      if (r.value("status", "") != "OK") {
        ::close(fd);
        ::unlink(path.c_str());
        return r;
      }
      std::ifstream in(object_path(tmp), std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      const std::string bytes = ss.str();
      const bool ok = ::ftruncate(fd, static_cast<off_t>(bytes.size())) == 0 &&
                      ::pwrite(fd, bytes.data(), bytes.size(), 0) == static_cast<ssize_t>(bytes.size());
      ::close(fd);
      ::unlink(object_path(tmp).c_str());
      if (!ok) return json{{"status", "SYSTEM"}};
      json open = req;
      open["role"] = "writer";
      broken_ = Broken::none;
      r = dispatch("open", open);
      broken_ = b;
      return r;
    }
    case Broken::miss_scan: {
      if (op != "get") return std::nullopt;
      json r = plain();
      if (r.value("status", "") == "NOT_FOUND") (void)bus(req).list();  // every slot of the table, for nothing
      return r;
    }
    case Broken::hash_sentinel: {
      if (op == "get" && edge_hash(key_of(req))) return json{{"status", "NOT_FOUND"}};
      if (op != "list") return std::nullopt;
      json r = plain();
      if (r.contains("entries")) {
        json kept = json::array();
        for (const auto &e : r["entries"])
          if (!edge_hash(base64_decode(e.at("key_b64").get<std::string>()).value_or(""))) kept.push_back(e);
        r["entries"] = kept;
      }
      return r;
    }
    case Broken::feed_skip:
    case Broken::feed_duplicate:
    case Broken::feed_swap:
    case Broken::feed_wrong_op: {
      if (op != "changes") return std::nullopt;
      json r = plain();
      if (!r.contains("changes")) return r;
      json &c = r["changes"];
      if (broken_ == Broken::feed_skip && c.size() >= 2) c.erase(1);
      if (broken_ == Broken::feed_duplicate && !c.empty()) c.insert(c.begin(), c[0]);
      if (broken_ == Broken::feed_swap && c.size() >= 2) std::swap(c[0], c[1]);
      if (broken_ == Broken::feed_wrong_op)
        for (auto &e : c) e["op"] = "set";
      return r;
    }
    case Broken::feed_no_compacted: {
      if (op != "changes") return std::nullopt;
      json r = plain();
      if (r.value("status", "") != "COMPACTED") return r;
      // What a feed that drops lost changes silently would give: the rest.
      splinter::Bus &b = bus(req);
      auto info = b.info();
      if (!info.ok()) return r;
      json rest = req;
      rest["since"] = std::max<std::uint64_t>(info->feed_oldest, 1) - 1;
      if (rest["since"].get<std::uint64_t>() > info->bus_epoch) rest["since"] = info->bus_epoch;
      const Broken mode = broken_;
      broken_ = Broken::none;
      json out = dispatch("changes", rest);
      broken_ = mode;
      return out;
    }
    case Broken::feed_stale_epoch: {
      if (op != "changes") return std::nullopt;
      json r = plain();
      if (!r.contains("changes")) return r;
      const std::string handle = req.at("bus").get<std::string>();
      const std::uint64_t seen = broken_seen_epoch_[handle];  // 0 for the handle's first call
      broken_seen_epoch_[handle] = r.value("last", std::uint64_t{0});
      json kept = json::array();
      std::uint64_t last = req.at("since").get<std::uint64_t>();
      for (const auto &e : r["changes"])
        if (e["epoch"].get<std::uint64_t>() <= seen) kept.push_back(e), last = e["epoch"].get<std::uint64_t>();
      r["changes"] = kept;
      r["last"] = last;
      return r;
    }
    case Broken::feed_torn: {
      if (op != "changes") return std::nullopt;
      json r = plain();
      if (r.value("status", "") != "OK" || r["changes"].empty()) return r;
      // The first entry's word was read; the reader is descheduled before it
      // copies the key, and the writer wraps the ring over that entry
      // meanwhile (waited for here, when a writer is writing). Without the
      // re-check the copy pairs the old word with the new key.
      splinter::Bus &b = bus(req);
      auto info = b.info();
      if (!info.ok()) return r;
      const std::uint64_t e = r["changes"][0]["epoch"].get<std::uint64_t>(), over = e + info->change_ring;
      for (std::uint64_t now = b.epoch(); now < over;) {
        auto p = b.poll_bus(now, 200);
        if (!p.ok()) return r;  // no writer is writing: no race to lose
        now = p.value();
      }
      auto newer = b.changes(over - 1);
      if (newer.ok() && !newer->changes.empty() && newer->changes[0].epoch == over)
        r["changes"][0]["key_b64"] = base64_encode(newer->changes[0].key);
      return r;
    }
    case Broken::history_reversed: {
      if (op != "history") return std::nullopt;
      json r = plain();
      if (r.contains("history")) std::reverse(r["history"].begin(), r["history"].end());
      return r;
    }
    case Broken::history_survives_unset: {
      if (op != "history" && op != "unset") return std::nullopt;
      const std::string key = key_of(req);
      if (op == "unset") {
        const Broken mode = broken_;
        broken_ = Broken::none;
        json before = dispatch("history", req);
        broken_ = mode;
        json r = plain();
        if (r.value("status", "") == "OK" && before.contains("history")) broken_ended_history_[key] = before["history"];
        return r;
      }
      json r = plain();
      auto ended = broken_ended_history_.find(key);
      if (!r.contains("history") || ended == broken_ended_history_.end()) return r;
      auto info = bus(req).info();
      for (const auto &v : ended->second)
        if (info.ok() && r["history"].size() < info->history_depth + 1u) r["history"].push_back(v);
      return r;
    }
    case Broken::info_feed_oldest: {
      if (op != "info") return std::nullopt;
      json r = plain();
      if (r.value("feed_oldest", std::uint64_t{0}) > 1) r["feed_oldest"] = 1;
      return r;
    }
    case Broken::ttl_dropped: {
      if (op != "set_ttl") return std::nullopt;
      json plain_set = req;
      plain_set.erase("ttl_ms");
      const Broken b = broken_;
      broken_ = Broken::none;
      json r = dispatch("set", plain_set);
      broken_ = b;
      return r;
    }
    case Broken::expire_as_unset: {
      if (op != "changes") return std::nullopt;
      json r = plain();
      if (r.contains("changes"))
        for (auto &c : r["changes"])
          if (c["op"] == "expire") c["op"] = "unset";
      return r;
    }
    case Broken::prepared_unchecked: {
      if (op != "key_garble") return std::nullopt;
      pkey(req);  // the name must exist; the key stays as it was
      return json{{"status", "OK"}};
    }
    case Broken::prepared_stale: {
      if (!(op == "get_k" || op == "set_k" || op == "unset_k" || op == "poll_k") || !first_pkey_) return std::nullopt;
      const std::string name = req.at("pkey").get<std::string>();
      auto it = pkeys_.find(name);
      if (it == pkeys_.end()) return std::nullopt;
      const splinter::Key named = it->second;
      it->second = *first_pkey_;
      json r = plain();
      pkeys_[name] = named;
      return r;
    }
    default:
      return std::nullopt;
  }
}

}  // namespace splc
