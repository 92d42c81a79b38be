/* bus_demo_c -- the C ABI (include/splinter/splinter.h) in one program: a
 * writer process and a reader process exchange updates through a bus. The
 * reader reads a key with get, then sleeps in poll until it changes (no
 * update can be missed between the two); the writer sets it 20 times. Then
 * the bus is validated and removed. The C++ version is bus_demo.cpp.
 *
 *   bus_demo_c [shm:NAME | file:PATH]      (default: shm:splinter-demo-c-<pid>)
 *
 * Build against an installed Splinter:
 *   cc bus_demo_c.c $(pkg-config --cflags --libs splinter)
 */
#define _POSIX_C_SOURCE 200809L
#include <splinter/splinter.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define UPDATES 20

/* Every call returns a status: print what failed and why, then exit. */
static void check(int status, const char *what) {
  if (status != SPLINTER_OK) {
    fprintf(stderr, "%s: %s (%s)\n", what, splinter_status_name(status), splinter_last_error());
    exit(1);
  }
}

/* The reader: its own handle, opened in its own process. After each read it
 * writes a byte to `ready` -- only so that the writer can pace itself and the
 * output shows every step: polling with the epoch of the last get never
 * misses a change, however fast the writer goes. */
static int reader(splinter_backing backing, const char *name, int ready) {
  splinter_bus *bus = NULL;
  char value[64];
  size_t len = 0;
  uint64_t epoch = 0;
  int seen = 0;
  check(splinter_open(&bus, backing, name, SPLINTER_READER), "reader: open");
  while (seen < UPDATES) {
    int rc = splinter_get(bus, "progress", value, sizeof value - 1, &len, &epoch);
    if (rc == SPLINTER_OK) {
      value[len] = '\0';
      seen = atoi(value);
      printf("reader: progress=%s at epoch %llu\n", value, (unsigned long long)epoch);
      fflush(stdout);
    } else if (rc != SPLINTER_E_NOT_FOUND) {
      check(rc, "reader: get"); /* exits */
    } /* NOT_FOUND: not set yet, epoch stays 0 */
    if (seen < UPDATES) {
      if (write(ready, "r", 1) != 1) return 1;
      /* Sleeps in the kernel until the key's epoch differs from the one read. */
      check(splinter_poll(bus, "progress", epoch, 10000, &epoch), "reader: poll");
    }
  }
  splinter_close(bus);
  return 0;
}

int main(int argc, char **argv) {
  char spec[256], text[16];
  const char *name;
  splinter_backing backing = SPLINTER_SHM;
  splinter_bus *writer = NULL;
  splinter_report report;
  uint64_t epoch = 0;
  int status = 0, i, ready[2];
  pid_t child;
  char byte;

  if (argc > 1) {
    snprintf(spec, sizeof spec, "%s", argv[1]);
  } else {
    snprintf(spec, sizeof spec, "shm:splinter-demo-c-%d", (int)getpid());
  }
  if (strncmp(spec, "file:", 5) == 0) backing = SPLINTER_FILE;
  name = strchr(spec, ':') ? strchr(spec, ':') + 1 : spec;

  /* 64 slots of values up to 256 bytes; this handle is the bus's one writer. */
  check(splinter_create(&writer, backing, name, 64, 256, 0600), "create");
  printf("created %s with libsplinter %s\n", spec, splinter_version());
  fflush(stdout);

  if (pipe(ready) != 0) return perror("pipe"), 1;
  child = fork();
  if (child < 0) return perror("fork"), 1;
  if (child == 0) { /* a handle belongs to its process: the child opens its own */
    close(ready[0]);
    _exit(reader(backing, name, ready[1]));
  }
  close(ready[1]);

  for (i = 1; i <= UPDATES; ++i) {
    int n = snprintf(text, sizeof text, "%d", i);
    if (read(ready[0], &byte, 1) != 1) break; /* the reader is gone: reported below */
    check(splinter_set(writer, "progress", text, (size_t)n, &epoch), "set");
  }
  if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    fprintf(stderr, "the reader failed\n");
    status = 1;
  } else {
    status = 0;
  }

  /* The validator checks every rule of docs/FORMAT.md on a snapshot. */
  check(splinter_check_bus(writer, NULL, NULL, &report), "check");
  printf("bus epoch %llu; validator: %s\n", (unsigned long long)splinter_epoch(writer),
         report.worst == 0 ? "clean" : "FINDINGS");
  splinter_close(writer);
  check(splinter_destroy(backing, name), "destroy");
  return status == 0 && report.worst == 0 ? 0 : 1;
}
