// gens.h -- generators for geometries, keys and values.
//
// Biased so that the interesting cases are common: small tables (full buses,
// collisions, long probe chains, tombstone reuse), keys drawn again and again
// from a small alphabet (overwrites, unset and re-set), values at and over the
// maximum size, empty values.
#ifndef SPLINTER_PROPS_GENS_H
#define SPLINTER_PROPS_GENS_H

#include "crash.h"
#include "model.h"
#include "test_hooks.h"

#include <rapidcheck.h>

#include <cstdint>
#include <cstdlib>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace splinter::props {

inline void showValue(const Geometry &g, std::ostream &os) {
  os << "slots " << g.slots << ", max value " << g.max_value << ", change ring " << g.change_ring
     << ", history depth " << g.history_depth;
}

// Small rings (1..8 entries, also sizes that round up) so that the feed
// wraps within a test case, sometimes a larger one or the default (0);
// history depths 0..4 (so histories fill and drop their oldest), rarely
// the maximum.
inline rc::Gen<Geometry> gen_geometry() {
  return rc::gen::apply(
      [](std::uint32_t slots, std::uint32_t max_value, std::uint32_t ring, std::uint32_t depth) {
        return Geometry{slots, max_value, ring, depth};
      },
      rc::gen::weightedOneOf<std::uint32_t>({{6, rc::gen::inRange<std::uint32_t>(1, 9)},
                                             {2, rc::gen::inRange<std::uint32_t>(1, 65)}}),
      rc::gen::weightedOneOf<std::uint32_t>({{3, rc::gen::inRange<std::uint32_t>(0, 17)},
                                             {2, rc::gen::inRange<std::uint32_t>(0, 301)}}),
      rc::gen::weightedOneOf<std::uint32_t>({{6, rc::gen::inRange<std::uint32_t>(1, 9)},
                                             {1, rc::gen::inRange<std::uint32_t>(9, 65)},
                                             {1, rc::gen::just<std::uint32_t>(0)}}),
      rc::gen::weightedOneOf<std::uint32_t>({{8, rc::gen::inRange<std::uint32_t>(0, 5)},
                                             {1, rc::gen::just<std::uint32_t>(SPLINTER_HISTORY_MAX)}}));
}

// Any byte but NUL.
inline rc::Gen<char> gen_key_byte() {
  return rc::gen::map(rc::gen::inRange(1, 256), [](int c) { return static_cast<char>(c); });
}

// A fresh key: mostly one or two letters of a small alphabet (so that keys
// recur), sometimes 1..63 arbitrary non-NUL bytes.
// SPLINTER_PROPS_ONE_KEY=1 makes every key "k" (a negative control uses it:
// one key alone never meets another's old values in its slot, which the
// validator would flag, so only the history model can catch a history that
// survives an unset).
inline bool one_key() {
  static const bool one = [] {
    const char *env = std::getenv("SPLINTER_PROPS_ONE_KEY");
    return env != nullptr && std::string(env) == "1";
  }();
  return one;
}

inline rc::Gen<std::string> gen_fresh_key() {
  if (one_key()) return rc::gen::just(std::string("k"));
  return rc::gen::weightedOneOf<std::string>(
      {{3, rc::gen::mapcat(rc::gen::inRange(1, 3), [](int n) {
          return rc::gen::container<std::string>(static_cast<std::size_t>(n),
                                                 rc::gen::elementOf(std::string("abcdef")));
        })},
       {1, rc::gen::mapcat(rc::gen::inRange(1, SPLINTER_KEY_MAX + 1), [](int n) {
          return rc::gen::container<std::string>(static_cast<std::size_t>(n), gen_key_byte());
        })}});
}

// A key of the model (when it has one; with weight `existing` against 1) or
// a fresh one.
inline rc::Gen<std::string> gen_key(const Model &m, std::size_t existing = 1) {
  if (m.kv.empty()) return gen_fresh_key();
  std::vector<std::string> keys;
  for (const auto &kv : m.kv) keys.push_back(kv.first);
  return rc::gen::weightedOneOf<std::string>({{existing, rc::gen::elementOf(keys)}, {1, gen_fresh_key()}});
}

// A value of 0..max_value bytes (any bytes, NUL included), sometimes
// exactly max_value, sometimes (when allowed) 1..3 bytes too long.
inline rc::Gen<std::string> gen_value(const Model &m, bool allow_too_large) {
  const std::size_t max = m.max_value;
  auto in_range = rc::gen::weightedOneOf<std::size_t>({{6, rc::gen::inRange<std::size_t>(0, max + 1)},
                                                        {1, rc::gen::just(max)},
                                                        {1, rc::gen::just<std::size_t>(0)}});
  auto len = allow_too_large ? rc::gen::weightedOneOf<std::size_t>(
                                   {{8, in_range}, {1, rc::gen::inRange<std::size_t>(max + 1, max + 4)}})
                             : in_range;
  return rc::gen::mapcat(len, [](std::size_t n) {
    return rc::gen::container<std::string>(n, rc::gen::arbitrary<char>());
  });
}

// A crash point of set (2.2) among crash_points() that a writer setting
// `key` reaches (model.h, set_reaches); 0 when there is none.
inline rc::Gen<int> gen_set_crash_point(const Model &m, const std::string &key) {
  std::vector<int> points;
  for (const int p : crash_points())
    if (((p >= test::kSetFenced && p <= test::kSetEpochPublished) || p == test::kSetFeedWritten) &&
        set_reaches(m, key, p))
      points.push_back(p);
  return points.empty() ? rc::gen::just(0) : rc::gen::elementOf(points);
}

// A crash point of unset (2.3) among crash_points(); 0 when there is none.
inline rc::Gen<int> gen_unset_crash_point() {
  std::vector<int> points;
  for (const int p : crash_points())
    if ((p >= test::kUnsetCommitted && p <= test::kUnsetReclaimStep) || p == test::kUnsetFeedWritten)
      points.push_back(p);
  return points.empty() ? rc::gen::just(0) : rc::gen::elementOf(points);
}

// A crash point of the removal of an expired key (2.10 step 2) among
// crash_points(); 0 when there is none.
inline rc::Gen<int> gen_expire_crash_point() {
  std::vector<int> points;
  for (const int p : crash_points())
    if (p == test::kExpireCommitted || p == test::kExpireFeedWritten) points.push_back(p);
  return points.empty() ? rc::gen::just(0) : rc::gen::elementOf(points);
}

}  // namespace splinter::props

#endif  // SPLINTER_PROPS_GENS_H
