// status.cpp -- status names, messages and the per-thread error detail.
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
const char *last_error() { return t_detail; }

}  // namespace splinter

extern "C" {

SPLINTER_API const char *splinter_strerror(int status) {
  switch (status) {
    case SPLINTER_OK: return "success";
    case SPLINTER_E_NOT_FOUND: return "key not found";
    case SPLINTER_E_INVALID: return "invalid argument";
    case SPLINTER_E_KEY_TOO_LONG: return "key longer than SPLINTER_KEY_MAX bytes";
    case SPLINTER_E_TOO_LARGE: return "value larger than the bus's max_value_size";
    case SPLINTER_E_BUFFER: return "buffer too small for the value";
    case SPLINTER_E_FULL: return "bus full: every slot holds a live key";
    case SPLINTER_E_BUSY: return "another writer holds the bus";
    case SPLINTER_E_READ_ONLY: return "mutation through a reader handle";
    case SPLINTER_E_TIMEOUT: return "timed out";
    case SPLINTER_E_EXISTS: return "a bus of that name already exists";
    case SPLINTER_E_NO_BUS: return "no bus of that name";
    case SPLINTER_E_CORRUPT: return "bus fails validation";
    case SPLINTER_E_VERSION: return "unsupported format version";
    case SPLINTER_E_AGAIN: return "no stable read within the retry budget; retry";
    case SPLINTER_E_SYSTEM: return "operating-system error";
    default: return "unknown status";
  }
}

SPLINTER_API const char *splinter_status_name(int status) {
  switch (status) {
#define SPLINTER_NAME(s) \
  case s: return #s;
    SPLINTER_NAME(SPLINTER_OK)
    SPLINTER_NAME(SPLINTER_E_NOT_FOUND)
    SPLINTER_NAME(SPLINTER_E_INVALID)
    SPLINTER_NAME(SPLINTER_E_KEY_TOO_LONG)
    SPLINTER_NAME(SPLINTER_E_TOO_LARGE)
    SPLINTER_NAME(SPLINTER_E_BUFFER)
    SPLINTER_NAME(SPLINTER_E_FULL)
    SPLINTER_NAME(SPLINTER_E_BUSY)
    SPLINTER_NAME(SPLINTER_E_READ_ONLY)
    SPLINTER_NAME(SPLINTER_E_TIMEOUT)
    SPLINTER_NAME(SPLINTER_E_EXISTS)
    SPLINTER_NAME(SPLINTER_E_NO_BUS)
    SPLINTER_NAME(SPLINTER_E_CORRUPT)
    SPLINTER_NAME(SPLINTER_E_VERSION)
    SPLINTER_NAME(SPLINTER_E_AGAIN)
    SPLINTER_NAME(SPLINTER_E_SYSTEM)
#undef SPLINTER_NAME
    default: return nullptr;
  }
}

SPLINTER_API const char *splinter_last_error(void) { return splinter::last_error(); }
SPLINTER_API const char *splinter_version(void) { return SPLINTER_VERSION_STRING; }

}  // extern "C"
