// crash.h -- a writer that dies at a chosen step of the write protocol.
//
// Uses the test-only crash hooks of src/test_hooks.h (present only in the
// splinter_testing and splinter_mutant_* libraries): a forked child opens
// the bus as writer, installs a hook that raise(SIGKILL)s at the n-th time
// the given crash point is reached, and runs one mutation.
#ifndef SPLINTER_PROPS_CRASH_H
#define SPLINTER_PROPS_CRASH_H

#include <splinter/splinter.h>

#include <functional>
#include <string>
#include <vector>

namespace splinter::props {

struct ChildOutcome {
  bool killed = false;  // died at the crash point (SIGKILL)
  int status = 0;       // else: the mutation's splinter status
};

// The caller must not hold the writer role (close its writer first).
// RC_FAILs if the child could not open the bus or died any other way.
ChildOutcome run_crashing_writer(splinter_backing backing, const std::string &name, int point, int nth,
                                 const std::function<int(splinter_bus *)> &mutation);

const char *crash_point_name(int point);

// The crash points the crash commands draw from: every point of
// src/test_hooks.h, unless SPLINTER_PROPS_CRASH_POINTS is set, to "none"
// (no crash commands at all) or to a comma-separated list of names as
// crash_point_name prints them (negative controls aim at one point with it).
// Exits with status 2 on an unknown name.
const std::vector<int> &crash_points();

}  // namespace splinter::props

#endif  // SPLINTER_PROPS_CRASH_H
