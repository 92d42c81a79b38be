// Malformed and damaged buses: rejected cleanly, never a crash; damage is
// detected by checksum and repaired by recovery with a report.
#include "fixture.h"
#include "layout.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <random>

namespace splinter::testing {
namespace {

using Malformed = BusTest;

template <class T>
void poke(std::string &bytes, std::size_t off, T v) {
  std::memcpy(bytes.data() + off, &v, sizeof v);
}
template <class T>
T peek(const std::string &bytes, std::size_t off) {
  T v;
  std::memcpy(&v, bytes.data() + off, sizeof v);
  return v;
}
// Recomputes the header check after editing header fields, and makes the
// copy at 2048 the same (so that the edit is the header's, not a damage F16 repairs).
void reseal(std::string &bytes) {
  poke(bytes, layout::kOffHeaderCheck, header_check(bytes.data()));
  bytes.replace(layout::kOffHeaderCopy, layout::kHeaderFixedBytes, bytes, 0, layout::kHeaderFixedBytes);
}
layout::Geometry geometry_of(const std::string &bytes) {
  return *layout::compute_geometry(peek<uint32_t>(bytes, layout::kOffSlots), peek<uint32_t>(bytes, layout::kOffMaxValue),
                                   peek<uint32_t>(bytes, layout::kOffHistoryDepth),
                                   peek<uint32_t>(bytes, layout::kOffChangeRing));
}

// The slot index holding `key`, read from the raw bytes.
std::size_t slot_of(const std::string &bytes, const std::string &key) {
  const auto slots = peek<uint32_t>(bytes, layout::kOffSlots);
  for (std::size_t i = 0; i < slots; ++i) {
    const std::size_t off = layout::kOffSlotTable + i * layout::kSlotSize;
    if (layout::word_state(peek<uint64_t>(bytes, off)) == layout::State::live &&
        std::strncmp(bytes.data() + off + layout::kSlotKey, key.c_str(), 64) == 0)
      return i;
  }
  ADD_FAILURE() << "no slot holds " << key;
  return 0;
}
std::size_t value_offset(const std::string &bytes, std::size_t slot, unsigned buffer) {
  return geometry_of(bytes).buffer_offset(static_cast<uint32_t>(slot), buffer) + layout::kMetaSize;
}
unsigned active_buffer(const std::string &bytes, std::size_t slot) {
  return layout::word_sel(peek<uint64_t>(bytes, layout::kOffSlotTable + slot * layout::kSlotSize));
}
// Findings of splinter_check by name, as (rule, fix) pairs.
std::vector<std::pair<uint32_t, int>> check_findings(splinter_backing b, const BusName &n, int *status = nullptr) {
  std::vector<std::pair<uint32_t, int>> out;
  splinter_report r{};
  const int st = splinter_check(
      b, n.c_str(),
      [](void *ctx, const splinter_finding *f) {
        static_cast<std::vector<std::pair<uint32_t, int>> *>(ctx)->emplace_back(f->rule, f->fix);
        return 0;
      },
      &out, &r);
  if (status) *status = st;
  return out;
}

int open_status(splinter_backing b, const BusName &n, splinter_role role) {
  splinter_bus *bus = nullptr;
  const int st = splinter_open(&bus, b, n.c_str(), role);
  if (bus) splinter_close(bus);
  return st;
}

TEST_P(Malformed, EmptyObjectIsCorrupt) {
  spit(name_.path(), "");
  EXPECT_EQ(open_status(backing(), name_, SPLINTER_READER), SPLINTER_E_CORRUPT);
  EXPECT_EQ(open_status(backing(), name_, SPLINTER_WRITER), SPLINTER_E_CORRUPT);
  EXPECT_STREQ(splinter_last_error(), (name_.path() + ": not a splinter bus (bad magic)").c_str());
}

TEST_P(Malformed, RandomBytesAreCorruptNotACrash) {
  std::mt19937 rng(12345);
  for (std::size_t size : {1u, 63u, 64u, 4096u, 9000u, 65536u}) {
    std::string junk(size, '\0');
    for (auto &c : junk) c = static_cast<char>(rng());
    spit(name_.path(), junk);
    EXPECT_EQ(open_status(backing(), name_, SPLINTER_READER), SPLINTER_E_CORRUPT) << size;
    splinter_report r{};
    EXPECT_EQ(splinter_check(backing(), name_.c_str(), nullptr, nullptr, &r), SPLINTER_E_CORRUPT);
    EXPECT_EQ(r.worst, SPLINTER_SEV_FATAL);
  }
}

TEST_P(Malformed, TruncatedBusIsCorrupt) {
  splinter_close(create(16, 64));
  std::string bytes = slurp(name_.path());
  spit(name_.path(), bytes.substr(0, bytes.size() - 4096));
  EXPECT_EQ(open_status(backing(), name_, SPLINTER_READER), SPLINTER_E_CORRUPT);
  spit(name_.path(), bytes.substr(0, 40));
  EXPECT_EQ(open_status(backing(), name_, SPLINTER_READER), SPLINTER_E_CORRUPT);
}

// Issue 16 item 6: a grown object is a recoverable finding (F17); recover
// truncates it back and loses nothing.
TEST_P(Malformed, ExtendedBusIsRecoveredByTruncatingIt) {
  splinter_bus *w = create(16, 64);
  ASSERT_EQ(set_str(w, "k", "kept"), SPLINTER_OK);
  splinter_close(w);
  const std::string clean = slurp(name_.path());
  spit(name_.path(), clean + std::string(4096, 'x'));
  splinter_bus *r = open(SPLINTER_READER);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(get_str(r, "k"), "kept");
  splinter_close(r);
  EXPECT_EQ(check_findings(backing(), name_), (std::vector<std::pair<uint32_t, int>>{{17, SPLINTER_FIX_REPAIR}}));
  splinter_report rep{};
  ASSERT_EQ(splinter_recover(backing(), name_.c_str(), nullptr, nullptr, &rep), SPLINTER_OK);
  EXPECT_EQ(rep.findings, 1u);
  EXPECT_EQ(rep.worst, SPLINTER_SEV_RECOVERABLE);
  EXPECT_EQ(slurp(name_.path()), clean);
  // A writer open repairs it as well (truncating is lossless).
  spit(name_.path(), clean + std::string(4096, 'x'));
  w = open(SPLINTER_WRITER);
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(get_str(w, "k"), "kept");
  splinter_close(w);
  EXPECT_EQ(slurp(name_.path()).size(), clean.size());
}

TEST_P(Malformed, FutureVersionIsVersion) {
  splinter_close(create());
  std::string bytes = slurp(name_.path());
  poke<uint32_t>(bytes, layout::kOffVersion, SPLINTER_FORMAT_VERSION + 1);
  reseal(bytes);
  spit(name_.path(), bytes);
  EXPECT_EQ(open_status(backing(), name_, SPLINTER_READER), SPLINTER_E_VERSION);
  EXPECT_EQ(splinter_destroy(backing(), name_.c_str()), SPLINTER_E_VERSION);
}

TEST_P(Malformed, OverflowingGeometryIsCorrupt) {
  splinter_close(create());
  std::string bytes = slurp(name_.path());
  poke<uint32_t>(bytes, layout::kOffSlots, 0xffffffffu);
  poke<uint32_t>(bytes, layout::kOffMaxValue, 0xffffffffu);
  reseal(bytes);
  spit(name_.path(), bytes);
  EXPECT_EQ(open_status(backing(), name_, SPLINTER_READER), SPLINTER_E_CORRUPT);
  poke<uint32_t>(bytes, layout::kOffSlots, 0);
  poke<uint32_t>(bytes, layout::kOffMaxValue, 8);
  reseal(bytes);
  spit(name_.path(), bytes);
  EXPECT_EQ(open_status(backing(), name_, SPLINTER_READER), SPLINTER_E_CORRUPT);
}

TEST_P(Malformed, GeometryThatDisagreesWithTheSizeIsCorrupt) {
  splinter_close(create(16, 64));
  std::string bytes = slurp(name_.path());
  poke<uint32_t>(bytes, layout::kOffSlots, 64);  // more slots than the object holds
  reseal(bytes);
  spit(name_.path(), bytes);
  EXPECT_EQ(open_status(backing(), name_, SPLINTER_READER), SPLINTER_E_CORRUPT);
}

// Issue 16 item 4: one damaged byte of the fixed header leaves the bus
// reachable through its copy (F16), and recovery rewrites the damaged one.
TEST_P(Malformed, HeaderBitFlipIsRepairedFromTheCopy) {
  for (const std::size_t off : {layout::kOffMaxValue, layout::kOffHeaderCopy + layout::kOffSlots, std::size_t{3}}) {
    SCOPED_TRACE("header byte " + std::to_string(off));
    splinter_bus *w = create();
    ASSERT_EQ(set_str(w, "k", "v"), SPLINTER_OK);
    splinter_close(w);
    const std::string clean = slurp(name_.path());
    std::string bytes = clean;
    bytes[off] ^= 0x01;  // checksum not resealed
    spit(name_.path(), bytes);
    splinter_bus *r = open(SPLINTER_READER);
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(get_str(r, "k"), "v");
    splinter_close(r);
    EXPECT_EQ(check_findings(backing(), name_), (std::vector<std::pair<uint32_t, int>>{{16, SPLINTER_FIX_REPAIR}}));
    ASSERT_EQ(splinter_recover(backing(), name_.c_str(), nullptr, nullptr, nullptr), SPLINTER_OK);
    EXPECT_EQ(slurp(name_.path()), clean);
    ASSERT_EQ(splinter_destroy(backing(), name_.c_str()), SPLINTER_OK);
  }
}

TEST_P(Malformed, HeaderDamagedInBothCopiesIsCorrupt) {
  splinter_close(create());
  std::string bytes = slurp(name_.path());
  bytes[layout::kOffMaxValue] ^= 0x01;
  bytes[layout::kOffHeaderCopy + layout::kOffMaxValue] ^= 0x01;
  spit(name_.path(), bytes);
  EXPECT_EQ(open_status(backing(), name_, SPLINTER_READER), SPLINTER_E_CORRUPT);
  int st = 0;
  EXPECT_EQ(check_findings(backing(), name_, &st), (std::vector<std::pair<uint32_t, int>>{{6, SPLINTER_FIX_NONE}}));
  EXPECT_EQ(st, SPLINTER_E_CORRUPT);
}

// Issue 16 item 1: a FIFO (or any object that is not a regular file) at the
// bus path is refused before anything is read from it: nothing hangs.
TEST_P(Malformed, FifoAtTheBusPathIsRefusedWithoutBlocking) {
  ASSERT_EQ(::mkfifo(name_.path().c_str(), 0600), 0) << std::strerror(errno);
  EXPECT_EQ(open_status(backing(), name_, SPLINTER_READER), SPLINTER_E_CORRUPT);
  EXPECT_EQ(open_status(backing(), name_, SPLINTER_WRITER), SPLINTER_E_CORRUPT);
  splinter_report r{};
  EXPECT_EQ(splinter_check(backing(), name_.c_str(), nullptr, nullptr, &r), SPLINTER_E_CORRUPT);
  EXPECT_EQ(splinter_recover(backing(), name_.c_str(), nullptr, nullptr, &r), SPLINTER_E_CORRUPT);
  EXPECT_EQ(splinter_destroy(backing(), name_.c_str()), SPLINTER_E_CORRUPT);
  ::unlink(name_.path().c_str());
}

TEST_P(Malformed, FlippedValueByteIsCorruptOnGet) {
  splinter_bus *w = create(8, 64);
  ASSERT_EQ(set_str(w, "k", "precious value"), SPLINTER_OK);
  splinter_close(w);
  std::string bytes = slurp(name_.path());
  const std::size_t s = slot_of(bytes, "k");
  bytes[value_offset(bytes, s, active_buffer(bytes, s)) + 3] ^= 0x20;
  spit(name_.path(), bytes);
  splinter_bus *r = open(SPLINTER_READER);
  EXPECT_EQ(get_str(r, "k"), "<SPLINTER_E_CORRUPT>");
  splinter_close(r);
}

// A large value is copied and checksummed a chunk at a time (src/copy.h):
// a flip in its last, partial chunk is caught too.
TEST_P(Malformed, FlippedByteInALargeValuesLastChunkIsCorruptOnGet) {
  constexpr std::size_t kLen = 3 * 4096 + 5;
  splinter_bus *w = create(8, kLen);
  ASSERT_EQ(set_str(w, "k", std::string(kLen, 'v')), SPLINTER_OK);
  splinter_close(w);
  std::string bytes = slurp(name_.path());
  const std::size_t s = slot_of(bytes, "k");
  bytes[value_offset(bytes, s, active_buffer(bytes, s)) + kLen - 2] ^= 0x01;
  spit(name_.path(), bytes);
  splinter_bus *r = open(SPLINTER_READER);
  std::string buf(kLen, '\0');
  EXPECT_EQ(splinter_get(r, "k", buf.data(), buf.size(), nullptr, nullptr), SPLINTER_E_CORRUPT);
  splinter_close(r);
}

TEST_P(Malformed, KeyWithBytesAfterItsNulIsNeitherListedNorFound) {
  splinter_bus *w = create(8, 64);
  ASSERT_EQ(set_str(w, "k", "v"), SPLINTER_OK);
  ASSERT_EQ(set_str(w, "other", "v"), SPLINTER_OK);
  splinter_close(w);
  std::string bytes = slurp(name_.path());
  bytes[layout::kOffSlotTable + slot_of(bytes, "k") * layout::kSlotSize + layout::kSlotKey + 5] = 'x';  // F9
  spit(name_.path(), bytes);
  splinter_bus *r = open(SPLINTER_READER);
  EXPECT_EQ(get_str(r, "k"), "<SPLINTER_E_NOT_FOUND>");
  std::vector<std::string> listed;
  ASSERT_EQ(splinter_list(
                r,
                [](void *ctx, const char *key, size_t, uint64_t) {
                  static_cast<std::vector<std::string> *>(ctx)->push_back(key);
                  return 0;
                },
                &listed),
            SPLINTER_OK);
  EXPECT_EQ(listed, std::vector<std::string>{"other"});
  splinter_close(r);
}

TEST_P(Malformed, WriterOpenRefusesDamageThatRecoveryWouldRollBack) {
  splinter_bus *w = create(8, 64);
  ASSERT_EQ(set_str(w, "k", "first"), SPLINTER_OK);
  ASSERT_EQ(set_str(w, "k", "second"), SPLINTER_OK);
  splinter_close(w);
  std::string bytes = slurp(name_.path());
  const std::size_t s = slot_of(bytes, "k");
  bytes[value_offset(bytes, s, active_buffer(bytes, s))] ^= 0x01;
  spit(name_.path(), bytes);
  EXPECT_EQ(open_status(backing(), name_, SPLINTER_WRITER), SPLINTER_E_CORRUPT);
  EXPECT_EQ(slurp(name_.path()), bytes) << "a refused open must change nothing";
  struct Seen {
    int rolled_back = 0;
    std::string key;
  } seen;
  splinter_report rep{};
  ASSERT_EQ(splinter_recover(
                backing(), name_.c_str(),
                [](void *ctx, const splinter_finding *f) {
                  auto *acc = static_cast<Seen *>(ctx);
                  if (f->fix == SPLINTER_FIX_ROLLBACK) ++acc->rolled_back, acc->key = f->key;
                  return 0;
                },
                &seen, &rep),
            SPLINTER_OK);
  EXPECT_EQ(seen.rolled_back, 1);
  EXPECT_EQ(seen.key, "k");
  EXPECT_EQ(rep.worst, SPLINTER_SEV_RECOVERABLE);
  w = open(SPLINTER_WRITER);
  uint64_t e = 0;
  EXPECT_EQ(get_str(w, "k", nullptr, &e), "first");
  EXPECT_EQ(e, 3u) << "a rollback is a mutation of its own (FORMAT.md section 3)";
  EXPECT_EQ(check(w).worst, 0);
  // Feed followers see it: the last change is a SET of k at epoch 3.
  std::vector<std::pair<uint64_t, std::string>> seen_changes;
  ASSERT_EQ(splinter_changes(
                w, 2,
                [](void *ctx, uint64_t epoch, int op, const char *key) {
                  EXPECT_EQ(op, SPLINTER_OP_SET);
                  static_cast<std::vector<std::pair<uint64_t, std::string>> *>(ctx)->emplace_back(epoch, key);
                  return 0;
                },
                &seen_changes, nullptr),
            SPLINTER_OK);
  EXPECT_EQ(seen_changes, (std::vector<std::pair<uint64_t, std::string>>{{3, "k"}}));
  splinter_close(w);
}

TEST_P(Malformed, RecoveryDropsAValueWithNoIntactVersionAndSaysSo) {
  splinter_bus *w = create(8, 64);
  ASSERT_EQ(set_str(w, "lost", "only version"), SPLINTER_OK);
  ASSERT_EQ(set_str(w, "kept", "fine"), SPLINTER_OK);
  splinter_close(w);
  std::string bytes = slurp(name_.path());
  const std::size_t s = slot_of(bytes, "lost");
  bytes[value_offset(bytes, s, active_buffer(bytes, s))] ^= 0x01;
  spit(name_.path(), bytes);
  splinter_report chk{};
  ASSERT_EQ(splinter_check(backing(), name_.c_str(), nullptr, nullptr, &chk), SPLINTER_OK);
  EXPECT_EQ(chk.worst, SPLINTER_SEV_UNRECOVERABLE);
  std::string dropped;
  ASSERT_EQ(splinter_recover(
                backing(), name_.c_str(),
                [](void *ctx, const splinter_finding *f) {
                  if (f->fix == SPLINTER_FIX_DROP) *static_cast<std::string *>(ctx) += f->key;
                  return 0;
                },
                &dropped, nullptr),
            SPLINTER_OK);
  EXPECT_EQ(dropped, "lost");
  w = open(SPLINTER_WRITER);
  EXPECT_EQ(get_str(w, "lost"), "<SPLINTER_E_NOT_FOUND>");
  EXPECT_EQ(get_str(w, "kept"), "fine");
  splinter_close(w);
}

TEST_P(Malformed, DirectoryIsNotABus) {
  std::filesystem::create_directory(name_.path());
  EXPECT_EQ(open_status(backing(), name_, SPLINTER_READER), SPLINTER_E_CORRUPT);
  std::filesystem::remove(name_.path());
}

SPLINTER_BOTH_BACKINGS(Malformed);

}  // namespace
}  // namespace splinter::testing
