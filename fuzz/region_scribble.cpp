// region_scribble -- a reader survives another process scribbling on the
// live mapping between its operations.
//
// A few valid buses (several geometries, with overwritten keys, tombstones,
// a full table, histories and small wrapped change feeds) are made once per
// process and held open as readers; the harness also maps each one
// read-write, as a buggy co-process would. Each input starts from the bus's
// pristine bytes and is a sequence of operations: scribbles (a slot word,
// key, meta or value word, a header word, raw bytes, a consistent
// re-checksum of a slot, a copy of one slot over another, a feed entry's
// word, check or key) interleaved with reader calls (get, list, poll, info,
// epoch, check_bus, changes, history).
//
// Oracle: no crash, hang or out-of-bounds read, and since nothing changes
// during a reader call, every answer equals what the independent reference
// reader (spec::get) reads from the same bytes with the geometry the reader
// captured at open: get gives the same status, bytes and epoch (never AGAIN),
// list gives LIVE slots in order, poll gives the key's or the bus's epoch,
// info counts the slots' states; changes gives the reference's status and
// changes (spec::changes: epochs since + 1 on, increasing, well-formed keys,
// ops 1..3) and *out_last; history gives the reference's status and values
// (spec::history: newest first, epochs decreasing, the intact newer ones
// before a CORRUPT).
//
// Input: byte 0 picks the bus; then operations, each an opcode byte and its
// argument bytes (missing bytes read as zero).
#include "common.h"
#include "test_hooks.h"

#include <splinter/splinter.hpp>

#include "validate.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <vector>

namespace {

using fuzz::one_of;
using fuzz::status_name;

struct Fixture {
  splinter_bus *reader = nullptr;
  std::uint8_t *rw = nullptr;  // the harness's own read-write mapping
  std::vector<std::uint8_t> pristine;
  spec::Geometry geo;
  std::vector<std::string> keys;  // the keys set at some point, and two never set
};

std::string value_of(const std::string &key, std::size_t len, int version) {
  std::string v(len, '\0');
  for (std::size_t i = 0; i < len; ++i)
    v[i] = static_cast<char>(static_cast<unsigned char>(key[i % key.size()]) + 7u * static_cast<unsigned>(i) +
                             13u * static_cast<unsigned>(version));
  return v;
}

// Creates a shared-memory bus, runs `fill` with its writer, then keeps a
// reader handle and a read-write mapping and removes the name.
template <class Fill>
Fixture make_fixture(std::uint32_t slots, std::uint32_t max_value, std::uint32_t ring, std::uint32_t depth, Fill fill) {
  Fixture f;
  const std::string name = fuzz::shm_name("scribble");
  splinter_bus *w = nullptr;
  const splinter_options o = fuzz::bus_options(slots, max_value, ring, depth);
  int rc = splinter_create_ex(&w, SPLINTER_SHM, name.c_str(), &o);
  if (rc != SPLINTER_OK) fuzz::fail("create %s: %s (%s)", name.c_str(), status_name(rc), splinter_last_error());
  fill(w, f.keys);
  splinter_close(w);
  rc = splinter_open(&f.reader, SPLINTER_SHM, name.c_str(), SPLINTER_READER);
  if (rc != SPLINTER_OK) fuzz::fail("open %s: %s", name.c_str(), status_name(rc));
  f.geo = *spec::geometry(slots, max_value, depth, ring ? ring : spec::default_ring(slots));  // rings are powers of two
  const std::string path = "/dev/shm/" + name;
  const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) fuzz::fail("open %s failed", path.c_str());
  void *p = mmap(nullptr, f.geo.region_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  ::close(fd);
  if (p == MAP_FAILED) fuzz::fail("mmap %s failed", path.c_str());
  f.rw = static_cast<std::uint8_t *>(p);
  f.pristine.assign(f.rw, f.rw + f.geo.region_size);
  rc = splinter_destroy(SPLINTER_SHM, name.c_str());
  if (rc != SPLINTER_OK) fuzz::fail("destroy %s: %s", name.c_str(), status_name(rc));
  fuzz::release_shm_name(name);
  f.keys.push_back("never-set");
  f.keys.push_back(std::string(SPLINTER_KEY_MAX, 'z'));
  return f;
}

void must_set(splinter_bus *w, std::vector<std::string> &keys, const std::string &key, std::size_t len, int version) {
  const std::string v = value_of(key, len, version);
  const int rc = splinter_set(w, key.c_str(), v.data(), v.size(), nullptr);
  if (rc != SPLINTER_OK) fuzz::fail("fixture set %s: %s", key.c_str(), status_name(rc));
  keys.push_back(key);
}
void must_unset(splinter_bus *w, const std::string &key) {
  const int rc = splinter_unset(w, key.c_str(), nullptr);
  if (rc != SPLINTER_OK) fuzz::fail("fixture unset %s: %s", key.c_str(), status_name(rc));
}

// Made on first use and kept for the life of the process (never destroyed,
// so the handles stay reachable for LeakSanitizer).
std::vector<Fixture> &fixtures() {
  static std::vector<Fixture> *all = new std::vector<Fixture>([] {
    std::vector<Fixture> v;
    // 8 slots of 24 bytes: overwrites (both buffers used), a tombstone.
    v.push_back(make_fixture(8, 24, 0, 0, [](splinter_bus *w, std::vector<std::string> &k) {
      for (int i = 0; i < 6; ++i) must_set(w, k, "key" + std::to_string(i), static_cast<std::size_t>(4 * i), 0);
      must_set(w, k, "key1", 24, 1);
      must_set(w, k, "key1", 3, 2);
      must_unset(w, "key2");
    }));
    // A full table of empty values.
    v.push_back(make_fixture(4, 0, 0, 0, [](splinter_bus *w, std::vector<std::string> &k) {
      for (int i = 0; i < 4; ++i) must_set(w, k, "e" + std::to_string(i), 0, 0);
    }));
    // 16 slots of 100 bytes, mostly full: long probe chains, tombstones.
    v.push_back(make_fixture(16, 100, 0, 0, [](splinter_bus *w, std::vector<std::string> &k) {
      for (int i = 0; i < 14; ++i) must_set(w, k, "chain/" + std::to_string(i), static_cast<std::size_t>(7 * i), 0);
      for (int i = 0; i < 14; i += 4) must_unset(w, "chain/" + std::to_string(i));
      for (int i = 1; i < 14; i += 3) must_set(w, k, "chain/" + std::to_string(i), 100, 1);
    }));
    // One slot, one key.
    v.push_back(make_fixture(1, 9, 0, 0, [](splinter_bus *w, std::vector<std::string> &k) {
      must_set(w, k, "only", 9, 0);
    }));
    // Histories of depth 2 and a feed of 4 entries that has wrapped: keys
    // overwritten 1-4 times, one unset and set again (a history ended).
    v.push_back(make_fixture(6, 16, 4, 2, [](splinter_bus *w, std::vector<std::string> &k) {
      for (int i = 0; i < 4; ++i) must_set(w, k, "h" + std::to_string(i), static_cast<std::size_t>(3 * i), 0);
      for (int n = 1; n <= 4; ++n) must_set(w, k, "h1", static_cast<std::size_t>(4 * n), n);
      must_set(w, k, "h2", 16, 1);
      must_unset(w, "h3");
      must_set(w, k, "h3", 5, 9);
      must_set(w, k, "h0", 1, 1);
    }));
    // Depth 4, a ring of 2 and of one slot's worth of churn: every entry
    // overwritten many times, the newest an unset.
    v.push_back(make_fixture(3, 8, 2, 4, [](splinter_bus *w, std::vector<std::string> &k) {
      for (int n = 0; n < 6; ++n) must_set(w, k, "x", static_cast<std::size_t>(n), n);
      must_set(w, k, "y", 8, 0);
      must_set(w, k, "y", 7, 1);
      must_unset(w, "y");
    }));
    return v;
  }());
  return *all;
}

// Reads argument bytes; zero past the end.
class Bytes {
 public:
  Bytes(const std::uint8_t *d, std::size_t n) : d_(d), n_(n) {}
  bool more() const { return i_ < n_; }
  std::uint8_t u8() { return i_ < n_ ? d_[i_++] : 0; }
  std::uint64_t u64() {
    std::uint64_t v = 0;
    for (int b = 0; b < 8; ++b) v |= std::uint64_t{u8()} << (8 * b);
    return v;
  }

 private:
  const std::uint8_t *d_;
  std::size_t n_;
  std::size_t i_ = 0;
};

void write64(Fixture &f, std::uint64_t off, std::uint64_t v) {
  if (off + 8 <= f.geo.region_size) std::memcpy(f.rw + off, &v, 8);
}

std::vector<std::uint8_t> snapshot(const Fixture &f) { return {f.rw, f.rw + f.geo.region_size}; }

void do_get(const Fixture &f, const std::string &key, std::size_t cap) {
  const auto img = snapshot(f);
  const spec::Get ref = spec::get(img, f.geo, key, fuzz::kNowMs);
  std::vector<std::uint8_t> buf(cap);
  std::size_t len = 12345;
  std::uint64_t epoch = 0;
  const int rc = splinter_get(f.reader, key.c_str(), buf.data(), cap, &len, &epoch);
  if (rc == SPLINTER_E_BUFFER) {
    FUZZ_CHECK(ref.slot >= 0, "get '%s': BUFFER, but the reference finds no slot", key.c_str());
    const auto i = static_cast<std::uint32_t>(ref.slot);
    const std::uint32_t need = spec::View(img).slot(f.geo, i).current_meta().len;
    FUZZ_CHECK(need > cap && need <= f.geo.max_value && len == need, "get '%s': BUFFER for %zu bytes, cap %zu, meta %u",
               key.c_str(), len, cap, need);
    return;
  }
  if (rc == SPLINTER_E_NOT_FOUND && ref.slot >= 0) {
    // A value larger than cap is not copied, so not verified: an expired
    // key is absent whatever its size and whatever its bytes (splinter.h).
    const spec::Slot s = spec::View(img).slot(f.geo, static_cast<std::uint32_t>(ref.slot));
    if (s.sel() < f.geo.buffers && s.current_meta().len > cap && fuzz::expired_now(s, f.geo)) return;
  }
  FUZZ_CHECK(rc == ref.status, "get '%s' (cap %zu): %s, the reference reads %s at slot %lld", key.c_str(), cap,
             status_name(rc), status_name(ref.status), static_cast<long long>(ref.slot));
  if (rc == SPLINTER_OK)
    FUZZ_CHECK(len == ref.value.size() && epoch == ref.epoch && fuzz::same_bytes(buf.data(), ref.value.data(), len),
               "get '%s': other bytes or epoch than the reference", key.c_str());
}

void do_poll(const Fixture &f, const std::string *key, std::uint64_t since) {
  const auto img = snapshot(f);
  const std::uint64_t now = key ? spec::key_epoch(img, f.geo, *key, fuzz::kNowMs) : spec::View(img).bus_epoch();
  std::uint64_t out = 0;
  const int rc = splinter_poll(f.reader, key ? key->c_str() : nullptr, since, 0, &out);
  FUZZ_CHECK(rc == (now != since ? SPLINTER_OK : SPLINTER_E_TIMEOUT) && (rc != SPLINTER_OK || out == now),
             "poll %s since %llu: %s epoch %llu, the reference %llu", key ? key->c_str() : "(bus)",
             static_cast<unsigned long long>(since), status_name(rc), static_cast<unsigned long long>(out),
             static_cast<unsigned long long>(now));
}

void do_list(const Fixture &f) {
  const auto img = snapshot(f);
  int rc = 0;
  const auto listed = fuzz::list_all(f.reader, &rc);
  FUZZ_CHECK(rc == SPLINTER_OK, "list: %s", status_name(rc));
  fuzz::check_listing(listed, img, f.geo, nullptr);
}

void do_info(const Fixture &f) {
  const auto img = snapshot(f);
  splinter_info info{};
  const int rc = splinter_info_get(f.reader, &info);
  FUZZ_CHECK(rc == SPLINTER_OK, "info: %s", status_name(rc));
  std::uint32_t live = 0, tomb = 0;
  for (std::uint32_t i = 0; i < f.geo.slots; ++i) {
    const unsigned st = spec::word_state(spec::View(img).word(f.geo, i));
    live += st == spec::kLive;
    tomb += st == spec::kTombstone;
  }
  FUZZ_CHECK(info.slots == f.geo.slots && info.max_value_size == f.geo.max_value && info.live_keys == live &&
                 info.tombstones == tomb && info.bus_epoch == spec::View(img).bus_epoch() && info.longest_probe <= f.geo.slots,
             "info: %u slots, %u live, %u tombstones, epoch %llu, probe %u; the image: %u live, %u tombstones",
             info.slots, info.live_keys, info.tombstones, static_cast<unsigned long long>(info.bus_epoch),
             info.longest_probe, live, tomb);
  FUZZ_CHECK(splinter_epoch(f.reader) == spec::View(img).bus_epoch(), "epoch differs from the image");
}

void do_changes(const Fixture &f, std::uint64_t since, unsigned stop) {
  const auto img = snapshot(f);
  const spec::Changes ref = spec::changes(img, f.geo, since);
  struct Ctx {
    std::vector<spec::Change> got;
    unsigned stop;
  } ctx{{}, stop};
  std::uint64_t last = 0xdeadbeef;
  const int rc = splinter_changes(
      f.reader, since,
      [](void *c, std::uint64_t e, int op, const char *key) {
        auto *x = static_cast<Ctx *>(c);
        x->got.push_back({e, static_cast<unsigned>(op), key});
        return x->got.size() == x->stop ? 3 : 0;
      },
      &ctx, &last);
  // Well formed whatever the bytes: epochs since + 1 on, each once, in
  // order; ops 1..3; keys 1..63 bytes.
  std::uint64_t prev = since;
  for (const auto &c : ctx.got) {
    FUZZ_CHECK(c.epoch == prev + 1 && c.op >= SPLINTER_OP_SET && c.op <= 3 && !c.key.empty() &&
                   c.key.size() <= SPLINTER_KEY_MAX,
               "changes since %llu: epoch %llu after %llu, op %u, key of %zu bytes", static_cast<unsigned long long>(since),
               static_cast<unsigned long long>(c.epoch), static_cast<unsigned long long>(prev), c.op, c.key.size());
    prev = c.epoch;
  }
  FUZZ_CHECK(last == prev, "changes since %llu: last %llu, the last change given %llu",
             static_cast<unsigned long long>(since), static_cast<unsigned long long>(last),
             static_cast<unsigned long long>(prev));
  // And exactly the reference's answer (a stop cuts it short).
  std::vector<spec::Change> want = ref.changes;
  int want_rc = ref.status;
  if (stop > 0 && want.size() >= stop) {
    want.resize(stop);
    want_rc = 3;
  }
  FUZZ_CHECK(rc == want_rc, "changes since %llu (stop %u): %s, the reference %s after %zu changes",
             static_cast<unsigned long long>(since), stop, status_name(rc), status_name(ref.status), ref.changes.size());
  FUZZ_CHECK(ctx.got.size() == want.size(), "changes since %llu: %zu changes, the reference %zu",
             static_cast<unsigned long long>(since), ctx.got.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i)
    FUZZ_CHECK(ctx.got[i].epoch == want[i].epoch && ctx.got[i].op == want[i].op && ctx.got[i].key == want[i].key,
               "changes since %llu: change %zu is (%llu, %u, '%s'), the reference (%llu, %u, '%s')",
               static_cast<unsigned long long>(since), i, static_cast<unsigned long long>(ctx.got[i].epoch),
               ctx.got[i].op, ctx.got[i].key.c_str(), static_cast<unsigned long long>(want[i].epoch), want[i].op,
               want[i].key.c_str());
}

void do_history(const Fixture &f, const std::string &key) {
  const auto img = snapshot(f);
  const spec::History ref = spec::history(img, f.geo, key, fuzz::kNowMs);
  using Values = std::vector<std::pair<std::uint64_t, std::vector<std::uint8_t>>>;
  Values got;
  const int rc = splinter_history(
      f.reader, key.c_str(),
      [](void *c, std::uint64_t e, const void *v, std::size_t len) {
        const auto *b = static_cast<const std::uint8_t *>(v);
        static_cast<Values *>(c)->emplace_back(e, std::vector<std::uint8_t>(b, b + len));
        return 0;
      },
      &got);
  // Well formed whatever the bytes: at most history_depth + 1 values, newest
  // first (epochs strictly decreasing), none longer than max_value_size.
  FUZZ_CHECK(got.size() <= f.geo.history_depth + 1u, "history '%s': %zu values, depth %u", key.c_str(), got.size(),
             f.geo.history_depth);
  for (std::size_t i = 0; i < got.size(); ++i)
    FUZZ_CHECK(got[i].second.size() <= f.geo.max_value && (i == 0 || got[i].first < got[i - 1].first),
               "history '%s': value %zu of %zu bytes at epoch %llu", key.c_str(), i, got[i].second.size(),
               static_cast<unsigned long long>(got[i].first));
  FUZZ_CHECK(rc == ref.status, "history '%s': %s after %zu values, the reference %s after %zu", key.c_str(),
             status_name(rc), got.size(), status_name(ref.status), ref.values.size());
  FUZZ_CHECK(got == ref.values, "history '%s': %zu values, the reference %zu (or other bytes or epochs)", key.c_str(),
             got.size(), ref.values.size());
}

void do_check(const Fixture &f) {
  const auto img = snapshot(f);
  splinter_report rep{};
  const int rc = splinter_check_bus(f.reader, nullptr, nullptr, &rep);
  FUZZ_CHECK(one_of(rc, {SPLINTER_OK, SPLINTER_E_CORRUPT, SPLINTER_E_VERSION}), "check_bus: %s", status_name(rc));
  if (std::memcmp(img.data(), f.pristine.data(), spec::hdr::kFixedEnd) != 0) return;  // header scribbled: any verdict
  const splinter::Validation v = splinter::validate(img.data(), img.size(), nullptr);
  FUZZ_CHECK(rc == SPLINTER_OK && rep.findings == v.report.findings && rep.worst == v.report.worst,
             "check_bus: %s, %u findings; the validator on the same bytes: %u", status_name(rc), rep.findings,
             v.report.findings);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  splinter::test::freeze_clock_ms(fuzz::kNowMs);  // one instant for library and reference
  if (size == 0) return -1;
  auto &all = fixtures();
  Fixture &f = all[data[0] % all.size()];
  std::memcpy(f.rw, f.pristine.data(), f.pristine.size());
  const spec::Geometry &g = f.geo;
  Bytes in(data + 1, size - 1);
  int checks = 0;
  for (int ops = 0; in.more() && ops < 256; ++ops) {
    const std::uint8_t op = in.u8();
    const std::uint32_t slot = in.u8() % g.slots;
    switch (op % 15) {
      case 0:  // a slot word: word, hash, key words, meta words
        write64(f, g.slot_off(slot) + 8u * (in.u8() % (spec::kSlotSize / 8)), in.u64());
        break;
      case 1:  // only the state and sel bits (byte 0) of a slot word
        write64(f, g.slot_off(slot), (spec::View(snapshot(f)).word(g, slot) & ~std::uint64_t{0xff}) | in.u8());
        break;
      case 2: {  // a word of a value buffer (its meta or its value)
        const unsigned b = in.u8() % g.buffers;
        const std::uint64_t words = g.buffer_size / 8;
        const std::uint8_t w = in.u8();
        if (words) write64(f, g.buffer_off(slot, b) + 8 * (w % words), in.u64());
        break;
      }
      case 3:  // a header word (any field)
        write64(f, 8u * (in.u8() % (spec::hdr::kFieldsEnd / 8)), in.u64());
        break;
      case 4: {  // raw bytes anywhere
        std::uint64_t off = in.u8();
        off |= std::uint64_t{in.u8()} << 8;
        off |= std::uint64_t{in.u8()} << 16;
        off %= g.region_size;
        const std::size_t n = 1 + in.u8() % 32;
        for (std::size_t i = 0; i < n && off + i < g.region_size; ++i) f.rw[off + i] = in.u8();
        break;
      }
      case 5: {  // make the slot consistent again (key hash, meta, checksum)
        auto img = snapshot(f);
        spec::seal_slot(img, g, slot);
        std::memcpy(f.rw + g.slot_off(slot), img.data() + g.slot_off(slot), spec::kSlotSize);
        const std::uint64_t bufs = g.buffers * g.buffer_size;  // the current meta lives in a buffer
        std::memcpy(f.rw + g.buffer_off(slot, 0), img.data() + g.buffer_off(slot, 0), bufs);
        break;
      }
      case 6: {  // copy another slot (and its values) over this one
        const std::uint32_t from = in.u8() % g.slots;
        std::memmove(f.rw + g.slot_off(slot), f.rw + g.slot_off(from), spec::kSlotSize);
        std::memmove(f.rw + g.buffer_off(slot, 0), f.rw + g.buffer_off(from, 0), g.buffers * g.buffer_size);
        break;
      }
      case 7:
      case 8: {  // get with room, or with a buffer of some size
        const std::string &key = f.keys[in.u8() % f.keys.size()];
        const std::size_t cap = op % 12 == 7 ? g.max_value + 1 : in.u8() % (g.max_value + 2);
        do_get(f, key, cap);
        break;
      }
      case 9:
        do_list(f);
        break;
      case 10: {
        const std::uint8_t k = in.u8();
        const std::uint64_t since = in.u8() % 4 == 0 ? in.u64() : 0;
        if (k % 8 == 0) {
          do_poll(f, nullptr, since ? since : spec::View(snapshot(f)).bus_epoch());
        } else {
          do_poll(f, &f.keys[k % f.keys.size()], since);
        }
        break;
      }
      case 12: {  // a word of a feed entry (its word, check or key), by ring index
        const std::uint64_t e = in.u8();
        write64(f, g.feed_off(e) + 8u * (in.u8() % (spec::kFeedEntry / 8)), in.u64());
        break;
      }
      case 13: {  // changes since the feed's oldest - 1, around the bus epoch, or any since
        const std::uint8_t how = in.u8();
        const std::uint64_t bus = spec::View(snapshot(f)).bus_epoch();
        const std::uint64_t oldest = bus >= g.ring ? bus - g.ring + 1 : 1;
        const std::uint64_t since = how % 4 == 0 ? oldest - 1 : how % 4 == 1 ? bus - std::min<std::uint64_t>(bus, how / 4) : how % 4 == 2 ? oldest + how / 4 : in.u64();
        do_changes(f, since, in.u8() % 4);
        break;
      }
      case 14:
        do_history(f, f.keys[in.u8() % f.keys.size()]);
        break;
      default:
        // check_bus is capped per input: on a bus epoch below a slot epoch
        // (F13) the validator yields the CPU up to 64 times to let a live
        // writer publish, which on a loaded machine made inputs with 8 or
        // more checks exceed 10 s (slow inputs, not hangs; fuzz/README.md).
        if (slot % 2) do_info(f);
        else if (++checks <= 2) do_check(f);
        break;
    }
  }
  // Whatever the scribbles left, a final pass over every key.
  for (const auto &key : f.keys) {
    do_get(f, key, g.max_value + 1);
    do_history(f, key);
  }
  do_list(f);
  const std::uint64_t bus = spec::View(snapshot(f)).bus_epoch();
  do_changes(f, bus >= g.ring ? bus - g.ring : 0, 0);
  return 0;
}
