// mutants.h -- the deliberately broken variants of the library.
//
// Each mutant plants one protocol bug, so that every oracle (unit test,
// property, stress check, fuzz oracle, conformance run) can prove it catches
// the class of bug it is meant to catch. The test-only library
// splinter_mutant_<name> is built with the one compile definition
// SPLINTER_MUTANT=<name>; the installed libraries never define it, so every
// flag below is false there and each `if constexpr` on it compiles to nothing.
//
// This enum is the only list of mutants: cmake/mutants.cmake reads the names
// between the two marker lines, and every CMakeLists.txt takes them from it.
#ifndef SPLINTER_SRC_MUTANTS_H
#define SPLINTER_SRC_MUTANTS_H

namespace splinter::mutant {

enum class Id {
  none,
  // BEGIN MUTANTS (one per line: cmake/mutants.cmake parses these)
  no_tombstone,                // unset stores EMPTY instead of TOMBSTONE: a key further along the probe path is lost
  no_epoch_bump_on_overwrite,  // overwriting an existing key keeps its epoch (and the bus epoch) unchanged
  lookup_stops_at_tombstone,   // readers stop probing at a tombstone
  no_recheck,                  // readers skip the seqlock re-check (2.4 step 6): torn reads become possible
  publish_before_value,        // set publishes the slot word before storing the value bytes (2.2 steps 5, 6 swapped)
  write_active_buffer,         // set overwrites the active buffer in place: a crash mid-write mixes old and new bytes
  no_wake,                     // set never wakes blocked pollers (lost wake-up; only the poll's slice ends a wait)
  no_poll_slice,               // a poll that announced sleeps until its deadline: no safety slice (2.5 step 3)
  no_checksum_verify,          // get returns values without checking them
  no_slot_word_cross_check,    // the validator trusts every TOMBSTONE/EMPTY/invalid word and a LIVE word's sel (F18 off)
  feed_no_recheck,             // changes() skips the feed entry's re-check (2.9 step 3): a wrapped entry is read torn
  feed_unset_as_set,           // unset's feed entry records op SET (2.3 step 3): followers see a removed key as set
  feed_before_commit,          // set writes its feed entry before the commit (2.2 steps 7, 8 swapped): a crash between leaves an entry of no mutation
  history_drops_oldest,        // history() stops one value short when history_depth > 0: the oldest kept value is lost
  feed_skips_entry,            // changes() resumes one too far: with since > 0 the change of epoch since + 1 is never given
  history_oldest_first,        // history() gives the values oldest first instead of newest first
  history_not_cleared,         // a new key keeps the slot's earlier buffer metas (2.2 step 5): an unset does not end a history
  prepared_key_unchecked,      // a prepared key's check word is not verified: a garbled splinter_key is used as it is
  expiry_ignored,              // readers (get, poll's key epoch) ignore deadlines: an expired key stays visible until the writer removes it
  // END MUTANTS
};

#if !defined(SPLINTER_MUTANT)
#define SPLINTER_MUTANT none
#endif
inline constexpr Id kActive = Id::SPLINTER_MUTANT;

#if !defined(SPLINTER_TEST_HOOKS)
static_assert(kActive == Id::none, "mutants are test-only builds (SPLINTER_TEST_HOOKS)");
#endif

inline constexpr bool kNoTombstone = kActive == Id::no_tombstone;
inline constexpr bool kNoEpochBumpOnOverwrite = kActive == Id::no_epoch_bump_on_overwrite;
inline constexpr bool kLookupStopsAtTombstone = kActive == Id::lookup_stops_at_tombstone;
inline constexpr bool kNoRecheck = kActive == Id::no_recheck;
inline constexpr bool kPublishBeforeValue = kActive == Id::publish_before_value;
inline constexpr bool kWriteActiveBuffer = kActive == Id::write_active_buffer;
inline constexpr bool kNoWake = kActive == Id::no_wake;
inline constexpr bool kNoPollSlice = kActive == Id::no_poll_slice;
inline constexpr bool kNoChecksumVerify = kActive == Id::no_checksum_verify;
inline constexpr bool kNoSlotWordCrossCheck = kActive == Id::no_slot_word_cross_check;
inline constexpr bool kFeedNoRecheck = kActive == Id::feed_no_recheck;
inline constexpr bool kFeedUnsetAsSet = kActive == Id::feed_unset_as_set;
inline constexpr bool kFeedBeforeCommit = kActive == Id::feed_before_commit;
inline constexpr bool kHistoryDropsOldest = kActive == Id::history_drops_oldest;
inline constexpr bool kFeedSkipsEntry = kActive == Id::feed_skips_entry;
inline constexpr bool kHistoryOldestFirst = kActive == Id::history_oldest_first;
inline constexpr bool kHistoryNotCleared = kActive == Id::history_not_cleared;
inline constexpr bool kPreparedKeyUnchecked = kActive == Id::prepared_key_unchecked;
inline constexpr bool kExpiryIgnored = kActive == Id::expiry_ignored;

}  // namespace splinter::mutant

#endif  // SPLINTER_SRC_MUTANTS_H
