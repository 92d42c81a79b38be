// writer.cpp -- the writer process: mutations with self-describing values,
// each journalled to the parent (intent before the call, ack after it), its
// own oracles on every status and epoch, periodic self-validation, and
// reader threads sharing the process (one of them on the writer's handle).
#include "roles.h"
#include "test_hooks.h"

#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <cstring>
#include <memory>
#include <thread>

namespace stress {
namespace {

std::uint32_t g_hook_ppm = 0;
std::uint64_t g_hook_state = 1;

// Crash hook (test_hooks.h): with a small chance, die right at a protocol step.
void crash_hook(int point) {
  // A reader thread of this process following the feed passes changes()'
  // own point: not a step of the write protocol.
  if (point == splinter::test::kFeedWordRead) return;
  g_hook_state = mix64(g_hook_state + 0x9E3779B97F4A7C15ull);
  if (g_hook_state % 1000000u < g_hook_ppm) raise(SIGKILL);
}

class Journal {
 public:
  Journal(int fd, bool sync) : fd_(fd), sync_(sync) {}
  void add(const JournalRecord &r) {
    if (fd_ < 0) return;
    buf_[n_++] = r;
    if (sync_ || n_ == kBatch) flush();
  }
  void flush() {
    if (fd_ < 0 || n_ == 0) return;
    const char *p = reinterpret_cast<const char *>(buf_);
    std::size_t left = n_ * sizeof(JournalRecord);
    while (left > 0) {  // whole records of at most PIPE_BUF bytes per write
      const ssize_t w = ::write(fd_, p, left < 4096 ? left : 4096);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) setup_error("journal write: %s", std::strerror(errno));
      p += w;
      left -= static_cast<std::size_t>(w);
    }
    n_ = 0;
  }

 private:
  static constexpr std::size_t kBatch = 64;
  int fd_;
  bool sync_;
  JournalRecord buf_[kBatch];
  std::size_t n_ = 0;
};

class Writer {
 public:
  Writer(const Options &o, splinter_bus *w, const Universe &u, ProcStats &st)
      : o_(o), w_(w), u_(u), st_(st), journal_(o.journal_fd, o.sync_journal), rng_(mix64(o.seed ^ o.gen)),
        present_(u.total(), false), buf_(u.max_value + 1) {}

  void load_model();
  void announce(Rec type) {
    journal_.add({type, 0, splinter_epoch(w_), 0, o_.gen, seq_});
    journal_.flush();
  }
  void step();
  void self_check();
  void flush_journal() { journal_.flush(); }

 private:
  bool set(std::uint32_t id, ValueFacts f = {}, std::uint64_t *epoch_out = nullptr, std::uint64_t *ts_out = nullptr);
  void unset(std::uint32_t id);
  void beacon();
  void fill();

  const Options &o_;
  splinter_bus *w_;
  const Universe &u_;
  ProcStats &st_;
  Journal journal_;
  std::mt19937_64 rng_;
  std::vector<bool> present_;
  std::uint32_t live_ = 0;
  std::vector<unsigned char> buf_;
  std::uint64_t seq_ = 0;
  std::uint64_t last_beacon_ = 0;
  std::uint32_t next_beacon_ = 0;
  std::vector<std::vector<BeaconAck>> recent_{u_.beacons}, checkpoints_{u_.beacons};
  std::uint64_t last_check_ = 0;
};

void Writer::load_model() {
  live_ = 0;
  for (std::uint32_t id = 0; id < u_.total(); ++id) {
    const std::string name = u_.name(id);
    std::size_t len = 0;
    std::uint64_t e = 0;
    int st;
    do st = splinter_get(w_, name.c_str(), buf_.data(), buf_.size(), &len, &e);
    while (st == SPLINTER_E_AGAIN);
    if (st == SPLINTER_OK) {
      const std::string bad = verify(u_, id, e, buf_.data(), len, nullptr);
      if (!bad.empty()) violation("writer open: key %s epoch %" PRIu64 ": %s", name.c_str(), e, bad.c_str());
      present_[id] = true;
      ++live_;
    } else if (st == SPLINTER_E_NOT_FOUND) {
      present_[id] = false;
    } else {
      violation("writer open: get %s: %s (%s)", name.c_str(), splinter_status_name(st), splinter_last_error());
    }
  }
}

bool Writer::set(std::uint32_t id, ValueFacts f, std::uint64_t *epoch_out, std::uint64_t *ts_out) {
  const std::string name = u_.name(id);
  const std::uint64_t before = splinter_epoch(w_);
  const std::uint64_t pred = before + 1;  // the single writer knows the next epoch
  f.gen = o_.gen;
  f.seq = ++seq_;
  f.ts = now_ns();
  if (ts_out) *ts_out = f.ts;
  const std::size_t len = encode(u_, id, pred, f, buf_.data());
  journal_.add({Rec::intent_set, id, pred, 0, o_.gen, seq_});
  record_intent(pred, SPLINTER_OP_SET, id);
  std::uint64_t got = 0;
  const int st = splinter_set(w_, name.c_str(), buf_.data(), len, &got);
  journal_.add({Rec::ack, id, st == SPLINTER_OK ? got : 0, st, o_.gen, seq_});
  if (st == SPLINTER_OK) {
    if (got != pred)
      violation("set %s: epoch %" PRIu64 ", expected bus epoch + 1 = %" PRIu64, name.c_str(), got, pred);
    if (splinter_epoch(w_) != pred)
      violation("set %s: bus epoch after the set is %" PRIu64 ", expected %" PRIu64, name.c_str(),
                splinter_epoch(w_), pred);
    if (!present_[id]) {
      if (live_ >= u_.slots) violation("set %s: OK with all %u slots already live", name.c_str(), u_.slots);
      present_[id] = true;
      ++live_;
    }
    st_.sets.fetch_add(1, std::memory_order_relaxed);
    if (epoch_out) *epoch_out = got;
    return true;
  }
  if (st == SPLINTER_E_FULL) {
    if (present_[id] || live_ < u_.slots)
      violation("set %s: FULL, but %s and %u of %u slots are live", name.c_str(),
                present_[id] ? "the key is live" : "the key is new", live_, u_.slots);
    if (splinter_epoch(w_) != before) violation("set %s: FULL changed the bus epoch", name.c_str());
    st_.full.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  violation("set %s (%zu bytes): %s (%s)", name.c_str(), len, splinter_status_name(st), splinter_last_error());
}

void Writer::unset(std::uint32_t id) {
  const std::string name = u_.name(id);
  const std::uint64_t pred = splinter_epoch(w_) + 1;
  journal_.add({Rec::intent_unset, id, pred, 0, o_.gen, ++seq_});
  record_intent(pred, SPLINTER_OP_UNSET, id);
  std::uint64_t got = 0;
  const int st = splinter_unset(w_, name.c_str(), &got);
  journal_.add({Rec::ack, id, st == SPLINTER_OK ? got : 0, st, o_.gen, seq_});
  if (st == SPLINTER_OK) {
    if (!present_[id]) violation("unset %s: OK, but the key was absent", name.c_str());
    if (got != pred || splinter_epoch(w_) != pred)
      violation("unset %s: epoch %" PRIu64 " (bus %" PRIu64 "), expected %" PRIu64, name.c_str(), got,
                splinter_epoch(w_), pred);
    present_[id] = false;
    --live_;
    st_.unsets.fetch_add(1, std::memory_order_relaxed);
  } else if (st == SPLINTER_E_NOT_FOUND) {
    if (present_[id]) violation("unset %s: NOT_FOUND, but the key is live", name.c_str());
    if (splinter_epoch(w_) != pred - 1) violation("unset %s: NOT_FOUND changed the bus epoch", name.c_str());
    st_.unset_absent.fetch_add(1, std::memory_order_relaxed);
  } else {
    violation("unset %s: %s (%s)", name.c_str(), splinter_status_name(st), splinter_last_error());
  }
}

// Sets beacon b/<i>, then acknowledges it in a/<i>: the ring of its last sets
// with (epoch, time before the call, time it returned).
void Writer::beacon() {
  const std::uint32_t i = next_beacon_++ % u_.beacons;
  std::uint64_t e = 0, ts = 0;
  if (!set(u_.beacon_id(i), {}, &e, &ts)) violation("beacon set failed");
  const std::uint64_t t = now_ns();
  auto &recent = recent_[i], &marks = checkpoints_[i];
  if (recent.size() == kAckRecent) recent.erase(recent.begin());
  recent.push_back({e, ts, t});
  if (marks.empty() || t - marks.back().acked >= kAckCheckpointNs) {
    if (marks.size() == kAckRing - kAckRecent) marks.erase(marks.begin());
    marks.push_back({e, ts, t});
  }
  ValueFacts f;
  f.aux0 = e;
  f.aux1 = t;
  for (const auto &m : marks)  // checkpoints older than the recent sets, then the recent sets
    if (m.epoch < recent.front().epoch) f.ring[f.ring_n++] = m;
  for (const auto &r : recent) f.ring[f.ring_n++] = r;
  if (!set(u_.ack_id(i), f)) violation("beacon ack set failed");
}

// Fills the table with new keys until FULL, then unsets about half the keys.
void Writer::fill() {
  st_.fills.fetch_add(1, std::memory_order_relaxed);
  for (std::uint32_t n = 0; n <= u_.regular; ++n) {
    std::uint32_t id = static_cast<std::uint32_t>(rng_() % u_.regular);
    for (std::uint32_t k = 0; k < u_.regular && present_[id]; ++k) id = (id + 1) % u_.regular;
    if (present_[id]) violation("fill: every regular key is live but FULL was never returned");
    if (!set(id)) break;  // FULL, checked legitimate inside set()
  }
  if (live_ != u_.slots) violation("fill ended with %u of %u slots live", live_, u_.slots);
  for (std::uint32_t id = 0; id < u_.regular; ++id)
    if (present_[id] && rng_() % 2) unset(id);
}

void Writer::self_check() {
  splinter_report rep{};
  struct First {
    std::string text;
  } first;
  auto fn = [](void *ctx, const splinter_finding *f) -> int {
    auto &fs = *static_cast<First *>(ctx);
    if (fs.text.empty())
      fs.text = "F" + std::to_string(f->rule) + " slot " + std::to_string(f->slot) + " key '" + f->key + "': " + f->detail;
    return 0;
  };
  const int st = splinter_check_bus(w_, fn, &first, &rep);
  if (st != SPLINTER_OK) violation("check_bus: %s (%s)", splinter_status_name(st), splinter_last_error());
  if (rep.findings != 0) violation("check_bus on the quiescent writer: %u findings, first %s", rep.findings, first.text.c_str());
  st_.self_checks.fetch_add(1, std::memory_order_relaxed);
}

void Writer::step() {
  const std::uint64_t now = now_ns();
  if (now - last_beacon_ > 2000000u) {
    last_beacon_ = now;
    beacon();
  }
  if (now - last_check_ > 500000000u) {
    last_check_ = now;
    self_check();
    if (o_.backing == SPLINTER_FILE) {  // flush under load (and sometimes die in it)
      const int st = splinter_flush(w_);
      if (st != SPLINTER_OK) violation("flush: %s (%s)", splinter_status_name(st), splinter_last_error());
      st_.flushes.fetch_add(1, std::memory_order_relaxed);
    }
  }
  const std::uint64_t r = rng_() % 4000;
  if (r == 0) fill();
  else if (r < 1800) set(static_cast<std::uint32_t>(rng_() % u_.hot));
  else if (r < 3000) set(static_cast<std::uint32_t>(rng_() % u_.regular));
  else unset(static_cast<std::uint32_t>(rng_() % u_.regular));
}

}  // namespace

int run_writer(const Options &o) {
  SharedPage *page = map_shared(o.stats);
  set_shared(page);
  set_role_label("writer gen " + std::to_string(o.gen));
  const Universe u = Universe::make(o.slots, o.max_value);
  ProcStats &st = page->proc[0];
  if (o.hook_kill_per_million > 0) {
    g_hook_ppm = o.hook_kill_per_million;
    g_hook_state = mix64(o.seed ^ (std::uint64_t{o.gen} << 20));
    splinter::test::set_crash_hook(crash_hook);
  }
  splinter_bus *w = nullptr;
  const std::uint64_t t0 = now_ns();
  for (;;) {
    const int r = splinter_open(&w, o.backing, o.bus.c_str(), SPLINTER_WRITER);
    if (r == SPLINTER_OK) break;
    if (r == SPLINTER_E_BUSY && now_ns() - t0 < 10000000000ull) {
      usleep(1000);
      continue;
    }
    violation("writer open %s: %s (%s)", o.bus.c_str(), splinter_status_name(r), splinter_last_error());
  }
  Writer wr(o, w, u, st);
  wr.load_model();
  wr.self_check();
  wr.announce(Rec::ready);
  if (o.control_fd >= 0) {  // wait for the parent to verify the takeover
    char c = 0;
    ssize_t n;
    do n = ::read(o.control_fd, &c, 1);
    while (n < 0 && errno == EINTR);
    if (n != 1) {
      splinter_close(w);
      return kExitOk;
    }
  }
  // Reader threads in the writer's process: TSan sees their races with the
  // writer thread. Thread 1 reads through the writer's own handle.
  std::vector<splinter_bus *> handles;
  std::vector<std::unique_ptr<Observer>> obs;
  for (std::uint32_t t = 1; t < o.threads; ++t) {
    const splinter_bus *h = w;
    if (t != 1) {
      splinter_bus *rh = nullptr;
      const int r = splinter_open(&rh, o.backing, o.bus.c_str(), SPLINTER_READER);
      if (r != SPLINTER_OK) violation("reader open in writer: %s", splinter_status_name(r));
      handles.push_back(rh);
      h = rh;
    }
    obs.push_back(std::make_unique<Observer>(h, u, st, static_cast<int>(t), mix64(o.seed + t + o.gen),
                                             "writer-process reader " + std::to_string(t)));
    obs.back()->set_poll_timeout(o.poll_timeout_ms);
  }
  st.threads.store(o.threads);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < obs.size(); ++i)
    threads.emplace_back(reader_thread_body, std::ref(*obs[i]), obs.size() >= 2 && i == obs.size() - 1);
  while (!page->stop.load(std::memory_order_relaxed)) {
    st.heartbeat_ns[0].store(now_ns(), std::memory_order_relaxed);
    wr.step();
  }
  for (auto &t : threads) t.join();
  wr.self_check();
  wr.announce(Rec::done);
  for (auto *h : handles) splinter_close(h);
  splinter_close(w);
  return kExitOk;
}

}  // namespace stress
