// validate.cpp -- every rule of docs/FORMAT.md section 4, by number.
//
// All reads are aligned relaxed 64-bit atomic loads (region.h), so the
// validator may run on a live mapping; each slot is re-read until its word
// is stable, so a concurrent writer yields at worst transient F13 findings.
#include "validate.h"

#include "hash.h"
#include "os.h"
#include "region.h"

#include <splinter/splinter.hpp>

#include <algorithm>
#include <cinttypes>
#include <cstdarg>
#include <cstdio>
#include <sched.h>
#include <string>
#include <unordered_map>
#include <vector>

namespace splinter {

std::string escape_key(const std::uint8_t *bytes, std::size_t len) {
  std::string s;
  for (std::size_t i = 0; i < len; ++i) {
    const unsigned char c = bytes[i];
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      s += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      s += buf;
    }
  }
  return s;
}

namespace {

using layout::State;

// Collects findings, keeps the totals, and remembers whether to stop.
class Reporter {
 public:
  Reporter(const FindingSink &sink, Validation *v) : sink_(sink), v_(v) {}
  void add(std::uint32_t rule, int severity, int fix, std::int64_t slot, std::string key, std::string detail) {
    if (stopped_) return;
    splinter_report &r = v_->report;
    ++r.findings;
    if (fix == SPLINTER_FIX_REPAIR) ++r.repaired;
    if (fix == SPLINTER_FIX_ROLLBACK) ++r.rolled_back;
    if (fix == SPLINTER_FIX_DROP) ++r.dropped;
    if (severity > r.worst) r.worst = severity;
    if (sink_) {
      Finding f{rule, severity, fix, slot, std::move(key), std::move(detail)};
      if (!sink_(f)) stopped_ = true;
    }
  }
  bool stopped() const { return stopped_; }

 private:
  const FindingSink &sink_;
  Validation *v_;
  bool stopped_ = false;
};

std::string fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
std::string fmt(const char *f, ...) {
  char buf[256];
  va_list ap;
  va_start(ap, f);
  std::vsnprintf(buf, sizeof buf, f, ap);
  va_end(ap);
  return buf;
}

Validation header_rules(const std::uint8_t *base, std::size_t size, std::uint64_t object_size, Reporter &rep,
                        Validation v) {
  auto fatal = [&](std::uint32_t rule, int status, std::string detail) {
    rep.add(rule, SPLINTER_SEV_FATAL, SPLINTER_FIX_NONE, -1, "", std::move(detail));
    v.status = status;
    return v;
  };
  const HeaderView h(base, size);
  if (size < 8 || h.magic() != layout::kMagic) return fatal(1, SPLINTER_E_CORRUPT, "not a splinter bus (bad magic)");
  if (size < layout::kHeaderFixedBytes)
    return fatal(5, SPLINTER_E_CORRUPT, fmt("truncated: %zu bytes", size));
  if (h.format_version() != layout::kFormatVersion)
    return fatal(2, SPLINTER_E_VERSION, fmt("unsupported format version %" PRIu32 " (this library reads %" PRIu32 ")",
                                             h.format_version(), layout::kFormatVersion));
  bool ok = true;
  auto bad = [&](std::uint32_t rule, std::string detail) {
    rep.add(rule, SPLINTER_SEV_FATAL, SPLINTER_FIX_NONE, -1, "", std::move(detail));
    ok = false;
  };
  if (h.slot_size() != layout::kSlotSize) bad(3, fmt("slot_size %" PRIu32 ", expected 128", h.slot_size()));
  if (!h.reserved_zero()) bad(3, "reserved header bytes are not zero");
  // F4: the geometry fields, and the region they make (at most 2^40 bytes).
  const auto geo = layout::compute_geometry(h.slots(), h.max_value_size());
  if (!geo) {
    bad(4, fmt("impossible geometry: %" PRIu32 " slots of %" PRIu32 " bytes", h.slots(), h.max_value_size()));
  } else {
    if (h.region_size() != geo->region_size)
      bad(5, fmt("region_size %" PRIu64 " does not match the geometry (%" PRIu64 ")", h.region_size(),
                 geo->region_size));
    if (object_size != geo->region_size)
      bad(5, fmt("object is %" PRIu64 " bytes, geometry needs %" PRIu64 " (truncated or extended)", object_size,
                 geo->region_size));
  }
  if (h.header_check() != h.computed_check()) bad(6, "header checksum mismatch");
  if (!ok) {
    v.status = SPLINTER_E_CORRUPT;
    return v;
  }
  v.geometry = geo;
  return v;
}

struct SlotVerdict {
  std::uint64_t word = 0;
  bool live_ok = false;      // a live key that survives recovery
  std::uint64_t epoch = 0;   // its epoch after recovery (rollback may lower it)
  std::string key;           // escaped
};

// The buffer-level rules (F11, F12) for buffer b of live slot i. Returns an
// empty string when the buffer is intact for this key at `epoch` (or, with
// older_than, at any epoch in [1, older_than)).
std::string buffer_problem(const RegionView &r, std::uint32_t i, unsigned b, std::uint64_t key_hash,
                           std::uint64_t want_epoch, std::uint64_t older_than, std::vector<std::uint8_t> &scratch,
                           std::uint32_t *rule) {
  const Meta m = r.meta(i, b);
  *rule = 11;
  if (m.len > r.geo().max_value_size)
    return fmt("buffer %u length %" PRIu32 " exceeds max_value_size %" PRIu32, b, m.len, r.geo().max_value_size);
  if (m.reserved != 0) return fmt("buffer %u reserved field is %" PRIu32, b, m.reserved);
  if (older_than != 0) {
    if (m.epoch < 1 || m.epoch >= older_than) return fmt("buffer %u epoch %" PRIu64 " is not older", b, m.epoch);
  } else if (m.epoch != want_epoch) {
    return fmt("buffer %u epoch %" PRIu64 " differs from the slot's %" PRIu64, b, m.epoch, want_epoch);
  }
  r.read_value(i, b, m.len, scratch.data());
  *rule = 12;
  if (value_check(key_hash, m.epoch, scratch.data(), m.len) != m.check)
    return fmt("buffer %u checksum mismatch (epoch %" PRIu64 ", %" PRIu32 " bytes)", b, m.epoch, m.len);
  return {};
}

struct PendingFinding {
  std::uint32_t rule;
  int severity;
  int fix;
  std::string detail;
};

// Examines one slot once. Fills the verdict and the slot's findings.
void examine_slot(const RegionView &r, std::uint32_t i, std::uint64_t flushed, std::vector<std::uint8_t> &scratch,
                  SlotVerdict *out, std::vector<PendingFinding> *found) {
  const std::uint64_t w = r.word(i, std::memory_order_acquire);
  out->word = w;
  const State st = layout::word_state(w);
  if (st == State::tombstone) return;
  Key k;
  r.load_key(i, &k);
  const bool key_shape_ok = k.well_formed();
  const bool key_ok = key_shape_ok && k.hash == key_hash(k.bytes(), k.len);
  out->key = escape_key(k.bytes(), key_shape_ok ? k.len : std::min<std::size_t>(k.len, SPLINTER_KEY_MAX));
  if (st == State::empty || st == State::invalid) {
    if (st == State::empty && w == 0) return;
    const int sev = key_ok ? SPLINTER_SEV_UNRECOVERABLE : SPLINTER_SEV_RECOVERABLE;
    found->push_back({st == State::invalid ? 7u : 8u, sev, key_ok ? SPLINTER_FIX_DROP : SPLINTER_FIX_REPAIR,
                      fmt("slot word %#" PRIx64 " is not a valid %s word", w,
                          st == State::invalid ? "slot" : "EMPTY")});
    return;
  }
  // LIVE.
  if (!key_shape_ok) {
    found->push_back({9, SPLINTER_SEV_UNRECOVERABLE, SPLINTER_FIX_DROP, "live key is not 1..63 non-NUL bytes + NUL padding"});
    return;
  }
  if (!key_ok) {
    found->push_back({10, SPLINTER_SEV_UNRECOVERABLE, SPLINTER_FIX_DROP, "key_hash is not the XXH3-64 of the key"});
    return;
  }
  const std::uint64_t e = layout::word_epoch(w);
  const unsigned a = layout::word_active(w);
  std::uint32_t rule = 11;
  std::string problem = e >= 1 ? buffer_problem(r, i, a, k.hash, e, 0, scratch, &rule) : "live slot has epoch 0";
  if (problem.empty()) {
    out->live_ok = true;
    out->epoch = e;
    return;
  }
  std::uint32_t other_rule = 0;
  const std::string other = buffer_problem(r, i, 1 - a, k.hash, 0, e == 0 ? 1 : e, scratch, &other_rule);
  // The other buffer is this key's immediately previous value (a new key's
  // set invalidates it). It may replace the damaged one only if the damaged
  // one was written after the last completed flush: otherwise the flushed
  // value itself is what was lost, and the previous one is older still.
  if (other.empty() && e <= flushed) {
    found->push_back({rule, SPLINTER_SEV_UNRECOVERABLE, SPLINTER_FIX_DROP,
                      problem + fmt("; the previous value (epoch %" PRIu64 ") predates the last flush (epoch %" PRIu64
                                    ") and is not restored",
                                    r.meta(i, 1 - a).epoch, flushed)});
    return;
  }
  if (other.empty()) {
    out->live_ok = true;
    out->epoch = r.meta(i, 1 - a).epoch;
    found->push_back({rule, SPLINTER_SEV_RECOVERABLE, SPLINTER_FIX_ROLLBACK,
                      problem + fmt("; previous value (epoch %" PRIu64 ") is intact", out->epoch)});
  } else {
    found->push_back({rule, SPLINTER_SEV_UNRECOVERABLE, SPLINTER_FIX_DROP, problem + "; no intact previous value"});
  }
}

}  // namespace

Validation validate_header(const std::uint8_t *base, std::size_t size, std::uint64_t object_size,
                           const FindingSink &sink) {
  Validation v;
  Reporter rep(sink, &v);
  return header_rules(base, size, object_size, rep, v);
}

Validation validate(const std::uint8_t *base, std::size_t size, const FindingSink &sink, int backing_fd) {
  Validation v;
  Reporter rep(sink, &v);
  v = header_rules(base, size, size, rep, v);
  if (v.status != SPLINTER_OK) return v;
  const RegionView r(base, *v.geometry);
  const std::uint32_t n = r.slots();
  std::vector<std::uint8_t> scratch(r.geo().max_value_size + 8);
  std::vector<SlotVerdict> slots(n);
  std::vector<PendingFinding> found;
  const std::uint64_t flushed = r.header().flushed_epoch(std::memory_order_acquire);

  // Per-slot rules F7-F12, each slot examined until its word is stable.
  for (std::uint32_t i = 0; i < n && !rep.stopped(); ++i) {
    for (int attempt = 0;; ++attempt) {
      found.clear();
      slots[i] = SlotVerdict{};
      examine_slot(r, i, flushed, scratch, &slots[i], &found);
      if (r.word(i, std::memory_order_acquire) == slots[i].word || attempt == 16) break;
    }
    for (auto &f : found) rep.add(f.rule, f.severity, f.fix, i, slots[i].key, std::move(f.detail));
  }
  if (rep.stopped()) return v;

  // F15: no duplicate live keys; the older copy is stale.
  std::unordered_map<std::string, std::uint32_t> seen;
  for (std::uint32_t i = 0; i < n; ++i) {
    if (!slots[i].live_ok) continue;
    auto [it, fresh] = seen.emplace(slots[i].key, i);
    if (fresh) continue;
    const std::uint32_t other = it->second;
    const bool keep_other = slots[other].epoch >= slots[i].epoch;
    const std::uint32_t stale = keep_other ? i : other;
    it->second = keep_other ? other : i;
    slots[stale].live_ok = false;
    rep.add(15, SPLINTER_SEV_RECOVERABLE, SPLINTER_FIX_REPAIR, stale, slots[stale].key,
            fmt("duplicate of the key in slot %" PRIu32 " (older epoch %" PRIu64 ")", it->second, slots[stale].epoch));
  }

  // F14: every live key reachable from its home slot. run[j] counts the
  // consecutive slots ending at j whose word is not 0 (recovery turns every
  // non-zero word into a live or tombstone slot).
  std::uint32_t zero = n;
  for (std::uint32_t i = 0; i < n; ++i)
    if (slots[i].word == 0) zero = i;
  if (zero != n) {
    std::vector<std::uint32_t> run(n, 0);
    std::uint32_t len = 0;
    for (std::uint32_t step = 1; step <= n; ++step) {
      const std::uint32_t j = static_cast<std::uint32_t>((std::uint64_t{zero} + step) % n);
      len = slots[j].word == 0 ? 0 : len + 1;
      run[j] = len;
    }
    for (std::uint32_t j = 0; j < n && !rep.stopped(); ++j) {
      if (!slots[j].live_ok) continue;
      const std::uint32_t h = r.home(r.hash(j));
      const std::uint32_t dist = static_cast<std::uint32_t>((std::uint64_t{j} + n - h) % n);
      if (dist >= run[j])
        rep.add(14, SPLINTER_SEV_RECOVERABLE, SPLINTER_FIX_REPAIR, j, slots[j].key,
                fmt("unreachable: an EMPTY slot lies between home slot %" PRIu32 " and slot %" PRIu32, h, j));
    }
  }

  // F13: no slot epoch above the bus epoch. Read the bus epoch last, and give
  // a live writer a moment to publish an epoch it has just committed (2.2
  // steps 6-7); with no live writer nothing can change, so do not wait.
  std::uint64_t max_epoch = flushed;
  if (flushed > r.header().bus_epoch(std::memory_order_acquire))
    rep.add(13, SPLINTER_SEV_RECOVERABLE, SPLINTER_FIX_REPAIR, -1, "",
            fmt("flushed epoch %" PRIu64 " is above the bus epoch %" PRIu64, flushed,
                r.header().bus_epoch(std::memory_order_acquire)));
  for (std::uint32_t i = 0; i < n; ++i) {
    const State st = layout::word_state(slots[i].word);
    if (st == State::live || st == State::tombstone) max_epoch = std::max(max_epoch, layout::word_epoch(slots[i].word));
  }
  std::uint64_t bus = r.header().bus_epoch(std::memory_order_acquire);
  const bool writer_live = bus < max_epoch && backing_fd >= 0 && os::writer_locked_elsewhere(backing_fd);
  for (int spin = 0; writer_live && bus < max_epoch && spin < 64; ++spin) {
    sched_yield();
    bus = r.header().bus_epoch(std::memory_order_acquire);
  }
  for (std::uint32_t i = 0; i < n && !rep.stopped() && bus < max_epoch; ++i) {
    const State st = layout::word_state(slots[i].word);
    const std::uint64_t e = layout::word_epoch(slots[i].word);
    if ((st == State::live || st == State::tombstone) && e > bus)
      rep.add(13, SPLINTER_SEV_RECOVERABLE, SPLINTER_FIX_REPAIR, i, st == State::live ? slots[i].key : "",
              fmt("slot epoch %" PRIu64 " is above the bus epoch %" PRIu64, e, bus));
  }
  return v;
}

}  // namespace splinter
