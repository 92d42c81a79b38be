// remaining.h -- a key's remaining time to live, as `ttl`, `list` and `info`
// read it (splinter_ttl).
#ifndef SPLINTERCTL_REMAINING_H
#define SPLINTERCTL_REMAINING_H

#include <splinter/splinter.hpp>

#include <cstdint>
#include <string_view>

namespace splinterctl {

// splinter_ttl, retried a few times on AGAIN (the writer kept changing the
// key): the remaining ms, kNever when the key has no deadline, else the
// failure (Code::not_found: absent or expired; again when it kept changing).
inline constexpr std::uint64_t kNever = UINT64_MAX;
splinter::Result<std::uint64_t> remaining_ttl(const splinter::Bus &bus, std::string_view key);

}  // namespace splinterctl

#endif  // SPLINTERCTL_REMAINING_H
