// powerloss.h -- power-loss simulation for the file backing (mode "powerloss").
//
// Each round creates a file bus, applies random mutations, flushes, keeps a
// copy of the file (F), applies a batch of mutations and keeps a copy of the
// result (N), recording every value each key ever had. It then builds hybrid
// files whose 4 KiB pages come from F or N, some with one page torn at a
// 512-byte boundary, as an OS crash could leave them, and for each one:
//   - parses every slot itself (docs/FORMAT.md) and marks the LIVE slots whose
//     bytes are not one committed version of their key ("torn");
//   - splinter_check must flag every torn slot, and flag F11/F12 on no other;
//   - reader gets must return committed values only (or CORRUPT for a torn key);
//   - a writer open must refuse (CORRUPT) exactly when a rollback or drop is
//     needed, and otherwise leave a clean bus;
//   - splinter_recover must leave a clean bus in which every key holds a value
//     it really had -- its flushed value or a later one -- or is absent because
//     it was absent at or after the flush or recovery reported it dropped.
#ifndef SPLINTER_STRESS_POWERLOSS_H
#define SPLINTER_STRESS_POWERLOSS_H

#include "options.h"

namespace stress {

int run_powerloss(const Options &o);

}  // namespace stress

#endif  // SPLINTER_STRESS_POWERLOSS_H
