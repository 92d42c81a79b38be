// status.h -- the per-thread "last error" detail behind splinter_last_error().
#ifndef SPLINTER_SRC_STATUS_H
#define SPLINTER_SRC_STATUS_H

namespace splinter {

// Records a one-line reason (printf-style) and returns `status`, so that a
// failure path reads `return fail(SPLINTER_E_CORRUPT, "bad magic");`.
int fail(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
// Records strerror(errno) with a prefix; errno is preserved.
int fail_errno(const char *what, const char *path);
// The detail's storage. initial-exec: every entry point clears it, so it
// must not cost a __tls_get_addr call from inside the shared library.
extern thread_local char t_error_detail[256] __attribute__((tls_model("initial-exec")));
// Called first by every public entry point but the diagnostics (c_api.cpp);
// inline: on the get path it is one store, not a call.
inline void clear_error() { t_error_detail[0] = '\0'; }
// The detail itself. (Not named last_error: splinter.hpp's inline
// splinter::last_error() is the public wrapper of splinter_last_error().)
const char *error_detail();

}  // namespace splinter

#endif  // SPLINTER_SRC_STATUS_H
