/* c_api_test.c -- the C ABI used from C99: every call a binding makes. */
#include <splinter/splinter.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int failures = 0;
static int checks = 0;
#define EXPECT(cond)                                                   \
  do {                                                                 \
    ++checks;                                                          \
    if (!(cond)) {                                                     \
      ++failures;                                                      \
      fprintf(stderr, "%s:%d: FAILED: %s (last error: %s)\n", __FILE__, \
              __LINE__, #cond, splinter_last_error());                 \
    }                                                                  \
  } while (0)

static int count_keys(void *ctx, const char *key, size_t len, uint64_t epoch) {
  (void)key;
  (void)len;
  (void)epoch;
  ++*(int *)ctx;
  return 0;
}

static int count_findings(void *ctx, const splinter_finding *f) {
  (void)f;
  ++*(int *)ctx;
  return 0;
}

static void run(splinter_backing backing, const char *name) {
  splinter_bus *w = NULL, *r = NULL, *w2 = NULL;
  uint64_t e = 0, ge = 0;
  size_t len = 0;
  char buf[16];
  int n = 0;
  splinter_info info;
  splinter_report rep;
  splinter_key pk;

  EXPECT(splinter_create(&w, backing, name, 8, 16, 0600) == SPLINTER_OK);
  EXPECT(splinter_open(&r, backing, name, SPLINTER_READER) == SPLINTER_OK);
  EXPECT(splinter_open(&w2, backing, name, SPLINTER_WRITER) == SPLINTER_E_BUSY);
  EXPECT(splinter_set(w, "key", "value", 5, &e) == SPLINTER_OK && e == 1);
  EXPECT(splinter_get(r, "key", buf, sizeof buf, &len, &ge) == SPLINTER_OK);
  EXPECT(len == 5 && memcmp(buf, "value", 5) == 0 && ge == 1);
  EXPECT(splinter_get(r, "key", buf, 2, &len, NULL) == SPLINTER_E_BUFFER && len == 5);
  EXPECT(splinter_get(r, "nope", buf, sizeof buf, NULL, NULL) == SPLINTER_E_NOT_FOUND);
  EXPECT(splinter_set(r, "key", "x", 1, NULL) == SPLINTER_E_READ_ONLY);
  EXPECT(splinter_set(w, "key", "0123456789abcdefg", 17, NULL) == SPLINTER_E_TOO_LARGE);
  EXPECT(splinter_list(r, count_keys, &n) == SPLINTER_OK && n == 1);
  EXPECT(splinter_poll(r, "key", 0, 0, &ge) == SPLINTER_OK && ge == 1);
  EXPECT(splinter_poll(r, NULL, 1, 0, NULL) == SPLINTER_E_TIMEOUT);
  EXPECT(splinter_epoch(r) == 1);
  EXPECT(splinter_info_get(r, &info) == SPLINTER_OK && info.live_keys == 1 && info.slots == 8);
  EXPECT(splinter_key_init(&pk, "pk") == SPLINTER_OK);
  EXPECT(splinter_set_k(w, &pk, "pv", 2, &e) == SPLINTER_OK && e == 2);
  EXPECT(splinter_get_k(r, &pk, buf, sizeof buf, &len, &ge) == SPLINTER_OK && len == 2 && ge == 2);
  EXPECT(splinter_poll_k(r, &pk, 0, 0, &ge) == SPLINTER_OK && ge == 2);
  EXPECT(splinter_unset_k(w, &pk, &e) == SPLINTER_OK && e == 3);
  pk.opaque[0] ^= 1;
  EXPECT(splinter_get_k(r, &pk, buf, sizeof buf, &len, &ge) == SPLINTER_E_INVALID);
  EXPECT(splinter_unset(w, "key", &e) == SPLINTER_OK && e == 4);
  EXPECT(splinter_unset(w, "key", &e) == SPLINTER_E_NOT_FOUND);
  {
    uint64_t ms = 0;
    uint32_t removed = 9;
    EXPECT(splinter_set_ttl(w, "lease", "x", 1, 60000, &e) == SPLINTER_OK && e == 5);
    EXPECT(splinter_ttl(r, "lease", &ms) == SPLINTER_OK && ms > 0 && ms <= 60000);
    EXPECT(splinter_ttl(r, "key", &ms) == SPLINTER_E_NOT_FOUND);
    EXPECT(splinter_expire(w, 0, &removed) == SPLINTER_OK && removed == 0);
    EXPECT(splinter_expire(r, 0, &removed) == SPLINTER_E_READ_ONLY);
    EXPECT(splinter_set_ttl(w, "lease", "x", 1, SPLINTER_TTL_MAX_MS + 1, NULL) == SPLINTER_E_INVALID);
    EXPECT(SPLINTER_OP_EXPIRE == 3);
    EXPECT(splinter_unset(w, "lease", &e) == SPLINTER_OK && e == 6);
  }
  EXPECT(splinter_flush(w) == SPLINTER_OK);
  n = 0;
  EXPECT(splinter_check_bus(r, count_findings, &n, &rep) == SPLINTER_OK && n == 0 && rep.worst == 0);
  splinter_close(r);
  splinter_close(w);
  EXPECT(splinter_check(backing, name, NULL, NULL, &rep) == SPLINTER_OK && rep.findings == 0);
  EXPECT(splinter_recover(backing, name, NULL, NULL, &rep) == SPLINTER_OK);
  EXPECT(splinter_destroy(backing, name) == SPLINTER_OK);
  EXPECT(splinter_destroy(backing, name) == SPLINTER_E_NO_BUS);
}

int main(void) {
  char shm[64], file[64];
  int code;
  snprintf(shm, sizeof shm, "splinter-c-test-%d", (int)getpid());
  snprintf(file, sizeof file, "/tmp/splinter-c-test-%d.bus", (int)getpid());
  run(SPLINTER_SHM, shm);
  run(SPLINTER_FILE, file);
  for (code = SPLINTER_OK; code >= SPLINTER_E_SYSTEM; --code)
    EXPECT(splinter_status_name(code) != NULL && strcmp(splinter_strerror(code), "unknown status") != 0);
  EXPECT(splinter_status_name(1) == NULL);
  {
    splinter_bus *b = NULL;
    EXPECT(splinter_create(&b, (splinter_backing)7, "x", 4, 8, 0) == SPLINTER_E_INVALID);
    EXPECT(splinter_open(&b, SPLINTER_SHM, shm, (splinter_role)5) == SPLINTER_E_INVALID);
    EXPECT(b == NULL);
  }
  EXPECT(strcmp(splinter_version(), SPLINTER_VERSION_STRING) == 0);
  printf("%d passed, %d failed\n", checks - failures, failures);
  return failures == 0 ? 0 : 1;
}
