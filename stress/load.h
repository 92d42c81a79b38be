// load.h -- the parent of a load or kill-loop run (modes "load", "killloop").
//
// It creates the bus and the stats page, starts the reader processes and a
// writer, and follows the writer's journal into a model of the committed
// history. In a kill loop it SIGKILLs the writer at random moments; after
// each death it checks the bus (only the in-flight mutation may show, as F13),
// resolves the in-flight mutation, starts the next writer, and once that
// writer has taken over checks that the validator passes and every key holds
// its last acknowledged value. A watchdog fails the run if any reader thread
// stops making progress (for example while the writer is dead).
#ifndef SPLINTER_STRESS_LOAD_H
#define SPLINTER_STRESS_LOAD_H

#include "options.h"

namespace stress {

int run_load(const Options &o);  // modes "load" and "killloop"

}  // namespace stress

#endif  // SPLINTER_STRESS_LOAD_H
