// duration.cpp -- see duration.h.
#include "duration.h"

#include <array>
#include <cctype>
#include <limits>

namespace splinterctl {

namespace {
struct Unit {
  std::string_view text;
  std::uint64_t ms;
};
// Longest first, so that "ms" is not read as "m" followed by "s".
constexpr std::array<Unit, 4> kUnits = {{{"ms", 1}, {"s", 1000}, {"m", 60 * 1000}, {"h", 60 * 60 * 1000}}};
constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }
std::string not_a_duration(std::string_view text) {
  return quoted(text) + " is not a duration: give a number and a unit, ms, s, m or h (e.g. 250ms, 30s, 90m, 1.5h)";
}
}  // namespace

std::optional<std::uint64_t> parse_duration(std::string_view text, std::string *error) {
  if (text.starts_with('-')) {
    *error = quoted(text) + " is negative: give a duration above zero, e.g. 30s";
    return std::nullopt;
  }
  std::size_t i = 0;
  std::uint64_t whole = 0;
  bool too_large = false;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    const auto digit = static_cast<std::uint64_t>(text[i] - '0');
    if (whole > (kMax - digit) / 10) too_large = true;
    else whole = whole * 10 + digit;
    ++i;
  }
  const std::size_t int_digits = i;
  // The fraction's digits, as a numerator over 10^places. At most 12 places
  // are kept (finer is below a millisecond of any unit), so that the
  // numerator times an hour's ms stays below 2^63.
  std::uint64_t frac = 0;
  std::uint64_t scale = 1;
  bool frac_lost = false;  // a non-zero digit past the 12th place
  bool has_point = false;
  if (i < text.size() && text[i] == '.') {
    has_point = true;
    ++i;
    const std::size_t first = i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      if (i - first < 12) {
        frac = frac * 10 + static_cast<std::uint64_t>(text[i] - '0');
        scale *= 10;
      } else if (text[i] != '0') {
        frac_lost = true;
      }
      ++i;
    }
    if (i == first) { *error = not_a_duration(text); return std::nullopt; }
  }
  if (int_digits == 0 && !has_point) { *error = not_a_duration(text); return std::nullopt; }
  const std::string_view unit = text.substr(i);
  if (unit.empty()) {
    *error = quoted(text) + " has no unit: give ms, s, m or h after the number (e.g. " + std::string(text) +
             "s or " + std::string(text) + "ms)";
    return std::nullopt;
  }
  for (const Unit &u : kUnits) {
    if (u.text != unit) continue;
    if (too_large || whole > kMax / u.ms) { *error = quoted(text) + " is too large"; return std::nullopt; }
    std::uint64_t ms = whole * u.ms;
    if (frac != 0 || frac_lost) {
      // frac / scale of a unit, in ms: exact only when it divides.
      const std::uint64_t num = frac * u.ms;  // < 10^12 * 3.6e6 < 2^62
      if (frac_lost || num % scale != 0) {
        *error = quoted(text) + " is not a whole number of milliseconds";
        return std::nullopt;
      }
      const std::uint64_t part = num / scale;
      if (ms > kMax - part) { *error = quoted(text) + " is too large"; return std::nullopt; }
      ms += part;
    }
    return ms;
  }
  *error = quoted(text) + ": unknown unit '" + std::string(unit) + "' (use ms, s, m or h)";
  return std::nullopt;
}

std::string describe_duration(std::uint64_t ms) {
  std::string out = std::to_string(ms) + " ms";
  if (ms < 1000) return out;
  std::string human;
  const std::uint64_t h = ms / 3600000, m = ms / 60000 % 60, s = ms / 1000 % 60, rest = ms % 1000;
  if (h != 0) human += std::to_string(h) + "h";
  if (m != 0) human += std::to_string(m) + "m";
  if (s != 0 || rest != 0) {
    human += std::to_string(s);
    if (rest != 0) {
      std::string r = std::to_string(rest + 1000).substr(1);  // 3 digits
      while (r.back() == '0') r.pop_back();
      human += "." + r;
    }
    human += "s";
  }
  return out + " (" + human + ")";
}

}  // namespace splinterctl
