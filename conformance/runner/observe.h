// observe.h -- helpers of the cases that watch an adapter process from the
// outside (waiting_cases.cpp, resource_cases.cpp, creation_cases.cpp).
#ifndef SPLINTER_CONFORMANCE_OBSERVE_H
#define SPLINTER_CONFORMANCE_OBSERVE_H

#include "context.h"

#include <sys/types.h>

#include <cstdint>
#include <string>

namespace splc {

// Fails unless the runner's shim is mapped into process `pid`.
void require_shim_loaded(const Ctx &ctx, pid_t pid);
// Asks the in-process reference's handle `ref_bus` until info.waiters is at
// least n (a poller got inside its poll), within the answer bound.
void wait_for_waiters(Ctx &ctx, const std::string &ref_bus, std::uint64_t n, const std::string &who);
// One line per thread of `pid`: the system call it is in now ("futex",
// "nanosleep", "running", ...), for failure reports.
std::string thread_states(pid_t pid);

}  // namespace splc

#endif  // SPLINTER_CONFORMANCE_OBSERVE_H
