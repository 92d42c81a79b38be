// ops_differential -- sequences of operations against a model.
//
// The input picks a geometry and drives set / get / unset / list / poll /
// info / check / flush / reopen / changes / history through a writer handle
// and a reader handle of one bus. A std::map is the model: each key's value
// and epoch, its earlier values (history, bounded by history_depth, ended by
// an unset), the change feed (the last change_ring {epoch, op, key}), and the
// bus epoch, which every committed set or unset raises by exactly one.
//
// Oracle: every status, value, epoch, listing, count, change and history
// equals the model's (splinter.h is the specification): changes gives each
// mutation after since once, in epoch order, and COMPACTED exactly when
// since + 1 fell out of the ring; the bus validates clean after the
// sequence, and reopening the writer (which runs recovery) changes nothing.
//
// Input: byte 0 is the geometry (slots, max_value_size, backing; bit 7: an
// options byte follows, change_ring and history_depth, else the defaults);
// then operations, each an opcode byte and argument bytes (zero past the end).
#include "common.h"
#include "test_hooks.h"

#include <splinter/splinter.h>

#include <algorithm>
#include <cstring>
#include <deque>
#include <map>
#include <string>
#include <vector>

namespace {

using fuzz::status_name;

constexpr std::uint32_t kSlots[] = {1, 2, 3, 4, 5, 8, 16, 64};
constexpr std::uint32_t kMaxValue[] = {0, 1, 7, 8, 9, 31, 64, 200};
// The options byte: change_ring (bits 0-2; 0 = the default, 3 and 5 round
// up) and history_depth (bits 3-5).
constexpr std::uint32_t kRing[] = {1, 2, 3, 4, 5, 8, 16, 0};
constexpr std::uint32_t kDepth[] = {0, 1, 2, 3, 4, 1, 2, SPLINTER_HISTORY_MAX};

// Keys: short ones that collide in small tables, the longest key, bytes
// outside ASCII, and two invalid keys (empty, one byte too long).
const std::vector<std::string> &keys() {
  static const std::vector<std::string> k = {
      "a", "b", "c", "d", "k/1", "k/2", "k/3", "k/4", "k/5", "k/6", "k/7", "k/8",
      std::string(SPLINTER_KEY_MAX, 'x'), "\xff\xfe\x01", "with space", "k/1/",
      "", std::string(SPLINTER_KEY_MAX + 1, 'y')};
  return k;
}
int key_status(const std::string &k) {
  if (k.empty()) return SPLINTER_E_INVALID;
  if (k.size() > SPLINTER_KEY_MAX) return SPLINTER_E_KEY_TOO_LONG;
  return SPLINTER_OK;
}

struct Entry {
  std::string value;
  std::uint64_t epoch = 0;
  friend bool operator==(const Entry &, const Entry &) = default;
};
struct Change {
  std::uint64_t epoch = 0;
  int op = 0;
  std::string key;
  friend bool operator==(const Change &, const Change &) = default;
};

class Bytes {
 public:
  Bytes(const std::uint8_t *d, std::size_t n) : d_(d), n_(n) {}
  bool more() const { return i_ < n_; }
  std::uint8_t u8() { return i_ < n_ ? d_[i_++] : 0; }

 private:
  const std::uint8_t *d_;
  std::size_t n_;
  std::size_t i_ = 0;
};

class Run {
 public:
  Run(int backing, std::string name, std::uint32_t slots, std::uint32_t max_value, std::uint32_t ring,
      std::uint32_t depth)
      : backing_(backing), name_(std::move(name)), slots_(slots), max_(max_value), depth_(depth) {
    const splinter_options o = fuzz::bus_options(slots, max_value, ring, depth);
    const int rc = splinter_create_ex(&w_, static_cast<splinter_backing>(backing_), name_.c_str(), &o);
    if (rc != SPLINTER_OK) fuzz::fail("create %s: %s (%s)", name_.c_str(), status_name(rc), splinter_last_error());
    // splinter.h: 0 = the slot count rounded up to a power of two, clamped
    // to 1024..65536; anything else rounded up to a power of two.
    ring_ = 1;
    while (ring_ < (ring ? ring : std::min<std::uint32_t>(std::max<std::uint32_t>(slots, 1024), 65536))) ring_ *= 2;
    open_reader();
  }
  ~Run() {
    splinter_close(r_);
    splinter_close(w_);
    const int rc = splinter_destroy(static_cast<splinter_backing>(backing_), name_.c_str());
    if (rc != SPLINTER_OK) fuzz::fail("destroy %s: %s", name_.c_str(), status_name(rc));
    if (backing_ == SPLINTER_SHM) fuzz::release_shm_name(name_);
  }
  Run(const Run &) = delete;
  Run &operator=(const Run &) = delete;

  void set(const std::string &key, std::size_t len, std::uint8_t seed) {
    std::string v(len, '\0');
    for (std::size_t i = 0; i < len; ++i) v[i] = static_cast<char>(seed + 31u * static_cast<unsigned>(i));
    std::uint64_t e = 0;
    const int rc = splinter_set(w_, key.c_str(), v.data(), v.size(), &e);
    int want = key_status(key);
    if (want == SPLINTER_OK && len > max_) want = SPLINTER_E_TOO_LARGE;
    if (want == SPLINTER_OK && !model_.count(key) && model_.size() >= slots_) want = SPLINTER_E_FULL;
    FUZZ_CHECK(rc == want, "set '%s' (%zu bytes, %zu of %u keys live): %s, the model says %s", key.c_str(), len,
               model_.size(), slots_, status_name(rc), status_name(want));
    if (rc == SPLINTER_OK) {
      ++epoch_;
      FUZZ_CHECK(e == epoch_, "set '%s' gave epoch %llu, the model %llu", key.c_str(), static_cast<unsigned long long>(e),
                 static_cast<unsigned long long>(epoch_));
      std::vector<Entry> &earlier = earlier_[key];
      if (const auto it = model_.find(key); it != model_.end()) {
        earlier.insert(earlier.begin(), it->second);
        if (earlier.size() > depth_) earlier.resize(depth_);
      } else {
        earlier.clear();
      }
      model_[key] = {v, epoch_};
      log(SPLINTER_OP_SET, key);
    }
    check_epoch();
  }

  void unset(const std::string &key) {
    std::uint64_t e = 0;
    const int rc = splinter_unset(w_, key.c_str(), &e);
    int want = key_status(key);
    if (want == SPLINTER_OK && !model_.count(key)) want = SPLINTER_E_NOT_FOUND;
    FUZZ_CHECK(rc == want, "unset '%s': %s, the model says %s", key.c_str(), status_name(rc), status_name(want));
    if (rc == SPLINTER_OK) {
      ++epoch_;
      FUZZ_CHECK(e == epoch_, "unset '%s' gave epoch %llu, the model %llu", key.c_str(),
                 static_cast<unsigned long long>(e), static_cast<unsigned long long>(epoch_));
      model_.erase(key);
      earlier_.erase(key);
      log(SPLINTER_OP_UNSET, key);
    }
    check_epoch();
  }

  void get(const splinter_bus *h, const std::string &key, std::size_t cap) {
    std::vector<char> buf(cap + 1, '\x5a');
    std::size_t len = 99999;
    std::uint64_t e = 12345;
    const int rc = splinter_get(h, key.c_str(), cap ? buf.data() : nullptr, cap, &len, &e);
    const auto it = model_.find(key);
    int want = key_status(key);
    if (want == SPLINTER_OK && it == model_.end()) want = SPLINTER_E_NOT_FOUND;
    if (want == SPLINTER_OK && it->second.value.size() > cap) want = SPLINTER_E_BUFFER;
    FUZZ_CHECK(rc == want, "get '%s' (cap %zu) via the %s: %s, the model says %s", key.c_str(), cap, who(h),
               status_name(rc), status_name(want));
    if (rc == SPLINTER_OK) {
      FUZZ_CHECK(len == it->second.value.size() && e == it->second.epoch &&
                     fuzz::same_bytes(buf.data(), it->second.value.data(), len) && buf[cap] == '\x5a',
                 "get '%s' via the %s: %zu bytes at epoch %llu, the model %zu bytes at epoch %llu", key.c_str(), who(h),
                 len, static_cast<unsigned long long>(e), it->second.value.size(),
                 static_cast<unsigned long long>(it->second.epoch));
    } else if (rc == SPLINTER_E_BUFFER) {
      FUZZ_CHECK(len == it->second.value.size() && e == 12345, "get '%s': BUFFER with length %zu, the model %zu",
                 key.c_str(), len, it->second.value.size());
    } else {
      FUZZ_CHECK(len == 99999 && e == 12345, "get '%s': %s wrote its out-parameters", key.c_str(), status_name(rc));
    }
  }

  void list(const splinter_bus *h) {
    int rc = 0;
    auto listed = fuzz::list_all(h, &rc);
    FUZZ_CHECK(rc == SPLINTER_OK, "list: %s", status_name(rc));
    std::sort(listed.begin(), listed.end(), [](const auto &a, const auto &b) { return a.key < b.key; });
    FUZZ_CHECK(listed.size() == model_.size(), "list via the %s gave %zu keys, the model has %zu", who(h),
               listed.size(), model_.size());
    auto it = model_.begin();
    for (const auto &e : listed) {
      FUZZ_CHECK(e.key == it->first && e.len == it->second.value.size() && e.epoch == it->second.epoch,
                 "list via the %s gave '%s' (%zu bytes, epoch %llu), the model '%s' (%zu bytes, epoch %llu)", who(h),
                 e.key.c_str(), e.len, static_cast<unsigned long long>(e.epoch), it->first.c_str(),
                 it->second.value.size(), static_cast<unsigned long long>(it->second.epoch));
      ++it;
    }
  }

  void poll(const std::string *key, std::uint64_t since) {
    std::uint64_t out = 0;
    const int rc = splinter_poll(r_, key ? key->c_str() : nullptr, since, 0, &out);
    std::uint64_t now = epoch_;
    int want = SPLINTER_OK;
    if (key) {
      want = key_status(*key);
      const auto it = model_.find(*key);
      now = it == model_.end() ? 0 : it->second.epoch;
    }
    if (want == SPLINTER_OK && now == since) want = SPLINTER_E_TIMEOUT;
    FUZZ_CHECK(rc == want && (rc != SPLINTER_OK || out == now), "poll '%s' since %llu: %s epoch %llu, the model %s %llu",
               key ? key->c_str() : "(bus)", static_cast<unsigned long long>(since), status_name(rc),
               static_cast<unsigned long long>(out), status_name(want), static_cast<unsigned long long>(now));
  }

  void info(const splinter_bus *h) {
    splinter_info in{};
    const int rc = splinter_info_get(h, &in);
    FUZZ_CHECK(rc == SPLINTER_OK && in.slots == slots_ && in.max_value_size == max_ && in.live_keys == model_.size() &&
                   in.bus_epoch == epoch_ && in.format_version == SPLINTER_FORMAT_VERSION &&
                   in.role == (h == w_ ? SPLINTER_WRITER : SPLINTER_READER) &&
                   in.tombstones + in.live_keys <= slots_ && in.longest_probe <= slots_ && in.change_ring == ring_ &&
                   in.history_depth == depth_ && in.feed_oldest == (feed_.empty() ? 0 : feed_.front().epoch),
               "info via the %s: %s, %u live (model %zu), epoch %llu (model %llu)", who(h), status_name(rc),
               in.live_keys, model_.size(), static_cast<unsigned long long>(in.bus_epoch),
               static_cast<unsigned long long>(epoch_));
  }

  void check(const splinter_bus *h) {
    splinter_report rep{};
    const int rc = splinter_check_bus(h, nullptr, nullptr, &rep);
    FUZZ_CHECK(rc == SPLINTER_OK && rep.findings == 0, "check_bus via the %s: %s, %u findings", who(h),
               status_name(rc), rep.findings);
  }

  // changes(since): the model's entries after since, or COMPACTED; the
  // callback stops the walk (returning 5) after `stop` changes when stop > 0.
  void changes(const splinter_bus *h, std::uint64_t since, unsigned stop) {
    struct Ctx {
      std::vector<Change> got;
      unsigned stop;
    } ctx{{}, stop};
    std::uint64_t last = 0xdeadbeef;
    const int rc = splinter_changes(
        h, since,
        [](void *c, std::uint64_t e, int op, const char *key) {
          auto *x = static_cast<Ctx *>(c);
          x->got.push_back({e, op, key});
          return x->got.size() == x->stop ? 5 : 0;
        },
        &ctx, &last);
    int want = SPLINTER_OK;
    std::vector<Change> entries;
    const std::uint64_t oldest = feed_.empty() ? epoch_ + 1 : feed_.front().epoch;
    if (since > epoch_ || (since < epoch_ && since + 1 < oldest)) want = SPLINTER_E_COMPACTED;
    if (want == SPLINTER_OK)
      for (const Change &c : feed_)
        if (c.epoch > since && (stop == 0 || entries.size() < stop)) entries.push_back(c);
    if (want == SPLINTER_OK && stop > 0 && entries.size() == stop) want = 5;
    const std::uint64_t want_last = entries.empty() ? since : entries.back().epoch;
    FUZZ_CHECK(rc == want, "changes since %llu (stop %u) via the %s: %s, the model says %s (bus epoch %llu, oldest %llu)",
               static_cast<unsigned long long>(since), stop, who(h), status_name(rc), status_name(want),
               static_cast<unsigned long long>(epoch_), static_cast<unsigned long long>(oldest));
    FUZZ_CHECK(ctx.got == entries, "changes since %llu via the %s gave %zu changes (first epoch %llu), the model %zu",
               static_cast<unsigned long long>(since), who(h), ctx.got.size(),
               static_cast<unsigned long long>(ctx.got.empty() ? 0 : ctx.got.front().epoch), entries.size());
    FUZZ_CHECK(last == want_last, "changes since %llu via the %s: last %llu, the model %llu",
               static_cast<unsigned long long>(since), who(h), static_cast<unsigned long long>(last),
               static_cast<unsigned long long>(want_last));
  }

  // history(key): the current value and the earlier ones, newest first.
  void history(const splinter_bus *h, const std::string &key) {
    std::vector<Entry> got;
    const int rc = splinter_history(
        h, key.c_str(),
        [](void *c, std::uint64_t e, const void *v, std::size_t len) {
          static_cast<std::vector<Entry> *>(c)->push_back({std::string(static_cast<const char *>(v), len), e});
          return 0;
        },
        &got);
    int want = key_status(key);
    std::vector<Entry> values;
    const auto it = model_.find(key);
    if (want == SPLINTER_OK && it == model_.end()) want = SPLINTER_E_NOT_FOUND;
    if (want == SPLINTER_OK) {
      values.push_back(it->second);
      const auto &earlier = earlier_[key];
      values.insert(values.end(), earlier.begin(), earlier.end());
    }
    FUZZ_CHECK(rc == want, "history '%s' via the %s: %s, the model says %s", key.c_str(), who(h), status_name(rc),
               status_name(want));
    FUZZ_CHECK(got == values, "history '%s' via the %s: %zu values (first epoch %llu, last %llu), the model %zu (%llu, %llu)",
               key.c_str(), who(h), got.size(), static_cast<unsigned long long>(got.empty() ? 0 : got.front().epoch),
               static_cast<unsigned long long>(got.empty() ? 0 : got.back().epoch), values.size(),
               static_cast<unsigned long long>(values.empty() ? 0 : values.front().epoch),
               static_cast<unsigned long long>(values.empty() ? 0 : values.back().epoch));
  }

  // The epoch before the oldest change the feed holds (all of it), or the bus epoch.
  std::uint64_t feed_start() const { return feed_.empty() ? epoch_ : feed_.front().epoch - 1; }

  void reopen(int what) {
    if (what == 0) {
      splinter_close(w_);
      w_ = nullptr;
      const int rc = splinter_open(&w_, static_cast<splinter_backing>(backing_), name_.c_str(), SPLINTER_WRITER);
      FUZZ_CHECK(rc == SPLINTER_OK, "reopening the writer: %s", status_name(rc));
    } else if (what == 1) {
      splinter_close(r_);
      r_ = nullptr;
      open_reader();
    } else {
      const int rc = splinter_flush(w_);
      FUZZ_CHECK(rc == SPLINTER_OK, "flush: %s", status_name(rc));
      const int ro = splinter_flush(r_);
      FUZZ_CHECK(ro == SPLINTER_E_READ_ONLY, "flush via the reader: %s", status_name(ro));
    }
    check_epoch();
  }

  // Everything the model knows, through both handles.
  void compare_all() {
    for (const auto &k : keys()) {
      get(w_, k, max_);
      get(r_, k, max_);
      history(w_, k);
      history(r_, k);
    }
    changes(r_, feed_start(), 0);
    if (feed_start() > 0) changes(r_, feed_start() - 1, 0);
    changes(w_, epoch_ + 1, 0);
    list(w_);
    list(r_);
    info(r_);
    check(w_);
  }

  const splinter_bus *writer() const { return w_; }
  const splinter_bus *reader() const { return r_; }
  std::uint32_t max_value() const { return max_; }
  std::uint64_t epoch() const { return epoch_; }
  const std::map<std::string, Entry> &model() const { return model_; }

 private:
  void open_reader() {
    const int rc = splinter_open(&r_, static_cast<splinter_backing>(backing_), name_.c_str(), SPLINTER_READER);
    FUZZ_CHECK(rc == SPLINTER_OK, "opening a reader: %s", status_name(rc));
  }
  void check_epoch() {
    FUZZ_CHECK(splinter_epoch(w_) == epoch_ && splinter_epoch(r_) == epoch_, "bus epoch %llu / %llu, the model %llu",
               static_cast<unsigned long long>(splinter_epoch(w_)), static_cast<unsigned long long>(splinter_epoch(r_)),
               static_cast<unsigned long long>(epoch_));
  }
  const char *who(const splinter_bus *h) const { return h == w_ ? "writer" : "reader"; }
  void log(int op, const std::string &key) {
    feed_.push_back({epoch_, op, key});
    while (feed_.size() > ring_) feed_.pop_front();
  }

  int backing_;
  std::string name_;
  std::uint32_t slots_, max_, depth_, ring_ = 1;
  splinter_bus *w_ = nullptr;
  splinter_bus *r_ = nullptr;
  std::map<std::string, Entry> model_;
  std::map<std::string, std::vector<Entry>> earlier_;  // newest first, at most depth_
  std::deque<Change> feed_;                            // the last ring_ mutations
  std::uint64_t epoch_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  splinter::test::freeze_clock_ms(fuzz::kNowMs);  // one instant for library and reference
  if (size == 0) return -1;
  const std::uint8_t g = data[0];
  const std::uint32_t slots = kSlots[g & 7];
  const std::uint32_t max_value = kMaxValue[(g >> 3) & 7];
  const bool file = (g & 0x40) != 0;
  const std::uint8_t opt = (g & 0x80) && size > 1 ? data[1] : 0xff;  // 0xff: the defaults
  const std::uint32_t ring = opt == 0xff ? 0 : kRing[opt & 7];
  const std::uint32_t depth = opt == 0xff ? 0 : kDepth[(opt >> 3) & 7];
  const std::size_t skip = (g & 0x80) ? 2 : 1;
  if (size < skip) return -1;
  Run run(file ? SPLINTER_FILE : SPLINTER_SHM, file ? fuzz::temp_path("ops") : fuzz::shm_name("ops"), slots,
          max_value, ring, depth);
  const auto &k = keys();
  Bytes in(data + skip, size - skip);
  for (int ops = 0; in.more() && ops < 512; ++ops) {
    const std::uint8_t op = in.u8();
    const std::string &key = k[in.u8() % k.size()];
    switch ((op & 0x7f) % 13) {
      case 0:
      case 1: {
        const std::size_t len = in.u8() % (max_value + 3);
        run.set(key, len, in.u8());
        break;
      }
      case 2:
        run.get(op & 0x80 ? run.writer() : run.reader(), key, max_value);
        break;
      case 3:
        run.unset(key);
        break;
      case 4:
        run.list(op & 0x80 ? run.writer() : run.reader());
        break;
      case 5:
        run.reopen(in.u8() % 3);
        break;
      case 6: {
        const std::uint8_t s = in.u8();
        const auto it = run.model().find(key);
        const std::uint64_t since = s % 3 == 0 ? (it == run.model().end() ? 0 : it->second.epoch) : s % 3 == 1 ? 0 : s;
        run.poll(op & 0x80 ? nullptr : &key, op & 0x80 && s % 3 == 0 ? run.epoch() : since);
        break;
      }
      case 7:
        run.info(op & 0x80 ? run.writer() : run.reader());
        break;
      case 8:
        run.check(op & 0x80 ? run.writer() : run.reader());
        break;
      case 9:
        run.get(op & 0x80 ? run.writer() : run.reader(), key, in.u8() % (max_value + 1));
        break;
      case 11: {  // since: the feed's start, one before it, the bus epoch, past it, or a small number
        const std::uint8_t s = in.u8();
        const std::uint64_t start = run.feed_start();
        const std::uint64_t since = s % 5 == 0   ? start
                                    : s % 5 == 1 ? (start ? start - 1 : 0)
                                    : s % 5 == 2 ? run.epoch()
                                    : s % 5 == 3 ? run.epoch() + 1
                                                 : s / 5;
        run.changes(op & 0x80 ? run.writer() : run.reader(), since, in.u8() % 4);
        break;
      }
      case 12:
        run.history(op & 0x80 ? run.writer() : run.reader(), key);
        break;
      default:
        run.compare_all();
        break;
    }
  }
  run.compare_all();
  run.reopen(0);
  run.compare_all();
  return 0;
}
