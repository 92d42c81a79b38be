// suggest.cpp -- see suggest.h.
#include "suggest.h"

#include <algorithm>

namespace splinterctl {

namespace {
std::size_t distance(std::string_view a, std::string_view b) {
  // Optimal string alignment: Levenshtein plus swaps of neighbours.
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}
}  // namespace

std::optional<std::string> nearest(std::string_view typed, const std::vector<std::string> &candidates) {
  if (typed.empty()) return std::nullopt;
  const std::string *best = nullptr;
  std::size_t best_d = 0;
  for (const std::string &c : candidates) {
    const std::size_t d = distance(typed, c);
    if (best == nullptr || d < best_d) {
      best = &c;
      best_d = d;
    }
  }
  const std::size_t budget = typed.size() <= 4 ? 1 : 2;
  if (best != nullptr && best_d <= budget) return *best;
  std::vector<const std::string *> prefixed;
  for (const std::string &c : candidates) {
    if (c.size() > typed.size() && c.compare(0, typed.size(), typed) == 0) prefixed.push_back(&c);
  }
  if (prefixed.size() == 1) return *prefixed[0];
  return std::nullopt;
}

}  // namespace splinterctl
