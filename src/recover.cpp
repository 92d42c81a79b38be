// recover.cpp -- applies the validator's repair plan, then re-validates.
#include "recover.h"

#include "hash.h"
#include "os.h"
#include "protocol.h"
#include "status.h"

#include <splinter/splinter.hpp>

#include <algorithm>
#include <vector>

namespace splinter {
namespace {

using layout::State;
using Kind = RepairPlan::Kind;

constexpr std::uint64_t kTombstone0 = layout::make_word(State::tombstone, 0, 0);

// The key of slot i, its hash computed from its bytes.
StoredKey slot_key(const RegionView &r, std::uint32_t i) {
  StoredKey k;
  r.load_key(i, &k);
  k.hash = key_hash(k.bytes(), std::min<std::size_t>(k.len, SPLINTER_KEY_MAX));
  return k;
}

void apply_slot_fix(Region &r, const RepairPlan::SlotFix &f) {
  const std::uint32_t i = f.slot;
  switch (f.kind) {
    case Kind::tombstone0:
      r.set_word(i, kTombstone0, std::memory_order_release);
      break;
    case Kind::set_word:
      r.set_word(i, f.value, std::memory_order_release);
      break;
    case Kind::set_hash:
      r.set_hash(i, f.value);
      break;
    case Kind::fill_path:
      for (std::uint32_t j = r.home(f.value); j != i; j = r.next(j))
        if (r.word(j, std::memory_order_relaxed) == 0) r.set_word(j, kTombstone0, std::memory_order_release);
      break;
    case Kind::trim:
      for (unsigned c = 0; c < f.count; ++c) r.set_meta(i, r.buffer_add(f.buffer, -static_cast<int>(c)), Meta{});
      break;
  }
}

// F20: an entry at the bus epoch's index becomes a removed entry of that
// epoch (op 0: readers get COMPACTED for it, and the bus epoch stays backed,
// F21); any other becomes 0.
void remove_feed_entry(Region &r, std::uint32_t index, std::uint64_t bus) {
  const bool at_bus = bus > 0 && r.geo().feed_index(bus) == index;
  r.set_feed_word(index, 0, std::memory_order_relaxed);
  std::atomic_thread_fence(std::memory_order_release);  // as append_feed (2.2 step 8)
  r.store_feed_body(index, 0, StoredKey{});
  if (at_bus) r.set_feed_word(index, layout::make_feed_word(layout::kOpNone, bus), std::memory_order_release);
}

// One of recovery's own mutations (FORMAT.md section 3): the next epoch, a
// rollback's restored meta or a drop's tombstone, the feed entry, the bus epoch.
int mutate(Region &r, const RepairPlan::Mutation &m, std::vector<std::uint8_t> &scratch) {
  const std::uint64_t e = r.header().bus_epoch(std::memory_order_relaxed) + 1;
  if (e > layout::kEpochMax) return fail(SPLINTER_E_CORRUPT, "epoch space exhausted during recovery");
  const StoredKey k = slot_key(r, m.slot);
  // Pairs with a reader's acquire fence before its re-check (2.4 step 5).
  std::atomic_thread_fence(std::memory_order_release);
  if (m.drop) {
    // As unset (2.3 step 1): no intact buffer of the key may carry the
    // tombstone's epoch (F18).
    for (unsigned b = 0; b < r.buffers(); ++b)
      if (r.meta(m.slot, b).epoch == e) r.set_meta(m.slot, b, Meta{});
    r.set_word(m.slot, layout::make_word(State::tombstone, layout::kOpNone, e), std::memory_order_release);
    protocol::append_feed(r, e, layout::kOpUnset, k);
  } else {
    Meta meta = r.meta(m.slot, m.buffer);
    r.read_value(m.slot, m.buffer, meta.len, scratch.data());
    meta.epoch = e;
    meta.check = value_check(k.hash, e, scratch.data(), meta.len, meta.deadline);  // the value keeps its deadline
    r.set_meta(m.slot, m.buffer, meta);
    r.set_word(m.slot, layout::make_word(State::live, m.buffer, e), std::memory_order_release);
    protocol::append_feed(r, e, layout::kOpSet, k);
  }
  r.header().set_bus_epoch(e, std::memory_order_release);
  return SPLINTER_OK;
}

int apply(Region &r, int fd, const RepairPlan &plan) {
  Header h = r.header();
  // F16: the damaged header copy is rewritten from the intact one.
  if (plan.rewrite_primary || plan.rewrite_copy) {
    std::uint64_t words[layout::kHeaderFixedBytes / 8];
    (plan.rewrite_primary ? h.copy() : HeaderView(h)).fixed_words(words);
    h.write_fixed(plan.rewrite_copy, words);
  }
  // F17: the object goes back to region_size (no byte of the region is lost).
  if (plan.truncate)
    if (int st = os::truncate(fd, r.geo().region_size)) return st;
  for (const RepairPlan::SlotFix &f : plan.slot_fixes) apply_slot_fix(r, f);
  const std::uint64_t bus = plan.bus_epoch.value_or(h.bus_epoch(std::memory_order_relaxed));
  for (std::uint32_t j : plan.feed_remove) remove_feed_entry(r, j, bus);
  // F13: a committed mutation's lost feed entry, written from its slot (the
  // validator names at most the one of epoch bus + 1), then the bus epoch.
  for (std::uint32_t i : plan.feed_fill) {
    const std::uint64_t w = r.word(i, std::memory_order_relaxed);
    const unsigned sel = layout::word_sel(w);
    const unsigned op = layout::word_state(w) == State::live ? layout::kOpSet
                        : sel == layout::kOpNone             ? layout::kOpUnset
                                                             : sel;
    protocol::append_feed(r, layout::word_epoch(w), op, slot_key(r, i));
  }
  if (plan.bus_epoch) h.set_bus_epoch(*plan.bus_epoch, std::memory_order_release);
  if (plan.flushed_epoch) h.set_flushed_epoch(*plan.flushed_epoch, std::memory_order_release);
  std::vector<std::uint8_t> scratch(r.geo().max_value_size + 8);
  for (const RepairPlan::Mutation &m : plan.mutations)
    if (int st = mutate(r, m, scratch)) return st;
  // F22, after every fix: one more than the furthest live key from its home.
  if (plan.fix_probe_limit) {
    std::uint32_t need = 0;
    for (std::uint32_t i = 0; i < r.slots(); ++i)
      if (layout::word_state(r.word(i, std::memory_order_relaxed)) == State::live)
        need = std::max(need, r.distance(r.hash(i), i) + 1);
    h.set_probe_limit(need, std::memory_order_release);
  }
  return SPLINTER_OK;
}

bool lossy(const Finding &f) {
  return f.fix == SPLINTER_FIX_ROLLBACK || f.fix == SPLINTER_FIX_DROP || f.fix == SPLINTER_FIX_TRIM;
}

}  // namespace

int recover_region(Region &r, int fd, std::uint64_t object_size, bool lossless_only, const FindingSink &sink,
                   splinter_report *out) {
  splinter_report total{};
  for (int round = 0; round < 6; ++round) {
    std::vector<Finding> findings;
    const Validation v = validate(r.base(), r.geo().region_size, object_size, [&](const Finding &f) {
      findings.push_back(f);
      return true;
    });
    if (v.status != SPLINTER_OK)
      return fail(v.status, "header unusable: %s", findings.empty() ? "" : findings[0].detail.c_str());
    if (findings.empty()) {
      if (out) *out = total;
      return SPLINTER_OK;
    }
    if (lossless_only) {
      const auto n = std::count_if(findings.begin(), findings.end(), lossy);
      if (n > 0) {
        const Finding &f = *std::find_if(findings.begin(), findings.end(), lossy);
        return fail(SPLINTER_E_CORRUPT,
                    "bus needs recovery: %ld finding(s) whose fix changes a value, first in slot %lld (F%u: %s); run "
                    "splinter_recover",
                    static_cast<long>(n), static_cast<long long>(f.slot), f.rule, f.detail.c_str());
      }
    }
    if (int st = apply(r, fd, v.plan)) return st;
    if (v.plan.truncate) object_size = r.geo().region_size;
    for (const Finding &f : findings)
      if (sink) sink(f);
    total.findings += v.report.findings;
    total.repaired += v.report.repaired;
    total.rolled_back += v.report.rolled_back;
    total.dropped += v.report.dropped;
    total.trimmed += v.report.trimmed;
    total.worst = std::max(total.worst, v.report.worst);
  }
  return fail(SPLINTER_E_CORRUPT, "recovery did not converge (a library bug: please report)");
}

}  // namespace splinter
