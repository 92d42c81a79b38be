// state_machine_test.cpp -- the bus against its model, for both backings.
//
// Each test case: a generated geometry, a fresh bus, then a generated
// sequence of commands (commands.h). RapidCheck prints the failing sequence,
// shrunk, and the seed; reproduce with RC_PARAMS="seed=N" (see README.md).
#include "commands.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>
#include <rapidcheck/state.h>

namespace splinter::props {
namespace {

void run_state_machine(Backing backing) {
  const Geometry g = *gen_geometry();
  const Model initial = Model::fresh(g);
  Sut sut(backing, g);
  sut.verify(initial);
  // Weights by repetition: mutations most often, crashes and lifecycle less.
  // SPLINTER_PROPS_CRASH_POINTS=none leaves the crash commands out (a
  // negative control uses it to show a mutant is caught without crashes too).
  if (crash_points().empty()) {
    rc::state::check(initial, sut,
                     rc::state::gen::execOneOfWithArgs<Set, Set, Set, Set, Unset, Unset, Get, Get, Poll, Info,
                                                       ChangesSince, HistoryOf, ReopenWriter, ReaderView, SecondWriter,
                                                       KeyTooLong, Recreate, SetTtl, SetTtl, SetTtl, AdvanceClock,
                                                       AdvanceClock, Expire, Expire, Ttl>());
  } else {
    rc::state::check(initial, sut,
                     rc::state::gen::execOneOfWithArgs<Set, Set, Set, Set, Unset, Unset, Get, Get, Poll, Info,
                                                       ChangesSince, HistoryOf, ReopenWriter, ReaderView, SecondWriter,
                                                       KeyTooLong, Recreate, SetTtl, SetTtl, SetTtl, AdvanceClock,
                                                       AdvanceClock, Expire, Expire, Ttl, CrashSet, CrashSet, CrashUnset,
                                                       CrashExpire>());
  }
}

RC_GTEST_PROP(StateMachine, ShmBusMatchesModel, ()) { run_state_machine(Backing::shm); }
RC_GTEST_PROP(StateMachine, FileBusMatchesModel, ()) { run_state_machine(Backing::file); }

}  // namespace
}  // namespace splinter::props
