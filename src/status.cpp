// status.cpp -- the per-thread error detail behind splinter_last_error().
#include "status.h"

#include <splinter/splinter.h>

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>

namespace splinter {
namespace {
// initial-exec: every entry point clears it, so it must not cost a
// __tls_get_addr call from inside the shared library.
thread_local char t_detail[256] __attribute__((tls_model("initial-exec")));
}  // namespace

int fail(int status, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(t_detail, sizeof t_detail, fmt, ap);
  va_end(ap);
  return status;
}

int fail_errno(const char *what, const char *path) {
  const int saved = errno;
  std::snprintf(t_detail, sizeof t_detail, "%s %s: %s", what, path, std::strerror(saved));
  errno = saved;
  return SPLINTER_E_SYSTEM;
}

void clear_error() { t_detail[0] = '\0'; }
const char *error_detail() { return t_detail; }

}  // namespace splinter
