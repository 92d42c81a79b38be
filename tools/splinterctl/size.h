// size.h -- sizes on the command line: `--max-value 1K`, `4MiB`.
#ifndef SPLINTERCTL_SIZE_H
#define SPLINTERCTL_SIZE_H

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace splinterctl {

// A whole number of bytes with an optional suffix, as GNU coreutils spell
// them (dd, head -c, truncate): K, M, G (or KiB, MiB, GiB) are powers of
// 1024; KB, MB, GB are powers of 1000; B is bytes. Letters in either case.
// "256", "1K" = 1024, "4MiB" = 4194304, "1kB" = 1000. nullopt with *error
// set when text is not one.
std::optional<std::uint64_t> parse_size(std::string_view text, std::string *error);

// "16777216 bytes (16 MiB)" -- a size as messages give it.
std::string describe_size(std::uint64_t bytes);

}  // namespace splinterctl

#endif  // SPLINTERCTL_SIZE_H
