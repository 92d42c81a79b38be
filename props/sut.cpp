// sut.cpp -- bus lifetime and the oracle (a handle against the model).
#include "sut.h"

#include <rapidcheck.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
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

Sut::Sut(Backing backing, std::uint32_t slots, std::uint32_t max_value) : backing_(backing) {
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
  create(slots, max_value);
}

Sut::~Sut() {
  writer.close();
  (void)Bus::destroy(backing_, name_);
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

void Sut::create(std::uint32_t slots, std::uint32_t max_value) {
  auto r = Bus::create(backing_, name_, slots, max_value);
  if (!r.ok()) {
    RC_FAIL(std::string("create(") + std::to_string(slots) + ", " + std::to_string(max_value) +
            ") failed: " + r.status().name() + ": " + last_error());
  }
  writer = std::move(r.value());
}

void Sut::recreate(std::uint32_t slots, std::uint32_t max_value) {
  writer.close();
  const Status st = Bus::destroy(backing_, name_);
  if (!st.ok()) RC_FAIL(std::string("destroy failed: ") + st.name() + ": " + last_error());
  create(slots, max_value);
}

void Sut::reopen_writer() {
  writer.close();
  auto r = Bus::open(backing_, name_, Role::writer);
  if (!r.ok()) RC_FAIL(std::string("writer open failed: ") + r.status().name() + ": " + last_error());
  writer = std::move(r.value());
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
  for (const auto &[k, v] : m.kv) want.emplace(k, std::make_pair(v.value.size(), v.epoch));
  if (seen != want) {
    std::ostringstream os;
    os << w << ": list differs from the model\n  list:  ";
    for (const auto &[k, v] : seen) os << '"' << escape(k) << "\"(len " << v.first << ", e" << v.second << ") ";
    os << "\n  model: ";
    for (const auto &[k, v] : want) os << '"' << escape(k) << "\"(len " << v.first << ", e" << v.second << ") ";
    RC_FAIL(os.str());
  }
  // get equals the model for every live key.
  for (const auto &[k, v] : m.kv) {
    auto got = handle.get(k);
    if (!got.ok())
      RC_FAIL(w + ": get(\"" + escape(k) + "\") = " + got.status().name() + ", model has it (epoch " +
              std::to_string(v.epoch) + ")");
    const std::string bytes(got->text());
    if (bytes != v.value || got->epoch != v.epoch)
      RC_FAIL(w + ": get(\"" + escape(k) + "\") = \"" + escape(bytes) + "\" e" + std::to_string(got->epoch) +
              ", model \"" + escape(v.value) + "\" e" + std::to_string(v.epoch));
  }
  // Keys that were set and removed stay absent (no resurrection).
  for (const std::string &k : m.gone) {
    auto got = handle.get(k);
    if (got.status().code() != Code::not_found)
      RC_FAIL(w + ": get(\"" + escape(k) + "\") of a removed key = " + got.status().name() +
              (got.ok() ? " \"" + escape(std::string(got->text())) + "\"" : std::string()));
  }
  if (handle.epoch() != m.bus_epoch)
    RC_FAIL(w + ": bus epoch " + std::to_string(handle.epoch()) + ", model " + std::to_string(m.bus_epoch));
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
