// open_survive -- arbitrary bytes become a bus file; every entry point that
// reads it must survive.
//
// Oracle: no sanitizer report, no hang, and every status is one the header
// documents for that call on an existing regular file: open as reader and as
// writer, list, get of every listed key, poll (timeout 0) of every key and of
// the bus, info, check, recovery, changes and history. A value that get
// returns must also pass an independent checksum (common.h ref_get), so the
// negative control (the NO_CHECKSUM_VERIFY mutant) is caught. Whatever the
// feed and history bytes hold, what changes and history give is well
// formed: changes gives epochs since + 1, since + 2, ... (each once, in
// order, at most the bus epoch), ops 1..3 and keys of 1..63 bytes, and
// reports the last one as *out_last; history gives at most history_depth + 1
// values, newest first (epochs strictly decreasing, the first the key's
// epoch as get reads it), none longer than max_value_size.
//
// Input: fuzz::decode_image (common.h).
#include "common.h"
#include "test_hooks.h"

#include <splinter/splinter.h>

#include <unistd.h>

#include <cstring>
#include <string>
#include <vector>

namespace {

using fuzz::one_of;
using fuzz::status_name;

// changes(since) on whatever the feed holds: a documented status and a
// well-formed answer.
void check_changes(const splinter_bus *bus, std::uint64_t since, std::uint64_t bus_epoch) {
  struct Ctx {
    std::uint64_t since, prev, bus;
    std::size_t n = 0;
  } ctx{since, since, bus_epoch};
  std::uint64_t last = 0xdeadbeef;
  const int rc = splinter_changes(
      bus, since,
      [](void *c, std::uint64_t e, int op, const char *key) {
        auto *x = static_cast<Ctx *>(c);
        const std::size_t len = std::strlen(key);
        FUZZ_CHECK(e == x->prev + 1 && e <= x->bus && op >= SPLINTER_OP_SET && op <= 3 && len >= 1 &&
                       len <= SPLINTER_KEY_MAX,
                   "changes since %llu: epoch %llu after %llu (bus %llu), op %d, key of %zu bytes",
                   static_cast<unsigned long long>(x->since), static_cast<unsigned long long>(e),
                   static_cast<unsigned long long>(x->prev), static_cast<unsigned long long>(x->bus), op, len);
        x->prev = e;
        ++x->n;
        return 0;
      },
      &ctx, &last);
  FUZZ_CHECK(one_of(rc, {SPLINTER_OK, SPLINTER_E_COMPACTED, SPLINTER_E_CORRUPT}), "changes since %llu: %s",
             static_cast<unsigned long long>(since), status_name(rc));
  FUZZ_CHECK(last == ctx.prev, "changes since %llu: last %llu, the last change given %llu",
             static_cast<unsigned long long>(since), static_cast<unsigned long long>(last),
             static_cast<unsigned long long>(ctx.prev));
  FUZZ_CHECK(rc != SPLINTER_OK || since >= bus_epoch || ctx.prev == bus_epoch,
             "changes since %llu: OK, but stopped at %llu before the bus epoch %llu",
             static_cast<unsigned long long>(since), static_cast<unsigned long long>(ctx.prev),
             static_cast<unsigned long long>(bus_epoch));
}

// history(key) on whatever the slot and buffers hold: a documented status
// and well-formed values.
void check_history(const splinter_bus *bus, const std::string &key, const splinter_info &info) {
  struct Ctx {
    std::vector<std::uint64_t> epochs;
    std::size_t longest = 0;
  } ctx;
  const int rc = splinter_history(
      bus, key.c_str(),
      [](void *c, std::uint64_t e, const void *, std::size_t len) {
        auto *x = static_cast<Ctx *>(c);
        x->epochs.push_back(e);
        if (len > x->longest) x->longest = len;
        return 0;
      },
      &ctx);
  FUZZ_CHECK(one_of(rc, {SPLINTER_OK, SPLINTER_E_NOT_FOUND, SPLINTER_E_CORRUPT}), "history '%s': %s", key.c_str(),
             status_name(rc));
  FUZZ_CHECK(ctx.epochs.size() <= info.history_depth + 1u && ctx.longest <= info.max_value_size,
             "history '%s': %zu values (depth %u), the longest %zu bytes (max %u)", key.c_str(), ctx.epochs.size(),
             info.history_depth, ctx.longest, info.max_value_size);
  for (std::size_t i = 1; i < ctx.epochs.size(); ++i)
    FUZZ_CHECK(ctx.epochs[i] < ctx.epochs[i - 1], "history '%s': value %zu has epoch %llu after %llu: not newest first",
               key.c_str(), i, static_cast<unsigned long long>(ctx.epochs[i]),
               static_cast<unsigned long long>(ctx.epochs[i - 1]));
  if (!ctx.epochs.empty()) {
    std::uint64_t e = 0;
    const int gs = splinter_get(bus, key.c_str(), nullptr, 0, nullptr, &e);
    FUZZ_CHECK(gs == SPLINTER_E_BUFFER || (gs == SPLINTER_OK && e == ctx.epochs[0]) || gs == SPLINTER_E_CORRUPT ||
                   gs == SPLINTER_E_NOT_FOUND,
               "history '%s' began at epoch %llu; get: %s", key.c_str(),
               static_cast<unsigned long long>(ctx.epochs[0]), status_name(gs));
    if (gs == SPLINTER_OK)
      FUZZ_CHECK(e == ctx.epochs[0], "history '%s' began at epoch %llu, get reads %llu", key.c_str(),
                 static_cast<unsigned long long>(ctx.epochs[0]), static_cast<unsigned long long>(e));
  }
}

// Reads everything through an open handle; `img` is the file as written.
void read_all(const splinter_bus *bus, const std::vector<std::uint8_t> &img, bool writer) {
  splinter_info info{};
  const int is = splinter_info_get(bus, &info);
  FUZZ_CHECK(is == SPLINTER_OK, "info: %s", status_name(is));
  FUZZ_CHECK(info.live_keys <= info.slots && info.tombstones <= info.slots, "info counts %u/%u of %u",
             info.live_keys, info.tombstones, info.slots);
  const auto geo = spec::View(img).geometry();
  FUZZ_CHECK(geo && info.slots == geo->slots && info.max_value_size == geo->max_value,
             "info geometry differs from the header");

  int ls = 0;
  const auto listed = fuzz::list_all(bus, &ls);
  FUZZ_CHECK(ls == SPLINTER_OK, "list: %s", status_name(ls));
  FUZZ_CHECK(listed.size() <= info.slots, "list gave %zu keys for %u slots", listed.size(), info.slots);

  std::vector<std::uint8_t> buf;
  for (const auto &e : listed) {
    FUZZ_CHECK(!e.key.empty() && e.key.size() <= SPLINTER_KEY_MAX, "listed key of %zu bytes", e.key.size());
    FUZZ_CHECK(e.len <= info.max_value_size, "listed length %zu > max %u", e.len, info.max_value_size);
    buf.assign(e.len + 1, 0);
    std::size_t len = 0;
    std::uint64_t epoch = 0;
    int gs = splinter_get(bus, e.key.c_str(), buf.data(), buf.size(), &len, &epoch);
    if (gs == SPLINTER_E_BUFFER) {  // a duplicate key (F15) may be found first
      FUZZ_CHECK(len <= info.max_value_size, "BUFFER asks for %zu bytes", len);
      buf.assign(len, 0);
      gs = splinter_get(bus, e.key.c_str(), buf.data(), buf.size(), &len, &epoch);
    }
    FUZZ_CHECK(one_of(gs, {SPLINTER_OK, SPLINTER_E_NOT_FOUND, SPLINTER_E_CORRUPT}), "get: %s",
               status_name(gs));
    if (gs == SPLINTER_OK && !writer) {  // a writer open may have repaired the file
      const spec::Get ref = spec::get(img, *geo, e.key, fuzz::kNowMs);
      FUZZ_CHECK(ref.status == SPLINTER_OK && ref.epoch == epoch && ref.value.size() == len &&
                     fuzz::same_bytes(ref.value.data(), buf.data(), len),
                 "get returned a value that fails the reference check (reference: %s)", status_name(ref.status));
    }
    std::uint64_t pe = 0;
    const int ps = splinter_poll(bus, e.key.c_str(), 0, 0, &pe);
    FUZZ_CHECK(one_of(ps, {SPLINTER_OK, SPLINTER_E_TIMEOUT}), "poll: %s", status_name(ps));
    check_history(bus, e.key, info);
  }
  check_history(bus, "\x01missing", info);
  // The feed: from the oldest epoch held (info), from 0, just behind the
  // bus epoch, and past it.
  const std::uint64_t be = splinter_epoch(bus);
  check_changes(bus, info.feed_oldest ? info.feed_oldest - 1 : 0, be);
  check_changes(bus, 0, be);
  check_changes(bus, be ? be - 1 : 0, be);
  check_changes(bus, be + 1, be);
  std::uint64_t pe = 0;
  const int ps = splinter_poll(bus, nullptr, splinter_epoch(bus), 0, &pe);
  FUZZ_CHECK(ps == SPLINTER_E_TIMEOUT, "poll of the bus epoch: %s", status_name(ps));
  const int ms = splinter_get(bus, "\x01missing", nullptr, 0, nullptr, nullptr);
  FUZZ_CHECK(one_of(ms, {SPLINTER_OK, SPLINTER_E_NOT_FOUND, SPLINTER_E_BUFFER, SPLINTER_E_CORRUPT}), "get of a missing key: %s",
             status_name(ms));
  splinter_report rep{};
  const int cs = splinter_check_bus(bus, nullptr, nullptr, &rep);
  FUZZ_CHECK(cs == SPLINTER_OK, "check_bus: %s", status_name(cs));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  splinter::test::freeze_clock_ms(fuzz::kNowMs);  // one instant for library and reference
  const std::vector<std::uint8_t> img = fuzz::decode_image(data, size);
  if (img.size() > fuzz::kMaxImage) return -1;  // keep inputs small; not in the corpus
  const std::string path = fuzz::temp_path("open");
  fuzz::write_image(path, img);
  const std::initializer_list<int> opened = {SPLINTER_OK, SPLINTER_E_CORRUPT, SPLINTER_E_VERSION};

  splinter_report rep{};
  const int cs = splinter_check(SPLINTER_FILE, path.c_str(), nullptr, nullptr, &rep);
  FUZZ_CHECK(one_of(cs, opened), "check: %s", status_name(cs));

  splinter_bus *bus = nullptr;
  const int rs = splinter_open(&bus, SPLINTER_FILE, path.c_str(), SPLINTER_READER);
  FUZZ_CHECK(one_of(rs, opened), "reader open: %s", status_name(rs));
  FUZZ_CHECK((rs == SPLINTER_OK) == (bus != nullptr), "open: %s but handle %p", status_name(rs),
             static_cast<void *>(bus));
  if (bus) {
    read_all(bus, img, false);
    const int ws = splinter_set(bus, "k", "v", 1, nullptr);
    FUZZ_CHECK(ws == SPLINTER_E_READ_ONLY, "set through a reader: %s", status_name(ws));
    splinter_close(bus);
    bus = nullptr;
  }

  const int wo = splinter_open(&bus, SPLINTER_FILE, path.c_str(), SPLINTER_WRITER);
  FUZZ_CHECK(one_of(wo, opened), "writer open: %s", status_name(wo));
  if (bus) {
    read_all(bus, img, true);
    std::uint64_t e = 0;
    const int ss = splinter_set(bus, "\x7f" "fuzz", "value", 5, &e);
    FUZZ_CHECK(one_of(ss, {SPLINTER_OK, SPLINTER_E_FULL, SPLINTER_E_TOO_LARGE, SPLINTER_E_CORRUPT}), "set: %s",
               status_name(ss));
    const int us = splinter_unset(bus, "\x7f" "fuzz", &e);
    // FULL: the epoch space (2^61 - 1 mutations) is exhausted, as a damaged bus_epoch can claim.
    FUZZ_CHECK(one_of(us, {SPLINTER_OK, SPLINTER_E_NOT_FOUND, SPLINTER_E_FULL, SPLINTER_E_CORRUPT}), "unset: %s", status_name(us));
    // The set's key is removable by its unset, unless that set used the last epoch.
    FUZZ_CHECK((ss == SPLINTER_OK) == (us == SPLINTER_OK) || (ss == SPLINTER_OK && us == SPLINTER_E_FULL),
               "set %s then unset %s", status_name(ss), status_name(us));
    splinter_close(bus);
    bus = nullptr;
  }

  const int rc = splinter_recover(SPLINTER_FILE, path.c_str(), nullptr, nullptr, &rep);
  FUZZ_CHECK(one_of(rc, opened), "recover: %s", status_name(rc));
  unlink(path.c_str());
  return 0;
}
