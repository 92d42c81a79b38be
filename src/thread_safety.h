// thread_safety.h -- locks the compiler checks: Clang's thread-safety
// analysis (-Wthread-safety, on for every clang build) proves that what is
// marked SPLINTER_GUARDED_BY(mu) is touched only with mu held, and that a
// function marked SPLINTER_REQUIRES(mu) is only called with it held. The
// macros expand to nothing on other compilers.
#ifndef SPLINTER_SRC_THREAD_SAFETY_H
#define SPLINTER_SRC_THREAD_SAFETY_H

#include <mutex>

#if defined(__clang__)
#define SPLINTER_TSA(x) __attribute__((x))
#else
#define SPLINTER_TSA(x)
#endif

#define SPLINTER_CAPABILITY(name) SPLINTER_TSA(capability(name))
#define SPLINTER_SCOPED_CAPABILITY SPLINTER_TSA(scoped_lockable)
#define SPLINTER_GUARDED_BY(mu) SPLINTER_TSA(guarded_by(mu))
#define SPLINTER_REQUIRES(...) SPLINTER_TSA(requires_capability(__VA_ARGS__))
#define SPLINTER_ACQUIRE(...) SPLINTER_TSA(acquire_capability(__VA_ARGS__))
#define SPLINTER_RELEASE(...) SPLINTER_TSA(release_capability(__VA_ARGS__))

namespace splinter {

// std::mutex, as a capability the analysis knows.
class SPLINTER_CAPABILITY("mutex") Mutex {
 public:
  void lock() SPLINTER_ACQUIRE() { mu_.lock(); }
  void unlock() SPLINTER_RELEASE() { mu_.unlock(); }

 private:
  std::mutex mu_;
};

// Holds a Mutex for its scope.
class SPLINTER_SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex &mu) SPLINTER_ACQUIRE(mu) : mu_(mu) { mu_.lock(); }
  ~MutexLock() SPLINTER_RELEASE() { mu_.unlock(); }
  MutexLock(const MutexLock &) = delete;
  MutexLock &operator=(const MutexLock &) = delete;

 private:
  Mutex &mu_;
};

}  // namespace splinter

#endif  // SPLINTER_SRC_THREAD_SAFETY_H
