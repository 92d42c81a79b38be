// filter.h -- which keys `list`, `dump` and `watch` show: --prefix PREFIX,
// --match GLOB, and (list, dump) a positional PATTERN, the same as --match.
#ifndef SPLINTERCTL_FILTER_H
#define SPLINTERCTL_FILTER_H

#include "command.h"

#include <optional>
#include <string>
#include <string_view>

namespace splinterctl {

struct KeyFilter {
  std::optional<std::string> prefix;
  std::optional<std::string> match;    // --match GLOB
  std::optional<std::string> pattern;  // the positional PATTERN
  // Declares the options (and the positional when `positional`) into args.
  void declare(Args &args, bool positional);
  bool active() const { return prefix || match || pattern; }
  // True when key starts with the prefix and matches the glob (fnmatch(3)
  // without flags: * and ? match any byte, / and a leading . included;
  // [...] classes; \ escapes), each when given.
  bool matches(std::string_view key) const;
};

}  // namespace splinterctl

#endif  // SPLINTERCTL_FILTER_H
