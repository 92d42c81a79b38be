// powerloss.cpp -- power-loss simulation (powerloss.h).
#include "powerloss.h"

#include "shared.h"
#include "value.h"

#include "testsupport/files.h"
#include "testsupport/spec.h"

#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace stress {
namespace {

using Bytes = std::vector<unsigned char>;
using testsupport::same_bytes;

// The format is the test-support library's independent reading of
// docs/FORMAT.md (spec.h), not src/layout.h. A power loss leaves whole pages
// from before or after the flush, or a page torn at a sector boundary.
constexpr std::size_t kPage = spec::kPage, kSector = 512;

Bytes read_file(const std::string &path) {
  auto b = testsupport::slurp_bytes(path);
  if (!b) setup_error("read %s: %s", path.c_str(), std::strerror(errno));
  return std::move(*b);
}

void write_file(const std::string &path, const Bytes &b) {
  if (!testsupport::spit(path, b)) setup_error("write %s: %s", path.c_str(), std::strerror(errno));
}

struct Finding {
  std::uint32_t rule;
  int severity, fix;
  std::int64_t slot;
  std::string key, detail;
};

int collect(void *ctx, const splinter_finding *f) {
  static_cast<std::vector<Finding> *>(ctx)->push_back({f->rule, f->severity, f->fix, f->slot, f->key, f->detail});
  return 0;
}

struct Totals {
  std::uint64_t rounds = 0, states = 0, torn_states = 0, torn_slots = 0, clean_checks = 0, writer_refused = 0,
                writer_opened = 0, recover_rolled_back = 0, recover_dropped = 0, recover_repaired = 0,
                keys_final = 0, keys_flushed = 0, keys_between = 0, keys_absent_ok = 0, keys_dropped = 0,
                corrupt_gets = 0;
};

class Sim {
 public:
  Sim(const Options &o, std::string dir)
      : o_(o), u_(Universe::make(o.slots, o.max_value)), dir_(std::move(dir)), rng_(o.seed),
        geo_(*spec::geometry(o.slots, o.max_value, 0, spec::default_ring(o.slots))) {}
  void round();
  const Totals &totals() const { return t_; }

 private:
  void mutate(splinter_bus *w, bool batch);
  void evaluate(const Bytes &img, const std::string &what);
  std::set<std::int64_t> torn_slots(const Bytes &img, std::map<std::int64_t, std::string> *why);
  // Gets every regular key through reader r; on(id, name, status, epoch, len) judges each answer.
  template <class On>
  void get_each(splinter_bus *r, Bytes &buf, On on) const {
    for (std::uint32_t id = 0; id < u_.regular; ++id) {
      const std::string name = u_.name(id);
      std::size_t len = 0;
      std::uint64_t e = 0;
      const int st = splinter_get(r, name.c_str(), buf.data(), buf.size(), &len, &e);
      on(id, name, st, e, len);
    }
  }
  // The bytes are the value key `id` was committed with at epoch e.
  bool committed(std::uint32_t id, std::uint64_t e, const unsigned char *bytes, std::size_t len) const {
    const auto it = versions_.find({id, e});
    return it != versions_.end() && it->second.size() == len && same_bytes(bytes, it->second.data(), len);
  }
  // Some committed version of key id had these bytes (a value recovery
  // restored: its rollback is a mutation and takes a new epoch, FORMAT.md 3).
  bool had_bytes(std::uint32_t id, const unsigned char *bytes, std::size_t len) const {
    for (auto it = versions_.lower_bound({id, 0}); it != versions_.end() && it->first.first == id; ++it)
      if (it->second.size() == len && same_bytes(bytes, it->second.data(), len)) return true;
    return false;
  }

  const Options &o_;
  Universe u_;
  std::string dir_;
  std::mt19937_64 rng_;
  spec::Geometry geo_;
  std::map<std::pair<std::uint32_t, std::uint64_t>, Bytes> versions_;  // every committed value
  std::vector<bool> live_;
  std::vector<std::uint64_t> epoch_;        // current epoch per key
  std::vector<bool> flushed_present_;
  std::vector<std::uint64_t> flushed_epoch_;
  std::vector<bool> absent_since_flush_;    // absent at the flush or unset after it
  std::vector<std::uint64_t> final_epoch_;
  std::uint64_t flush_epoch_ = 0;
  Totals t_;
};

void Sim::mutate(splinter_bus *w, bool batch) {
  const std::uint32_t id = static_cast<std::uint32_t>(
      batch && rng_() % 2 ? rng_() % u_.hot : rng_() % u_.regular);  // batches rewrite hot keys often
  const std::string name = u_.name(id);
  if (rng_() % 4 == 0) {
    std::uint64_t e = 0;
    const int st = splinter_unset(w, name.c_str(), &e);
    if (st == SPLINTER_OK) {
      live_[id] = false;
      epoch_[id] = 0;
      if (batch) absent_since_flush_[id] = true;
    } else if (st != SPLINTER_E_NOT_FOUND) {
      violation("powerloss: unset %s: %s", name.c_str(), splinter_status_name(st));
    }
    return;
  }
  const std::uint64_t e = splinter_epoch(w) + 1;
  Bytes v(u_.value_len(id, e));
  ValueFacts f;
  f.seq = e;
  encode(u_, id, e, f, v.data());
  std::uint64_t got = 0;
  const int st = splinter_set(w, name.c_str(), v.data(), v.size(), &got);
  if (st == SPLINTER_E_FULL) return;
  if (st != SPLINTER_OK || got != e) violation("powerloss: set %s: %s", name.c_str(), splinter_status_name(st));
  versions_[{id, e}] = std::move(v);
  live_[id] = true;
  epoch_[id] = e;
}

// The LIVE slots of img whose bytes are not exactly one committed version.
std::set<std::int64_t> Sim::torn_slots(const Bytes &img, std::map<std::int64_t, std::string> *why) {
  std::set<std::int64_t> torn;
  const spec::View im(img);
  for (std::uint32_t i = 0; i < o_.slots; ++i) {
    const spec::Slot s = im.slot(geo_, i);
    if (s.state() != spec::kLive) continue;  // only LIVE slots carry a value
    const std::uint64_t e = s.epoch();
    const std::string key = s.key_prefix();
    const auto id = u_.parse(key);
    std::string bad;
    const auto it = id ? versions_.find({*id, e}) : versions_.end();
    if (!id) bad = "unknown key";
    else if (it == versions_.end()) bad = "no committed version at this epoch";
    else {
      const Bytes &v = it->second;
      const spec::Meta &m = s.current_meta();
      const unsigned char *stored = im.value(geo_, i, s.sel(), v.size());
      if (s.key_hash != spec::key_hash(key)) bad = "key hash";
      else if (m.len != v.size() || m.reserved != 0 || m.epoch != e) bad = "meta len/epoch";
      else if (!stored || !same_bytes(stored, v.data(), v.size())) bad = "value bytes differ from the committed ones";
      else if (m.check != spec::value_check(v.data(), v.size(), s.key_hash, e)) bad = "meta check";
    }
    if (!bad.empty()) {
      torn.insert(i);
      if (why) (*why)[i] = key + " epoch " + std::to_string(e) + ": " + bad;
    }
  }
  return torn;
}

void Sim::evaluate(const Bytes &img, const std::string &what) {
  ++t_.states;
  const std::string path = dir_ + "/hybrid";
  write_file(path, img);
  std::map<std::int64_t, std::string> why;
  const std::set<std::int64_t> torn = torn_slots(img, &why);
  if (!torn.empty()) ++t_.torn_states;
  t_.torn_slots += torn.size();
  const char *ctx = what.c_str();

  // 1. The validator flags every torn slot, and F11/F12 only on torn slots.
  std::vector<Finding> found;
  splinter_report rep{};
  int st = splinter_check(SPLINTER_FILE, path.c_str(), collect, &found, &rep);
  if (st != SPLINTER_OK) violation("%s: check: %s (%s)", ctx, splinter_status_name(st), splinter_last_error());
  std::set<std::int64_t> flagged;
  bool lossy = false;
  if (o_.ignore_rule != 0)
    std::erase_if(found, [&](const Finding &f) { return f.rule == o_.ignore_rule; });
  for (const auto &f : found) {
    // Only a damage finding (F7-F12, and F18: a slot word that disagrees
    // with its buffers) flags a slot's bytes; F13/F14/F15 on a torn slot say
    // something else about it.
    if ((f.rule >= 7 && f.rule <= 12) || f.rule == 18) flagged.insert(f.slot);
    if (f.fix == SPLINTER_FIX_ROLLBACK || f.fix == SPLINTER_FIX_DROP || f.fix == SPLINTER_FIX_TRIM) lossy = true;
    if ((f.rule == 11 || f.rule == 12) && !torn.count(f.slot))
      violation("%s: check flags F%u on slot %" PRId64 " (key '%s'), whose bytes are a committed version: %s", ctx,
                f.rule, f.slot, f.key.c_str(), f.detail.c_str());
  }
  for (std::int64_t s : torn)
    if (!flagged.count(s))
      violation("%s: slot %" PRId64 " is torn (%s) but check reports no damage finding (F7-F12, F18) for it", ctx, s,
                why[s].c_str());
  if (found.empty()) ++t_.clean_checks;

  // 2. Reads of the raw hybrid return committed values, or CORRUPT for torn keys.
  std::set<std::string> torn_keys;
  for (std::int64_t s : torn) torn_keys.insert(why[s].substr(0, why[s].find(" epoch ")));
  splinter_bus *r = nullptr;
  st = splinter_open(&r, SPLINTER_FILE, path.c_str(), SPLINTER_READER);
  if (st != SPLINTER_OK) violation("%s: reader open: %s (%s)", ctx, splinter_status_name(st), splinter_last_error());
  Bytes buf(o_.max_value + 1);
  get_each(r, buf, [&](std::uint32_t id, const std::string &name, int gs, std::uint64_t e, std::size_t len) {
    if (gs == SPLINTER_OK) {
      if (!committed(id, e, buf.data(), len))
        violation("%s: get %s on the hybrid returned epoch %" PRIu64 ", not a committed value", ctx, name.c_str(), e);
    } else if (gs == SPLINTER_E_CORRUPT) {
      if (!torn_keys.count(name)) violation("%s: get %s: CORRUPT, but no slot of that key is torn", ctx, name.c_str());
      ++t_.corrupt_gets;
    } else if (gs != SPLINTER_E_NOT_FOUND) {
      violation("%s: get %s on the hybrid: %s (%s)", ctx, name.c_str(), splinter_status_name(gs), splinter_last_error());
    }
  });
  splinter_close(r);

  // 3. A writer open refuses exactly when a rollback or drop is needed.
  splinter_bus *w = nullptr;
  st = splinter_open(&w, SPLINTER_FILE, path.c_str(), SPLINTER_WRITER);
  if (lossy) {
    if (st == SPLINTER_OK) {
      splinter_close(w);
      violation("%s: writer open succeeded although check found damage needing rollback or drop", ctx);
    }
    if (st != SPLINTER_E_CORRUPT) violation("%s: writer open: %s, expected CORRUPT", ctx, splinter_status_name(st));
    ++t_.writer_refused;
  } else {
    if (st != SPLINTER_OK)
      violation("%s: writer open: %s (%s) on a hybrid with only lossless findings", ctx, splinter_status_name(st),
                splinter_last_error());
    splinter_report r2{};
    std::vector<Finding> f2;
    if (splinter_check_bus(w, collect, &f2, &r2) != SPLINTER_OK || r2.findings != 0)
      violation("%s: after a writer open's repairs, check still finds %u findings (first F%u: %s)", ctx, r2.findings,
                f2.empty() ? 0 : f2[0].rule, f2.empty() ? "" : f2[0].detail.c_str());
    splinter_close(w);
    ++t_.writer_opened;
  }

  // 4. Recovery: clean afterwards; every key has a value it really had.
  std::vector<Finding> fixed;
  splinter_report rr{};
  st = splinter_recover(SPLINTER_FILE, path.c_str(), collect, &fixed, &rr);
  if (st != SPLINTER_OK) violation("%s: recover: %s (%s)", ctx, splinter_status_name(st), splinter_last_error());
  t_.recover_rolled_back += rr.rolled_back;
  t_.recover_dropped += rr.dropped;
  t_.recover_repaired += rr.repaired;
  std::set<std::string> dropped, restored;
  for (const auto &f : fixed) {
    if (f.fix == SPLINTER_FIX_DROP) dropped.insert(f.key);
    if (f.fix == SPLINTER_FIX_ROLLBACK) restored.insert(f.key);
  }
  std::vector<Finding> after;
  splinter_report ra{};
  st = splinter_check(SPLINTER_FILE, path.c_str(), collect, &after, &ra);
  if (st != SPLINTER_OK || ra.findings != 0)
    violation("%s: after recover, check: %s with %u findings (first F%u slot %" PRId64 ": %s)", ctx,
              splinter_status_name(st), ra.findings, after.empty() ? 0 : after[0].rule,
              after.empty() ? -1 : after[0].slot, after.empty() ? "" : after[0].detail.c_str());
  st = splinter_open(&r, SPLINTER_FILE, path.c_str(), SPLINTER_READER);
  if (st != SPLINTER_OK) violation("%s: reader open after recover: %s", ctx, splinter_status_name(st));
  get_each(r, buf, [&](std::uint32_t id, const std::string &name, int gs, std::uint64_t e, std::size_t len) {
    if (gs == SPLINTER_OK) {
      if (!committed(id, e, buf.data(), len) && !(restored.count(name) && had_bytes(id, buf.data(), len)))
        violation("%s: after recover, %s holds epoch %" PRIu64 ", which is not a value it ever had", ctx, name.c_str(), e);
      if (flushed_present_[id] && e == flushed_epoch_[id]) ++t_.keys_flushed;
      else if (e == final_epoch_[id]) ++t_.keys_final;
      else if (e > flush_epoch_) ++t_.keys_between;
      else
        violation("%s: after recover, %s holds its epoch %" PRIu64 " value, older than its flushed value (%s epoch %" PRIu64
                  ", flush at bus epoch %" PRIu64 ")",
                  ctx, name.c_str(), e, flushed_present_[id] ? "present at" : "absent,", flushed_epoch_[id], flush_epoch_);
    } else if (gs == SPLINTER_E_NOT_FOUND) {
      if (dropped.count(name)) ++t_.keys_dropped;
      else if (absent_since_flush_[id]) ++t_.keys_absent_ok;
      else
        violation("%s: after recover, %s is absent, but it was live from the flush (epoch %" PRIu64
                  ") on and recovery did not report dropping it",
                  ctx, name.c_str(), flushed_epoch_[id]);
    } else {
      violation("%s: after recover, get %s: %s (%s)", ctx, name.c_str(), splinter_status_name(gs), splinter_last_error());
    }
  });
  splinter_close(r);
}

void Sim::round() {
  ++t_.rounds;
  const std::string path = dir_ + "/bus";
  ::unlink(path.c_str());
  versions_.clear();
  live_.assign(u_.regular, false);
  epoch_.assign(u_.regular, 0);
  splinter_bus *w = nullptr;
  int st = splinter_create(&w, SPLINTER_FILE, path.c_str(), o_.slots, o_.max_value, 0600);
  if (st != SPLINTER_OK) setup_error("create %s: %s", path.c_str(), splinter_status_name(st));
  const std::uint32_t pre = o_.slots + static_cast<std::uint32_t>(rng_() % (3 * o_.slots));
  for (std::uint32_t i = 0; i < pre; ++i) mutate(w, false);
  if ((st = splinter_flush(w)) != SPLINTER_OK) violation("flush: %s", splinter_status_name(st));
  const Bytes flushed = read_file(path);
  flush_epoch_ = splinter_epoch(w);
  flushed_present_ = live_;
  flushed_epoch_ = epoch_;
  absent_since_flush_.assign(u_.regular, false);
  for (std::uint32_t id = 0; id < u_.regular; ++id) absent_since_flush_[id] = !live_[id];
  const std::uint32_t batch = 1 + static_cast<std::uint32_t>(rng_() % (o_.slots / 2 + 1));
  for (std::uint32_t i = 0; i < batch; ++i) mutate(w, true);
  const Bytes final_img = read_file(path);  // the page cache: what the mapping holds now
  final_epoch_ = epoch_;
  splinter_close(w);

  std::vector<std::size_t> diff;
  for (std::size_t p = 0; p < flushed.size() / kPage; ++p)
    if (std::memcmp(&flushed[p * kPage], &final_img[p * kPage], kPage) != 0) diff.push_back(p);
  const std::uint32_t per_round = 24;
  for (std::uint32_t h = 0; h < per_round && t_.states < o_.states; ++h) {
    Bytes img = flushed;
    std::string what = "round " + std::to_string(t_.rounds) + " state " + std::to_string(h) + " (seed " +
                       std::to_string(o_.seed) + ")";
    if (h == 1) img = final_img;
    if (h >= 2) {
      const double q = static_cast<double>(1 + rng_() % 3) / 4.0;
      for (std::size_t p : diff)
        if (std::uniform_real_distribution<double>(0, 1)(rng_) < q)
          std::memcpy(&img[p * kPage], &final_img[p * kPage], kPage);
      if (!diff.empty() && rng_() % 3 == 0) {  // tear one page at a sector boundary
        const std::size_t p = diff[rng_() % diff.size()];
        const std::size_t cut = kSector * (1 + rng_() % (kPage / kSector - 1));
        const bool new_first = rng_() % 2;
        const Bytes &a = new_first ? final_img : flushed, &b = new_first ? flushed : final_img;
        std::memcpy(&img[p * kPage], &a[p * kPage], cut);
        std::memcpy(&img[p * kPage + cut], &b[p * kPage + cut], kPage - cut);
        what += ", page " + std::to_string(p) + " torn at " + std::to_string(cut);
      }
    }
    evaluate(img, what);
  }
}

}  // namespace

int run_powerloss(const Options &opts) {
  Options o = opts;
  if (o.seed == 0) o.seed = now_ns() ^ static_cast<std::uint64_t>(getpid());
  char tmpl[] = "/tmp/splinter-powerloss-XXXXXX";
  if (!mkdtemp(tmpl)) setup_error("mkdtemp: %s", std::strerror(errno));
  const std::string dir = tmpl;
  static std::string s_dir;
  s_dir = dir;
  set_violation_cleanup([] {
    if (std::getenv("SPLINTER_STRESS_KEEP")) {
      std::fprintf(stderr, "kept %s\n", s_dir.c_str());
      return;
    }
    ::unlink((s_dir + "/bus").c_str());
    ::unlink((s_dir + "/hybrid").c_str());
    ::rmdir(s_dir.c_str());
  });
  std::fprintf(stderr, "splinter_stress powerloss: seed %" PRIu64 ", %u slots, max value %u\n", o.seed, o.slots, o.max_value);
  const std::uint64_t t0 = now_ns();
  Sim sim(o, dir);
  while (sim.totals().states < o.states) sim.round();
  const Totals &t = sim.totals();
  std::printf("splinter_stress powerloss: %u slots, max value %u, seed %" PRIu64 ", %.1f s; violations: 0\n", o.slots,
              o.max_value, o.seed, static_cast<double>(now_ns() - t0) / 1e9);
  std::printf("  %" PRIu64 " rounds, %" PRIu64 " hybrid states tried, %" PRIu64 " with torn slots (%" PRIu64
              " torn slots, all flagged), %" PRIu64 " checked clean\n",
              t.rounds, t.states, t.torn_states, t.torn_slots, t.clean_checks);
  std::printf("  raw reads: %" PRIu64 " CORRUPT (torn keys only); writer open: %" PRIu64 " refused (lossy damage), %" PRIu64
              " opened clean\n",
              t.corrupt_gets, t.writer_refused, t.writer_opened);
  std::printf("  recover: %" PRIu64 " repairs, %" PRIu64 " rollbacks, %" PRIu64 " drops; keys after: %" PRIu64
              " final value, %" PRIu64 " flushed value, %" PRIu64 " in-between value, %" PRIu64 " absent (legitimately), %" PRIu64
              " dropped with a report\n",
              t.recover_repaired, t.recover_rolled_back, t.recover_dropped, t.keys_final, t.keys_flushed, t.keys_between,
              t.keys_absent_ok, t.keys_dropped);
  std::fflush(stdout);
  ::unlink((dir + "/bus").c_str());
  ::unlink((dir + "/hybrid").c_str());
  ::rmdir(dir.c_str());
  return kExitOk;
}

}  // namespace stress
