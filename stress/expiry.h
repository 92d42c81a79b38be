// expiry.h -- mode `expiry`: keys with deadlines under the writer kill loop
// (issue 15; what it checks: expiry.cpp and README.md).
#ifndef SPLINTER_STRESS_EXPIRY_H
#define SPLINTER_STRESS_EXPIRY_H

#include "options.h"

namespace stress {

int run_expiry(const Options &o);

}  // namespace stress

#endif  // SPLINTER_STRESS_EXPIRY_H
