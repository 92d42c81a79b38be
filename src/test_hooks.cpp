// test_hooks.cpp -- the crash hook of test_hooks.h (test builds only).
#include "test_hooks.h"

#if defined(SPLINTER_TEST_HOOKS)
namespace splinter::test {
namespace {
CrashHook g_hook = nullptr;
}  // namespace

void set_crash_hook(CrashHook hook) { g_hook = hook; }
void crash_point(int point) {
  if (g_hook) g_hook(point);
}
}  // namespace splinter::test
#endif
