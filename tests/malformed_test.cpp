// Malformed and damaged buses: rejected cleanly, never a crash; damage is
// detected by checksum and repaired by recovery with a report.
#include "fixture.h"
#include "layout.h"

#include <fcntl.h>

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
// Recomputes the header check after editing header fields.
void reseal(std::string &bytes) { poke(bytes, layout::kOffHeaderCheck, header_check(bytes.data())); }

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
  const auto g = layout::compute_geometry(peek<uint32_t>(bytes, layout::kOffSlots), peek<uint32_t>(bytes, layout::kOffMaxValue));
  return g->value_buffer_offset(static_cast<uint32_t>(slot), buffer);
}
unsigned active_buffer(const std::string &bytes, std::size_t slot) {
  return layout::word_active(peek<uint64_t>(bytes, layout::kOffSlotTable + slot * layout::kSlotSize));
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

TEST_P(Malformed, ExtendedBusIsCorrupt) {
  splinter_close(create(16, 64));
  spit(name_.path(), slurp(name_.path()) + std::string(4096, '\0'));
  EXPECT_EQ(open_status(backing(), name_, SPLINTER_READER), SPLINTER_E_CORRUPT);
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
  poke<uint32_t>(bytes, layout::kOffSlots, 17);  // more slots than the object holds
  reseal(bytes);
  spit(name_.path(), bytes);
  EXPECT_EQ(open_status(backing(), name_, SPLINTER_READER), SPLINTER_E_CORRUPT);
}

TEST_P(Malformed, HeaderBitFlipIsCorrupt) {
  splinter_close(create());
  std::string bytes = slurp(name_.path());
  bytes[layout::kOffMaxValue] ^= 0x01;  // checksum not resealed
  spit(name_.path(), bytes);
  EXPECT_EQ(open_status(backing(), name_, SPLINTER_READER), SPLINTER_E_CORRUPT);
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
  EXPECT_EQ(e, 1u);
  EXPECT_EQ(check(w).worst, 0);
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
