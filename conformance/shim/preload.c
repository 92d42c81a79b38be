/*
 * preload.c -- libsplinter-conformance-shim.so, loaded into an adapter
 * process (LD_PRELOAD) by the few cases that need to reach inside it
 * (conformance/PROTOCOL.md, "What the runner observes"). It does nothing
 * unless its environment variables are set:
 *
 * SPLINTER_SHIM_CLOCK=FILE
 *   The wall clock, as the process reads it through the C library
 *   (clock_gettime of CLOCK_REALTIME, CLOCK_REALTIME_COARSE, CLOCK_TAI and
 *   CLOCK_REALTIME_ALARM; gettimeofday; time; timespec_get), is shifted by
 *   the signed 64-bit count of nanoseconds at offset 0 of FILE, which the
 *   runner changes while the adapter runs: a wall-clock step, without
 *   touching the machine's clock. Monotonic clocks are left alone.
 *
 * SPLINTER_SHIM_PARK=PREFIX and SPLINTER_SHIM_PARK_MATCH=TEXT
 *   The first call that sizes a file whose path contains TEXT (ftruncate,
 *   posix_fallocate or fallocate, in any of their 64-bit spellings) first
 *   writes a byte to the FIFO PREFIX.parked and waits for a byte on the FIFO
 *   PREFIX.go: the runner holds a creator right after it made the bus object
 *   and before it initialised it.
 *
 * What it cannot reach: calls that bypass the C library's dynamic symbols (a
 * static binary, raw system calls, the vDSO called directly) and clocks the
 * kernel reads for itself (a timer or futex on CLOCK_REALTIME).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static const int64_t *clock_offset;  /* mapped from SPLINTER_SHIM_CLOCK, or NULL */
static int parked;                   /* the park happened (or is under way) */

static void *next(const char *name) { return dlsym(RTLD_NEXT, name); }

__attribute__((constructor)) static void shim_init(void) {
  const char *path = getenv("SPLINTER_SHIM_CLOCK");
  if (path && *path) {
    const int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
      void *p = mmap(NULL, sizeof(int64_t), PROT_READ, MAP_SHARED, fd, 0);
      close(fd);
      if (p != MAP_FAILED) clock_offset = p;
    }
  }
}

static int64_t offset_ns(void) { return clock_offset ? __atomic_load_n(clock_offset, __ATOMIC_RELAXED) : 0; }

static int is_wall_clock(clockid_t id) {
  return id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE || id == CLOCK_TAI || id == CLOCK_REALTIME_ALARM;
}

static void shift(struct timespec *ts) {
  const int64_t ns = (int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec + offset_ns();
  ts->tv_sec = (time_t)(ns / 1000000000);
  ts->tv_nsec = (long)(ns % 1000000000);
  if (ts->tv_nsec < 0) ts->tv_nsec += 1000000000, ts->tv_sec -= 1;
}

int clock_gettime(clockid_t id, struct timespec *ts) {
  typedef int (*fn_t)(clockid_t, struct timespec *);
  static fn_t real;
  if (!real) {
    void *p = next("clock_gettime");
    memcpy(&real, &p, sizeof p);
  }
  const int r = real ? real(id, ts) : (int)syscall(SYS_clock_gettime, id, ts);
  if (r == 0 && is_wall_clock(id)) shift(ts);
  return r;
}

int gettimeofday(struct timeval *tv, void *tz) {
  (void)tz;
  struct timespec ts;
  if (clock_gettime(CLOCK_REALTIME, &ts) != 0) return -1;
  tv->tv_sec = ts.tv_sec;
  tv->tv_usec = ts.tv_nsec / 1000;
  return 0;
}

time_t time(time_t *out) {
  struct timespec ts;
  if (clock_gettime(CLOCK_REALTIME, &ts) != 0) return (time_t)-1;
  if (out) *out = ts.tv_sec;
  return ts.tv_sec;
}

int timespec_get(struct timespec *ts, int base) {
  if (base != TIME_UTC || clock_gettime(CLOCK_REALTIME, ts) != 0) return 0;
  return base;
}

/* The park (see the top). */
static void maybe_park(int fd) {
  const char *prefix = getenv("SPLINTER_SHIM_PARK"), *match = getenv("SPLINTER_SHIM_PARK_MATCH");
  if (!prefix || !*prefix || !match || !*match || __atomic_load_n(&parked, __ATOMIC_ACQUIRE)) return;
  char link[64], path[4096];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  const ssize_t n = readlink(link, path, sizeof path - 1);
  if (n <= 0) return;
  path[n] = '\0';
  if (!strstr(path, match) || __atomic_exchange_n(&parked, 1, __ATOMIC_ACQ_REL)) return;
  char fifo[4096];
  snprintf(fifo, sizeof fifo, "%s.parked", prefix);
  const int out = open(fifo, O_WRONLY | O_CLOEXEC);
  if (out < 0) return;
  const ssize_t w = write(out, "p", 1);
  close(out);
  if (w != 1) return;
  snprintf(fifo, sizeof fifo, "%s.go", prefix);
  const int in = open(fifo, O_RDONLY | O_CLOEXEC);
  if (in < 0) return;
  char c;
  while (read(in, &c, 1) < 0) {
  }
  close(in);
}

#define SIZER(name, params, args)                          \
  int name params {                                              \
    typedef int (*fn_t) params;                                  \
    static fn_t real;                                            \
    if (!real) {                                                 \
      void *p = next(#name);                                     \
      memcpy(&real, &p, sizeof p);                               \
    }                                                            \
    maybe_park(fd);                                              \
    return real args;                                            \
  }

SIZER(ftruncate, (int fd, off_t len), (fd, len))
SIZER(ftruncate64, (int fd, off64_t len), (fd, len))
SIZER(posix_fallocate, (int fd, off_t off, off_t len), (fd, off, len))
SIZER(posix_fallocate64, (int fd, off64_t off, off64_t len), (fd, off, len))
SIZER(fallocate, (int fd, int mode, off_t off, off_t len), (fd, mode, off, len))
SIZER(fallocate64, (int fd, int mode, off64_t off, off64_t len), (fd, mode, off, len))
