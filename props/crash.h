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

}  // namespace splinter::props

#endif  // SPLINTER_PROPS_CRASH_H
