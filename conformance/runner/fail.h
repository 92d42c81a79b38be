// fail.h -- how a case reports a failure: throw Fail("what was wrong").
#ifndef SPLINTER_CONFORMANCE_FAIL_H
#define SPLINTER_CONFORMANCE_FAIL_H

#include <stdexcept>
#include <string>

namespace splc {

struct Fail : std::runtime_error {
  explicit Fail(const std::string &what, bool unsupported_op = false)
      : std::runtime_error(what), unsupported(unsupported_op) {}
  // The adapter answered UNSUPPORTED where the case needed the op: the case
  // fails, and the summary counts it as unsupported rather than wrong.
  bool unsupported = false;
};

}  // namespace splc

#endif  // SPLINTER_CONFORMANCE_FAIL_H
