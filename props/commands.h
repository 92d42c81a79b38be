// commands.h -- one RapidCheck command per API verb (rc::state, doc/state.md).
//
// RapidCheck's model (model.h) is the only truth. Each command draws its
// arguments from the model in its constructor; states its preconditions in
// checkPreconditions (only the crash commands have any: their mutation must
// succeed, so that the writer reaches its crash point); advances the model
// in apply; and in run performs the call on the real bus, compares the
// answer with the model's, and checks the bus against the model state after
// the command (Sut::verify: validator, list, every get, bus epoch).
#ifndef SPLINTER_PROPS_COMMANDS_H
#define SPLINTER_PROPS_COMMANDS_H

#include "crash.h"
#include "gens.h"
#include "model.h"
#include "sut.h"
#include "test_hooks.h"

#include <rapidcheck.h>
#include <rapidcheck/state.h>

#include <algorithm>
#include <cstring>
#include <ostream>
#include <string>
#include <vector>

namespace splinter::props {

using Cmd = rc::state::Command<Model, Sut>;

inline void expect_call(const std::string &call, Status got, const Expect &want, std::uint64_t got_epoch) {
  if (got.code() != want.code)
    RC_FAIL(call + " = " + got.name() + ", model says " + Status(want.code).name() + " (" + last_error() + ")");
  if (want.code == Code::ok && got_epoch != want.epoch)
    RC_FAIL(call + " returned epoch " + std::to_string(got_epoch) + ", model says " + std::to_string(want.epoch));
}

inline void count(Code set_result) {
  if (set_result == Code::ok) ++stats().sets_ok;
  if (set_result == Code::full) ++stats().full;
  if (set_result == Code::too_large) ++stats().too_large;
}

inline std::string quoted(const std::string &key) { return "\"" + escape(key) + "\""; }

// Expired keys a set or unset removed on its way (2.10), and a new key let
// into a bus whose every slot held a key, expired ones among them.
inline void count_removals(const Model &s0, const Model &s1, const std::string &key, const Expect &want) {
  const std::uint64_t mutations = s1.bus_epoch - s0.bus_epoch;
  const std::uint64_t own = want.code == Code::ok ? 1 : 0;
  if (mutations > own) stats().removed_by_mutation += mutations - own;
  if (want.code == Code::ok && s0.find(key) == nullptr && s0.kv.size() >= s0.slots && s1.find(key) != nullptr)
    ++stats().full_of_expired;
}

// set(key, value): new and existing keys, values 0..max and over it.
struct Set : Cmd {
  std::string key, value;
  explicit Set(const Model &m) : key(*gen_key(m)), value(*gen_value(m, true)) {}
  void checkPreconditions(const Model &m) const override { RC_PRE(lazy_predictable(m, key)); }
  void apply(Model &m) const override { model_set(m, key, value); }
  void run(const Model &s0, Sut &sut) const override {
    Model s1 = s0;
    const Expect want = model_set(s1, key, value);
    std::uint64_t e = 0;
    const Status st = sut.writer.set(key, std::string_view(value), &e);
    expect_call("set(" + quoted(key) + ")", st, want, e);
    count(want.code);
    count_removals(s0, s1, key, want);
    sut.verify(s1);
  }
  void show(std::ostream &os) const override { os << "set(" << quoted(key) << ", " << value.size() << " bytes)"; }
};

// set_ttl(key, value, ttl): a deadline of 1..3 clock units from now (model.h,
// ttl_ms_for), or 0 (exactly a plain set: no deadline, an earlier one
// cleared), or a TTL above SPLINTER_TTL_MAX_MS (INVALID, nothing changes).
struct SetTtl : Cmd {
  std::string key, value;
  int units;  // -1: above SPLINTER_TTL_MAX_MS
  explicit SetTtl(const Model &m)
      : key(*gen_key(m)), value(*gen_value(m, true)),
        units(*rc::gen::weightedOneOf<int>(
            {{8, rc::gen::inRange(1, 4)}, {1, rc::gen::just(0)}, {1, rc::gen::just(-1)}})) {}
  void checkPreconditions(const Model &m) const override { RC_PRE(lazy_predictable(m, key)); }
  void apply(Model &m) const override { model_set(m, key, value, units); }
  std::uint64_t ttl_ms() const {
    return units < 0 ? SPLINTER_TTL_MAX_MS + 1 : ttl_ms_for(static_cast<std::uint64_t>(units));
  }
  void run(const Model &s0, Sut &sut) const override {
    Model s1 = s0;
    const Expect want = model_set(s1, key, value, units);
    std::uint64_t e = 0;
    const Status st = sut.writer.set_ttl(key, std::string_view(value), ttl_ms(), &e);
    expect_call("set_ttl(" + quoted(key) + ", " + std::to_string(ttl_ms()) + " ms)", st, want, e);
    count(want.code);
    if (want.code == Code::ok && units > 0) ++stats().sets_ttl;
    if (want.code == Code::invalid) ++stats().ttl_invalid;
    count_removals(s0, s1, key, want);
    sut.verify(s1);
  }
  void show(std::ostream &os) const override {
    os << "set_ttl(" << quoted(key) << ", " << value.size() << " bytes, "
       << (units < 0 ? std::string("above the maximum") : std::to_string(units) + " units") << ")";
  }
};

// The clock moves on by 1..3 units (test::set_clock_offset_ms, inherited by
// the forked writers of the crash commands): keys whose deadline it reaches
// are absent from then on, to every handle, before the writer removes them.
struct AdvanceClock : Cmd {
  int units;
  explicit AdvanceClock(const Model &) : units(*rc::gen::inRange(1, 4)) {}
  void apply(Model &m) const override { m.now += static_cast<std::uint64_t>(units); }
  void run(const Model &s0, Sut &sut) const override {
    test::set_clock_offset_ms(test::clock_offset_ms() + static_cast<std::int64_t>(static_cast<std::uint64_t>(units) * kClockUnitMs));
    ++stats().clock_moves;
    sut.verify(nextState(s0));
  }
  void show(std::ostream &os) const override { os << "clock + " << units << " units"; }
};

// expire(max): removes min(max, expired) expired keys (max 0: all), each an
// EXPIRE entry; a second expire(0) then removes the rest. Which keys a
// partial call removes follows slot order, which the model does not know:
// the model's state is the one after both calls (every expired key removed,
// as one group of EXPIRE entries), and the first call's count is checked.
struct Expire : Cmd {
  std::uint32_t max;
  explicit Expire(const Model &)
      : max(*rc::gen::weightedOneOf<std::uint32_t>(
            {{2, rc::gen::just<std::uint32_t>(0)}, {2, rc::gen::inRange<std::uint32_t>(1, 4)}})) {}
  void apply(Model &m) const override { model_expire_all(m); }
  void run(const Model &s0, Sut &sut) const override {
    Model s1 = s0;
    const std::uint32_t all = model_expire_all(s1);
    const std::uint32_t first = max == 0 ? all : std::min(max, all);
    auto r = sut.writer.expire(max);
    if (!r.ok()) RC_FAIL("expire(" + std::to_string(max) + ") = " + r.status().name() + " (" + last_error() + ")");
    if (r.value() != first)
      RC_FAIL("expire(" + std::to_string(max) + ") removed " + std::to_string(r.value()) + " keys, model says " +
              std::to_string(first) + " (of " + std::to_string(all) + " expired)");
    if (first < all) {
      // What is left: exactly the expired keys not yet removed.
      if (sut.writer.epoch() != s0.bus_epoch + first)
        RC_FAIL("after expire(" + std::to_string(max) + ") the bus epoch is " + std::to_string(sut.writer.epoch()) +
                ", model says " + std::to_string(s0.bus_epoch + first));
      auto rest = sut.writer.expire(0);
      if (!rest.ok() || rest.value() != all - first)
        RC_FAIL("the second expire(0) = " + std::string(rest.status().name()) + " " +
                (rest.ok() ? std::to_string(rest.value()) : std::string()) + ", model says " +
                std::to_string(all - first));
      ++stats().expire_partial;
    }
    stats().removed_by_expire += all;
    sut.verify(s1);
  }
  void show(std::ostream &os) const override { os << "expire(" << max << ")"; }
};

// ttl(key): NOT_FOUND when absent or expired, UINT64_MAX with no deadline,
// else the remaining life (sut.cpp, verify_ttl), through a reader too.
struct Ttl : Cmd {
  std::string key;
  explicit Ttl(const Model &m) : key(*gen_key(m, 4)) {}
  void run(const Model &s0, Sut &sut) const override {
    verify_ttl(sut.writer, s0, key, "writer");
    std::uint64_t ms = 0;
    const int st = splinter_ttl(sut.writer.c_handle(), key.c_str(), &ms);
    if ((st == SPLINTER_OK) != (s0.find(key) != nullptr))
      RC_FAIL("splinter_ttl(" + quoted(key) + ") = " + splinter_status_name(st) + " at clock " +
              std::to_string(s0.now));
    sut.verify(s0);
  }
  void show(std::ostream &os) const override { os << "ttl(" << quoted(key) << ")"; }
};

// get(key): present, absent, and through the C API with a buffer one byte
// too small (BUFFER: the size needed, nothing else written) or exact.
struct Get : Cmd {
  std::string key;
  int mode;  // 0: allocating C++ get, 1: buffer too small, 2: exact buffer
  explicit Get(const Model &m) : key(*gen_key(m)), mode(*rc::gen::inRange(0, 3)) {}
  void run(const Model &s0, Sut &sut) const override {
    const Stored *s = s0.find(key);
    const std::string call = "get(" + quoted(key) + ", mode " + std::to_string(mode) + ")";
    if (mode == 0) {
      auto r = sut.writer.get(key);
      if (!s) {
        if (r.status().code() != Code::not_found) RC_FAIL(call + " of an absent key = " + r.status().name());
      } else if (!r.ok() || std::string(r->text()) != s->value || r->epoch != s->epoch) {
        RC_FAIL(call + " differs from the model: " + r.status().name());
      }
    } else {
      const std::size_t len = s ? s->value.size() : 0;
      const std::size_t cap = (mode == 1 && len > 0) ? len - 1 : len;
      std::vector<char> buf(cap + 1, '\x5a');
      std::size_t out_len = 12345;
      std::uint64_t out_epoch = 777;
      const int st = splinter_get(sut.writer.c_handle(), key.c_str(), buf.data(), cap, &out_len, &out_epoch);
      if (!s) {
        if (st != SPLINTER_E_NOT_FOUND) RC_FAIL(call + " of an absent key = " + splinter_status_name(st));
        if (out_len != 12345 || out_epoch != 777) RC_FAIL(call + ": NOT_FOUND wrote an out-parameter");
      } else if (cap < len) {
        if (st != SPLINTER_E_BUFFER) RC_FAIL(call + " with a small buffer = " + splinter_status_name(st));
        if (out_len != len) RC_FAIL(call + ": BUFFER reported " + std::to_string(out_len) + " bytes needed");
        if (out_epoch != 777) RC_FAIL(call + ": BUFFER wrote the epoch");
        for (char c : buf)
          if (c != '\x5a') RC_FAIL(call + ": BUFFER wrote into the buffer");
      } else {
        if (st != SPLINTER_OK) RC_FAIL(call + " = " + splinter_status_name(st));
        if (out_len != len || std::memcmp(buf.data(), s->value.data(), len) != 0 || out_epoch != s->epoch)
          RC_FAIL(call + " differs from the model");
        if (buf[cap] != '\x5a') RC_FAIL(call + ": wrote past its buffer");
      }
    }
    sut.verify(s0);
  }
  void show(std::ostream &os) const override { os << "get(" << quoted(key) << ", mode " << mode << ")"; }
};

// unset(key): present and absent.
struct Unset : Cmd {
  std::string key;
  explicit Unset(const Model &m) : key(*gen_key(m, 4)) {}
  void checkPreconditions(const Model &m) const override { RC_PRE(lazy_predictable(m, key)); }
  void apply(Model &m) const override { model_unset(m, key); }
  void run(const Model &s0, Sut &sut) const override {
    Model s1 = s0;
    const Expect want = model_unset(s1, key);
    std::uint64_t e = 0;
    const Status st = sut.writer.unset(key, &e);
    expect_call("unset(" + quoted(key) + ")", st, want, e);
    if (want.code == Code::ok) ++stats().unsets_ok;
    if (want.code == Code::not_found) ++stats().not_found;
    count_removals(s0, s1, key, want);
    sut.verify(s1);
  }
  void show(std::ostream &os) const override { os << "unset(" << quoted(key) << ")"; }
};

// poll(key or bus, since, timeout 0): TIMEOUT when since is the current
// epoch (0 for an absent key), else OK with the current epoch.
struct Poll : Cmd {
  std::string key;
  bool on_bus;
  bool since_current;
  std::uint64_t flip;
  explicit Poll(const Model &m)
      : key(*gen_key(m)), on_bus(*rc::gen::inRange(0, 4) == 0), since_current(*rc::gen::arbitrary<bool>()),
        flip(*rc::gen::inRange<std::uint64_t>(1, 4)) {}
  void run(const Model &s0, Sut &sut) const override {
    const Stored *s = s0.find(key);
    const std::uint64_t cur = on_bus ? s0.bus_epoch : (s ? s->epoch : 0);
    const std::uint64_t since = since_current ? cur : cur ^ flip;
    auto r = on_bus ? sut.writer.poll_bus(since, 0) : sut.writer.poll(key, since, 0);
    const std::string call = std::string("poll(") + (on_bus ? "<bus>" : quoted(key)) + ", since " +
                             std::to_string(since) + ", 0)";
    if (since == cur) {
      if (r.status().code() != Code::timeout) RC_FAIL(call + " = " + r.status().name() + ", want TIMEOUT");
    } else if (!r.ok() || r.value() != cur) {
      RC_FAIL(call + " = " + r.status().name() + (r.ok() ? " " + std::to_string(r.value()) : std::string()) +
              ", want OK " + std::to_string(cur));
    }
    sut.verify(s0);
  }
  void show(std::ostream &os) const override {
    os << "poll(" << (on_bus ? "<bus>" : quoted(key)) << (since_current ? ", since = current" : ", since != current")
       << ", 0)";
  }
};

// info: geometry, live keys, bus epoch, and this process as the writer.
struct Info : Cmd {
  explicit Info(const Model &) {}
  void run(const Model &s0, Sut &sut) const override {
    auto r = sut.writer.info();
    if (!r.ok()) RC_FAIL(std::string("info = ") + r.status().name());
    const splinter_info &i = r.value();
    if (i.slots != s0.slots || i.max_value_size != s0.max_value || i.live_keys != s0.kv.size() ||
        i.bus_epoch != s0.bus_epoch || i.role != SPLINTER_WRITER ||
        i.backing != static_cast<std::uint32_t>(sut.backing()) || i.change_ring != s0.change_ring ||
        i.history_depth != s0.history_depth || i.feed_oldest != s0.feed_oldest())
      RC_FAIL("info differs from the model: live " + std::to_string(i.live_keys) + " epoch " +
              std::to_string(i.bus_epoch) + " ring " + std::to_string(i.change_ring) + " depth " +
              std::to_string(i.history_depth) + " feed_oldest " + std::to_string(i.feed_oldest) + " (model " +
              std::to_string(s0.feed_oldest()) + ")");
    sut.verify(s0);
  }
  void show(std::ostream &os) const override { os << "info"; }
};

// changes(since): every committed mutation after since, each once, in epoch
// order, with its op and key; COMPACTED exactly when since + 1 fell out of
// the ring (or since is ahead of the bus). since is drawn around the ring's
// edges: the oldest held, one before it, the bus epoch, past it, or any.
// With a stop, through the C API: the callback returns 7 after that many
// changes, and changes returns 7 with *out_last at the last one given.
struct ChangesSince : Cmd {
  std::uint64_t since;
  int stop_after;  // 0: no stop (C++ call)
  explicit ChangesSince(const Model &m)
      : since(*rc::gen::mapcat(rc::gen::inRange(0, 6),
                               // By value: shrinking may call this after m is gone.
                               [oldest = m.feed.empty() ? m.bus_epoch + 1 : m.feed.front().epoch,
                                bus = m.bus_epoch](int how) -> rc::Gen<std::uint64_t> {
                                 switch (how) {
                                   case 0: return rc::gen::just(oldest - 1);
                                   case 1: return rc::gen::just(oldest >= 2 ? oldest - 2 : 0);
                                   case 2: return rc::gen::just(bus);
                                   case 3: return rc::gen::just(bus + 1);
                                   default: return rc::gen::inRange<std::uint64_t>(0, bus + 2);
                                 }
                               })),
        stop_after(*rc::gen::weightedOneOf<int>({{3, rc::gen::just(0)}, {1, rc::gen::inRange(1, 4)}})) {}
  void run(const Model &s0, Sut &sut) const override {
    const ExpectChanges want = model_changes(s0, since);
    if (stop_after == 0) {
      verify_changes(sut.writer, s0, since, "writer");
    } else {
      struct Ctx {
        std::vector<FeedEntry> got;
        int stop_after;
      } ctx{{}, stop_after};
      std::uint64_t last = 0xdeadbeef;
      const int st = splinter_changes(
          sut.writer.c_handle(), since,
          [](void *c, std::uint64_t e, int op, const char *key) {
            auto *x = static_cast<Ctx *>(c);
            x->got.push_back(FeedEntry{e, op, key, nullptr});
            return static_cast<int>(x->got.size()) == x->stop_after ? 7 : 0;
          },
          &ctx, &last);
      const std::string call = "changes(since " + std::to_string(since) + ", stop after " +
                               std::to_string(stop_after) + ")";
      std::vector<FeedEntry> entries = want.entries;
      std::uint64_t want_last = want.last;
      int want_st = want.code == Code::ok ? SPLINTER_OK : static_cast<int>(want.code);
      if (want.code == Code::ok && entries.size() >= static_cast<std::size_t>(stop_after)) {
        entries.resize(static_cast<std::size_t>(stop_after));
        want_last = entries.back().epoch;
        want_st = 7;
      }
      if (st != want_st)
        RC_FAIL(call + " = " + std::to_string(st) + ", model says " + std::to_string(want_st) + " (" + last_error() + ")");
      if (!feed_matches(ctx.got, entries))
        RC_FAIL(call + " gave the wrong changes\n  got:  " + show_entries(ctx.got) + "\n  model:" + show_entries(entries));
      if (last != want_last)
        RC_FAIL(call + ": last = " + std::to_string(last) + ", model says " + std::to_string(want_last));
      if (want_st == 7) ++stats().changes_stopped;
    }
    if (want.code == Code::compacted) ++stats().changes_compacted;
    if (want.code == Code::ok) ++stats().changes_ok;
    stats().changes_entries += want.entries.size();
    sut.verify(s0);
  }
  void show(std::ostream &os) const override {
    os << "changes(since " << since << (stop_after ? ", stop after " + std::to_string(stop_after) : std::string())
       << ")";
  }
};

// history(key): the current value and up to history_depth earlier ones,
// newest first, each with its epoch, since the key was last created;
// NOT_FOUND when absent (also after unset). With a stop, through the C API:
// the callback returns 9 after that many values, and history returns 9.
struct HistoryOf : Cmd {
  std::string key;
  int stop_after;  // 0: no stop (C++ call)
  explicit HistoryOf(const Model &m)
      : key(*gen_key(m, 4)),
        stop_after(*rc::gen::weightedOneOf<int>({{3, rc::gen::just(0)}, {1, rc::gen::inRange(1, 4)}})) {}
  void run(const Model &s0, Sut &sut) const override {
    const std::vector<Stored> want = s0.history(key);
    if (stop_after == 0) {
      verify_history(sut.writer, s0, key, "writer");
    } else {
      struct Ctx {
        std::vector<Stored> got;
        int stop_after;
      } ctx{{}, stop_after};
      const int st = splinter_history(
          sut.writer.c_handle(), key.c_str(),
          [](void *c, std::uint64_t e, const void *v, std::size_t len) {
            auto *x = static_cast<Ctx *>(c);
            x->got.push_back(Stored{std::string(static_cast<const char *>(v), len), e});
            return static_cast<int>(x->got.size()) == x->stop_after ? 9 : 0;
          },
          &ctx);
      const std::string call = "history(" + quoted(key) + ", stop after " + std::to_string(stop_after) + ")";
      std::vector<Stored> values = want;
      int want_st = want.empty() ? SPLINTER_E_NOT_FOUND : SPLINTER_OK;
      if (values.size() >= static_cast<std::size_t>(stop_after)) {
        values.resize(static_cast<std::size_t>(stop_after));
        want_st = 9;
      }
      if (st != want_st)
        RC_FAIL(call + " = " + std::to_string(st) + ", model says " + std::to_string(want_st) + " (" + last_error() + ")");
      if (ctx.got != values)
        RC_FAIL(call + " differs from the model\n  got:  " + show_values(ctx.got) + "\n  model:" + show_values(values));
      if (want_st == 9) ++stats().history_stopped;
    }
    ++(want.empty() ? stats().history_not_found : stats().histories);
    stats().history_values += want.size();
    sut.verify(s0);
  }
  void show(std::ostream &os) const override {
    os << "history(" << quoted(key) << (stop_after ? ", stop after " + std::to_string(stop_after) : std::string())
       << ")";
  }
};

// close + open as writer: everything survives, the epoch included.
struct ReopenWriter : Cmd {
  explicit ReopenWriter(const Model &) {}
  void run(const Model &s0, Sut &sut) const override {
    sut.reopen_writer();
    sut.verify(s0);
  }
  void show(std::ostream &os) const override { os << "close + open writer"; }
};

// A reader handle sees exactly what the writer sees and cannot mutate.
struct ReaderView : Cmd {
  std::string key;
  explicit ReaderView(const Model &m) : key(*gen_key(m)) {}
  void run(const Model &s0, Sut &sut) const override {
    auto r = Bus::open(sut.backing(), sut.name(), Role::reader);
    if (!r.ok()) RC_FAIL(std::string("reader open = ") + r.status().name());
    verify_bus(r.value(), s0, "reader");
    if (r->set(key, std::string_view("x")).code() != Code::read_only) RC_FAIL("reader set was not READ_ONLY");
    if (r->unset(key).code() != Code::read_only) RC_FAIL("reader unset was not READ_ONLY");
    if (r->set_ttl(key, std::string_view("x"), 1000).code() != Code::read_only) RC_FAIL("reader set_ttl was not READ_ONLY");
    if (r->expire().status().code() != Code::read_only) RC_FAIL("reader expire was not READ_ONLY");
    r->close();
    sut.verify(s0);
  }
  void show(std::ostream &os) const override { os << "open reader, read all, try to mutate"; }
};

// A second writer (another open file description, same process) is BUSY,
// and so is destroying a bus whose writer lives.
struct SecondWriter : Cmd {
  explicit SecondWriter(const Model &) {}
  void run(const Model &s0, Sut &sut) const override {
    auto r = Bus::open(sut.backing(), sut.name(), Role::writer);
    if (r.status().code() != Code::busy) RC_FAIL(std::string("second writer open = ") + r.status().name());
    const Status d = Bus::destroy(sut.backing(), sut.name());
    if (d.code() != Code::busy) RC_FAIL(std::string("destroy under a live writer = ") + d.name());
    sut.verify(s0);
  }
  void show(std::ostream &os) const override { os << "second writer open (BUSY), destroy (BUSY)"; }
};

// Keys of 64+ bytes are refused, never truncated; nothing changes.
struct KeyTooLong : Cmd {
  std::string key;
  explicit KeyTooLong(const Model &)
      : key(*rc::gen::mapcat(rc::gen::inRange(SPLINTER_KEY_MAX + 1, SPLINTER_KEY_MAX + 20), [](int n) {
          return rc::gen::container<std::string>(static_cast<std::size_t>(n), gen_key_byte());
        })) {}
  void run(const Model &s0, Sut &sut) const override {
    if (sut.writer.set(key, std::string_view()).code() != Code::key_too_long) RC_FAIL("long-key set not KEY_TOO_LONG");
    if (sut.writer.get(key).status().code() != Code::key_too_long) RC_FAIL("long-key get not KEY_TOO_LONG");
    if (sut.writer.unset(key).code() != Code::key_too_long) RC_FAIL("long-key unset not KEY_TOO_LONG");
    if (sut.writer.set_ttl(key, std::string_view(), 1000).code() != Code::key_too_long)
      RC_FAIL("long-key set_ttl not KEY_TOO_LONG");
    if (sut.writer.ttl(key).status().code() != Code::key_too_long) RC_FAIL("long-key ttl not KEY_TOO_LONG");
    sut.verify(s0);
  }
  void show(std::ostream &os) const override { os << "set/get/unset of a " << key.size() << "-byte key"; }
};

// close, destroy, create anew with another geometry (then every later
// command runs against the new bus).
struct Recreate : Cmd {
  Geometry g;
  explicit Recreate(const Model &) : g(*gen_geometry()) {}
  void apply(Model &m) const override { m = Model::fresh(g); }
  void run(const Model &s0, Sut &sut) const override {
    sut.recreate(g);
    sut.verify(nextState(s0));
  }
  void show(std::ostream &os) const override {
    os << "destroy + create(";
    showValue(g, os);
    os << ")";
  }
};

// After a writer died at `point` of a mutation taking the model from s0 to
// s1 (s1 = s0 if it died before the commit point), FORMAT.md section 3
// exactly: until the next writer opens, the region holds s1 with the bus
// epoch of s0 when it lags (checked through a reader, which repairs
// nothing); the next writer open recovers, and the bus equals s1.
inline void verify_crash(Sut &sut, const Model &s0, const Model &s1, int point) {
  {
    auto r = Bus::open(sut.backing(), sut.name(), Role::reader);
    if (!r.ok()) RC_FAIL(std::string("reader open after the crash = ") + r.status().name() + ": " + last_error());
    verify_bus(r.value(), left_by_crash(s0, s1, point), "reader after the crash, before recovery",
               bus_epoch_lags_at(point));
  }
  sut.reopen_writer();
  if (bus_epoch_lags_at(point)) ++stats().crash_lagging;
  sut.verify(s1);
}

// set, in a writer that dies at a generated step of 2.2; then a new writer opens.
// The set has a TTL of `units` (0: a plain set). The expired keys it removes
// first (model_set_removals) are removed before any of its crash points.
struct CrashSet : Cmd {
  std::string key, value;
  int point;
  int units;
  explicit CrashSet(const Model &m)
      : key(*gen_key(m)), value(*gen_value(m, false)), point(*gen_set_crash_point(m, key)),
        units(*rc::gen::weightedOneOf<int>({{2, rc::gen::just(0)}, {1, rc::gen::inRange(1, 4)}})) {}
  void checkPreconditions(const Model &m) const override {
    Model s1 = m;
    const bool set_succeeds = model_set(s1, key, value, units).code == Code::ok;  // else no crash point is reached
    const bool point_reached = point != 0 && set_reaches(m, key, point);
    RC_PRE(set_succeeds);
    RC_PRE(point_reached);
    RC_PRE(lazy_predictable(m, key));
  }
  void apply(Model &m) const override {
    model_set_removals(m, key);
    if (set_committed_at(point)) model_set(m, key, value, units);
  }
  void run(const Model &s0, Sut &sut) const override {
    sut.writer.close();
    const std::uint64_t ttl = ttl_ms_for(static_cast<std::uint64_t>(units));
    const ChildOutcome out = run_crashing_writer(
        static_cast<splinter_backing>(sut.backing()), sut.name(), point, 1, [&](splinter_bus *b) {
          return splinter_set_ttl(b, key.c_str(), value.data(), value.size(), ttl, nullptr);
        });
    if (!out.killed)
      RC_FAIL(std::string("the writer never reached ") + crash_point_name(point) + ": its set returned " +
              splinter_status_name(out.status));
    ++(set_committed_at(point) ? stats().crash_new : stats().crash_old);
    Model removed = s0;
    model_set_removals(removed, key);
    verify_crash(sut, removed, nextState(s0), point);
  }
  void show(std::ostream &os) const override {
    os << "set(" << quoted(key) << ", " << value.size() << " bytes";
    if (units > 0) os << ", ttl " << units << " units";
    os << ") in a writer killed at " << crash_point_name(point) << ", then open writer";
  }
};

// unset, in a writer that dies at a generated step of 2.3 (the n-th reclaim
// step included); then a new writer opens.
struct CrashUnset : Cmd {
  std::string key;
  int point, nth;
  explicit CrashUnset(const Model &m)
      : key(*gen_key(m, 4)), point(*gen_unset_crash_point()),
        nth(point == test::kUnsetReclaimStep ? *rc::gen::inRange(1, 4) : 1) {}
  void checkPreconditions(const Model &m) const override {
    const bool key_live = m.find(key) != nullptr;  // else NOT_FOUND: no crash point is reached
    const bool point_allowed = point != 0;
    RC_PRE(key_live);
    RC_PRE(point_allowed);
    RC_PRE(lazy_predictable(m, key));
    // The removal of an expired key reclaims as an unset does (its reclaim
    // steps are this point too): the n-th would come before the unset.
    const bool no_removal_first = point != test::kUnsetReclaimStep || m.pending().empty();
    RC_PRE(no_removal_first);
  }
  void apply(Model &m) const override { model_unset(m, key); }
  void run(const Model &s0, Sut &sut) const override {
    sut.writer.close();
    const ChildOutcome out =
        run_crashing_writer(static_cast<splinter_backing>(sut.backing()), sut.name(), point, nth,
                            [&](splinter_bus *b) { return splinter_unset(b, key.c_str(), nullptr); });
    // How many tombstones an unset reclaims depends on where the keys hash,
    // which the model does not know: a writer may finish before its n-th
    // reclaim step. Its unset is then complete, the same state as a crash
    // after the commit.
    if (!out.killed) {
      if (point != test::kUnsetReclaimStep || out.status != SPLINTER_OK)
        RC_FAIL(std::string("the writer never reached ") + crash_point_name(point) + ": its unset returned " +
                splinter_status_name(out.status));
      ++stats().reclaim_not_reached;
    } else {
      ++stats().crash_new;
    }
    Model removed = s0;
    model_lazy_expiry(removed);
    verify_crash(sut, removed, nextState(s0), point);
  }
  void show(std::ostream &os) const override {
    os << "unset(" << quoted(key) << ") in a writer killed at " << crash_point_name(point) << " #" << nth
       << ", then open writer";
  }
};

// expire(0) in a writer killed at a step of the removal of the one expired
// key (2.10 step 2, as 2.3: committed, feed entry written); then a new
// writer opens. The removal is committed either way: the key stays absent,
// and recovery writes a missing feed entry with op EXPIRE (section 3).
struct CrashExpire : Cmd {
  int point;
  explicit CrashExpire(const Model &) : point(*gen_expire_crash_point()) {}
  void checkPreconditions(const Model &m) const override {
    const bool one_expired = m.pending().size() == 1;  // which key is removed first is slot order
    RC_PRE(one_expired);
    RC_PRE(point != 0);
  }
  void apply(Model &m) const override { model_expire_all(m); }
  void run(const Model &s0, Sut &sut) const override {
    sut.writer.close();
    const ChildOutcome out =
        run_crashing_writer(static_cast<splinter_backing>(sut.backing()), sut.name(), point, 1,
                            [&](splinter_bus *b) { return splinter_expire(b, 0, nullptr); });
    if (!out.killed)
      RC_FAIL(std::string("the writer never reached ") + crash_point_name(point) + ": its expire returned " +
              splinter_status_name(out.status));
    ++stats().crash_expire;
    verify_crash(sut, s0, nextState(s0), point);
  }
  void show(std::ostream &os) const override {
    os << "expire(0) in a writer killed at " << crash_point_name(point) << ", then open writer";
  }
};

}  // namespace splinter::props

#endif  // SPLINTER_PROPS_COMMANDS_H
