// feed.cpp -- the change feed and histories against the journal (feed.h),
// and the readers' feed follower (Observer::follow_feed, roles.h).
#include "feed.h"

#include "roles.h"
#include "shared.h"

#include <testsupport/spec.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <cstring>
#include <vector>

namespace stress {
namespace {

const char *op_name(int op) { return op == SPLINTER_OP_SET ? "SET" : op == SPLINTER_OP_UNSET ? "UNSET" : "op?"; }

}  // namespace

void check_feed(const splinter_bus *view, const Model &m, const Universe &u, const char *when, FeedCounts &c) {
  splinter_info info{};
  if (splinter_info_get(view, &info) != SPLINTER_OK) violation("feed %s: info_get failed", when);
  const std::uint64_t b = info.bus_epoch;
  if (b == 0) return;
  const std::uint64_t ring = info.change_ring;
  const std::uint64_t oldest = b >= ring ? b - ring + 1 : 1;
  // A writer killed in the feed write of a committed mutation (2.2 step 8,
  // the bus epoch not yet raised) has cleared the word of its entry, the one
  // of epoch b + 1 - ring: the oldest held may then be one later.
  const std::uint64_t first = oldest + (m.bus_epoch() == b + 1 && b >= ring ? 1 : 0);
  struct Ctx {
    const Model *m;
    const Universe *u;
    const char *when;
    std::uint64_t next;
  } ctx{&m, &u, when, first};
  auto fn = [](void *p, std::uint64_t e, int op, const char *key) -> int {
    auto &x = *static_cast<Ctx *>(p);
    if (e != x.next)
      violation("feed %s: entry of epoch %" PRIu64 " where epoch %" PRIu64
                " was expected (a committed mutation missing, repeated or out of order)",
                x.when, e, x.next);
    const Change *want = x.m->change(e);
    if (!want) violation("feed %s: epoch %" PRIu64 " is not in the committed history kept", x.when, e);
    if (want->op != op || x.m->name(want->id) != key)
      violation("feed %s: epoch %" PRIu64 " is %s %s, but the journal committed %s %s at that epoch", x.when, e,
                op_name(op), key, op_name(want->op), x.m->name(want->id).c_str());
    ++x.next;
    return 0;
  };
  std::uint64_t last = 0;
  int st = splinter_changes(view, first - 1, fn, &ctx, &last);
  if (st != SPLINTER_OK)
    violation("feed %s: changes since %" PRIu64 " (the oldest held - 1; bus epoch %" PRIu64 ", ring %" PRIu64
              "): %s (%s)",
              when, first - 1, b, ring, splinter_status_name(st), splinter_last_error());
  if (ctx.next != b + 1 || last != b)
    violation("feed %s: changes since %" PRIu64 " ended at epoch %" PRIu64 " (last %" PRIu64
              "), the bus epoch is %" PRIu64 " (a committed mutation is missing)",
              when, first - 1, ctx.next - 1, last, b);
  c.feed_entries += b + 1 - first;
  if (oldest >= 2) {  // the epoch just before the oldest held is gone
    auto none = [](void *, std::uint64_t, int, const char *) -> int { return 1; };
    st = splinter_changes(view, oldest - 2, none, nullptr, &last);
    if (st != SPLINTER_E_COMPACTED || last != oldest - 2)
      violation("feed %s: changes since %" PRIu64 " (ring %" PRIu64 ", bus epoch %" PRIu64 "): %s, last %" PRIu64
                "; expected COMPACTED",
                when, oldest - 2, ring, b, splinter_status_name(st), last);
  }
  ++c.feed_checks;
}

void check_feed_raw(splinter_backing backing, const std::string &name, const Model &m, const Universe & /*u*/,
                    const char *when, FeedCounts &c) {
  const std::string path = backing == SPLINTER_FILE ? name : "/dev/shm/" + (name[0] == '/' ? name.substr(1) : name);
  // Only the header page and the feed are read (the values can be large);
  // the image keeps their offsets, with zeros between.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) setup_error("feed %s: open %s: %s", when, path.c_str(), std::strerror(errno));
  auto read_at = [&](std::vector<std::uint8_t> &img, std::uint64_t off, std::uint64_t len) {
    if (img.size() < off + len) img.resize(off + len);
    std::uint64_t done = 0;
    while (done < len) {
      const ssize_t n = ::pread(fd, img.data() + off + done, len - done, static_cast<off_t>(off + done));
      if (n <= 0) setup_error("feed %s: read %s: %s", when, path.c_str(), n < 0 ? std::strerror(errno) : "short");
      done += static_cast<std::uint64_t>(n);
    }
  };
  std::vector<std::uint8_t> bytes;
  read_at(bytes, 0, spec::kPage);
  const auto g = spec::View(bytes).geometry();
  if (!g) violation("feed %s: the bus header names no geometry", when);
  read_at(bytes, g->feed_offset, std::uint64_t{g->ring} * spec::kFeedEntry);
  ::close(fd);
  const spec::View im(bytes);
  const std::uint64_t committed = m.bus_epoch(), b = im.bus_epoch();
  for (std::uint64_t i = 0; i < g->ring; ++i) {
    const spec::Entry en = im.entry(*g, i);
    if (en.word == 0) continue;
    const std::uint64_t e = en.epoch();
    if (e > committed)
      violation("feed %s: the entry at index %" PRIu64 " holds epoch %" PRIu64 " (%s %s), past the committed "
                "history (%" PRIu64 "): a mutation that did not commit is in the feed",
                when, i, e, op_name(static_cast<int>(en.op())), en.key_prefix().c_str(), committed);
    if (e > b) {  // written, not yet covered by the bus epoch: the commit in flight at the kill
      const Change *want = m.change(e);
      if (!want || static_cast<int>(en.op()) != want->op || en.key_prefix() != m.name(want->id))
        violation("feed %s: the entry of epoch %" PRIu64 " (past the bus epoch %" PRIu64 ") is %s %s; the "
                  "committed mutation of that epoch is %s %s",
                  when, e, b, op_name(static_cast<int>(en.op())), en.key_prefix().c_str(),
                  want ? op_name(want->op) : "none", want ? m.name(want->id).c_str() : "");
      ++c.in_flight_in_feed;
    }
  }
  ++c.raw_checks;
}

void check_histories(const splinter_bus *view, const Model &m, const Universe &u, const char *when, FeedCounts &c) {
  struct Got {
    std::uint64_t epoch;
    std::vector<unsigned char> bytes;
  };
  auto fn = [](void *p, std::uint64_t e, const void *v, std::size_t len) -> int {
    const auto *b = static_cast<const unsigned char *>(v);
    static_cast<std::vector<Got> *>(p)->push_back({e, std::vector<unsigned char>(b, b + len)});
    return 0;
  };
  std::vector<Got> got;
  for (std::uint32_t id = 0; id < u.total(); ++id) {
    const std::string &name = m.name(id);
    int st;
    int tries = 0;
    do {
      got.clear();
      st = splinter_history(view, name.c_str(), fn, &got);
    } while (st == SPLINTER_E_AGAIN && ++tries < 1000);
    const auto &want = m.versions(id);
    if (want.empty()) {
      if (st != SPLINTER_E_NOT_FOUND)
        violation("history %s: key %s is absent in the journal, history says %s with %zu values", when,
                  name.c_str(), splinter_status_name(st), got.size());
      continue;
    }
    if (st != SPLINTER_OK)
      violation("history %s: key %s: %s (%s)", when, name.c_str(), splinter_status_name(st), splinter_last_error());
    if (got.size() != want.size())
      violation("history %s: key %s has %zu values; the journal's last %zu sets since its creation are kept "
                "(newest epoch %" PRIu64 ")",
                when, name.c_str(), got.size(), want.size(), want.back().epoch);
    for (std::size_t i = 0; i < got.size(); ++i) {
      const Version &w = want[want.size() - 1 - i];
      if (got[i].epoch != w.epoch)
        violation("history %s: key %s value %zu (newest first) has epoch %" PRIu64 ", the journal's is %" PRIu64,
                  when, name.c_str(), i, got[i].epoch, w.epoch);
      ValueFacts f;
      const std::string bad = verify(u, id, w.epoch, got[i].bytes.data(), got[i].bytes.size(), &f);
      if (!bad.empty())
        violation("history %s: key %s value %zu (epoch %" PRIu64 "): %s", when, name.c_str(), i, w.epoch,
                  bad.c_str());
      if (got[i].bytes.size() >= kHeaderBytes && (f.gen != w.gen || f.seq != w.seq))
        violation("history %s: key %s value %zu (epoch %" PRIu64 ") was written by gen %u seq %" PRIu64
                  ", the journal's set by gen %u seq %" PRIu64,
                  when, name.c_str(), i, w.epoch, f.gen, f.seq, w.gen, w.seq);
      ++c.history_values;
    }
  }
  ++c.history_checks;
}

// A reader following the bus as splinter.h teaches: poll the bus epoch from
// the last change seen, then read the changes after it. Every entry must be
// the next epoch, and the mutation the writer intended at that epoch (the
// shared intent ring, shared.h); COMPACTED resynchronises with a listing.
void Observer::follow_feed() {
  std::uint64_t got = 0;
  const int pst = splinter_poll(bus_, nullptr, feed_last_, 50, &got);
  if (pst != SPLINTER_OK && pst != SPLINTER_E_TIMEOUT)
    violation("%s: feed poll since %" PRIu64 ": %s (%s)", label_.c_str(), feed_last_, splinter_status_name(pst),
              splinter_last_error());
  struct Ctx {
    Observer *o;
    std::uint64_t next, unchecked = 0;
  } ctx{this, feed_last_ + 1};
  auto fn = [](void *p, std::uint64_t e, int op, const char *key) -> int {
    auto &x = *static_cast<Ctx *>(p);
    Observer &o = *x.o;
    if (e != x.next)
      violation("%s: feed: epoch %" PRIu64 " where %" PRIu64 " was next (missing, repeated or out of order)",
                o.label_.c_str(), e, x.next);
    const auto id = o.u_.parse(key);
    if (!id) violation("%s: feed: epoch %" PRIu64 " names an unknown key '%s'", o.label_.c_str(), e, key);
    if (op != SPLINTER_OP_SET && op != SPLINTER_OP_UNSET)
      violation("%s: feed: epoch %" PRIu64 " has op %d", o.label_.c_str(), e, op);
    const std::uint64_t in = shared()->intent[e % kIntentRing].load(std::memory_order_acquire);
    if (intent_epoch(in) < e)
      violation("%s: feed: epoch %" PRIu64 " (%s %s) delivered before any writer intended a mutation of that "
                "epoch (intent ring holds epoch %" PRIu64 ")",
                o.label_.c_str(), e, op_name(op), key, intent_epoch(in));
    if (intent_epoch(in) > e) {
      ++x.unchecked;  // this reader lags the whole intent ring
    } else if (intent_op(in) != op || intent_id(in) != *id) {
      violation("%s: feed: epoch %" PRIu64 " is %s %s, but the writer committed %s %s at that epoch",
                o.label_.c_str(), e, op_name(op), key, op_name(intent_op(in)), o.u_.name(intent_id(in)).c_str());
    }
    ++x.next;
    return 0;
  };
  const std::uint64_t since = feed_last_;
  std::uint64_t last = ~std::uint64_t{0};
  const int st = splinter_changes(bus_, since, fn, &ctx, &last);
  const std::uint64_t delivered = ctx.next - since - 1;
  if (last != (delivered ? ctx.next - 1 : since))
    violation("%s: feed since %" PRIu64 ": %s with %" PRIu64 " entries, but last = %" PRIu64, label_.c_str(), since,
              splinter_status_name(st), delivered, last);
  st_.feed_entries.fetch_add(delivered, std::memory_order_relaxed);
  st_.feed_unchecked.fetch_add(ctx.unchecked, std::memory_order_relaxed);
  if (st == SPLINTER_OK) {
    const std::uint64_t b = bus_epoch_checked();
    if (last > b)
      violation("%s: feed delivered epoch %" PRIu64 ", past the bus epoch %" PRIu64 " read after it", label_.c_str(),
                last, b);
    feed_last_ = last;
    st_.feed_reads.fetch_add(1, std::memory_order_relaxed);
  } else if (st == SPLINTER_E_COMPACTED) {
    // Resynchronise: the bus epoch first, then a listing (splinter.h).
    feed_last_ = bus_epoch_checked();
    list();
    st_.feed_compacted.fetch_add(1, std::memory_order_relaxed);
  } else {
    violation("%s: feed since %" PRIu64 ": %s (%s)", label_.c_str(), since, splinter_status_name(st),
              splinter_last_error());
  }
}

}  // namespace stress
