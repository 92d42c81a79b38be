// state_machine_test.cpp -- the bus against its model, for both backings.
//
// Each test case: a generated geometry, a fresh bus, then a generated
// sequence of commands (commands.h). RapidCheck prints the failing sequence,
// shrunk, and the seed; reproduce with RC_PARAMS="seed=N" (see README.md).
#include "commands.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>
#include <rapidcheck/state.h>

#include <cstdlib>
#include <string>

namespace splinter::props {
namespace {

void run_state_machine(Backing backing) {
  const Geometry g = *gen_geometry();
  Sut sut(backing, g.slots, g.max_value);
  sut.verify();
  // Weights by repetition: mutations most often, crashes and lifecycle less.
  // SPLINTER_PROPS_NO_CRASH=1 leaves the crash commands out (a negative
  // control uses it to show a mutant is caught without crashes too).
  const char *no_crash = std::getenv("SPLINTER_PROPS_NO_CRASH");
  if (no_crash != nullptr && std::string(no_crash) == "1") {
    rc::state::check(sut.model, sut,
                     rc::state::gen::execOneOfWithArgs<Set, Set, Set, Set, Unset, Unset, Get, Get, Poll, Info,
                                                       ReopenWriter, ReaderView, SecondWriter, KeyTooLong,
                                                       Recreate>());
  } else {
    rc::state::check(sut.model, sut,
                     rc::state::gen::execOneOfWithArgs<Set, Set, Set, Set, Unset, Unset, Get, Get, Poll, Info,
                                                       ReopenWriter, ReaderView, SecondWriter, KeyTooLong,
                                                       Recreate, CrashSet, CrashSet, CrashUnset>());
  }
}

RC_GTEST_PROP(StateMachine, ShmBusMatchesModel, ()) { run_state_machine(Backing::shm); }
RC_GTEST_PROP(StateMachine, FileBusMatchesModel, ()) { run_state_machine(Backing::file); }

}  // namespace
}  // namespace splinter::props
