// transcript.h -- the lines a case exchanged, kept where the runner can read
// them even after it killed the case (a hang, a crash): a ring of text in a
// shared anonymous mapping made before the case process is forked.
#ifndef SPLINTER_CONFORMANCE_TRANSCRIPT_H
#define SPLINTER_CONFORMANCE_TRANSCRIPT_H

#include <cstddef>
#include <cstdint>
#include <string>

namespace splc {

class SharedTranscript {
 public:
  // Maps `bytes` of shared memory (inherited by a forked child).
  explicit SharedTranscript(std::size_t bytes = 256 * 1024);
  ~SharedTranscript();
  SharedTranscript(const SharedTranscript &) = delete;
  SharedTranscript &operator=(const SharedTranscript &) = delete;

  // Forgets everything (before each case).
  void clear();
  // Appends one line (the case process; one writer at a time: callers lock).
  void append(const std::string &line);
  // The last `max_lines` whole lines, each indented, with a note of how many
  // came before. Read by the runner once the writer is dead (or by the writer).
  std::string tail(std::size_t max_lines = 40) const;
  std::uint64_t lines() const;

 private:
  struct Shared;
  Shared *s_ = nullptr;
  std::size_t cap_ = 0;  // bytes of the ring
};

}  // namespace splc

#endif  // SPLINTER_CONFORMANCE_TRANSCRIPT_H
