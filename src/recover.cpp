// recover.cpp -- applies the fix of each finding, then re-validates.
#include "recover.h"

#include "status.h"

#include <splinter/splinter.hpp>

#include <algorithm>
#include <vector>

namespace splinter {
namespace {

using layout::State;

constexpr std::uint64_t kTombstone0 = layout::make_word(State::tombstone, 0, 0);

void apply(Region &r, const Finding &f) {
  if (f.slot < 0) return;  // header-level: F13 on flushed_epoch, applied below
  const auto i = static_cast<std::uint32_t>(f.slot);
  switch (f.rule) {
    case 7: case 8: case 9: case 10: case 15:
      r.set_word(i, kTombstone0, std::memory_order_release);
      break;
    case 11: case 12:
      if (f.fix == SPLINTER_FIX_ROLLBACK) {
        const std::uint64_t w = r.word(i, std::memory_order_relaxed);
        const unsigned other = 1 - layout::word_active(w);
        r.set_word(i, layout::make_word(State::live, other, r.meta(i, other).epoch), std::memory_order_release);
      } else {
        r.set_word(i, kTombstone0, std::memory_order_release);
      }
      break;
    case 14:
      for (std::uint32_t j = r.home(r.hash(i)); j != i; j = r.next(j))
        if (r.word(j, std::memory_order_relaxed) == 0) r.set_word(j, kTombstone0, std::memory_order_release);
      break;
    default:  // F13 is applied once per round, below; F1-F6 have no fix.
      break;
  }
}

void raise_bus_epoch(Region &r) {
  const HeaderView h = r.header();
  std::uint64_t max_epoch =
      std::max(h.bus_epoch(std::memory_order_relaxed), h.flushed_epoch(std::memory_order_relaxed));
  for (std::uint32_t i = 0; i < r.slots(); ++i) {
    const std::uint64_t w = r.word(i, std::memory_order_relaxed);
    const State st = layout::word_state(w);
    if (st == State::live || st == State::tombstone) max_epoch = std::max(max_epoch, layout::word_epoch(w));
  }
  r.header().set_bus_epoch(max_epoch, std::memory_order_release);
}

}  // namespace

int recover_region(Region &r, std::uint64_t size, bool lossless_only, const FindingSink &sink,
                   splinter_report *out) {
  splinter_report total{};
  for (int round = 0; round < 4; ++round) {
    std::vector<Finding> findings;
    const Validation v = validate(r.base(), size, [&](const Finding &f) {
      findings.push_back(f);
      return true;
    });
    if (v.status != SPLINTER_OK) return fail(v.status, "header unusable: %s", findings.empty() ? "" : findings[0].detail.c_str());
    if (findings.empty()) {
      if (out) *out = total;
      return SPLINTER_OK;
    }
    if (lossless_only) {
      const auto lossy = std::count_if(findings.begin(), findings.end(), [](const Finding &f) {
        return f.fix == SPLINTER_FIX_ROLLBACK || f.fix == SPLINTER_FIX_DROP;
      });
      if (lossy > 0)
        return fail(SPLINTER_E_CORRUPT,
                    "bus needs recovery: %ld damaged value(s), first in slot %lld (F%u: %s); run splinter_recover",
                    static_cast<long>(lossy), static_cast<long long>(findings[0].slot), findings[0].rule,
                    findings[0].detail.c_str());
    }
    for (const Finding &f : findings) {
      apply(r, f);
      if (sink) sink(f);
    }
    raise_bus_epoch(r);
    total.findings += v.report.findings;
    total.repaired += v.report.repaired;
    total.rolled_back += v.report.rolled_back;
    total.dropped += v.report.dropped;
    total.worst = std::max(total.worst, v.report.worst);
  }
  return fail(SPLINTER_E_CORRUPT, "recovery did not converge (a library bug: please report)");
}

}  // namespace splinter
