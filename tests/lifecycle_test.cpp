// Lifecycle: create, open, close, destroy, names, modes, concurrent creators.
#include "fixture.h"

#include <sys/stat.h>
#include <sys/wait.h>

namespace splinter::testing {
namespace {

using Lifecycle = BusTest;

TEST_P(Lifecycle, CreateThenReaderSeesEmptyBus) {
  splinter_bus *w = create(8, 32);
  splinter_bus *r = open(SPLINTER_READER);
  splinter_info in{};
  ASSERT_EQ(splinter_info_get(r, &in), SPLINTER_OK);
  EXPECT_EQ(in.slots, 8u);
  EXPECT_EQ(in.max_value_size, 32u);
  EXPECT_EQ(in.live_keys, 0u);
  EXPECT_EQ(in.bus_epoch, 0u);
  EXPECT_EQ(in.format_version, static_cast<uint32_t>(SPLINTER_FORMAT_VERSION));
  EXPECT_EQ(in.role, static_cast<uint32_t>(SPLINTER_READER));
  splinter_close(r);
  splinter_close(w);
}

TEST_P(Lifecycle, CreateOfExistingBusIsExistsAndKeepsData) {
  splinter_bus *w = create();
  ASSERT_EQ(set_str(w, "k", "v"), SPLINTER_OK);
  splinter_bus *again = nullptr;
  EXPECT_EQ(splinter_create(&again, backing(), name_.c_str(), 4, 4, 0), SPLINTER_E_EXISTS);
  EXPECT_EQ(again, nullptr);
  EXPECT_EQ(get_str(w, "k"), "v");
  splinter_close(w);
  splinter_bus *r = open(SPLINTER_READER);
  EXPECT_EQ(get_str(r, "k"), "v");
  splinter_close(r);
}

TEST_P(Lifecycle, CreateRejectsBadGeometry) {
  splinter_bus *b = nullptr;
  EXPECT_EQ(splinter_create(&b, backing(), name_.c_str(), 0, 8, 0), SPLINTER_E_INVALID);
  EXPECT_EQ(splinter_create(&b, backing(), name_.c_str(), SPLINTER_SLOTS_MAX + 1, 8, 0), SPLINTER_E_INVALID);
  EXPECT_EQ(splinter_create(&b, backing(), name_.c_str(), 4, SPLINTER_VALUE_MAX + 1, 0), SPLINTER_E_INVALID);
  // Each limit alone is fine, but together the region would exceed 1 TiB.
  EXPECT_EQ(splinter_create(&b, backing(), name_.c_str(), SPLINTER_SLOTS_MAX, SPLINTER_VALUE_MAX, 0), SPLINTER_E_INVALID);
  EXPECT_EQ(splinter_create(&b, backing(), name_.c_str(), 4, 8, 010000), SPLINTER_E_INVALID);
  EXPECT_EQ(splinter_create(nullptr, backing(), name_.c_str(), 4, 8, 0), SPLINTER_E_INVALID);
  EXPECT_EQ(b, nullptr);
  EXPECT_EQ(splinter_open(&b, backing(), name_.c_str(), SPLINTER_READER), SPLINTER_E_NO_BUS);
}

TEST_P(Lifecycle, CreateRejectsBadNames) {
  splinter_bus *b = nullptr;
  EXPECT_EQ(splinter_create(&b, backing(), nullptr, 4, 8, 0), SPLINTER_E_INVALID);
  EXPECT_EQ(splinter_create(&b, backing(), "", 4, 8, 0), SPLINTER_E_INVALID);
  if (backing() == SPLINTER_SHM) {
    EXPECT_EQ(splinter_create(&b, backing(), "a/b", 4, 8, 0), SPLINTER_E_INVALID);
    EXPECT_EQ(splinter_create(&b, backing(), "..", 4, 8, 0), SPLINTER_E_INVALID);
    EXPECT_EQ(splinter_create(&b, backing(), std::string(201, 'n').c_str(), 4, 8, 0), SPLINTER_E_INVALID);
  }
  EXPECT_EQ(b, nullptr);
}

TEST_P(Lifecycle, DefaultModeIsOwnerOnly) {
  splinter_bus *w = create();
  struct stat st {};
  ASSERT_EQ(::stat(name_.path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  splinter_close(w);
}

TEST_P(Lifecycle, CreateLeavesNoTemporaryFiles) {
  splinter_bus *w = create();
  const auto dir = std::filesystem::path(name_.path()).parent_path();
  for (const auto &e : std::filesystem::directory_iterator(dir))
    EXPECT_EQ(e.path().filename().string().find(".creating."), std::string::npos) << e.path();
  splinter_close(w);
}

TEST_P(Lifecycle, OpenOfMissingBusIsNoBus) {
  splinter_bus *b = nullptr;
  EXPECT_EQ(splinter_open(&b, backing(), name_.c_str(), SPLINTER_READER), SPLINTER_E_NO_BUS);
  EXPECT_EQ(splinter_open(&b, backing(), name_.c_str(), SPLINTER_WRITER), SPLINTER_E_NO_BUS);
  EXPECT_EQ(b, nullptr);
}

TEST_P(Lifecycle, ReopenKeepsData) {
  splinter_bus *w = create();
  ASSERT_EQ(set_str(w, "a", "1"), SPLINTER_OK);
  ASSERT_EQ(set_str(w, "b", "2"), SPLINTER_OK);
  splinter_close(w);
  w = open(SPLINTER_WRITER);
  EXPECT_EQ(get_str(w, "a"), "1");
  EXPECT_EQ(get_str(w, "b"), "2");
  EXPECT_EQ(splinter_epoch(w), 2u);
  splinter_close(w);
}

TEST_P(Lifecycle, DestroyRemovesTheBus) {
  splinter_close(create());
  EXPECT_EQ(splinter_destroy(backing(), name_.c_str()), SPLINTER_OK);
  splinter_bus *b = nullptr;
  EXPECT_EQ(splinter_open(&b, backing(), name_.c_str(), SPLINTER_READER), SPLINTER_E_NO_BUS);
  EXPECT_EQ(splinter_destroy(backing(), name_.c_str()), SPLINTER_E_NO_BUS);
}

TEST_P(Lifecycle, DestroyWhileWriterOpenIsBusy) {
  splinter_bus *w = create();
  EXPECT_EQ(splinter_destroy(backing(), name_.c_str()), SPLINTER_E_BUSY);
  splinter_close(w);
  EXPECT_EQ(splinter_destroy(backing(), name_.c_str()), SPLINTER_OK);
}

TEST_P(Lifecycle, DestroyRefusesWhatIsNotABus) {
  FILE *f = std::fopen(name_.path().c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fputs("precious user data, not a bus", f);
  std::fclose(f);
  EXPECT_EQ(splinter_destroy(backing(), name_.c_str()), SPLINTER_E_CORRUPT);
  EXPECT_TRUE(std::filesystem::exists(name_.path()));
  std::filesystem::remove(name_.path());
}


TEST_P(Lifecycle, HandlesOutliveDestroy) {
  splinter_bus *w = create();
  splinter_bus *r = open(SPLINTER_READER);
  ASSERT_EQ(splinter_destroy(backing(), name_.c_str()), SPLINTER_E_BUSY);
  splinter_close(w);
  ASSERT_EQ(splinter_destroy(backing(), name_.c_str()), SPLINTER_OK);
  EXPECT_EQ(get_str(r, "k"), "<SPLINTER_E_NOT_FOUND>");
  splinter_close(r);
}

TEST_P(Lifecycle, ConcurrentCreatorsExactlyOneWins) {
  constexpr int kCreators = 6;
  pid_t kids[kCreators];
  for (int i = 0; i < kCreators; ++i) {
    kids[i] = ::fork();
    if (kids[i] == 0) {
      splinter_bus *b = nullptr;
      const int st = splinter_create(&b, backing(), name_.c_str(), 64, 64, 0);
      if (st == SPLINTER_OK) {
        const int set = splinter_set(b, "winner", "x", 1, nullptr);
        splinter_close(b);
        ::_exit(set == SPLINTER_OK ? 0 : 3);
      }
      ::_exit(st == SPLINTER_E_EXISTS ? 1 : 2);
    }
  }
  int winners = 0, losers = 0;
  for (pid_t k : kids) {
    int status = 0;
    ASSERT_EQ(::waitpid(k, &status, 0), k);
    ASSERT_TRUE(WIFEXITED(status));
    if (WEXITSTATUS(status) == 0) ++winners;
    else if (WEXITSTATUS(status) == 1) ++losers;
  }
  EXPECT_EQ(winners, 1);
  EXPECT_EQ(losers, kCreators - 1);
  splinter_bus *r = open(SPLINTER_READER);
  EXPECT_EQ(get_str(r, "winner"), "x");
  splinter_close(r);
}

SPLINTER_BOTH_BACKINGS(Lifecycle);

TEST(LifecycleShm, LeadingSlashNamesTheSameObject) {
  BusName n(SPLINTER_SHM);
  splinter_bus *w = nullptr;
  ASSERT_EQ(splinter_create(&w, SPLINTER_SHM, n.c_str(), 4, 8, 0), SPLINTER_OK);
  splinter_bus *r = nullptr;
  ASSERT_EQ(splinter_open(&r, SPLINTER_SHM, ("/" + n.str()).c_str(), SPLINTER_READER), SPLINTER_OK);
  ASSERT_EQ(splinter_set(w, "k", "v", 1, nullptr), SPLINTER_OK);
  char buf[4];
  size_t len = 0;
  EXPECT_EQ(splinter_get(r, "k", buf, sizeof buf, &len, nullptr), SPLINTER_OK);
  splinter_close(r);
  splinter_close(w);
}

TEST(LifecycleFile, SymbolicLinksAreRefused) {
  BusName target(SPLINTER_FILE), link(SPLINTER_FILE);
  splinter_bus *w = nullptr;
  ASSERT_EQ(splinter_create(&w, SPLINTER_FILE, target.c_str(), 4, 8, 0), SPLINTER_OK);
  splinter_close(w);
  std::filesystem::create_symlink(target.str(), link.str());
  splinter_bus *b = nullptr;
  EXPECT_EQ(splinter_open(&b, SPLINTER_FILE, link.c_str(), SPLINTER_READER), SPLINTER_E_INVALID);
  EXPECT_EQ(splinter_create(&b, SPLINTER_FILE, link.c_str(), 4, 8, 0), SPLINTER_E_EXISTS);
  EXPECT_EQ(b, nullptr);
  std::filesystem::remove(link.str());
}

TEST(LifecycleFile, MissingDirectoryIsSystemError) {
  splinter_bus *b = nullptr;
  EXPECT_EQ(splinter_create(&b, SPLINTER_FILE, "/nonexistent-dir-splinter/x.bus", 4, 8, 0), SPLINTER_E_SYSTEM);
  EXPECT_EQ(errno, ENOENT);
  EXPECT_STRNE(splinter_last_error(), "");
}

}  // namespace
}  // namespace splinter::testing
