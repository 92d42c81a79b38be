// mutants.h -- the deliberately broken variants of the library.
//
// Each SPLINTER_MUTANT_* macro, defined only when building the test-only
// library splinter_mutant_<name> (src/CMakeLists.txt), plants one protocol
// bug. They exist so that every oracle (unit test, property, stress check,
// fuzz oracle) can prove it catches the class of bug it is meant to catch.
// They are never defined in the installed libraries.
//
//   NO_TOMBSTONE              unset stores EMPTY instead of TOMBSTONE, so a
//                             key further along the probe path is lost.
//   NO_EPOCH_BUMP_ON_OVERWRITE  overwriting an existing key keeps its epoch
//                             (and the bus epoch) unchanged.
//   LOOKUP_STOPS_AT_TOMBSTONE readers stop probing at a tombstone.
//   NO_RECHECK                readers skip the seqlock re-check (2.4 step 6):
//                             torn reads become possible.
//   PUBLISH_BEFORE_VALUE      set publishes the slot word before storing the
//                             value bytes (2.2 steps 5 and 6 swapped).
//   WRITE_ACTIVE_BUFFER       set overwrites the active buffer in place: a
//                             crash mid-write mixes old and new bytes.
//   NO_WAKE                   set never wakes blocked pollers (lost wake-up).
//   NO_CHECKSUM_VERIFY        get returns values without checking them.
#ifndef SPLINTER_SRC_MUTANTS_H
#define SPLINTER_SRC_MUTANTS_H

#if defined(SPLINTER_MUTANT_NO_TOMBSTONE) || defined(SPLINTER_MUTANT_NO_EPOCH_BUMP_ON_OVERWRITE) || \
    defined(SPLINTER_MUTANT_LOOKUP_STOPS_AT_TOMBSTONE) || defined(SPLINTER_MUTANT_NO_RECHECK) ||   \
    defined(SPLINTER_MUTANT_PUBLISH_BEFORE_VALUE) || defined(SPLINTER_MUTANT_WRITE_ACTIVE_BUFFER) || \
    defined(SPLINTER_MUTANT_NO_WAKE) || defined(SPLINTER_MUTANT_NO_CHECKSUM_VERIFY)
#define SPLINTER_IS_MUTANT 1
#if !defined(SPLINTER_TEST_HOOKS)
#error "mutants are test-only builds"
#endif
#endif

#endif  // SPLINTER_SRC_MUTANTS_H
