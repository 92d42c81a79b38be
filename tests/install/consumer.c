/* Uses the installed C ABI: create, set, get, destroy. */
#include <splinter/splinter.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void) {
  char name[64], buf[8];
  size_t len = 0;
  splinter_bus *b = NULL;
  snprintf(name, sizeof name, "splinter-consumer-%d", (int)getpid());
  if (splinter_create(&b, SPLINTER_SHM, name, 4, 8, 0) != SPLINTER_OK) return 1;
  if (splinter_set(b, "k", "v", 1, NULL) != SPLINTER_OK) return 2;
  if (splinter_get(b, "k", buf, sizeof buf, &len, NULL) != SPLINTER_OK || len != 1) return 3;
  splinter_close(b);
  if (splinter_destroy(SPLINTER_SHM, name) != SPLINTER_OK) return 4;
  printf("consumer: ok with libsplinter %s\n", splinter_version());
  return 0;
}
