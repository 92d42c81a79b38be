// validate_agrees -- the validator, open, get and recovery agree on a file.
//
// Oracle, for a bus file made from the input (fuzz::decode_image):
//  - a reader open succeeds exactly when the validator passes the header
//    (F1-F6), and fails with the validator's status otherwise;
//  - through that reader, every get of a key stored in a LIVE slot returns
//    what the independent reference reader (spec::get, FORMAT.md 2.4) reads
//    from the same bytes: status, bytes and epoch; if the validator finds
//    nothing, every such get is OK (its checksum holds) and list gives
//    exactly the LIVE slots, in slot order;
//  - check_bus reports what the validator reports;
//  - a file longer than its region (F17) is a finding, not a failure;
//  - a writer open succeeds exactly when no finding needs a rollback, a
//    drop or a trim, and then leaves a file that validates clean, with every key the
//    validator passed unchanged; when it refuses, the file is unchanged;
//  - recovery succeeds on every file with a usable header, leaves it clean,
//    keeps every key the validator passed, and is idempotent: recovering
//    again finds nothing and changes nothing. On an unusable header it
//    reports the validator's status with a reason.
#include "common.h"
#include "test_hooks.h"

#include <splinter/splinter.hpp>

#include "validate.h"

#include <unistd.h>

#include <cstring>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace {

using fuzz::one_of;
using fuzz::status_name;

struct Verdict {
  splinter::Validation v;
  std::set<std::int64_t> flagged;  // slots with at least one finding
  std::string first;               // the first finding, for messages
};

Verdict validate(const std::vector<std::uint8_t> &img) {
  Verdict out;
  out.v = splinter::validate(img.data(), img.size(), [&](const splinter::Finding &f) {
    out.flagged.insert(f.slot);
    if (out.first.empty()) out.first = "F" + std::to_string(f.rule) + " slot " + std::to_string(f.slot) + ": " + f.detail;
    return true;
  });
  return out;
}

// Keys of LIVE slots that the validator did not flag, with the value and
// epoch their slot holds. On a clean file the reference reader must find
// each of them in its own slot.
std::map<std::string, spec::Get> clean_keys(const std::vector<std::uint8_t> &img, const spec::Geometry &g,
                                            const Verdict &v) {
  std::map<std::string, spec::Get> out;
  for (std::uint32_t i = 0; i < g.slots; ++i) {
    const spec::Slot s = spec::View(img).slot(g, i);
    // (An expired key is absent before and after: nothing to keep.)
    if (s.state() != spec::kLive || v.flagged.count(i) || fuzz::expired_now(s, g)) continue;
    const auto key = s.key();
    FUZZ_CHECK(key.has_value(), "the validator passed LIVE slot %u with a malformed key", i);
    const std::uint32_t len = s.current_meta().len;
    FUZZ_CHECK(len <= g.max_value, "the validator passed slot %u with length %u", i, len);
    spec::Get r;
    r.status = SPLINTER_OK;
    r.epoch = s.epoch();
    r.slot = i;
    const auto *p = img.data() + g.value_off(i, s.sel());
    r.value.assign(p, p + len);
    if (v.v.report.findings == 0) {
      const spec::Get ref = spec::get(img, g, *key, fuzz::kNowMs);
      FUZZ_CHECK(ref.status == SPLINTER_OK && ref.slot == i && ref.value == r.value && ref.epoch == r.epoch,
                 "the validator passed the file but the reference reader reads '%s' as %s from slot %lld",
                 key->c_str(), status_name(ref.status), static_cast<long long>(ref.slot));
    }
    out.emplace(*key, r);
  }
  return out;
}

// Every clean key of `before` reads the same from `after`.
void keys_kept(const std::map<std::string, spec::Get> &before, const std::vector<std::uint8_t> &after,
               const spec::Geometry &g, const char *what) {
  for (const auto &[key, r] : before) {
    const spec::Get now = spec::get(after, g, key, fuzz::kNowMs);
    FUZZ_CHECK(now.status == SPLINTER_OK && now.value == r.value && now.epoch == r.epoch,
               "%s changed intact key '%s' (now %s, epoch %llu, was %llu)", what, key.c_str(),
               status_name(now.status), static_cast<unsigned long long>(now.epoch),
               static_cast<unsigned long long>(r.epoch));
  }
}

// The image without writer_pid, which taking the role sets.
std::vector<std::uint8_t> sans_pid(std::vector<std::uint8_t> img) {
  spec::put32(img, spec::hdr::kWriterPid, 0);
  return img;
}

void check_reader(const std::vector<std::uint8_t> &img, const spec::Geometry &g, const Verdict &v,
                  const std::string &path) {
  splinter_bus *bus = nullptr;
  const int rs = splinter_open(&bus, SPLINTER_FILE, path.c_str(), SPLINTER_READER);
  FUZZ_CHECK(rs == SPLINTER_OK, "reader open: %s, but the validator passed the header", status_name(rs));
  const bool clean = v.v.report.worst == 0;
  std::vector<std::uint8_t> buf(g.max_value + 1);
  for (std::uint32_t i = 0; i < g.slots; ++i) {
    const spec::Slot s = spec::View(img).slot(g, i);
    if (s.state() != spec::kLive) continue;
    const auto key = s.key();
    if (!key) continue;
    const spec::Get ref = spec::get(img, g, *key, fuzz::kNowMs);
    std::size_t len = 0;
    std::uint64_t epoch = 0;
    const int gs = splinter_get(bus, key->c_str(), buf.data(), buf.size(), &len, &epoch);
    FUZZ_CHECK(gs == ref.status, "get '%s' (slot %u): %s, reference %s (slot %lld)", key->c_str(), i,
               status_name(gs), status_name(ref.status), static_cast<long long>(ref.slot));
    if (gs == SPLINTER_OK)
      FUZZ_CHECK(epoch == ref.epoch && len == ref.value.size() && fuzz::same_bytes(buf.data(), ref.value.data(), len),
                 "get '%s' returned other bytes or epoch than the reference", key->c_str());
    if (clean && !fuzz::expired_now(s, g))
      FUZZ_CHECK(gs == SPLINTER_OK, "the validator passed the file but get '%s' is %s", key->c_str(), status_name(gs));
    std::uint64_t pe = 0;
    const std::uint64_t ke = spec::key_epoch(img, g, *key, fuzz::kNowMs);
    const int ps = splinter_poll(bus, key->c_str(), 0, 0, &pe);
    FUZZ_CHECK(ps == (ke ? SPLINTER_OK : SPLINTER_E_TIMEOUT) && (!ke || pe == ke), "poll '%s': %s epoch %llu, reference %llu",
               key->c_str(), status_name(ps), static_cast<unsigned long long>(pe), static_cast<unsigned long long>(ke));
  }
  int ls = 0;
  const auto listed = fuzz::list_all(bus, &ls);
  FUZZ_CHECK(ls == SPLINTER_OK, "list: %s", status_name(ls));
  fuzz::check_listing(listed, img, g, &v.flagged);

  splinter_report rep{};
  const int cs = splinter_check_bus(bus, nullptr, nullptr, &rep);
  FUZZ_CHECK(cs == SPLINTER_OK && rep.findings == v.v.report.findings && rep.worst == v.v.report.worst,
             "check_bus: %s, %u findings (worst %d); the validator: %u (worst %d)", status_name(cs), rep.findings,
             rep.worst, v.v.report.findings, v.v.report.worst);
  splinter_close(bus);
}

void check_writer(const std::vector<std::uint8_t> &img, const spec::Geometry &g, const Verdict &v,
                  const std::string &path) {
  const auto kept = clean_keys(img, g, v);
  splinter_bus *bus = nullptr;
  const int wo = splinter_open(&bus, SPLINTER_FILE, path.c_str(), SPLINTER_WRITER);
  const bool lossy = v.v.report.rolled_back + v.v.report.dropped + v.v.report.trimmed > 0;
  FUZZ_CHECK(wo == (lossy ? SPLINTER_E_CORRUPT : SPLINTER_OK),
             "writer open: %s; the validator: %u rollbacks, %u drops, %u trims (%s)", status_name(wo),
             v.v.report.rolled_back, v.v.report.dropped, v.v.report.trimmed, v.first.c_str());
  splinter_close(bus);
  const auto after = fuzz::read_image(path);
  // F17: a lossless writer open truncates a grown object back to region_size.
  FUZZ_CHECK(after.size() == (lossy ? img.size() : g.region_size), "writer open left the file at %zu bytes",
             after.size());
  if (lossy) {
    FUZZ_CHECK(sans_pid(after) == sans_pid(img), "a refused writer open changed the file");
    return;
  }
  const std::uint32_t pid = spec::View(after).header().writer_pid;
  FUZZ_CHECK(pid == 0, "writer_pid is %u after a clean close", pid);
  const Verdict again = validate(after);
  FUZZ_CHECK(again.v.report.worst == 0, "after a writer open the file has findings: %s", again.first.c_str());
  if (v.v.report.findings == 0) FUZZ_CHECK(after == sans_pid(img), "a writer open changed a clean file");
  keys_kept(kept, after, g, "writer open");
}

void check_recover(const std::vector<std::uint8_t> &img, const Verdict &v, const std::string &path) {
  fuzz::write_image(path, img);
  splinter_report rep{};
  const int rc = splinter_recover(SPLINTER_FILE, path.c_str(), nullptr, nullptr, &rep);
  if (v.v.status != SPLINTER_OK) {
    FUZZ_CHECK(rc == v.v.status, "recover: %s; the validator: %s", status_name(rc), status_name(v.v.status));
    FUZZ_CHECK(*splinter_last_error() != '\0', "recover failed without a reason");
    FUZZ_CHECK(fuzz::read_image(path) == img, "a failed recovery changed the file");
    return;
  }
  const spec::Geometry g = *spec::View(img).geometry();
  const auto kept = clean_keys(img, g, v);
  FUZZ_CHECK(rc == SPLINTER_OK, "recover: %s on a file with a valid header", status_name(rc));
  FUZZ_CHECK(rep.findings == v.v.report.findings && rep.rolled_back == v.v.report.rolled_back &&
                 rep.dropped == v.v.report.dropped && rep.trimmed == v.v.report.trimmed,
             "recover reported %u findings (%u rollbacks, %u drops, %u trims); the validator %u (%u, %u, %u)",
             rep.findings, rep.rolled_back, rep.dropped, rep.trimmed, v.v.report.findings, v.v.report.rolled_back,
             v.v.report.dropped, v.v.report.trimmed);
  const auto once = fuzz::read_image(path);
  const Verdict after = validate(once);
  FUZZ_CHECK(after.v.report.worst == 0, "after recovery: %s", after.first.c_str());
  keys_kept(kept, once, g, "recovery");
  const int rc2 = splinter_recover(SPLINTER_FILE, path.c_str(), nullptr, nullptr, &rep);
  FUZZ_CHECK(rc2 == SPLINTER_OK && rep.findings == 0, "recovering a recovered file: %s, %u findings",
             status_name(rc2), rep.findings);
  FUZZ_CHECK(sans_pid(fuzz::read_image(path)) == sans_pid(once), "recovering a recovered file changed it");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  splinter::test::freeze_clock_ms(fuzz::kNowMs);  // one instant for library and reference
  const std::vector<std::uint8_t> img = fuzz::decode_image(data, size);
  if (img.size() > fuzz::kMaxImage) return -1;
  const Verdict v = validate(img);
  const std::string path = fuzz::temp_path("agree");
  fuzz::write_image(path, img);

  if (v.v.status == SPLINTER_OK) {
    FUZZ_CHECK(v.v.geometry.has_value(), "the validator passed a header without a geometry");
    const spec::Geometry g = *spec::View(img).geometry();
    FUZZ_CHECK(g.region_size <= img.size() && v.v.geometry->region_size == g.region_size,
               "the validator passed a header whose geometry does not fit the file");
    FUZZ_CHECK(g.region_size == img.size() || v.flagged.count(-1),
               "the validator passed a file longer than its region without a finding (F17)");
    check_reader(img, g, v, path);
    check_writer(img, g, v, path);
  } else {
    FUZZ_CHECK(one_of(v.v.status, {SPLINTER_E_CORRUPT, SPLINTER_E_VERSION}), "validator: %s", status_name(v.v.status));
    splinter_bus *bus = nullptr;
    const int rs = splinter_open(&bus, SPLINTER_FILE, path.c_str(), SPLINTER_READER);
    FUZZ_CHECK(rs == v.v.status && bus == nullptr, "reader open: %s; the validator: %s", status_name(rs),
               status_name(v.v.status));
    const int wo = splinter_open(&bus, SPLINTER_FILE, path.c_str(), SPLINTER_WRITER);
    FUZZ_CHECK(wo == v.v.status && bus == nullptr, "writer open: %s; the validator: %s", status_name(wo),
               status_name(v.v.status));
  }
  check_recover(img, v, path);
  unlink(path.c_str());
  return 0;
}
