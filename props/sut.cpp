// sut.cpp -- bus lifetime and the oracle (a handle against the model).
#include "sut.h"

#include "test_hooks.h"

#include <rapidcheck.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <utility>

namespace splinter::props {

std::string escape(const std::string &bytes) {
  std::string out;
  for (const char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c < 0x7f && c != '\\' && c != '"') {
      out += ch;
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  return out;
}

Sut::Sut(Backing backing, const Geometry &g) : backing_(backing) {
  // Each test case starts its clock afresh (the model's now is 0): only
  // AdvanceClock moves it, by whole units.
  test::set_clock_offset_ms(0);
  static int counter = 0;
  const std::string tag = std::to_string(::getpid()) + "-" + std::to_string(counter++);
  if (backing == Backing::shm) {
    name_ = "splinter-props-" + tag;
  } else {
    char tmpl[] = "/tmp/splinter-props-XXXXXX";
    const char *d = ::mkdtemp(tmpl);
    if (d == nullptr) RC_FAIL("mkdtemp failed");
    dir_ = d;
    name_ = dir_ + "/bus-" + tag;
  }
  create(g);
}

Sut::~Sut() {
  writer.close();
  (void)Bus::destroy(backing_, name_);
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

void Sut::create(const Geometry &g) {
  Options o;
  o.slots = g.slots;
  o.max_value_size = g.max_value;
  o.change_ring = g.change_ring;
  o.history_depth = g.history_depth;
  auto r = Bus::create(backing_, name_, o);
  if (!r.ok()) {
    RC_FAIL(std::string("create(slots ") + std::to_string(g.slots) + ", max " + std::to_string(g.max_value) +
            ", ring " + std::to_string(g.change_ring) + ", depth " + std::to_string(g.history_depth) +
            ") failed: " + r.status().name() + ": " + last_error());
  }
  writer = std::move(r.value());
}

void Sut::recreate(const Geometry &g) {
  writer.close();
  const Status st = Bus::destroy(backing_, name_);
  if (!st.ok()) RC_FAIL(std::string("destroy failed: ") + st.name() + ": " + last_error());
  create(g);
}

void Sut::reopen_writer() {
  writer.close();
  auto r = Bus::open(backing_, name_, Role::writer);
  if (!r.ok()) RC_FAIL(std::string("writer open failed: ") + r.status().name() + ": " + last_error());
  writer = std::move(r.value());
}

std::string show_entries(const std::vector<FeedEntry> &entries) {
  std::ostringstream os;
  for (const FeedEntry &f : entries)
    os << " e" << f.epoch
       << (f.op == SPLINTER_OP_SET      ? " set "
           : f.op == SPLINTER_OP_UNSET  ? " unset "
           : f.op == SPLINTER_OP_EXPIRE ? (f.group ? " expire(one of " + std::to_string(f.group->size()) + ") "
                                                   : std::string(" expire "))
                                        : " op?")
       << '"' << escape(f.key) << '"';
  return entries.empty() ? " (none)" : os.str();
}

std::string show_values(const std::vector<Stored> &values) {
  std::ostringstream os;
  for (const Stored &v : values) os << " e" << v.epoch << " \"" << escape(v.value) << '"';
  return values.empty() ? " (none)" : os.str();
}

bool feed_matches(const std::vector<FeedEntry> &got, const std::vector<FeedEntry> &want) {
  if (got.size() != want.size()) return false;
  std::set<std::string> taken;  // keys of the current group already given
  const std::set<std::string> *current = nullptr;
  for (std::size_t i = 0; i < got.size(); ++i) {
    const FeedEntry &g = got[i], &w = want[i];
    if (g.epoch != w.epoch || g.op != w.op) return false;
    if (w.group == nullptr) {
      current = nullptr;
      if (g.key != w.key) return false;
      continue;
    }
    if (w.group.get() != current) {
      current = w.group.get();
      taken.clear();
    }
    if (current->count(g.key) == 0 || !taken.insert(g.key).second) return false;
  }
  return true;
}

void verify_changes(const Bus &handle, const Model &m, std::uint64_t since, const std::string &who) {
  const ExpectChanges want = model_changes(m, since);
  const std::string call = who + ": changes(since " + std::to_string(since) + ") with bus epoch " +
                           std::to_string(m.bus_epoch) + ", ring " + std::to_string(m.change_ring);
  std::vector<FeedEntry> got;
  std::uint64_t last = 0xdeadbeef;
  const Status st = handle.changes(
      since,
      [&](std::uint64_t e, Op op, std::string_view key) {
        got.push_back(FeedEntry{e, static_cast<int>(op), std::string(key), nullptr});
        return true;
      },
      &last);
  if (st.code() != want.code)
    RC_FAIL(call + " = " + st.name() + ", model says " + Status(want.code).name() + " (" + last_error() +
            ")\n  got:  " + show_entries(got) + "\n  model feed:" + show_entries({m.feed.begin(), m.feed.end()}));
  if (!feed_matches(got, want.entries))
    RC_FAIL(call + " gave the wrong changes\n  got:  " + show_entries(got) + "\n  model:" + show_entries(want.entries));
  if (last != want.last)
    RC_FAIL(call + ": last = " + std::to_string(last) + ", model says " + std::to_string(want.last));
}

void verify_history(const Bus &handle, const Model &m, const std::string &key, const std::string &who) {
  const std::vector<Stored> want = m.history(key);
  const std::string call = who + ": history(\"" + escape(key) + "\")";
  auto r = handle.history(key);
  if (want.empty()) {
    if (r.status().code() != Code::not_found) RC_FAIL(call + " of an absent key = " + r.status().name());
    return;
  }
  if (!r.ok()) RC_FAIL(call + " = " + r.status().name() + " (" + last_error() + "), model:" + show_values(want));
  std::vector<Stored> got;
  for (const Value &v : r.value()) got.push_back(Stored{std::string(v.text()), v.epoch});
  if (got != want) RC_FAIL(call + " differs from the model\n  got:  " + show_values(got) + "\n  model:" + show_values(want));
  stats().history_longest = std::max<unsigned long>(stats().history_longest, got.size());
}

void verify_ttl(const Bus &handle, const Model &m, const std::string &key, const std::string &who) {
  const std::string call = who + ": ttl(\"" + escape(key) + "\") at clock " + std::to_string(m.now);
  auto r = handle.ttl(key);
  if (m.find(key) == nullptr) {
    if (r.status().code() != Code::not_found)
      RC_FAIL(call + " of an absent or expired key = " + r.status().name() +
              (r.ok() ? " " + std::to_string(r.value()) + " ms" : std::string()));
    ++stats().ttl_not_found;
    return;
  }
  if (!r.ok()) RC_FAIL(call + " = " + r.status().name() + " (" + last_error() + ")");
  const auto d = m.deadline.find(key);
  if (d == m.deadline.end()) {
    if (r.value() != UINT64_MAX) RC_FAIL(call + " = " + std::to_string(r.value()) + " ms, model: never expires");
    ++stats().ttl_forever;
    return;
  }
  // deadline - now, less the real time since the set (far below a quarter
  // unit), and whatever a wall-clock step did (tolerated up to a quarter).
  const std::uint64_t want = (d->second - m.now) * kClockUnitMs - kClockUnitMs / 2;
  const std::uint64_t got = r.value();
  if (got + kClockUnitMs / 4 < want || got > want + kClockUnitMs / 4)
    RC_FAIL(call + " = " + std::to_string(got) + " ms, model about " + std::to_string(want) + " ms (deadline " +
            std::to_string(d->second) + " units)");
  ++stats().ttl_finite;
}

void verify_bus(const Bus &handle, const Model &m, const char *who, bool bus_epoch_lags) {
  const std::string w(who);
  // The validator: nothing, or only F13 while the bus epoch lags.
  auto checked = handle.check();
  if (!checked.ok()) RC_FAIL(w + ": check failed: " + checked.status().name());
  bool unexpected = false;
  for (const Finding &f : checked->findings) unexpected |= !bus_epoch_lags || f.rule != 13;
  if (unexpected || (bus_epoch_lags && checked->findings.empty())) {
    std::ostringstream os;
    os << w << ": validator: " << checked->report.findings << " finding(s), want "
       << (bus_epoch_lags ? "only F13 (bus epoch one behind a committed slot)" : "none") << ":";
    for (const Finding &f : checked->findings) os << "\n  F" << f.rule << " slot " << f.slot << ": " << f.detail;
    RC_FAIL(os.str());
  }
  // list equals the model: same keys, lengths and epochs, each once.
  auto listed = handle.list();
  if (!listed.ok()) RC_FAIL(w + ": list failed: " + listed.status().name());
  std::map<std::string, std::pair<std::size_t, std::uint64_t>> seen;
  for (const Entry &e : listed.value()) {
    if (!seen.emplace(e.key, std::make_pair(e.value_len, e.epoch)).second)
      RC_FAIL(w + ": list returned key \"" + escape(e.key) + "\" twice");
  }
  std::map<std::string, std::pair<std::size_t, std::uint64_t>> want;
  const std::map<std::string, Stored> visible = m.visible();  // expired keys are skipped
  for (const auto &[k, v] : visible) want.emplace(k, std::make_pair(v.value.size(), v.epoch));
  if (seen != want) {
    std::ostringstream os;
    os << w << ": list differs from the model\n  list:  ";
    for (const auto &[k, v] : seen) os << '"' << escape(k) << "\"(len " << v.first << ", e" << v.second << ") ";
    os << "\n  model: ";
    for (const auto &[k, v] : want) os << '"' << escape(k) << "\"(len " << v.first << ", e" << v.second << ") ";
    RC_FAIL(os.str());
  }
  // get equals the model for every live key.
  for (const auto &[k, v] : visible) {
    auto got = handle.get(k);
    if (!got.ok())
      RC_FAIL(w + ": get(\"" + escape(k) + "\") = " + got.status().name() + ", model has it (epoch " +
              std::to_string(v.epoch) + ")");
    const std::string bytes(got->text());
    if (bytes != v.value || got->epoch != v.epoch)
      RC_FAIL(w + ": get(\"" + escape(k) + "\") = \"" + escape(bytes) + "\" e" + std::to_string(got->epoch) +
              ", model \"" + escape(v.value) + "\" e" + std::to_string(v.epoch));
  }
  // Keys that were set and removed stay absent (no resurrection), and so
  // do expired keys the writer has not removed yet.
  const std::set<std::string> pending = m.pending();
  for (const auto *keys : {&m.gone, &pending}) {
    for (const std::string &k : *keys) {
      auto got = handle.get(k);
      if (got.status().code() != Code::not_found)
        RC_FAIL(w + ": get(\"" + escape(k) + "\") of " + (keys == &pending ? "an expired" : "a removed") + " key = " +
                got.status().name() + (got.ok() ? " \"" + escape(std::string(got->text())) + "\"" : std::string()));
    }
  }
  if (!pending.empty()) ++stats().states_with_expired;
  // ttl: every LIVE key's remaining life, NOT_FOUND for expired and removed ones.
  for (const auto &kv : m.kv) verify_ttl(handle, m, kv.first, w);
  for (const std::string &k : m.gone) verify_ttl(handle, m, k, w);
  if (handle.epoch() != m.bus_epoch)
    RC_FAIL(w + ": bus epoch " + std::to_string(handle.epoch()) + ", model " + std::to_string(m.bus_epoch));
  // Every history: live keys as the model, expired and removed keys none.
  for (const auto &kv : m.kv) verify_history(handle, m, kv.first, w);
  for (const std::string &k : m.gone) verify_history(handle, m, k, w);
  // The feed: everything it holds (from just before its oldest entry, or
  // from the bus epoch when it holds none), COMPACTED one further back,
  // and COMPACTED past the bus epoch.
  const std::uint64_t oldest = m.feed.empty() ? m.bus_epoch + 1 : m.feed.front().epoch;
  verify_changes(handle, m, oldest - 1, w);
  if (oldest >= 2) verify_changes(handle, m, oldest - 2, w);
  verify_changes(handle, m, m.bus_epoch + 1, w);
  if (m.bus_epoch > m.change_ring) ++stats().ring_wraps;
}

void Sut::verify(const Model &m) const {
  verify_bus(writer, m, "writer");
  ++stats().commands;
  if (auto in = writer.info(); in.ok()) {
    stats().probe_max = std::max<unsigned long>(stats().probe_max, in->longest_probe);
    stats().tombstones_max = std::max<unsigned long>(stats().tombstones_max, in->tombstones);
  }
}

}  // namespace splinter::props
