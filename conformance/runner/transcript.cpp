// transcript.cpp -- see transcript.h.
#include "transcript.h"

#include <sys/mman.h>

#include <algorithm>
#include <sstream>
#include <vector>

namespace splc {

// The ring holds the text of the last lines, each ending in '\n'; `written`
// counts every byte ever appended, so the ring's start is written - cap.
struct SharedTranscript::Shared {
  std::uint64_t written;
  std::uint64_t lines;
  char ring[1];
};

SharedTranscript::SharedTranscript(std::size_t bytes) {
  void *p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return;  // then nothing is kept; reports say so
  s_ = static_cast<Shared *>(p);
  cap_ = bytes - offsetof(Shared, ring);
}

SharedTranscript::~SharedTranscript() {
  if (s_) munmap(s_, cap_ + offsetof(Shared, ring));
}

void SharedTranscript::clear() {
  if (!s_) return;
  s_->written = 0;
  s_->lines = 0;
}

void SharedTranscript::append(const std::string &line) {
  if (!s_) return;
  std::string l = line;
  if (l.size() > 600) l = l.substr(0, 600) + "...(" + std::to_string(line.size()) + " bytes)";
  std::replace(l.begin(), l.end(), '\n', ' ');
  l += '\n';
  for (char c : l) s_->ring[s_->written++ % cap_] = c;
  ++s_->lines;
}

std::uint64_t SharedTranscript::lines() const { return s_ ? s_->lines : 0; }

std::string SharedTranscript::tail(std::size_t max_lines) const {
  if (!s_) return "    (no transcript: its shared memory could not be mapped)\n";
  const std::uint64_t start = s_->written > cap_ ? s_->written - cap_ : 0;
  std::string text;
  text.reserve(static_cast<std::size_t>(s_->written - start));
  for (std::uint64_t i = start; i < s_->written; ++i) text += s_->ring[i % cap_];
  if (start > 0) {  // the first line in the ring is a partial one
    const auto nl = text.find('\n');
    text = nl == std::string::npos ? std::string() : text.substr(nl + 1);
  }
  std::vector<std::string> all;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) all.push_back(l);
  const std::size_t from = all.size() > max_lines ? all.size() - max_lines : 0;
  std::ostringstream out;
  const std::uint64_t earlier = s_->lines - (all.size() - from);
  if (earlier > 0) out << "    ... (" << earlier << " earlier lines)\n";
  for (std::size_t i = from; i < all.size(); ++i) out << "    " << all[i] << "\n";
  return out.str();
}

}  // namespace splc
