// recover.h -- recovery (docs/FORMAT.md section 4, "fix" column).
#ifndef SPLINTER_SRC_RECOVER_H
#define SPLINTER_SRC_RECOVER_H

#include "region.h"
#include "validate.h"

namespace splinter {

// Repairs the region so that it validates clean. The caller holds the
// writer role and a writable mapping of the whole object (`size` bytes).
// Every finding is passed to `sink` with the fix applied. With
// lossless_only, nothing is changed and CORRUPT is returned if any value
// would be rolled back or dropped (the writer-open path). Returns OK,
// CORRUPT or VERSION.
int recover_region(Region &r, std::uint64_t size, bool lossless_only, const FindingSink &sink,
                   splinter_report *out);

}  // namespace splinter

#endif  // SPLINTER_SRC_RECOVER_H
