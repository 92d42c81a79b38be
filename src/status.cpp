// status.cpp -- the per-thread error detail behind splinter_last_error().
#include "status.h"

#include <splinter/splinter.h>

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>

namespace splinter {
thread_local char t_error_detail[256] __attribute__((tls_model("initial-exec")));

int fail(int status, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(t_error_detail, sizeof t_error_detail, fmt, ap);
  va_end(ap);
  return status;
}

int fail_errno(const char *what, const char *path) {
  const int saved = errno;
  std::snprintf(t_error_detail, sizeof t_error_detail, "%s %s: %s", what, path, std::strerror(saved));
  errno = saved;
  return SPLINTER_E_SYSTEM;
}

const char *error_detail() { return t_error_detail; }

}  // namespace splinter
