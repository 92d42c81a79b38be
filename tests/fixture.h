// fixture.h -- a fresh bus name per test, for both backings.
#ifndef SPLINTER_TESTS_FIXTURE_H
#define SPLINTER_TESTS_FIXTURE_H

#include <splinter/splinter.h>
#include <splinter/splinter.hpp>

#include "hash.h"
#include "testsupport/files.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

namespace splinter::testing {

inline const char *backing_name(splinter_backing b) { return b == SPLINTER_SHM ? "Shm" : "File"; }

// Owns a unique name for the test's bus and destroys whatever is there at the end.
class BusName {
 public:
  explicit BusName(splinter_backing backing) : backing_(backing) {
    if (backing == SPLINTER_SHM) {
      name_ = testsupport::unique_name("splinter-test");
      // The pid is ours, so an object already under this name was left by a
      // dead process that had the same pid (one killed before its
      // destructors ran): remove it rather than fail with EXISTS.
      (void)::shm_unlink(name_.c_str());
    } else {
      char tmpl[] = "/tmp/splinter-test-XXXXXX";
      dir_ = ::mkdtemp(tmpl);
      name_ = dir_ + "/" + testsupport::unique_name("bus");
    }
  }
  ~BusName() {
    (void)splinter_destroy(backing_, name_.c_str());
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  const char *c_str() const { return name_.c_str(); }
  const std::string &str() const { return name_; }
  // The backing object's path in the filesystem.
  std::string path() const { return backing_ == SPLINTER_SHM ? "/dev/shm/" + name_ : name_; }

 private:
  splinter_backing backing_;
  std::string name_;
  std::string dir_;
};

class BusTest : public ::testing::TestWithParam<splinter_backing> {
 protected:
  splinter_backing backing() const { return GetParam(); }
  BusName name_{GetParam()};

  splinter_bus *create(uint32_t slots = 16, uint32_t max_value = 64) {
    splinter_bus *b = nullptr;
    EXPECT_EQ(splinter_create(&b, backing(), name_.c_str(), slots, max_value, 0), SPLINTER_OK) << splinter_last_error();
    return b;
  }
  splinter_bus *open(splinter_role role) {
    splinter_bus *b = nullptr;
    EXPECT_EQ(splinter_open(&b, backing(), name_.c_str(), role), SPLINTER_OK) << splinter_last_error();
    return b;
  }
  static std::string get_str(const splinter_bus *b, const char *key, int *status = nullptr, uint64_t *epoch = nullptr) {
    char buf[4096];
    size_t len = 0;
    const int st = splinter_get(b, key, buf, sizeof buf, &len, epoch);
    if (status) *status = st;
    return st == SPLINTER_OK ? std::string(buf, len) : std::string("<") + splinter_status_name(st) + ">";
  }
  static int set_str(splinter_bus *b, const char *key, const std::string &v, uint64_t *epoch = nullptr) {
    return splinter_set(b, key, v.data(), v.size(), epoch);
  }
  static splinter_report check(const splinter_bus *b) {
    splinter_report r{};
    EXPECT_EQ(splinter_check_bus(b, nullptr, nullptr, &r), SPLINTER_OK);
    return r;
  }
};

// The bytes of a bus object, read and written behind the library's back
// ("" when it cannot be read).
inline std::string slurp(const std::string &path) { return testsupport::slurp(path).value_or(std::string()); }
using testsupport::spit;

// Keys whose home slot in an n-slot table is `home`: they collide.
inline std::vector<std::string> colliding_keys(uint32_t n, uint32_t home, std::size_t count) {
  std::vector<std::string> out;
  for (int i = 0; out.size() < count; ++i) {
    const std::string k = "key" + std::to_string(i);
    if (splinter::home_slot(splinter::key_hash(k.data(), k.size()), n) == home) out.push_back(k);
  }
  return out;
}

#define SPLINTER_BOTH_BACKINGS(Suite)                                                          \
  INSTANTIATE_TEST_SUITE_P(Backings, Suite, ::testing::Values(SPLINTER_SHM, SPLINTER_FILE), \
                           [](const auto &param_info) { return std::string(backing_name(param_info.param)); })

}  // namespace splinter::testing

#endif  // SPLINTER_TESTS_FIXTURE_H
