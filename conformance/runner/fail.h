// fail.h -- how a case reports a failure: throw Fail("what was wrong").
#ifndef SPLINTER_CONFORMANCE_FAIL_H
#define SPLINTER_CONFORMANCE_FAIL_H

#include <stdexcept>
#include <string>

namespace splc {

struct Fail : std::runtime_error {
  explicit Fail(const std::string &what) : std::runtime_error(what) {}
};

}  // namespace splc

#endif  // SPLINTER_CONFORMANCE_FAIL_H
