// remaining.cpp -- see remaining.h.
#include "remaining.h"

namespace splinterctl {

splinter::Result<std::uint64_t> remaining_ttl(const splinter::Bus &bus, std::string_view key) {
  for (int attempt = 0;; ++attempt) {
    auto got = bus.ttl(key);
    if (got || got.status().code() != splinter::Code::again || attempt == 3) return got;
  }
}

}  // namespace splinterctl
