// procfs.h -- what the runner reads of an adapter process in /proc (the pid it
// gave in "hello"): open files, mappings, and which threads sleep in a futex
// wait on which address. PROTOCOL.md ("What the runner observes") says why.
#ifndef SPLINTER_CONFORMANCE_PROCFS_H
#define SPLINTER_CONFORMANCE_PROCFS_H

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace splc::procfs {

// Targets of /proc/PID/fd/* (readlink), e.g. "/dev/shm/x", "pipe:[123]".
std::vector<std::string> fd_targets(pid_t pid);

struct Mapping {
  std::uint64_t lo = 0, hi = 0;  // [lo, hi)
  std::string path;              // "" for anonymous mappings
};
// The lines of /proc/PID/maps.
std::vector<Mapping> mappings(pid_t pid);

struct FutexWait {
  pid_t tid = 0;
  std::uint64_t uaddr = 0;
};
// Threads of PID blocked in futex(FUTEX_WAIT or FUTEX_WAIT_BITSET) now, from
// /proc/PID/task/*/syscall. Throws Fail when those files cannot be read
// (another user's process, or ptrace restrictions).
std::vector<FutexWait> futex_waits(pid_t pid);

// True if `path` names the bus object `object` ("/dev/shm/NAME" or a file
// path), ignoring the " (deleted)" the kernel appends to unlinked objects.
bool same_object(const std::string &path, const std::string &object);

}  // namespace splc::procfs

#endif  // SPLINTER_CONFORMANCE_PROCFS_H
