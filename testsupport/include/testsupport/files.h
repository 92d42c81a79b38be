// files.h -- small helpers every kind of test shares: byte comparison, whole
// files, names unique to a process.
#ifndef SPLINTER_TESTSUPPORT_FILES_H
#define SPLINTER_TESTSUPPORT_FILES_H

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace testsupport {

// memcmp that accepts null pointers when n is 0 (an empty vector's data()).
bool same_bytes(const void *a, const void *b, std::size_t n);

// The whole file; nothing when it cannot be opened or read.
std::optional<std::string> slurp(const std::string &path);
std::optional<std::vector<std::uint8_t>> slurp_bytes(const std::string &path);

// Creates or truncates the file (mode 0600 when created) and writes every
// byte; false on any failure.
bool spit(const std::string &path, const void *data, std::size_t size);
inline bool spit(const std::string &path, std::string_view bytes) { return spit(path, bytes.data(), bytes.size()); }
inline bool spit(const std::string &path, const std::vector<std::uint8_t> &bytes) {
  return spit(path, bytes.data(), bytes.size());
}

// "<prefix>-<pid>-<n>[-<what>]": a name no other process and no other call
// of this process gets (n counts calls), for buses and temporary files.
std::string unique_name(std::string_view prefix, std::string_view what = {});

}  // namespace testsupport

#endif  // SPLINTER_TESTSUPPORT_FILES_H
