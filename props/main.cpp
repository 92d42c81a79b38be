// main.cpp -- gtest main for the property tests, with a CI-sized default run.
//
// Unless RC_PARAMS is set, each property runs kDefaultParams: sized so that
// the whole props label takes about a minute on two shared cores. Set
// RC_PARAMS to run longer (e.g. RC_PARAMS="max_success=2000") or to replay
// a failure (RC_PARAMS="seed=N", printed with every failure).
#include "model.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdio>

namespace {
constexpr const char *kDefaultParams = "max_success=200 max_size=100";

// Prints what the run covered (all test cases together, shrinking included).
class Coverage : public ::testing::Environment {
 public:
  void TearDown() override {
    const auto &s = splinter::props::stats();
    std::printf("props coverage: %lu commands verified; set ok %lu, FULL %lu, TOO_LARGE %lu; unset ok %lu, "
                "NOT_FOUND %lu; crashed writers %lu (old kept %lu, new committed %lu, bus epoch lagging %lu), "
                "unset done before its reclaim crash point %lu; longest probe %lu, most tombstones %lu\n",
                s.commands, s.sets_ok, s.full, s.too_large, s.unsets_ok, s.not_found, s.crash_old + s.crash_new,
                s.crash_old, s.crash_new, s.crash_lagging, s.reclaim_not_reached, s.probe_max, s.tombstones_max);
    std::printf("props feed and history: changes OK %lu (%lu entries), COMPACTED %lu, stopped by the callback %lu; "
                "verified states with a wrapped ring %lu; history of a live key %lu (%lu values), NOT_FOUND %lu, "
                "stopped %lu; longest history %lu\n",
                s.changes_ok, s.changes_entries, s.changes_compacted, s.changes_stopped, s.ring_wraps, s.histories,
                s.history_values, s.history_not_found, s.history_stopped, s.history_longest);
    std::printf("props expiry: sets with a TTL %lu, INVALID TTL %lu; clock moves %lu; verified states with an "
                "expired key not yet removed %lu; removed by a set or unset %lu, by expire %lu (partial expire "
                "calls %lu); new key into a full bus of expired keys %lu; ttl finite %lu, never %lu, NOT_FOUND %lu; "
                "writers killed removing an expired key %lu\n",
                s.sets_ttl, s.ttl_invalid, s.clock_moves, s.states_with_expired, s.removed_by_mutation,
                s.removed_by_expire, s.expire_partial, s.full_of_expired, s.ttl_finite, s.ttl_forever,
                s.ttl_not_found, s.crash_expire);
  }
};
}  // namespace

int main(int argc, char **argv) {
  ::setenv("RC_PARAMS", kDefaultParams, /*overwrite=*/0);
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new Coverage);
  return RUN_ALL_TESTS();
}
