// reader.cpp -- reader threads and the reader process: every observation is
// checked (value.h encoding, per-key and bus epoch monotonicity, key epoch
// at most one ahead of the bus epoch, list entries, poll never missing an
// update within its timeout; the feed follower is in feed.cpp).
#include "roles.h"

#include <unistd.h>

#include <cinttypes>
#include <cstdio>
#include <set>
#include <thread>
#include <utility>

namespace stress {

Observer::Observer(const splinter_bus *bus, const Universe &u, ProcStats &st, int thread, std::uint64_t seed,
                   std::string label)
    : bus_(bus), u_(u), st_(st), thread_(thread), rng_(seed), label_(std::move(label)),
      seen_(u.total(), 0), buf_(u.max_value + 1), poll_timeout_ms_(1000) {}

void Observer::heartbeat() {
  st_.heartbeat_ns[thread_].store(now_ns(), std::memory_order_relaxed);
}

void Observer::saw(std::uint32_t id, std::uint64_t epoch, const char *how) {
  if (epoch == 0) return;  // absent
  if (epoch < seen_[id])
    violation("%s: key %s: epoch went backwards: saw %" PRIu64 ", then %" PRIu64 " (%s)", label_.c_str(),
              u_.name(id).c_str(), seen_[id], epoch, how);
  seen_[id] = epoch;
}

std::uint64_t Observer::bus_epoch_checked() {
  const std::uint64_t e = splinter_epoch(bus_);
  if (e < bus_seen_)
    violation("%s: bus epoch went backwards: %" PRIu64 " then %" PRIu64, label_.c_str(), bus_seen_, e);
  bus_seen_ = e;
  return e;
}

int Observer::get(std::uint32_t id, std::uint64_t *epoch_out, ValueFacts *facts) {
  const std::string name = u_.name(id);
  std::size_t len = 0;
  std::uint64_t epoch = 0;
  const int st = splinter_get(bus_, name.c_str(), buf_.data(), buf_.size(), &len, &epoch);
  switch (st) {
    case SPLINTER_OK: {
      if (epoch == 0) violation("%s: get %s returned OK with epoch 0", label_.c_str(), name.c_str());
      const std::string bad = verify(u_, id, epoch, buf_.data(), len, facts);
      if (!bad.empty())
        violation("%s: get %s: value is not the one committed at epoch %" PRIu64 ": %s", label_.c_str(),
                  name.c_str(), epoch, bad.c_str());
      saw(id, epoch, "get");
      const std::uint64_t b = bus_epoch_checked();
      // The slot word is published one step before the bus epoch (FORMAT.md
      // 2.2 steps 6-7), and a dead writer may leave it so: at most one ahead.
      if (epoch > b + 1)
        violation("%s: get %s: key epoch %" PRIu64 " is ahead of the bus epoch %" PRIu64 " read after it",
                  label_.c_str(), name.c_str(), epoch, b);
      st_.get_ok.fetch_add(1, std::memory_order_relaxed);
      break;
    }
    case SPLINTER_E_NOT_FOUND:
      if (id >= u_.regular)
        violation("%s: get %s: NOT_FOUND, but beacon keys are never unset", label_.c_str(), name.c_str());
      st_.get_absent.fetch_add(1, std::memory_order_relaxed);
      break;
    case SPLINTER_E_AGAIN:
      st_.again.fetch_add(1, std::memory_order_relaxed);
      break;
    default:
      violation("%s: get %s: %s (%s)", label_.c_str(), name.c_str(), splinter_status_name(st),
                splinter_last_error());
  }
  if (epoch_out) *epoch_out = epoch;
  return st;
}

namespace {
struct ListCtx {
  Observer *obs;
  const Universe *u;
  const std::string *label;
  std::set<std::pair<std::uint32_t, std::uint64_t>> seen;
  std::vector<std::pair<std::uint32_t, std::uint64_t>> entries;
  std::uint64_t count = 0;
};
}  // namespace

void Observer::list() {
  ListCtx ctx{this, &u_, &label_, {}, {}, 0};
  auto fn = [](void *p, const char *key, std::size_t len, std::uint64_t epoch) -> int {
    auto &c = *static_cast<ListCtx *>(p);
    const auto id = c.u->parse(key);
    if (!id) violation("%s: list: unknown key '%s'", c.label->c_str(), key);
    if (epoch == 0) violation("%s: list: key %s with epoch 0", c.label->c_str(), key);
    if (len != c.u->value_len(*id, epoch))
      violation("%s: list: key %s epoch %" PRIu64 " has length %zu; that set wrote %zu bytes", c.label->c_str(),
                key, epoch, len, c.u->value_len(*id, epoch));
    if (!c.seen.insert({*id, epoch}).second)
      violation("%s: list: key %s epoch %" PRIu64 " listed twice", c.label->c_str(), key, epoch);
    c.entries.emplace_back(*id, epoch);
    ++c.count;
    return 0;
  };
  const int st = splinter_list(bus_, fn, &ctx);
  if (st != SPLINTER_OK)
    violation("%s: list: %s (%s)", label_.c_str(), splinter_status_name(st), splinter_last_error());
  for (auto [id, e] : ctx.entries) saw(id, e, "list");
  const std::uint64_t b = bus_epoch_checked();
  for (auto [id, e] : ctx.entries)
    if (e > b + 1)
      violation("%s: list: key %s epoch %" PRIu64 " is ahead of the bus epoch %" PRIu64, label_.c_str(),
                u_.name(id).c_str(), e, b);
  if (ctx.count > u_.slots) violation("%s: list returned %" PRIu64 " keys, more than the slots", label_.c_str(), ctx.count);
  st_.list_ok.fetch_add(1, std::memory_order_relaxed);
  st_.list_entries.fetch_add(ctx.count, std::memory_order_relaxed);
}

// Poll on a beacon. The writer sets each beacon about every 2 ms and then
// records the set in a/<i> (a ring of epoch, time before the call, time the
// call returned). That gives a sound oracle: once a change of the key after
// `since` is known to be committed (its call returned), poll must return
// within the latency bound -- half the poll timeout -- whether it then says OK
// or TIMEOUT. The latency recorded is from just before the first such set
// call to the poller being awake.
void Observer::poll_beacon() {
  const std::uint32_t i = static_cast<std::uint32_t>(rng_() % u_.beacons);
  const std::uint32_t id = u_.beacon_id(i);
  const std::string name = u_.name(id);
  std::uint64_t since = 0;
  if (get(id, &since) != SPLINTER_OK) return;  // AGAIN: counted; try again later
  const std::uint64_t t0 = now_ns();
  std::uint64_t got = 0;
  const int st = splinter_poll(bus_, name.c_str(), since, poll_timeout_ms_, &got);
  const std::uint64_t t1 = now_ns();
  if (st == SPLINTER_OK) {
    if (got == since)
      violation("%s: poll %s since %" PRIu64 " returned OK with the same epoch", label_.c_str(), name.c_str(), since);
    if (got == 0) violation("%s: poll %s: beacon reported absent", label_.c_str(), name.c_str());
    saw(id, got, "poll");
    st_.poll_ok.fetch_add(1, std::memory_order_relaxed);
  } else if (st == SPLINTER_E_TIMEOUT) {
    st_.poll_timeout.fetch_add(1, std::memory_order_relaxed);
  } else if (st == SPLINTER_E_AGAIN) {
    st_.again.fetch_add(1, std::memory_order_relaxed);
    return;
  } else {
    violation("%s: poll %s: %s (%s)", label_.c_str(), name.c_str(), splinter_status_name(st), splinter_last_error());
  }
  // Find the first acknowledged set of this beacon after `since`. After a
  // prompt wake-up the writer may not have recorded it yet: wait a little.
  ValueFacts ack;
  const BeaconAck *first = nullptr;
  bool is_next = false;
  for (int tries = 0; tries < 50 && !first; ++tries) {
    if (tries > 0) usleep(1000);
    std::uint64_t ae = 0;
    if (get(u_.ack_id(i), &ae, &ack) != SPLINTER_OK) continue;
    for (std::uint32_t k = 0; k < ack.ring_n; ++k)
      if (ack.ring[k].epoch > since) {
        first = &ack.ring[k];
        is_next = k > 0 && ack.ring[k - 1].epoch == since;
        break;
      }
    if (st == SPLINTER_E_TIMEOUT) break;
  }
  if (!first) {
    st_.latency_samples_skipped.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  const std::uint64_t bound_ns = std::uint64_t{poll_timeout_ms_} * 1000000u / 2;
  const std::uint64_t known = first->acked > t0 ? first->acked : t0;
  if (t1 > known + bound_ns)
    violation("%s: poll %s since epoch %" PRIu64 " returned %s %.1f ms after epoch %" PRIu64
              " of that key was committed (its set returned %.1f ms after the poll started); bound %.0f ms "
              "(missed wake-up)",
              label_.c_str(), name.c_str(), since, splinter_status_name(st), static_cast<double>(t1 - known) / 1e6,
              first->epoch, (static_cast<double>(first->acked) - static_cast<double>(t0)) / 1e6,
              static_cast<double>(bound_ns) / 1e6);
  if (st == SPLINTER_OK && is_next) {
    if (first->ts > t1)
      violation("%s: poll %s woke before the set of epoch %" PRIu64 " began", label_.c_str(), name.c_str(), first->epoch);
    st_.poll_latency.add(t1 - first->ts);
  } else {
    st_.latency_samples_skipped.fetch_add(1, std::memory_order_relaxed);
  }
}

void Observer::poll_bus() {
  const std::uint64_t since = bus_epoch_checked();
  std::uint64_t got = 0;
  const int st = splinter_poll(bus_, nullptr, since, 50, &got);
  if (st == SPLINTER_OK) {
    if (got <= since)
      violation("%s: poll on the bus since %" PRIu64 " returned epoch %" PRIu64, label_.c_str(), since, got);
    if (bus_epoch_checked() < got)
      violation("%s: bus epoch after poll is below the polled epoch %" PRIu64, label_.c_str(), got);
    st_.bus_poll_ok.fetch_add(1, std::memory_order_relaxed);
  } else if (st == SPLINTER_E_TIMEOUT) {
    st_.poll_timeout.fetch_add(1, std::memory_order_relaxed);
  } else if (st == SPLINTER_E_AGAIN) {
    st_.again.fetch_add(1, std::memory_order_relaxed);
  } else {
    violation("%s: poll on the bus: %s (%s)", label_.c_str(), splinter_status_name(st), splinter_last_error());
  }
}

void Observer::getter_step() {
  ++steps_;
  if (steps_ % 256 == 0) {
    list();
    return;
  }
  const std::uint64_t r = rng_() % 100;
  std::uint32_t id;
  if (r < 50) id = static_cast<std::uint32_t>(rng_() % u_.hot);
  else if (r < 90) id = static_cast<std::uint32_t>(rng_() % u_.regular);
  else id = u_.regular + static_cast<std::uint32_t>(rng_() % (2 * u_.beacons));
  (void)get(id);
}

void reader_thread_body(Observer &obs, bool poller) {
  SharedPage *page = shared();
  std::uint64_t n = 0;
  while (!page->stop.load(std::memory_order_relaxed)) {
    obs.heartbeat();
    if (poller) {
      ++n;
      if (n % 4 == 0) obs.poll_bus();
      else if (n % 4 == 2) obs.follow_feed();
      else obs.poll_beacon();
    } else {
      obs.getter_step();
    }
  }
}

int run_reader(const Options &o) {
  SharedPage *page = map_shared(o.stats);
  set_shared(page);
  set_role_label("reader " + std::to_string(o.proc));
  const Universe u = Universe::make(o.slots, o.max_value);
  ProcStats &st = page->proc[o.proc];
  std::vector<splinter_bus *> handles(o.threads, nullptr);
  for (auto &h : handles) {
    const int r = splinter_open(&h, o.backing, o.bus.c_str(), SPLINTER_READER);
    if (r != SPLINTER_OK) violation("reader open %s: %s (%s)", o.bus.c_str(), splinter_status_name(r), splinter_last_error());
  }
  st.threads.store(o.threads);
  std::vector<std::thread> threads;
  std::vector<std::unique_ptr<Observer>> obs;
  for (std::uint32_t t = 0; t < o.threads; ++t) {
    obs.push_back(std::make_unique<Observer>(handles[t], u, st, static_cast<int>(t),
                                             mix64(o.seed ^ (std::uint64_t{o.proc} << 32) ^ t),
                                             "reader " + std::to_string(o.proc) + "." + std::to_string(t)));
    obs.back()->set_poll_timeout(o.poll_timeout_ms);
  }
  for (std::uint32_t t = 0; t < o.threads; ++t)
    threads.emplace_back(reader_thread_body, std::ref(*obs[t]), o.threads >= 2 && t == 0);
  for (auto &t : threads) t.join();
  for (auto *h : handles) splinter_close(h);
  return kExitOk;
}

}  // namespace stress
