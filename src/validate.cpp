// validate.cpp -- every rule of docs/FORMAT.md section 4, by number.
//
// All reads are aligned relaxed 64-bit atomic loads (region.h), so the
// validator may run on a live mapping; each slot and feed entry is re-read
// until it is stable, so a concurrent writer yields at worst transient
// findings. Alongside each finding the validator records its fix in the
// Validation's RepairPlan, which recovery applies (recover.cpp).
#include "validate.h"

#include "hash.h"
#include "mutants.h"
#include "os.h"
#include "region.h"

#include <splinter/splinter.hpp>

#include <algorithm>
#include <cinttypes>
#include <cstdarg>
#include <cstdio>
#include <map>
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
using Kind = RepairPlan::Kind;

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
    if (fix == SPLINTER_FIX_TRIM) ++r.trimmed;
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

// ---- The header: F1-F6, F16, F17 ----

// A header (the primary or its copy) is intact when its check matches bytes
// 0..47 and bytes 56..63, the one reserved word outside the check, are zero
// (F6, F16): so one damaged byte anywhere in 0..63 makes that header, not
// the bus, damaged, and the other one is believed.
bool intact(const HeaderView &h) {
  return h.header_check() == h.computed_check() && h.at_reserved2() == 0;
}

bool same_fixed(const HeaderView &a, const HeaderView &b) {
  std::uint64_t x[layout::kHeaderFixedBytes / 8], y[layout::kHeaderFixedBytes / 8];
  a.fixed_words(x);
  b.fixed_words(y);
  return std::equal(std::begin(x), std::end(x), std::begin(y));
}

// Fills v (the one the reporter counts into).
void header_rules(const std::uint8_t *base, std::size_t size, std::uint64_t object_size, Reporter &rep,
                  Validation &v) {
  auto fatal = [&](std::uint32_t rule, int status, std::string detail) {
    rep.add(rule, SPLINTER_SEV_FATAL, SPLINTER_FIX_NONE, -1, "", std::move(detail));
    v.status = status;
  };
  if (size < 8) return fatal(1, SPLINTER_E_CORRUPT, "not a splinter bus (bad magic)");
  const HeaderView primary(base, size);
  // Which bytes to believe (F16): the primary when its check matches, else
  // the copy at 2048 when its own check matches, else the primary, whose
  // damage is then fatal (F1-F6 as a single copy would be).
  const bool primary_ok = size >= layout::kHeaderFixedBytes && intact(primary);
  const bool copy_ok = primary.copy_readable() && intact(primary.copy());
  const bool from_copy = !primary_ok && copy_ok;
  const HeaderView h = from_copy ? primary.copy() : primary;
  if (h.magic() != layout::kMagic) return fatal(1, SPLINTER_E_CORRUPT, "not a splinter bus (bad magic)");
  if (size < layout::kHeaderFixedBytes) return fatal(5, SPLINTER_E_CORRUPT, fmt("truncated: %zu bytes", size));
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
  const bool depth_ok = layout::valid_history_depth(h.history_depth());
  const bool ring_ok = layout::valid_change_ring(h.change_ring());
  if (!depth_ok) bad(3, fmt("history_depth %" PRIu32 " exceeds %d", h.history_depth(), SPLINTER_HISTORY_MAX));
  if (!ring_ok) bad(3, fmt("change_ring %" PRIu32 " is not a power of two in 1..2^24", h.change_ring()));
  std::optional<layout::Geometry> geo;
  if (depth_ok && ring_ok) {
    // F4: the geometry fields, and the region they make (at most 2^40 bytes).
    geo = layout::compute_geometry(h.slots(), h.max_value_size(), h.history_depth(), h.change_ring());
    if (!geo) {
      bad(4, fmt("impossible geometry: %" PRIu32 " slots of %" PRIu32 " bytes", h.slots(), h.max_value_size()));
    } else {
      if (h.region_size() != geo->region_size)
        bad(5, fmt("region_size %" PRIu64 " does not match the geometry (%" PRIu64 ")", h.region_size(),
                   geo->region_size));
      if (object_size < geo->region_size)
        bad(5, fmt("object is %" PRIu64 " bytes, geometry needs %" PRIu64 " (truncated)", object_size,
                   geo->region_size));
    }
  }
  if (!primary_ok && !copy_ok) bad(6, "header checksum mismatch (and the header copy at 2048 is damaged too)");
  if (!ok) {
    v.status = SPLINTER_E_CORRUPT;
    return;
  }
  v.geometry = geo;
  v.header_from_copy = from_copy;
  if (object_size > geo->region_size) {
    rep.add(17, SPLINTER_SEV_RECOVERABLE, SPLINTER_FIX_REPAIR, -1, "",
            fmt("object is %" PRIu64 " bytes, region_size %" PRIu64 " (extended): truncated back", object_size,
                geo->region_size));
    v.plan.truncate = true;
  }
  if (from_copy) {
    rep.add(16, SPLINTER_SEV_RECOVERABLE, SPLINTER_FIX_REPAIR, -1, "",
            "header bytes 0..63 fail their check; the intact copy at 2048 is used and rewrites them");
    v.plan.rewrite_primary = true;
  } else if (primary.copy_readable() && (!copy_ok || !same_fixed(primary, primary.copy()))) {
    rep.add(16, SPLINTER_SEV_RECOVERABLE, SPLINTER_FIX_REPAIR, -1, "",
            "the header copy at 2048 is damaged; bytes 0..63 are intact and rewrite it");
    v.plan.rewrite_copy = true;
  }
}

// ---- The change feed: F20, and what the epoch rules need of it ----

struct FeedScan {
  std::uint64_t max_epoch = 0;  // the largest epoch of an intact (or removed) entry
  // Per index: the intact entry's epoch (0: none intact there), and whether
  // it is a removed entry (op 0).
  std::vector<std::uint64_t> epoch;
  std::vector<bool> nonzero;  // the word is not 0
  // The newest intact entry naming each key (64 NUL-padded bytes).
  struct Latest {
    std::uint64_t epoch = 0;
    unsigned op = 0;
  };
  std::unordered_map<std::string, Latest> latest;
};

std::string key_bytes(const StoredKey &k) { return std::string(reinterpret_cast<const char *>(k.words), layout::kKeyBytes); }

FeedScan scan_feed(const RegionView &r, Reporter &rep, RepairPlan &plan) {
  FeedScan s;
  const std::uint32_t ring = r.geo().change_ring;
  s.epoch.assign(ring, 0);
  s.nonzero.assign(ring, false);
  for (std::uint32_t j = 0; j < ring && !rep.stopped(); ++j) {
    std::uint64_t w = 0, check = 0;
    StoredKey k;
    for (int attempt = 0; attempt < 16; ++attempt) {
      w = r.feed_word(j, std::memory_order_acquire);
      check = r.feed_check_word(j);
      r.load_feed_key(j, &k);
      // Pairs with the writer's release fence after it cleared the word (2.2
      // step 8), as in changes() (2.9 step 3): an unchanged word on the
      // re-read below means the check and key above are that entry's.
      std::atomic_thread_fence(std::memory_order_acquire);
      if (r.feed_word(j, std::memory_order_relaxed) == w) break;
    }
    if (w == 0) continue;
    s.nonzero[j] = true;
    const std::uint64_t e = layout::feed_epoch(w);
    const unsigned op = layout::feed_op(w);
    std::string problem;
    if ((w & 0xF8u) != 0) problem = "bits 3-7 of its word are not zero";
    else if (e == 0) problem = "epoch 0";
    else if (r.geo().feed_index(e) != j) problem = fmt("epoch %" PRIu64 " does not belong at this index", e);
    else if (op == layout::kOpNone) {
      // A removed entry (recovery's F20 fix): word (0, epoch), the rest zero.
      bool zero = check == 0;
      for (std::uint64_t word : k.words) zero = zero && word == 0;
      if (!zero) problem = "a removed entry (op 0) whose check or key bytes are not zero";
    } else if (op > layout::kOpExpire) problem = fmt("op %u is not 1..3", op);
    else if (!k.well_formed()) problem = "its key is not 1..63 non-NUL bytes followed by NULs";
    else if (check != layout::feed_check(k.hash, w)) problem = "its check does not match its word and key";
    if (!problem.empty()) {
      rep.add(20, SPLINTER_SEV_RECOVERABLE, SPLINTER_FIX_REPAIR, -1,
              k.well_formed() ? escape_key(k.bytes(), k.len) : "",
              fmt("feed entry %" PRIu32 " is damaged (%s): removed", j, problem.c_str()));
      plan.feed_remove.push_back(j);
      continue;
    }
    s.epoch[j] = e;
    s.max_epoch = std::max(s.max_epoch, e);
    if (op == layout::kOpNone) continue;
    FeedScan::Latest &l = s.latest[key_bytes(k)];
    if (e > l.epoch) l = {e, op};
  }
  return s;
}

// ---- Slots: F7-F12, F18, F19 ----

struct SlotVerdict {
  std::uint64_t word = 0;
  bool live_ok = false;         // a live key after recovery
  bool verified = false;        // its epoch is that of an intact buffer meta
  bool tombstone = false;       // a TOMBSTONE after recovery
  bool mutated = false;         // recovery rolls it back or drops it (takes a new epoch)
  std::uint64_t epoch = 0;      // its epoch after recovery (F13, F15)
  std::uint64_t hash = 0;       // its key_hash after recovery
  bool key_ok = false;          // its key is well formed (F9's shape): a feed entry can name it
  unsigned op = 0;              // the feed op of its word's mutation
  std::string key;              // escaped
};

struct PendingFinding {
  std::uint32_t rule;
  int severity;
  int fix;
  std::string detail;
  std::optional<RepairPlan::SlotFix> slot_fix;
  std::optional<RepairPlan::Mutation> mutation;
};

// Reads the buffers of one slot for one key.
class Buffers {
 public:
  Buffers(const RegionView &r, std::uint32_t i, std::uint64_t key_hash, std::vector<std::uint8_t> &scratch)
      : r_(r), i_(i), h_(key_hash), scratch_(scratch) {}

  // What is wrong with buffer b as the value of this key: empty when it is
  // intact (F11's meta shape, epoch >= 1, F23's deadline, F12's check).
  // *rule: 11, 23 or 12.
  std::string problem(unsigned b, std::uint32_t *rule) const {
    const Meta m = r_.meta(i_, b);
    *rule = 11;
    if (m.len > r_.geo().max_value_size)
      return fmt("buffer %u length %" PRIu32 " exceeds max_value_size %" PRIu32, b, m.len, r_.geo().max_value_size);
    if (m.reserved != 0) return fmt("buffer %u reserved field is %" PRIu32, b, m.reserved);
    if (m.epoch == 0) return fmt("buffer %u has epoch 0", b);
    if (m.deadline > layout::kDeadlineMax) {
      *rule = 23;
      return fmt("buffer %u deadline %" PRIu64 " is above 2^48 - 1", b, m.deadline);
    }
    r_.read_value(i_, b, m.len, scratch_.data());
    *rule = 12;
    if (value_check(h_, m.epoch, scratch_.data(), m.len, m.deadline) != m.check)
      return fmt("buffer %u checksum mismatch (epoch %" PRIu64 ", %" PRIu32 " bytes)", b, m.epoch, m.len);
    return {};
  }
  bool intact(unsigned b, std::uint64_t *epoch = nullptr) const {
    std::uint32_t rule;
    if (!problem(b, &rule).empty()) return false;
    if (epoch) *epoch = r_.meta(i_, b).epoch;
    return true;
  }
  bool intact_at(unsigned b, std::uint64_t e) const { return r_.meta(i_, b).epoch == e && intact(b); }
  // A buffer (sel first, when it is one) holding this key's intact value of epoch e.
  std::optional<unsigned> find(std::uint64_t e, unsigned sel, bool skip_sel = false) const {
    if (e == 0) return std::nullopt;
    if (!skip_sel && sel < r_.buffers() && intact_at(sel, e)) return sel;
    for (unsigned b = 0; b < r_.buffers(); ++b)
      if (b != sel && intact_at(b, e)) return b;
    return std::nullopt;
  }
  // True if no other intact buffer of this key is as new as epoch e.
  bool newest(unsigned b, std::uint64_t e) const {
    for (unsigned x = 0; x < r_.buffers(); ++x) {
      std::uint64_t ex = 0;
      if (x != b && intact(x, &ex) && ex >= e) return false;
    }
    return true;
  }

 private:
  const RegionView &r_;
  std::uint32_t i_;
  std::uint64_t h_;
  std::vector<std::uint8_t> &scratch_;
};

struct SlotContext {
  const RegionView &r;
  std::uint64_t flushed;
  const FeedScan &feed;
  std::vector<std::uint8_t> &scratch;
};

// The feed's newest intact entry for the key, if the feed still holds one.
std::optional<FeedScan::Latest> latest_in_feed(const SlotContext &c, const StoredKey &k) {
  const auto it = c.feed.latest.find(key_bytes(k));
  if (it == c.feed.latest.end()) return std::nullopt;
  return it->second;
}

// F18's restore of a word whose state byte was damaged: does the feed say the
// key was removed after epoch e? Then the buffer of epoch e is a removed
// key's last value, and restoring it would resurrect the key.
bool removed_after(const SlotContext &c, const StoredKey &k, std::uint64_t e) {
  const auto l = latest_in_feed(c, k);
  return l && l->epoch > e && l->op != layout::kOpSet;
}

// F19: buffers a-1 .. a-history_depth of live slot i, whose current value
// (buffer a) has epoch e.
void check_history(const SlotContext &c, std::uint32_t i, const Buffers &bufs, unsigned a, std::uint64_t e,
                   std::vector<PendingFinding> *found) {
  const RegionView &r = c.r;
  const unsigned depth = r.geo().history_depth;
  std::uint64_t newer = e;
  for (unsigned j = 1; j <= depth; ++j) {
    const unsigned b = r.buffer_add(a, -static_cast<int>(j));
    std::string problem;
    if (r.meta(i, b).zero()) {
      // The history began here: every older meta is zero too.
      for (unsigned j2 = j + 1; j2 <= depth && problem.empty(); ++j2)
        if (!r.meta(i, r.buffer_add(a, -static_cast<int>(j2))).zero())
          problem = fmt("history entry %u (buffer %u) follows the history's end", j2,
                        r.buffer_add(a, -static_cast<int>(j2)));
      if (problem.empty()) return;
    } else {
      std::uint32_t rule;
      problem = bufs.problem(b, &rule);
      const std::uint64_t eb = r.meta(i, b).epoch;
      if (problem.empty() && eb >= newer)
        problem = fmt("history entry %u (buffer %u) has epoch %" PRIu64 ", not older than %" PRIu64, j, b, eb, newer);
      else if (!problem.empty())
        problem = fmt("history entry %u: ", j) + problem;
      newer = eb;
    }
    if (!problem.empty()) {
      found->push_back({19, SPLINTER_SEV_RECOVERABLE, SPLINTER_FIX_TRIM,
                        problem + "; it and the older entries are removed, the current value is kept",
                        RepairPlan::SlotFix{Kind::trim, i, 0, b, depth - j + 1}, std::nullopt});
      return;
    }
  }
}

// A TOMBSTONE word's sel after F7: its op when it is one (0, 2 or 3), else 0.
// Every fix that rewrites a tombstone's word keeps this sel, so two fixes of
// one word (F7's and F13's) compose in one recovery round.
unsigned tombstone_sel(unsigned sel) {
  return sel == layout::kOpNone || sel == layout::kOpUnset || sel == layout::kOpExpire ? sel : layout::kOpNone;
}

// Examines one slot once. Fills the verdict and the slot's findings.
void examine_slot(const SlotContext &c, std::uint32_t i, SlotVerdict *out, std::vector<PendingFinding> *found) {
  const RegionView &r = c.r;
  const std::uint64_t w = r.word(i, std::memory_order_acquire);
  out->word = w;
  const State st = layout::word_state(w);
  if (st == State::empty && w == 0) return;
  StoredKey k;
  r.load_key(i, &k);
  const bool shape_ok = k.well_formed();
  out->key_ok = shape_ok;
  const std::uint64_t computed = shape_ok ? key_hash(k.bytes(), k.len) : 0;
  const bool hash_ok = shape_ok && computed == k.hash;
  out->key = escape_key(k.bytes(), shape_ok ? k.len : std::min<std::size_t>(k.len, SPLINTER_KEY_MAX));
  const std::uint64_t e = layout::word_epoch(w);
  const unsigned sel = layout::word_sel(w);
  const unsigned K = r.buffers();
  const Buffers bufs(r, i, computed, c.scratch);
  auto restore = [&](unsigned b, const char *what) {
    // F18: a damaged LIVE word, restored from the buffer its epoch names.
    out->live_ok = out->verified = true;
    out->tombstone = false;
    out->epoch = e;
    out->hash = computed;
    out->op = layout::kOpSet;
    found->push_back({18, SPLINTER_SEV_RECOVERABLE, SPLINTER_FIX_ROLLBACK,
                      fmt("%s word %#" PRIx64 " names epoch %" PRIu64
                          " of an intact value of its key (buffer %u): a LIVE word whose state byte was damaged; "
                          "restored",
                          what, w, e, b),
                      RepairPlan::SlotFix{Kind::set_word, i, layout::make_word(State::live, b, e), 0, 0},
                      std::nullopt});
    // The restored key's history is judged now, not in a second round.
    check_history(c, i, bufs, b, e, found);
  };

  if (st == State::tombstone) {
    out->tombstone = true;
    out->epoch = e;
    out->op = sel == layout::kOpNone ? layout::kOpUnset : sel;
    if (!mutant::kNoSlotWordCrossCheck && hash_ok && !removed_after(c, k, e))
      if (const auto b = bufs.find(e, sel)) return restore(*b, "TOMBSTONE");
    if (tombstone_sel(sel) != sel)
      found->push_back({7, SPLINTER_SEV_RECOVERABLE, SPLINTER_FIX_REPAIR,
                        fmt("TOMBSTONE word %#" PRIx64 ": sel %u is not an op (0, 2 or 3)", w, sel),
                        RepairPlan::SlotFix{Kind::set_word, i, layout::make_word(State::tombstone, tombstone_sel(sel), e), 0, 0},
                        std::nullopt});
    return;
  }
  if (st == State::empty || st == State::invalid) {
    if (!mutant::kNoSlotWordCrossCheck && hash_ok && !removed_after(c, k, e))
      if (const auto b = bufs.find(e, sel)) return restore(*b, st == State::invalid ? "invalid" : "EMPTY");
    // The key may have been live (a key may be lost) only if it is well formed.
    const int sev = hash_ok ? SPLINTER_SEV_UNRECOVERABLE : SPLINTER_SEV_RECOVERABLE;
    found->push_back({st == State::invalid ? 7u : 8u, sev, hash_ok ? SPLINTER_FIX_DROP : SPLINTER_FIX_REPAIR,
                      fmt("slot word %#" PRIx64 " is not a valid %s word", w, st == State::invalid ? "slot" : "EMPTY"),
                      RepairPlan::SlotFix{Kind::tombstone0, i, 0, 0, 0}, std::nullopt});
    return;
  }

  // LIVE.
  if (!shape_ok) {
    found->push_back({9, SPLINTER_SEV_UNRECOVERABLE, SPLINTER_FIX_DROP, "live key is not 1..63 non-NUL bytes + NUL padding",
                      RepairPlan::SlotFix{Kind::tombstone0, i, 0, 0, 0}, std::nullopt});
    return;
  }
  if (!hash_ok) {
    // The key bytes or the key_hash field is damaged. When the key's own hash
    // is the seed of the checked value the word names, only the field is.
    if (!bufs.find(e, sel)) {
      found->push_back({10, SPLINTER_SEV_UNRECOVERABLE, SPLINTER_FIX_DROP, "key_hash is not the XXH3-64 of the key",
                        RepairPlan::SlotFix{Kind::tombstone0, i, 0, 0, 0}, std::nullopt});
      return;
    }
    found->push_back({10, SPLINTER_SEV_RECOVERABLE, SPLINTER_FIX_REPAIR,
                      fmt("key_hash %#" PRIx64 " is not the XXH3-64 of the key, whose hash checks its value: rewritten",
                          k.hash),
                      RepairPlan::SlotFix{Kind::set_hash, i, computed, 0, 0}, std::nullopt});
  }
  out->hash = computed;
  out->op = layout::kOpSet;
  unsigned a = sel;
  std::uint64_t current = e;
  if (e >= 1 && sel < K && bufs.intact_at(sel, e)) {
    // The word and its buffer agree.
  } else if (const auto b = mutant::kNoSlotWordCrossCheck ? std::nullopt : bufs.find(e, sel, true)) {
    // F18: the word's epoch is intact and names another buffer: its sel was damaged.
    a = *b;
    found->push_back({18, SPLINTER_SEV_RECOVERABLE, SPLINTER_FIX_REPAIR,
                      fmt("sel %u does not name the value of epoch %" PRIu64 "; buffer %u holds it: sel repaired", sel,
                          e, a),
                      RepairPlan::SlotFix{Kind::set_word, i, layout::make_word(State::live, a, e), 0, 0},
                      std::nullopt});
  } else if (std::uint64_t ea = 0; !mutant::kNoSlotWordCrossCheck && sel < K && bufs.intact(sel, &ea) &&
                                   bufs.newest(sel, ea) &&
                                   (ea > c.flushed || [&] {
                                     const auto l = latest_in_feed(c, k);
                                     return l && l->epoch == ea && l->op == layout::kOpSet;
                                   }())) {
    // F18: the buffer the word selects holds this key's newest intact value,
    // of another epoch: the word's epoch bytes were damaged. Restored only
    // when that value is not older than the last flush or the feed shows it
    // is the key's last change (a value from before a power failure's flush
    // is never brought back: section 3).
    current = ea;
    found->push_back({18, SPLINTER_SEV_RECOVERABLE, SPLINTER_FIX_ROLLBACK,
                      fmt("word epoch %" PRIu64 ", but buffer %u holds the key's newest intact value, of epoch %" PRIu64
                          ": the word's epoch was damaged; restored",
                          e, sel, ea),
                      RepairPlan::SlotFix{Kind::set_word, i, layout::make_word(State::live, sel, ea), 0, 0},
                      std::nullopt});
  } else {
    // F11/F12: no intact current value. Roll back to the previous value
    // (buffer a-1) when it is intact and the damaged value was written after
    // the last completed flush; otherwise drop the key.
    std::uint32_t rule = 11;
    std::string problem;
    if (sel >= K) problem = fmt("sel %u names no buffer (%u buffers)", sel, K);
    else if (e == 0) problem = "live slot has epoch 0";
    else {
      problem = bufs.problem(sel, &rule);
      const std::uint64_t me = r.meta(i, sel).epoch;
      if (problem.empty() || rule == 12 || rule == 23) {
        if (me != e) {
          rule = 11;
          problem = fmt("buffer %u epoch %" PRIu64 " differs from the slot's %" PRIu64, sel, me, e);
        }
      }
    }
    std::uint64_t ep = 0;
    const unsigned prev = sel < K ? r.buffer_add(sel, -1) : 0;
    const bool have_prev = sel < K && e >= 1 && bufs.intact(prev, &ep) && ep < e;
    if (have_prev && e > c.flushed) {
      out->live_ok = out->verified = true;
      out->mutated = true;
      out->epoch = ep;
      found->push_back({rule, SPLINTER_SEV_RECOVERABLE, SPLINTER_FIX_ROLLBACK,
                        problem + fmt("; previous value (epoch %" PRIu64 ") is intact", ep), std::nullopt,
                        RepairPlan::Mutation{false, i, prev}});
    } else {
      out->mutated = true;
      found->push_back({rule, SPLINTER_SEV_UNRECOVERABLE, SPLINTER_FIX_DROP,
                        problem + (have_prev ? fmt("; the previous value (epoch %" PRIu64
                                                   ") predates the last flush (epoch %" PRIu64 ") and is not restored",
                                                   ep, c.flushed)
                                             : std::string("; no intact previous value")),
                        std::nullopt, RepairPlan::Mutation{true, i, 0}});
    }
    return;
  }
  out->live_ok = out->verified = true;
  out->epoch = current;
  check_history(c, i, bufs, a, current, found);
}

// ---- F13 and F21: the bus epoch ----

void epoch_rules(const RegionView &r, const std::vector<SlotVerdict> &slots, const FeedScan &feed,
                 std::uint64_t flushed, int backing_fd, Reporter &rep, RepairPlan &plan) {
  const std::uint32_t n = r.slots();
  // The largest epoch a slot's word proves: a live word's epoch is that of
  // its intact value. A tombstone's epoch proves nothing on its own.
  std::uint64_t verified_max = 0;
  for (const SlotVerdict &s : slots)
    if (s.live_ok && s.verified && !s.mutated) verified_max = std::max(verified_max, s.epoch);
  auto tomb_max = [&] {
    std::uint64_t m = 0;
    for (const SlotVerdict &s : slots)
      if (s.tombstone) m = std::max(m, s.epoch);
    return m;
  };
  // Read the bus epoch last, and give a live writer a moment to publish an
  // epoch it has just committed (2.2 steps 7-9); with no live writer nothing
  // can change, so do not wait.
  std::uint64_t bus = r.header().bus_epoch(std::memory_order_acquire);
  const std::uint64_t ahead = std::max({verified_max, feed.max_epoch, tomb_max()});
  const bool writer_live = bus < ahead && backing_fd >= 0 && os::writer_locked_elsewhere(backing_fd);
  for (int spin = 0; writer_live && bus < ahead && spin < 64; ++spin) {
    sched_yield();
    bus = r.header().bus_epoch(std::memory_order_acquire);
  }

  // A slot of epoch bus + 1 is a mutation committed by a writer that died
  // before storing the bus epoch (section 3): the next writer raises it.
  bool pending = false;
  for (const SlotVerdict &s : slots)
    if ((s.tombstone || (s.live_ok && s.verified && !s.mutated)) && s.epoch == bus + 1) pending = true;
  const std::uint64_t raised = pending ? bus + 1 : bus;
  // F21: the bus epoch is backed by the feed: 0 with no entry, or the entry
  // of its index holds exactly it (a damaged entry there is F20's, and the
  // bus epoch is kept; after a lost store the entry is written from the slot).
  const std::uint32_t at = r.geo().feed_index(raised);
  bool any_entry = false;
  for (bool nz : feed.nonzero) any_entry = any_entry || nz;
  const bool damaged_there = feed.nonzero[at] && feed.epoch[at] == 0;
  // No entry can hold an epoch above kEpochMax (56 bits): such a bus epoch is
  // never backed, whatever its index holds.
  const bool backed = raised == 0 ? !any_entry
                                  : raised <= layout::kEpochMax &&
                                        (feed.epoch[at] == raised || damaged_there || pending);
  std::uint64_t target = raised;
  // A committed mutation's feed entry is written from its slot; when there is
  // no such slot, or its key is not one a feed entry can hold (a tombstone's
  // key bytes are not checked by F9), the entry is marked removed instead (op
  // 0: followers asking for it get COMPACTED).
  auto fill_or_remove = [&](std::optional<std::uint32_t> from, std::uint32_t index) {
    if (from && slots[*from].key_ok) plan.feed_fill.push_back(*from);
    else plan.feed_remove.push_back(index);
  };
  auto back_target = [&] {
    // The new bus epoch must be backed too (a power loss can leave the feed
    // page older than the header and the slots): its entry is written from
    // the slot whose word holds that epoch, else marked removed (op 0:
    // followers asking for it get COMPACTED).
    const std::uint32_t tat = r.geo().feed_index(target);
    if (target > 0 && feed.epoch[tat] != target) {
      std::optional<std::uint32_t> from;
      for (std::uint32_t i = 0; i < n && !from; ++i)
        if ((slots[i].tombstone || (slots[i].live_ok && slots[i].verified && !slots[i].mutated)) &&
            slots[i].epoch == target)
          from = i;
      fill_or_remove(from, tat);
    }
  };
  if (!backed) {
    // The last flush backs an epoch only when it is one (56 bits, like every
    // epoch the feed or a word can hold): a damaged flushed_epoch above
    // kEpochMax would make a target no feed entry can back, and F13 lowers it.
    target = std::max({feed.max_epoch, verified_max, flushed <= layout::kEpochMax ? flushed : 0});
    for (const SlotVerdict &s : slots)
      if (s.tombstone && s.epoch <= std::max(target, feed.max_epoch)) target = std::max(target, s.epoch);
    rep.add(21, SPLINTER_SEV_RECOVERABLE, SPLINTER_FIX_REPAIR, -1, "",
            feed.nonzero[at] ? fmt("bus_epoch %" PRIu64 " is not backed by the feed (entry %" PRIu32
                                   " holds epoch %" PRIu64 "): set to %" PRIu64,
                                   bus, at, feed.epoch[at], target)
                             : fmt("bus_epoch %" PRIu64 " is not backed by the feed (entry %" PRIu32
                                   " is empty): set to %" PRIu64,
                                   bus, at, target));
    back_target();
  } else {
    target = std::max({raised, feed.max_epoch, verified_max});
    // F13 raises the bus epoch to `target`: its entry must hold it too, or
    // the raised bus epoch would be F21's in a second round.
    if (target != raised && target > 0 && feed.epoch[r.geo().feed_index(target)] != target) {
      rep.add(21, SPLINTER_SEV_RECOVERABLE, SPLINTER_FIX_REPAIR, -1, "",
              fmt("bus_epoch %" PRIu64 " is raised to %" PRIu64 ", which the feed does not hold (entry %" PRIu32
                  "): written from its slot or marked removed",
                  bus, target, r.geo().feed_index(target)));
      back_target();
    }
  }
  // F13: epochs above the bus epoch.
  for (std::uint32_t j = 0; j < feed.epoch.size() && backed; ++j)
    if (feed.epoch[j] > raised)
      rep.add(13, SPLINTER_SEV_RECOVERABLE, SPLINTER_FIX_REPAIR, -1, "",
              fmt("feed entry %" PRIu32 " holds epoch %" PRIu64 ", above the bus epoch %" PRIu64 ": raised", j,
                  feed.epoch[j], bus));
  for (std::uint32_t i = 0; i < n && !rep.stopped(); ++i) {
    const SlotVerdict &s = slots[i];
    const bool counts = s.tombstone || (s.live_ok && s.verified && !s.mutated);
    // Above the bus epoch as it will be: F21 may lower it to `target`, and a
    // tombstone above that is handled now, not by a second recovery round.
    if (!counts || s.epoch <= std::min(bus, target)) continue;
    if (s.tombstone && s.epoch > target) {
      // Nothing backs a tombstone's epoch this high: its epoch bytes are damaged.
      rep.add(13, SPLINTER_SEV_RECOVERABLE, SPLINTER_FIX_REPAIR, i, "",
              fmt("TOMBSTONE epoch %" PRIu64 " is above every epoch the bus holds (%" PRIu64 "): set to 0", s.epoch,
                  target));
      plan.slot_fixes.push_back(
          {Kind::set_word, i, layout::make_word(State::tombstone, tombstone_sel(layout::word_sel(s.word)), 0), 0, 0});
      continue;
    }
    rep.add(13, SPLINTER_SEV_RECOVERABLE, SPLINTER_FIX_REPAIR, i, s.live_ok ? s.key : "",
            fmt("slot epoch %" PRIu64 " is above the bus epoch %" PRIu64 ": raised", s.epoch, bus));
    // The mutation of epoch bus + 1 may lack its feed entry (2.2 step 8 not done).
    // Only when it is the newest mutation: a slot that merely happens to hold
    // epoch bus + 1 under a damaged bus epoch must not overwrite newer entries.
    if (backed && s.epoch == bus + 1 && target == bus + 1 && feed.epoch[r.geo().feed_index(s.epoch)] != s.epoch)
      fill_or_remove(i, r.geo().feed_index(s.epoch));
  }
  if (target != bus) plan.bus_epoch = target;
  if (flushed > target) {
    rep.add(13, SPLINTER_SEV_RECOVERABLE, SPLINTER_FIX_REPAIR, -1, "",
            fmt("flushed epoch %" PRIu64 " is above the bus epoch %" PRIu64 ": lowered to it", flushed, target));
    plan.flushed_epoch = target;
  }
}

}  // namespace

Validation validate_header(const std::uint8_t *base, std::size_t size, std::uint64_t object_size,
                           const FindingSink &sink) {
  Validation v;
  Reporter rep(sink, &v);
  header_rules(base, size, object_size, rep, v);
  return v;
}

Validation validate(const std::uint8_t *base, std::size_t size, std::uint64_t object_size, const FindingSink &sink,
                    int backing_fd) {
  Validation v;
  Reporter rep(sink, &v);
  header_rules(base, size, object_size, rep, v);
  if (v.status != SPLINTER_OK || rep.stopped()) return v;
  if (size < v.geometry->region_size) {
    v.status = SPLINTER_E_CORRUPT;  // a caller's bug: the image must hold the region
    return v;
  }
  RepairPlan &plan = v.plan;
  const RegionView r(base, *v.geometry);
  const std::uint32_t n = r.slots();
  std::vector<std::uint8_t> scratch(r.geo().max_value_size + 8);
  const std::uint64_t flushed = r.header().flushed_epoch(std::memory_order_acquire);

  // F20, first: the slots' rules consult the feed.
  const FeedScan feed = scan_feed(r, rep, plan);
  if (rep.stopped()) return v;

  // Per-slot rules F7-F12, F18, F19, each slot examined until its word is stable.
  const SlotContext ctx{r, flushed, feed, scratch};
  std::vector<SlotVerdict> slots(n);
  std::vector<PendingFinding> found;
  for (std::uint32_t i = 0; i < n && !rep.stopped(); ++i) {
    for (int attempt = 0;; ++attempt) {
      found.clear();
      slots[i] = SlotVerdict{};
      examine_slot(ctx, i, &slots[i], &found);
      // Pairs with the writer's release fence before it stores a value (2.2
      // step 4), as a get's re-check (2.4 steps 5-6): an unchanged word means
      // the buffer it names and the history behind it were not being
      // rewritten by a live writer (the spare and a new key's bytes may be:
      // no verdict rests on them until a word names them).
      std::atomic_thread_fence(std::memory_order_acquire);
      if (r.word(i, std::memory_order_relaxed) == slots[i].word || attempt == 16) break;
    }
    for (auto &f : found) {
      if (f.slot_fix) plan.slot_fixes.push_back(*f.slot_fix);
      if (f.mutation) plan.mutations.push_back(*f.mutation);
      rep.add(f.rule, f.severity, f.fix, i, slots[i].key, std::move(f.detail));
    }
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
    plan.slot_fixes.push_back({Kind::tombstone0, stale, 0, 0, 0});
    // A stale copy takes no new epoch even if it was to be rolled back or dropped.
    std::erase_if(plan.mutations, [&](const RepairPlan::Mutation &m) { return m.slot == stale; });
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
      const std::uint32_t dist = r.distance(slots[j].hash, j);
      if (dist >= run[j]) {
        rep.add(14, SPLINTER_SEV_RECOVERABLE, SPLINTER_FIX_REPAIR, j, slots[j].key,
                fmt("unreachable: an EMPTY slot lies between home slot %" PRIu32 " and slot %" PRIu32,
                    r.home(slots[j].hash), j));
        plan.slot_fixes.push_back({Kind::fill_path, j, slots[j].hash, 0, 0});
      }
    }
  }

  // F22: no live key lies probe_limit or more slots past its home.
  const std::uint32_t limit = r.header().probe_limit(std::memory_order_acquire);
  std::uint32_t need = 0;
  for (std::uint32_t j = 0; j < n; ++j)
    if (slots[j].live_ok) need = std::max(need, r.distance(slots[j].hash, j) + 1);
  if (limit > n || limit < need) {
    rep.add(22, SPLINTER_SEV_RECOVERABLE, SPLINTER_FIX_REPAIR, -1, "",
            limit > n ? fmt("probe_limit %" PRIu32 " exceeds the %" PRIu32 " slots: set to %" PRIu32, limit, n, need)
                      : fmt("probe_limit %" PRIu32 " is below %" PRIu32
                            " (a live key lies that far from its home, less one): raised",
                            limit, need));
    plan.fix_probe_limit = true;
  }
  if (rep.stopped()) return v;

  // F13, F21: the bus epoch.
  epoch_rules(r, slots, feed, flushed, backing_fd, rep, plan);
  if (rep.stopped()) return v;

  // F19 of a rolled-back key, last: its history is the window behind the
  // restored buffer, judged against the epoch recovery will give it (section
  // 3: the mutations take the epochs after the final bus epoch, in order), so
  // that an entry as new as that (a dead set's spare) is trimmed now, not in a
  // second round.
  std::uint64_t next = plan.bus_epoch.value_or(r.header().bus_epoch(std::memory_order_acquire));
  for (const RepairPlan::Mutation &m : plan.mutations) {
    ++next;
    if (m.drop) continue;
    std::vector<PendingFinding> found_h;
    const Buffers bufs(r, m.slot, slots[m.slot].hash, scratch);
    check_history(ctx, m.slot, bufs, m.buffer, next, &found_h);
    for (auto &f : found_h) {
      if (f.slot_fix) plan.slot_fixes.push_back(*f.slot_fix);
      rep.add(f.rule, f.severity, f.fix, m.slot, slots[m.slot].key, std::move(f.detail));
    }
  }
  return v;
}

}  // namespace splinter
