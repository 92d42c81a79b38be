// size.cpp -- see size.h.
#include "size.h"

#include <array>
#include <cctype>
#include <limits>

namespace splinterctl {

namespace {
struct Suffix {
  std::string_view text;  // lower case
  std::uint64_t factor;
};
constexpr std::uint64_t kKi = 1024;
constexpr std::array<Suffix, 10> kSuffixes = {{{"b", 1},
                                               {"k", kKi}, {"kib", kKi}, {"kb", 1000},
                                               {"m", kKi * kKi}, {"mib", kKi * kKi}, {"mb", 1000 * 1000},
                                               {"g", kKi * kKi * kKi}, {"gib", kKi * kKi * kKi}, {"gb", 1000 * 1000 * 1000}}};
}  // namespace

std::optional<std::uint64_t> parse_size(std::string_view text, std::string *error) {
  std::size_t i = 0;
  std::uint64_t n = 0;
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    const auto digit = static_cast<std::uint64_t>(text[i] - '0');
    if (n > (kMax - digit) / 10) { *error = "'" + std::string(text) + "' is too large"; return std::nullopt; }
    n = n * 10 + digit;
    ++i;
  }
  if (i == 0) {
    *error = "'" + std::string(text) + "' is not a size: give a whole number of bytes, e.g. 256, 1K or 4MiB";
    return std::nullopt;
  }
  std::string suffix;
  for (const char c : text.substr(i)) suffix += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (suffix.empty()) return n;
  for (const Suffix &s : kSuffixes) {
    if (s.text != suffix) continue;
    if (n > kMax / s.factor) { *error = "'" + std::string(text) + "' is too large"; return std::nullopt; }
    return n * s.factor;
  }
  *error = "'" + std::string(text) + "': unknown size suffix '" + std::string(text.substr(i)) +
           "' (use K, M, G or KiB, MiB, GiB for powers of 1024; KB, MB, GB for powers of 1000)";
  return std::nullopt;
}

std::string describe_size(std::uint64_t bytes) {
  std::string out = std::to_string(bytes) + " bytes";
  if (bytes >= kKi && bytes % kKi == 0) {
    const char *units[] = {"KiB", "MiB", "GiB"};
    std::uint64_t v = bytes / kKi;
    int u = 0;
    while (u < 2 && v >= kKi && v % kKi == 0) {
      v /= kKi;
      ++u;
    }
    out += " (" + std::to_string(v) + " " + units[u] + ")";
  }
  return out;
}

}  // namespace splinterctl
