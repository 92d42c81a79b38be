// suggest.h -- "did you mean list?": the nearest of some names to a mistyped one.
#ifndef SPLINTERCTL_SUGGEST_H
#define SPLINTERCTL_SUGGEST_H

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace splinterctl {

// The candidate nearest to `typed` (optimal string alignment distance: an
// insertion, deletion, substitution or swap of neighbours each count one),
// if it is near enough to be a typo -- at most 1 edit for up to 4
// characters, 2 for longer -- or if `typed` is the start of exactly one
// candidate. Ties go to the earlier candidate.
std::optional<std::string> nearest(std::string_view typed, const std::vector<std::string> &candidates);

}  // namespace splinterctl

#endif  // SPLINTERCTL_SUGGEST_H
