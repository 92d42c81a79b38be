// filter.cpp -- see filter.h.
#include "filter.h"

#include <fnmatch.h>

namespace splinterctl {

void KeyFilter::declare(Args &args, bool positional) {
  Arg m = args.option("--match", &match,
                      "Only keys matching this glob: * and ? match any bytes, [abc] a class, \\ escapes")
              .type("GLOB");
  args.option("--prefix", &prefix, "Only keys that start with PREFIX").type("PREFIX");
  if (positional) {
    args.option("pattern", &pattern, "Only keys matching this glob (as --match)").type("GLOB").excludes(m);
  }
}

bool KeyFilter::matches(std::string_view key) const {
  if (prefix && !key.starts_with(*prefix)) return false;
  const std::string k(key);  // keys hold no NUL (splinter.h)
  for (const auto *glob : {&match, &pattern}) {
    if (*glob && ::fnmatch((*glob)->c_str(), k.c_str(), 0) != 0) return false;
  }
  return true;
}

}  // namespace splinterctl
