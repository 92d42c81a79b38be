// recover.h -- recovery (docs/FORMAT.md section 4, "fix" column).
#ifndef SPLINTER_SRC_RECOVER_H
#define SPLINTER_SRC_RECOVER_H

#include "region.h"
#include "validate.h"

namespace splinter {

// Repairs the region so that it validates clean. The caller holds the
// writer role (an OFD lock on fd) and a writable mapping of the region; the
// object is `object_size` bytes (more than the region: F17 truncates it
// through fd). Every finding is passed to `sink` with the fix applied. With
// lossless_only, nothing is changed and CORRUPT is returned if any fix
// would roll back, restore, drop or trim a value (the writer-open path).
// Returns OK, CORRUPT, VERSION or SYSTEM.
int recover_region(Region &r, int fd, std::uint64_t object_size, bool lossless_only, const FindingSink &sink,
                   splinter_report *out);

}  // namespace splinter

#endif  // SPLINTER_SRC_RECOVER_H
