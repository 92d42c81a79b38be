// Roles: one writer across processes, readers cannot write, threads share a writer.
#include "handle.h"
#include "fixture.h"
#include "waiting.h"

#include <signal.h>
#include <sys/wait.h>

#include <thread>

namespace splinter::testing {
namespace {

using Roles = BusTest;

TEST_P(Roles, SecondWriterInTheSameProcessIsBusy) {
  splinter_bus *w = create();
  splinter_bus *w2 = nullptr;
  EXPECT_EQ(splinter_open(&w2, backing(), name_.c_str(), SPLINTER_WRITER), SPLINTER_E_BUSY);
  EXPECT_EQ(w2, nullptr);
  splinter_close(w);
  w2 = open(SPLINTER_WRITER);
  EXPECT_NE(w2, nullptr);
  splinter_close(w2);
}

TEST_P(Roles, SecondWriterInAnotherProcessIsBusy) {
  splinter_bus *w = create();
  const pid_t kid = ::fork();
  if (kid == 0) {
    splinter_bus *w2 = nullptr;
    ::_exit(splinter_open(&w2, GetParam(), name_.c_str(), SPLINTER_WRITER) == SPLINTER_E_BUSY ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(kid, &status, 0), kid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  splinter_close(w);
}

TEST_P(Roles, DeadWritersRoleIsReleased) {
  splinter_close(create());
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  const pid_t kid = ::fork();
  if (kid == 0) {
    splinter_bus *w = nullptr;
    if (splinter_open(&w, GetParam(), name_.c_str(), SPLINTER_WRITER) != SPLINTER_OK) ::_exit(1);
    (void)!::write(ready[1], "x", 1);
    ::pause();
  }
  char c;
  ASSERT_EQ(::read(ready[0], &c, 1), 1);
  splinter_bus *w = nullptr;
  EXPECT_EQ(splinter_open(&w, backing(), name_.c_str(), SPLINTER_WRITER), SPLINTER_E_BUSY);
  splinter_bus *r = open(SPLINTER_READER);
  splinter_info in{};
  ASSERT_EQ(splinter_info_get(r, &in), SPLINTER_OK);
  EXPECT_EQ(in.writer_pid, kid);
  ::kill(kid, SIGKILL);
  ::waitpid(kid, nullptr, 0);
  ASSERT_EQ(splinter_info_get(r, &in), SPLINTER_OK);
  EXPECT_EQ(in.writer_pid, 0);
  EXPECT_EQ(splinter_open(&w, backing(), name_.c_str(), SPLINTER_WRITER), SPLINTER_OK);
  splinter_close(w);
  splinter_close(r);
  ::close(ready[0]);
  ::close(ready[1]);
}

TEST_P(Roles, ReaderCannotMutate) {
  splinter_bus *w = create();
  ASSERT_EQ(set_str(w, "k", "v"), SPLINTER_OK);
  splinter_bus *r = open(SPLINTER_READER);
  EXPECT_EQ(set_str(r, "k", "x"), SPLINTER_E_READ_ONLY);
  EXPECT_EQ(splinter_unset(r, "k", nullptr), SPLINTER_E_READ_ONLY);
  EXPECT_EQ(splinter_flush(r), SPLINTER_E_READ_ONLY);
  EXPECT_EQ(get_str(r, "k"), "v");
  EXPECT_EQ(splinter_epoch(r), 1u);
  splinter_close(r);
  splinter_close(w);
}

TEST_P(Roles, ReaderMapsTheSlotTableReadOnly) {
  splinter_bus *w = create();
  splinter_bus *r = open(SPLINTER_READER);
  const pid_t kid = ::fork();
  if (kid == 0) {
    // A buggy reader scribbling on its mapping must fault, not corrupt the bus.
    ::signal(SIGSEGV, SIG_DFL);  // sanitizers install their own handler
    static_cast<volatile std::uint8_t *>(r->map)[layout::kOffSlotTable] = 0xff;
    ::_exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(kid, &status, 0), kid);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV) << status;
  EXPECT_EQ(check(w).worst, 0);
  splinter_close(r);
  splinter_close(w);
}

TEST_P(Roles, WriterHandleIsSafeFromManyThreads) {
  splinter_bus *w = create(256, 16);
  constexpr int kThreads = 4, kKeys = 50;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kKeys; ++i)
        EXPECT_EQ(set_str(w, ("t" + std::to_string(t) + "k" + std::to_string(i)).c_str(), std::to_string(i)), SPLINTER_OK);
    });
  for (auto &th : threads) th.join();
  EXPECT_EQ(splinter_epoch(w), static_cast<uint64_t>(kThreads * kKeys));
  for (int t = 0; t < kThreads; ++t)
    for (int i = 0; i < kKeys; ++i)
      EXPECT_EQ(get_str(w, ("t" + std::to_string(t) + "k" + std::to_string(i)).c_str()), std::to_string(i));
  EXPECT_EQ(check(w).worst, 0);
  splinter_close(w);
}

TEST_P(Roles, ReadersInThreadsNeverSeeTornValues) {
  splinter_bus *w = create(4, 512);
  splinter_bus *r = open(SPLINTER_READER);
  std::atomic<bool> done{false};
  std::vector<std::thread> readers;
  for (int t = 0; t < 2; ++t)
    readers.emplace_back([&] {
      char buf[512];
      while (!done.load()) {
        size_t len = 0;
        const int st = splinter_get(r, "k", buf, sizeof buf, &len, nullptr);
        if (st == SPLINTER_E_NOT_FOUND || st == SPLINTER_E_AGAIN) continue;
        ASSERT_EQ(st, SPLINTER_OK);
        for (size_t i = 1; i < len; ++i) ASSERT_EQ(buf[i], buf[0]) << "torn value";
      }
    });
  for (int i = 0; i < 20000; ++i)
    ASSERT_EQ(set_str(w, "k", std::string(static_cast<size_t>(i % 2 ? 511 : 3), static_cast<char>('a' + i % 26))), SPLINTER_OK);
  done = true;
  for (auto &th : readers) th.join();
  splinter_close(r);
  splinter_close(w);
}

SPLINTER_BOTH_BACKINGS(Roles);

}  // namespace
}  // namespace splinter::testing

namespace splinter::testing {
namespace {

// A reader process without write permission on the object: reads, polls
// (unregistered, in bounded kernel waits), but cannot take the writer role.
TEST(RolesUnprivileged, ReaderWithoutWritePermissionReadsAndPolls) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to switch to an unprivileged user";
  BusName name(SPLINTER_SHM);
  splinter_bus *w = nullptr;
  ASSERT_EQ(splinter_create(&w, SPLINTER_SHM, name.c_str(), 8, 16, 0644), SPLINTER_OK);
  ASSERT_EQ(splinter_set(w, "k", "v", 1, nullptr), SPLINTER_OK);
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  const pid_t kid = ::fork();
  if (kid == 0) {
    if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(10);
    splinter_bus *r = nullptr, *w2 = nullptr;
    if (splinter_open(&w2, SPLINTER_SHM, name.c_str(), SPLINTER_WRITER) != SPLINTER_E_SYSTEM) ::_exit(11);
    if (splinter_open(&r, SPLINTER_SHM, name.c_str(), SPLINTER_READER) != SPLINTER_OK) ::_exit(12);
    char buf[4];
    size_t len = 0;
    uint64_t e = 0;
    if (splinter_get(r, "k", buf, sizeof buf, &len, &e) != SPLINTER_OK || len != 1) ::_exit(13);
    if (splinter_set(r, "k", "x", 1, nullptr) != SPLINTER_E_READ_ONLY) ::_exit(14);
    (void)!::write(ready[1], "x", 1);
    if (splinter_poll(r, "k", e, 10000, &e) != SPLINTER_OK || e != 2) ::_exit(15);
    splinter_close(r);
    ::_exit(0);
  }
  char c;
  ASSERT_EQ(::read(ready[0], &c, 1), 1);
  int status = 0;
  ASSERT_TRUE(wait_until_asleep_in_poll(kid, kid, [&] { return ::waitpid(kid, &status, WNOHANG) == kid; }))
      << "the reader ended before it polled: exit " << WEXITSTATUS(status);
  splinter_info in{};
  ASSERT_EQ(splinter_info_get(w, &in), SPLINTER_OK);
  EXPECT_EQ(in.waiters, 0u) << "an unprivileged reader cannot register";
  ASSERT_EQ(splinter_set(w, "k", "w", 1, nullptr), SPLINTER_OK);
  ASSERT_EQ(::waitpid(kid, &status, 0), kid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child exit " << WEXITSTATUS(status);
  splinter_close(w);
  ::close(ready[0]);
  ::close(ready[1]);
}

}  // namespace
}  // namespace splinter::testing
