// duration.h -- durations on the command line: `set --ttl 30s`, `90m`, `1.5h`.
#ifndef SPLINTERCTL_DURATION_H
#define SPLINTERCTL_DURATION_H

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace splinterctl {

// A duration in whole milliseconds: a number and a unit, ms, s, m or h
// (lower case, no space): "250ms", "30s", "90m", "2h". The number may have a
// decimal fraction when the result is a whole number of milliseconds
// ("1.5s" = 1500, "0.25h"; not "1.0005s"). A bare number has no unit and is
// refused (seconds or milliseconds?). nullopt with *error set when text is
// not one, or is larger than the uint64 range.
std::optional<std::uint64_t> parse_duration(std::string_view text, std::string *error);

// "90000 ms (1m30s)" -- a duration as messages give it.
std::string describe_duration(std::uint64_t ms);

}  // namespace splinterctl

#endif  // SPLINTERCTL_DURATION_H
