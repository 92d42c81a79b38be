/*
 * splinter.h -- the C ABI of Splinter, a shared-memory key/value bus.
 *
 * This header is the specification. Every other language binding, the
 * command-line tool and the conformance suite are written against it.
 *
 * Model
 * -----
 * A bus is a table of `slots` slots in one memory-mapped region, backed
 * either by a POSIX shared-memory object (SPLINTER_SHM: memory only, gone at
 * reboot) or by a regular file (SPLINTER_FILE: persistent). Exactly one
 * *writer* handle at a time, in any process, may mutate a bus; any number of
 * *reader* handles in any number of processes read it concurrently. The byte
 * layout and the protocols are specified in docs/FORMAT.md.
 *
 * Keys are 1..SPLINTER_KEY_MAX bytes, any byte but NUL, passed as
 * NUL-terminated strings (or prepared once into a splinter_key, see
 * "Prepared keys"). A longer key is refused with
 * SPLINTER_E_KEY_TOO_LONG; it is never truncated. Values are 0..max_value_size
 * bytes of binary data; an empty value is a value, distinct from absent.
 *
 * Epochs: the bus epoch starts at 0 and increases by exactly 1 per committed
 * set, unset or removal of an expired key. A key's epoch is the bus epoch assigned by the mutation that
 * last changed it; an absent key has epoch 0. Key epochs are therefore
 * monotonic across unset and re-set, and totally ordered across keys.
 *
 * Expiry: a key set with splinter_set_ttl has a deadline. From its deadline
 * on it is absent to every reader in every process -- get and splinter_ttl
 * say NOT_FOUND, list and history skip it, a poll of it wakes and reports
 * epoch 0 -- whether or not a writer process exists: each reader compares
 * the deadline with its own clock. The writer removes expired keys from the
 * table (freeing their slots, one change feed entry of op SPLINTER_OP_EXPIRE
 * each, which wakes bus-wide polls) lazily: a bounded number per set or
 * unset, any expired key such a call meets on its way, every one when a new
 * key finds the bus full, and on splinter_expire. No daemon is needed; an
 * application whose writer is otherwise idle and whose followers need the
 * feed current calls splinter_expire on a timer (e.g. once a second).
 * The clock: deadlines are milliseconds since the Unix epoch on
 * CLOCK_REALTIME_COARSE (CLOCK_REALTIME as of the last kernel tick, so one
 * read costs a few ns; its resolution is one tick, 1..10 ms), read by every
 * process of the machine alike. So a TTL is honoured to within a tick, a
 * file bus's deadlines keep their meaning across a reboot (a key whose
 * deadline passed while the machine was down is absent on the next boot),
 * and a step of the wall clock moves every deadline with it: a step
 * backwards lengthens the remaining lives, a step forwards shortens them
 * (expiring keys early), as in Redis. Machines whose clocks disagree must
 * not share a file bus with deadlines (over a network file system, say).
 *
 * Reads are never torn: a successful get returns exactly the bytes of one
 * committed set of that key, together with that set's epoch. If the writer
 * process dies at any instruction, every key keeps its last committed value
 * except the key being written, which has its old or its new value; readers
 * never block because of a dead writer, and the next writer takes over.
 *
 * Threads and processes
 * ---------------------
 * - Reader operations (get, list, history, changes, poll, epoch, info) are
 *   safe to call from any number of threads on one handle, and from any
 *   number of processes.
 * - A writer handle is safe to use from many threads: its mutations
 *   serialise inside it. The writer handle may also read.
 * - splinter_set_spin may be called from any thread, concurrently with
 *   polls on the same handle.
 * - splinter_close must not race with any other call on the same handle.
 * - A handle belongs to the process that opened it: after fork() the child
 *   must not use (or close) an inherited handle, and opens its own. (The
 *   writer role is a lock on the open file description, which a child
 *   would share with its parent.)
 * - Readers never write the slot table, keys or values: those are mapped
 *   read-only in a reader. The one thing a reader writes is the waiter page,
 *   a separate page of wait words: a poll about to sleep announces itself
 *   there, so that a set wakes only the pollers of what it changed, and
 *   makes no wake-up system call when nobody sleeps on it.
 * - A reader whose process has no write permission on the backing object can
 *   get, list, read epochs and poll; its blocking polls cannot announce
 *   themselves, so they wait in the kernel in slices of at most
 *   SPLINTER_UNREGISTERED_WAIT_MS and re-check between slices (they never
 *   spin). Such a reader sees a change up to that long after it happens.
 *
 * Errors
 * ------
 * Every function that can fail returns an int status: SPLINTER_OK (0) or one
 * of the negative SPLINTER_E_* codes below. A failed call changes nothing:
 * no out-parameter is written unless its documentation says so, and the bus
 * is as it was. splinter_last_error() gives a one-line human-readable reason
 * for the last failure on the calling thread.
 *
 * One rule for that reason: every function of this header that takes a bus,
 * a bus name or a key (all but the diagnostics splinter_strerror,
 * splinter_status_name, splinter_last_error and splinter_version) clears it
 * when called, and a failing call sets it; the diagnostics never change it.
 * So after a call that succeeded it is "", and it stays the reason of a
 * failure until the thread's next such call.
 *
 * Untrusted bytes: a bus file or region is untrusted input. Opening validates
 * the header and geometry; every later read from the region is bounds-checked
 * against the geometry captured at open, so no region content makes a call
 * crash, hang or read out of bounds: damaged data yields SPLINTER_E_CORRUPT
 * (or SPLINTER_E_AGAIN while the bytes keep changing). Shrinking the backing
 * object under an open handle is the one thing the library cannot defend
 * against: the kernel then raises SIGBUS on access, as for any mapped file.
 */
#ifndef SPLINTER_SPLINTER_H
#define SPLINTER_SPLINTER_H

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#error "splinter needs Linux (futex, OFD locks, POSIX shared memory)"
#endif

#if defined(SPLINTER_BUILDING_LIBRARY)
#define SPLINTER_API __attribute__((visibility("default")))
#else
#define SPLINTER_API
#endif

/* [[nodiscard]] in C++ (written before SPLINTER_API: clang rejects a C++11
 * attribute list after a GNU __attribute__). Nothing in C: GCC's
 * warn_unused_result cannot be silenced with a (void) cast. */
#if defined(__cplusplus) && __cplusplus >= 201703L
#define SPLINTER_NODISCARD [[nodiscard]]
#else
#define SPLINTER_NODISCARD
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Library version (semantic versioning). The ABI is stable within a major
 * version; the SONAME is libsplinter.so.<major>. */
#define SPLINTER_VERSION_MAJOR 1
#define SPLINTER_VERSION_MINOR 0
#define SPLINTER_VERSION_PATCH 0
#define SPLINTER_VERSION_STRING "1.0.0"

/* The on-region format version this library reads and writes
 * (docs/FORMAT.md). It changes whenever the layout, or the meaning of any
 * field (a hash, the home slot), does. */
#define SPLINTER_FORMAT_VERSION 5

/* Longest time to live splinter_set_ttl accepts, in milliseconds (2^40 ms,
 * about 34 years). */
#define SPLINTER_TTL_MAX_MS (UINT64_C(1) << 40)

/* Longest key, in bytes, not counting the terminating NUL. */
#define SPLINTER_KEY_MAX 63

/* Geometry limits accepted by splinter_create. */
#define SPLINTER_SLOTS_MAX (1u << 24)          /* 16 Mi slots */
#define SPLINTER_VALUE_MAX (1u << 26)          /* 64 MiB per value */
#define SPLINTER_REGION_MAX (UINT64_C(1) << 40) /* 1 TiB per bus */

/* Limits of splinter_options (splinter_create_ex). */
#define SPLINTER_HISTORY_MAX 62                /* earlier values kept per key */
#define SPLINTER_RING_MAX (1u << 24)           /* entries of the change feed */

/* Longest shared-memory name, in bytes, not counting a leading '/'. */
#define SPLINTER_SHM_NAME_MAX 200

/* Longest kernel wait slice of a reader that cannot announce its polls (no
 * write permission on the backing object). */
#define SPLINTER_UNREGISTERED_WAIT_MS 5

/* Longest kernel wait slice of a poll that announced itself: it re-checks at
 * least this often even when nobody wakes it. The slice is only a safety
 * net: on an intact waiter page every change wakes its pollers at once, so
 * the slice never delays one. But any process that can open the bus
 * read-write can overwrite the waiter page and erase announcements; a
 * change then reaches a poll at most one slice late, never later (see
 * splinter_poll). 1000 ms is the largest bound the design allows: it keeps
 * the cost to every sleeping poll at one wake-up a second, for a delay that
 * only a misbehaving process can cause. */
#define SPLINTER_POLL_SLICE_MS 1000

/* The adaptive spin of a poll (the default; see splinter_set_spin): a poll
 * that starts less than this long after a poll on the same handle found a
 * change without sleeping (the writer outpaces the caller) re-checks the
 * epoch for up to this long, about every SPLINTER_ADAPTIVE_CHECK_NS, before
 * it announces itself and sleeps. A watcher that keeps up with a busy writer
 * thus costs the writer no wake-up system call; a watcher of a quiet key or
 * bus, or one woken from a sleep, never spins. */
#define SPLINTER_ADAPTIVE_SPIN_US 20
#define SPLINTER_ADAPTIVE_CHECK_NS 500

/* Status codes. Each says when it happens and what the caller should do. */
enum {
  /* Success. */
  SPLINTER_OK = 0,
  /* The key is absent (get), or there is no such key to remove (unset).
   * Normal outcome; not an error of the bus. */
  SPLINTER_E_NOT_FOUND = -1,
  /* An argument is invalid: NULL where not allowed, empty key, bad geometry,
   * bad name, NULL value with len > 0, bad role or backing. Fix the call;
   * retrying the same call cannot help. */
  SPLINTER_E_INVALID = -2,
  /* The key is longer than SPLINTER_KEY_MAX bytes. It was not truncated.
   * Use a shorter key (e.g. a hash of a long name). */
  SPLINTER_E_KEY_TOO_LONG = -3,
  /* set: the value is longer than the bus's max_value_size (splinter_info_get
   * gives it). Nothing was written. Store a smaller value (or split it over
   * several keys), or move to a bus created with a larger max_value_size. */
  SPLINTER_E_TOO_LARGE = -4,
  /* get: the caller's buffer is too small. *out_len holds the size needed;
   * nothing else was written. Retry with a buffer at least that large (the
   * value may have changed size meanwhile, so loop). */
  SPLINTER_E_BUFFER = -5,
  /* set of a new key while all slots hold live keys: unset something, or
   * create a larger bus. Also set or unset once the bus epoch has reached
   * 2^56 - 1 (the largest epoch a slot word holds; only a forged bus_epoch
   * gets there in practice): the bus takes no more mutations. */
  SPLINTER_E_FULL = -6,
  /* Another writer handle, in this or any process, holds the bus. Wait for it
   * to close (or die: its claim is then released automatically) and retry. */
  SPLINTER_E_BUSY = -7,
  /* A mutation (set, unset, flush) through a reader handle. Nothing changed.
   * Mutate through a handle opened with SPLINTER_WRITER (the one writer). */
  SPLINTER_E_READ_ONLY = -8,
  /* poll: the timeout passed with no change. Poll again with the same
   * since_epoch to keep waiting, or give up. */
  SPLINTER_E_TIMEOUT = -9,
  /* create: a bus (or any file) of that name already exists. It was not
   * touched. Open it, or destroy it first. */
  SPLINTER_E_EXISTS = -10,
  /* open, destroy, check, recover: no bus of that name exists. Check the
   * name and backing, or create the bus. */
  SPLINTER_E_NO_BUS = -11,
  /* The bus fails validation: not a bus (bad magic), truncated, impossible
   * geometry, or a damaged slot or value. For a damaged value, run recovery
   * (splinter_recover, or `splinterctl recover`). */
  SPLINTER_E_CORRUPT = -12,
  /* The bus has a format version this library does not support (it was made
   * by an older or newer library; docs/FORMAT.md section 5). Nothing was
   * changed. Use a library of that format version, or move the contents
   * across: `splinterctl dump` with the bus's library, then `splinterctl load`
   * into a new bus with this one. */
  SPLINTER_E_VERSION = -13,
  /* A read could not get a stable copy within its retry budget because the
   * writer kept changing that key. Transient: retry. */
  SPLINTER_E_AGAIN = -14,
  /* An operating-system call failed; errno is preserved from it and
   * splinter_last_error() names the call and the path. Remedy the cause the
   * errno gives (e.g. EACCES: permissions of the object or its directory;
   * ENOSPC, ENOMEM: space; ENOENT: a missing directory), then retry. */
  SPLINTER_E_SYSTEM = -15,
  /* splinter_changes: the change feed no longer holds the change after
   * `since` (the writer has overwritten it since: the feed keeps the last
   * change_ring changes; or recovery removed a damaged entry), or `since` is
   * ahead of the bus (the bus was recreated, or changes made after the last
   * flush were lost in a power failure). Resynchronise: read the whole bus
   * with splinter_list / splinter_get, then follow the feed from the bus
   * epoch read before that listing. */
  SPLINTER_E_COMPACTED = -16
};

typedef struct splinter_bus splinter_bus;
typedef enum { SPLINTER_SHM = 1, SPLINTER_FILE = 2 } splinter_backing;
typedef enum { SPLINTER_READER = 0, SPLINTER_WRITER = 1 } splinter_role;

/* ---- Lifetime ----------------------------------------------------------- */

/* Creates a new bus and returns a writer handle to it in *out.
 *
 * name: for SPLINTER_SHM, one path component without '/' (a leading '/' is
 *   accepted and means the same), at most SPLINTER_SHM_NAME_MAX bytes, not
 *   "." or ".."; it is the POSIX shared-memory object of that name
 *   (/dev/shm/NAME on Linux). For SPLINTER_FILE, a path; its final component
 *   must not be a symbolic link.
 * slots: 1..SPLINTER_SLOTS_MAX. max_value_size: 0..SPLINTER_VALUE_MAX.
 *   The region (docs/FORMAT.md gives the formula) must not exceed
 *   SPLINTER_REGION_MAX.
 * mode: permission bits of the new object (e.g. 0600); 0 means 0600.
 *
 * The bus becomes visible to openers only once fully initialised (it is
 * built under a temporary name and linked into place), so concurrent
 * creators and openers never see a half-made bus; of concurrent creators of
 * one name exactly one succeeds. An existing bus is never wiped.
 *
 * Returns OK (*out owns a handle; release it with splinter_close), INVALID,
 * EXISTS (anything of that name exists; untouched), SYSTEM (errno set, e.g.
 * ENOENT for a missing directory, ENOSPC). On failure *out is untouched. */
SPLINTER_NODISCARD SPLINTER_API int splinter_create(splinter_bus **out, splinter_backing backing,
                                                    const char *name, uint32_t slots,
                                                    uint32_t max_value_size, uint32_t mode);

/* The geometry and options of a new bus (splinter_create_ex). Zero the
 * whole struct, set `size`, then the fields you need: a zero field takes
 * its default. */
typedef struct splinter_options {
  uint32_t size;           /* sizeof(splinter_options): lets the struct grow without breaking the ABI */
  uint32_t slots;          /* 1..SPLINTER_SLOTS_MAX (required: 0 is INVALID) */
  uint32_t max_value_size; /* 0..SPLINTER_VALUE_MAX */
  uint32_t mode;           /* permission bits; 0 = 0600 */
  uint32_t change_ring;    /* entries kept in the change feed (splinter_changes):
                              0 = the default, the number of slots rounded up to a
                              power of two and clamped to 1024..65536; any other
                              value is rounded up to a power of two, at most
                              SPLINTER_RING_MAX. splinter_info_get reports the
                              size chosen. Each entry costs 80 bytes. */
  uint32_t history_depth;  /* earlier values kept per key besides the current one
                              (splinter_history): 0..SPLINTER_HISTORY_MAX, 0 = none.
                              Each slot holds history_depth + 2 value buffers. */
} splinter_options;

/* Creates a new bus as splinter_create does, with the options of *opts
 * (splinter_create(out, b, name, slots, max, mode) is splinter_create_ex
 * with only slots, max_value_size and mode set). docs/FORMAT.md section 1
 * gives the region's size for the options; it must not exceed
 * SPLINTER_REGION_MAX.
 * opts->size must be at least 24 (the first version of the struct); a
 * larger size is accepted when every byte past the fields this library
 * knows is zero, so a program built against a later header runs on this
 * library as long as it leaves the newer fields at their defaults.
 * Returns as splinter_create; INVALID also for a NULL opts, a size below 24
 * or above 4096, a non-zero unknown field, history_depth above SPLINTER_HISTORY_MAX or
 * change_ring above SPLINTER_RING_MAX. */
SPLINTER_NODISCARD SPLINTER_API int splinter_create_ex(splinter_bus **out, splinter_backing backing,
                                                       const char *name, const splinter_options *opts);

/* Opens an existing bus. role SPLINTER_WRITER claims the single writer role
 * (an OFD lock on the backing object, released automatically when the
 * process dies) and runs crash recovery (docs/FORMAT.md, "Recovery"): the
 * lossless repairs are made silently; if a value is damaged so that recovery
 * would roll it back or drop it, the open fails with CORRUPT and nothing is
 * changed -- run splinter_recover, which reports every key it touches.
 * A writer open reads the whole region; a reader open reads only the header.
 *
 * Returns OK (*out owns a handle), INVALID, NO_BUS, CORRUPT (not a bus,
 * truncated, impossible geometry; or, for a writer, damage needing
 * recovery), VERSION, BUSY (writer role held elsewhere), SYSTEM (e.g.
 * EACCES when a writer open lacks write permission). On failure *out is
 * untouched. */
SPLINTER_NODISCARD SPLINTER_API int splinter_open(splinter_bus **out, splinter_backing backing,
                                                  const char *name, splinter_role role);

/* Releases a handle: unmaps the region, closes the descriptor and, for a
 * writer, releases the writer role. A poll blocked in another thread on this
 * handle is undefined behaviour. NULL is ignored. Does not flush. */
SPLINTER_API void splinter_close(splinter_bus *bus);

/* Removes the bus's name (unlink). Open handles keep working on the unnamed
 * object until closed. Refuses to remove what is not a splinter bus.
 * Returns OK, INVALID, NO_BUS, BUSY (a live writer holds it: close it first),
 * CORRUPT or VERSION (not a bus this library knows; not removed), SYSTEM. */
SPLINTER_NODISCARD SPLINTER_API int splinter_destroy(splinter_backing backing, const char *name);

/* ---- Mutations (writer handle only) ------------------------------------ */

/* Sets key to the len bytes at value (value may be NULL when len is 0).
 * On OK the new value is committed and visible to every reader, and
 * *out_epoch (optional, may be NULL) receives its epoch. No system call is
 * made unless some poll of this key (or of its wait bucket, see
 * splinter_poll) or of the whole bus has gone to sleep since the last
 * wake-up: then one FUTEX_WAKE per word woken, at most two.
 * The key never expires after a splinter_set: a deadline that an earlier
 * splinter_set_ttl gave it is cleared (as Redis SET does). Before it
 * mutates, the call removes expired keys (see Expiry above): at most 4 of
 * the table's slots are examined per call, plus an expired key of this very
 * name, plus, when a new key finds every slot live, every expired key; each
 * removal takes an epoch of its own before the set's, so *out_epoch is the
 * bus epoch after the call. These removals change nothing a get sees, and
 * may happen also when the call then fails (FULL).
 * Returns OK, INVALID, KEY_TOO_LONG, TOO_LARGE, FULL (new key, all slots
 * live and none expired; or the epoch space is exhausted), READ_ONLY (reader
 * handle), CORRUPT (the writer found the region damaged under it; run
 * recovery). */
SPLINTER_NODISCARD SPLINTER_API int splinter_set(splinter_bus *bus, const char *key, const void *value,
                                                 size_t len, uint64_t *out_epoch);

/* As splinter_set, and the key expires ttl_ms milliseconds from now (0:
 * never, exactly splinter_set). Its deadline is now + ttl_ms on the clock of
 * "Expiry" above, so the key lives between ttl_ms minus one clock tick and
 * ttl_ms plus one tick, for readers that are scheduled meanwhile. A later
 * splinter_set_ttl replaces the deadline; splinter_set clears it.
 * Returns as splinter_set; INVALID also for ttl_ms above SPLINTER_TTL_MAX_MS. */
SPLINTER_NODISCARD SPLINTER_API int splinter_set_ttl(splinter_bus *bus, const char *key, const void *value,
                                                     size_t len, uint64_t ttl_ms, uint64_t *out_epoch);

/* Writer: removes up to max expired keys now (0 = all of them), each as one
 * mutation -- a new epoch, a TOMBSTONE, one change feed entry of op
 * SPLINTER_OP_EXPIRE, the wake-up of its pollers and of bus-wide polls --
 * and *out_removed (optional) receives how many. It walks the whole slot
 * table (O(slots)) unless max stops it first. Call it on a timer when the
 * writer is otherwise idle and followers need the feed current.
 * Returns OK, INVALID, READ_ONLY, FULL (the epoch space is exhausted; the
 * keys removed before that are in *out_removed). */
SPLINTER_NODISCARD SPLINTER_API int splinter_expire(splinter_bus *bus, uint32_t max, uint32_t *out_removed);

/* Removes key. On OK *out_epoch (optional) receives the epoch of the removal,
 * which is also the new bus epoch; the key's epoch is then 0. Expired keys
 * are removed first as by splinter_set (an expired key of this name included:
 * it is absent, so the call then returns NOT_FOUND).
 * Returns OK, NOT_FOUND (absent; nothing changed but those removals),
 * INVALID, KEY_TOO_LONG, READ_ONLY, CORRUPT, FULL (the epoch space is
 * exhausted: see SPLINTER_E_FULL). */
SPLINTER_NODISCARD SPLINTER_API int splinter_unset(splinter_bus *bus, const char *key,
                                                   uint64_t *out_epoch);

/* Makes every committed mutation durable (msync of the region). For
 * SPLINTER_SHM it does nothing and returns OK. Until it returns, an OS
 * crash or power loss may leave any mix of old and new pages in the file;
 * every value carries a checksum so recovery can tell intact from torn.
 * Returns OK, INVALID, READ_ONLY, SYSTEM. */
SPLINTER_NODISCARD SPLINTER_API int splinter_flush(splinter_bus *bus);

/* ---- Reads (any handle) ------------------------------------------------ */

/* Copies key's current value into buf (cap bytes; buf may be NULL when cap
 * is 0). On OK *out_len (optional) receives the value's length and
 * *out_epoch (optional) its epoch; the bytes are those of exactly one
 * committed set, verified against their checksum.
 * Returns OK; NOT_FOUND (absent, or expired: see Expiry); BUFFER (cap too
 * small: *out_len, if given, receives the size needed and nothing else is
 * written); INVALID; KEY_TOO_LONG;
 * AGAIN (the writer kept changing this key; retry); CORRUPT (the stored value
 * fails its checksum or its slot is malformed). After AGAIN or CORRUPT the
 * contents of buf are unspecified; the out-parameters are untouched. */
SPLINTER_NODISCARD SPLINTER_API int splinter_get(const splinter_bus *bus, const char *key, void *buf,
                                                 size_t cap, size_t *out_len, uint64_t *out_epoch);

/* The remaining time to live of key, in ms, into *out_ms: its deadline
 * minus now on the clock of "Expiry" (at least 1), or UINT64_MAX if it
 * never expires. Reads no value bytes (a damaged value is get's CORRUPT).
 * Returns OK; NOT_FOUND (absent, or expired: also while no writer has
 * removed it); INVALID (NULL bus or out_ms); KEY_TOO_LONG; AGAIN (retry);
 * CORRUPT (its slot or buffer meta is malformed). */
SPLINTER_NODISCARD SPLINTER_API int splinter_ttl(const splinter_bus *bus, const char *key, uint64_t *out_ms);

/* Calls fn once per live key, in slot order, with the key (NUL-terminated,
 * valid only during the call), its value's length and its epoch. The list is
 * not a snapshot: keys set or unset during the call may or may not appear,
 * but every key that stays live throughout appears exactly once. A non-zero
 * return from fn stops the walk and is returned by splinter_list (so
 * callbacks must not return values that collide with status codes unless
 * they mean them). fn must not close the bus.
 * Expired keys are skipped (see Expiry), also before the writer removes them.
 * Returns OK, INVALID, or fn's non-zero return. Slots that stay unstable or
 * malformed (keys get would not find) are skipped; use splinter_check to find
 * them. A key whose value fails its checksum is listed; get returns CORRUPT. */
SPLINTER_NODISCARD SPLINTER_API int splinter_list(const splinter_bus *bus,
                                                  int (*fn)(void *ctx, const char *key,
                                                            size_t value_len, uint64_t epoch),
                                                  void *ctx);

/* The operations of the change feed: a set, an unset, and the writer's
 * removal of an expired key (splinter_expire and the lazy removals of
 * splinter_set). A follower treats any op other than SET as the key's
 * removal. (A key is absent to readers from its deadline on; the EXPIRE
 * entry comes when the writer removes it, possibly much later.) */
enum { SPLINTER_OP_SET = 1, SPLINTER_OP_UNSET = 2, SPLINTER_OP_EXPIRE = 3 };

/* A change of splinter_changes: the mutation of `epoch` was `op`
 * (SPLINTER_OP_*) of `key` (NUL-terminated, valid only during the call).
 * Return 0 to go on; anything else stops the walk and is returned. */
typedef int (*splinter_change_fn)(void *ctx, uint64_t epoch, int op, const char *key);

/* The change feed: calls fn for every committed mutation with epoch > since,
 * in epoch order, each once, up to the bus epoch at the time of the call
 * (or until fn returns non-zero), with the op and the key it changed. The
 * feed holds the last change_ring mutations (splinter_info_get gives
 * change_ring and the oldest epoch held, feed_oldest).
 * *out_last (optional) receives the epoch of the last change passed to fn,
 * or `since` when there was none; it is written on OK, on COMPACTED, on
 * CORRUPT and when fn stops the walk, so a follower resumes with
 * since = *out_last. To follow the bus without missing a change:
 *     last = since;
 *     for (;;) {
 *       if (splinter_poll(bus, NULL, last, -1, NULL) != SPLINTER_OK) break;
 *       int st = splinter_changes(bus, last, fn, ctx, &last);
 *       if (st == SPLINTER_E_COMPACTED) {   resynchronise: take the epoch
 *         last = splinter_epoch(bus);        first, then list every key
 *         splinter_list(bus, ...);          (changes after it come again)
 *       } else if (st != SPLINTER_OK) break;
 *     }
 * A change that overwrites a key k times shows k entries, however fast.
 * Never blocks and never writes the region. Any handle, any thread.
 * Returns OK; COMPACTED (the change with epoch since + 1 is no longer held:
 * the writer overwrote it, also while this call was reading it -- a reader
 * racing the writer around the ring gets either the entry or COMPACTED,
 * never a wrong one -- or since is ahead of the bus epoch; resynchronise
 * with splinter_list); CORRUPT (an entry is damaged: run splinter_check);
 * INVALID (NULL bus or fn); or fn's non-zero return. */
SPLINTER_NODISCARD SPLINTER_API int splinter_changes(const splinter_bus *bus, uint64_t since,
                                                     splinter_change_fn fn, void *ctx,
                                                     uint64_t *out_last);

/* A value of splinter_history: its epoch, and len bytes at value (valid
 * only during the call). Return 0 to go on; anything else stops the walk
 * and is returned. */
typedef int (*splinter_history_fn)(void *ctx, uint64_t epoch, const void *value, size_t len);

/* Calls fn with the key's current value and then up to history_depth
 * earlier values (splinter_options), newest first, each with the epoch of
 * the set that wrote it, since the key was last created: an unset ends a
 * history, so after unset and set again only the new values are given.
 * The values given are those of one moment (read under one stable slot
 * word, as splinter_get reads one value) and are each verified against
 * their checksum before fn sees them. The values are copied out before fn
 * is called: the call allocates the sum of their lengths.
 * Returns OK; NOT_FOUND (absent or expired; fn not called); CORRUPT (a value fails its
 * checksum: the newer ones were given, the damaged one and older ones are
 * not; run splinter_check); AGAIN (the writer kept changing the key; retry);
 * INVALID; KEY_TOO_LONG; SYSTEM (out of memory); or fn's non-zero return. */
SPLINTER_NODISCARD SPLINTER_API int splinter_history(const splinter_bus *bus, const char *key,
                                                     splinter_history_fn fn, void *ctx);

/* Waits until key's epoch differs from since_epoch, then returns OK with
 * the current epoch in *out_epoch (optional). It returns at once if it
 * already differs. The creation of an absent key counts (since 0 -> its new
 * epoch), and so does its removal (-> 0). key == NULL waits on the bus epoch
 * instead. timeout_ms: 0 checks once, a negative value waits without limit.
 * No update can be missed between a get and the poll that follows it with
 * the epoch that get returned. A key that expires counts as removed (-> 0)
 * at its deadline: a poll of a key with a deadline sleeps no longer than
 * to it, and then returns OK with epoch 0 (no writer is needed). Waiting
 * blocks in the kernel (futex on the shared mapping, CLOCK_MONOTONIC
 * deadline), after a spin only if a spin budget was set or the bus is busy
 * (adaptive: see splinter_set_spin).
 *
 * What wakes a sleeping poll: a set or unset of its key wakes it at once,
 * and so does a mutation of another key that shares its wait bucket (one of
 * 512, by key hash; the poll then re-checks and sleeps on without
 * returning). A mutation of a key in another bucket does not wake it at all.
 * A poll of the whole bus (key == NULL) wakes on every mutation; sets that
 * come faster than it returns are coalesced: it returns the newest epoch.
 * A writer taking the role (open, recovery) wakes every poll. Apart from
 * these, a poll that could announce itself wakes once per
 * SPLINTER_POLL_SLICE_MS to re-check, a poll that could not (read-only
 * reader) once per SPLINTER_UNREGISTERED_WAIT_MS. Hence the bound: a change
 * reaches a poll within SPLINTER_POLL_SLICE_MS however the waiter page has
 * been overwritten by another process (on an intact page, at once), and
 * within SPLINTER_UNREGISTERED_WAIT_MS for a read-only reader -- plus the
 * time the poller takes to be scheduled.
 * Returns OK, TIMEOUT, INVALID, KEY_TOO_LONG, AGAIN (the writer kept
 * changing the key while its epoch was read; retry). */
SPLINTER_NODISCARD SPLINTER_API int splinter_poll(const splinter_bus *bus, const char *key,
                                                  uint64_t since_epoch, int64_t timeout_ms,
                                                  uint64_t *out_epoch);

/* ---- Prepared keys ---------------------------------------------------- */

/* A key validated and hashed once, for calls that use the same key again and
 * again (a get in a hot loop): the _k calls below skip the length scan, the
 * copy into the slot's 64-byte form and the key hash that every call taking
 * a C string does.
 *
 * What it holds: the key's 64 bytes as a slot stores them (the key, then NUL
 * bytes), its key_hash (docs/FORMAT.md 1.3) and a check word over those 72
 * bytes and SPLINTER_FORMAT_VERSION. It is plain data: copy it, store it,
 * share it between threads and processes (by value, or read-only once
 * written). It names no bus: one prepared key serves every bus of the same
 * format version (a library of another format version refuses it as
 * INVALID). It owns nothing; there is nothing to release.
 *
 * The library re-checks it on every use, cheaply (the check word, a few
 * multiplications; a mutation also re-derives the key's length and hash):
 * a prepared key changed in any byte since splinter_key_init -- by a stray
 * write, an uninitialised struct, a partial copy -- is refused with
 * SPLINTER_E_INVALID, never used to probe or write, and never makes a call
 * crash. (The check is an integrity check against accidents, not a
 * signature: a get or poll through a deliberately forged key can at worst
 * miss, since a slot is matched by all 64 key bytes and its hash; a set or
 * unset through one is refused unless it is a valid key.) */
typedef struct splinter_key {
  uint64_t opaque[10];
} splinter_key;

/* Prepares key (NUL-terminated, as the string calls take it) into *out.
 * Like every call on a bus, it clears the thread's error detail and a
 * failure sets it. Returns OK, INVALID (NULL out or key, empty key),
 * KEY_TOO_LONG (longer than SPLINTER_KEY_MAX bytes; not truncated). On
 * failure *out is untouched. */
SPLINTER_NODISCARD SPLINTER_API int splinter_key_init(splinter_key *out, const char *key);

/* splinter_get, splinter_set, splinter_unset and splinter_poll with a
 * prepared key: the same semantics, statuses and out-parameters, and
 * INVALID also when *key fails its check (or key is NULL; splinter_poll_k
 * has no "whole bus" form: use splinter_poll with a NULL key). They never
 * return KEY_TOO_LONG: splinter_key_init did. */
SPLINTER_NODISCARD SPLINTER_API int splinter_get_k(const splinter_bus *bus, const splinter_key *key, void *buf,
                                                   size_t cap, size_t *out_len, uint64_t *out_epoch);
SPLINTER_NODISCARD SPLINTER_API int splinter_set_k(splinter_bus *bus, const splinter_key *key, const void *value,
                                                   size_t len, uint64_t *out_epoch);
SPLINTER_NODISCARD SPLINTER_API int splinter_unset_k(splinter_bus *bus, const splinter_key *key,
                                                     uint64_t *out_epoch);
SPLINTER_NODISCARD SPLINTER_API int splinter_poll_k(const splinter_bus *bus, const splinter_key *key,
                                                    uint64_t since_epoch, int64_t timeout_ms, uint64_t *out_epoch);

/* Sets how long (microseconds, 0 = never) a poll on this handle spins
 * re-checking before it sleeps in the kernel: lower wake latency when
 * updates arrive within the budget, at the cost of a busy core meanwhile.
 * Until it is called, a handle spins adaptively: only a poll that closely
 * follows a change found without sleeping spins, for at most
 * SPLINTER_ADAPTIVE_SPIN_US, re-checking every SPLINTER_ADAPTIVE_CHECK_NS (so
 * that a watcher of a busy bus does not make every set a wake-up system
 * call, nor share the epoch's cache line with the writer on every check);
 * a budget set here replaces that, and 0 turns spinning off.
 * Thread-safe: it may be called from any thread, also while other threads
 * poll on the handle; each poll reads the budget once, when it starts, so a
 * poll already running keeps the budget it started with.
 * Returns OK or INVALID (NULL bus, or more than 1,000,000 us). */
SPLINTER_NODISCARD SPLINTER_API int splinter_set_spin(splinter_bus *bus, uint32_t spin_us);

/* The bus epoch (0 for NULL). Never fails, makes no system call; like every
 * call on a bus, it clears the thread's error detail (see Errors). */
SPLINTER_API uint64_t splinter_epoch(const splinter_bus *bus);

/* Describes a bus. Fields from the header are fixed at creation. */
typedef struct splinter_info {
  uint32_t format_version;   /* SPLINTER_FORMAT_VERSION of the region */
  uint32_t backing;          /* splinter_backing */
  uint32_t role;             /* splinter_role of this handle */
  uint32_t slots;            /* geometry */
  uint32_t max_value_size;   /* geometry */
  uint32_t live_keys;        /* live slots, counted now (expired keys the
                                writer has not removed yet included) */
  uint32_t tombstones;       /* tombstone slots, counted now */
  uint32_t longest_probe;    /* longest probe chain of a live key, in slots */
  uint64_t region_size;      /* bytes of the backing object */
  uint64_t bus_epoch;        /* current bus epoch */
  int32_t writer_pid;        /* pid recorded by the writer holding the bus,
                                0 when no writer holds it */
  uint32_t waiters;          /* wait words (the bus word and 512 key
                                buckets) with an announcement not yet woken,
                                counted now: each poll sleeping on a word
                                keeps it announced (pollers of one word count
                                once); a poll that returns without being
                                woken (timeout; the change seen just after
                                announcing) leaves its word announced until
                                the next mutation that wakes that word. */
  uint32_t change_ring;      /* entries the change feed holds (options) */
  uint32_t history_depth;    /* earlier values kept per key (options) */
  uint32_t probe_limit;      /* lookups stop after this many slots: one more
                                than the furthest any key was placed from
                                its home slot since the bus was created or
                                last recovered (recovery may lower it to the
                                live keys' need; docs/FORMAT.md F22) */
  uint32_t reserved;         /* 0 */
  uint64_t feed_oldest;      /* oldest epoch the feed's ring covers, 0 when
                                none (an entry recovery removed there still
                                answers COMPACTED) */
} splinter_info;

/* Fills *out. Counting walks the slot table (O(slots)).
 * Returns OK or INVALID. */
SPLINTER_NODISCARD SPLINTER_API int splinter_info_get(const splinter_bus *bus, splinter_info *out);

/* ---- Validation and recovery ------------------------------------------ */

/* Severity of a finding. */
enum {
  SPLINTER_SEV_RECOVERABLE = 1,   /* recovery repairs it and loses nothing
                                     (or rolls a value back to an intact
                                     earlier version of that key) */
  SPLINTER_SEV_UNRECOVERABLE = 2, /* recovery must drop a value */
  SPLINTER_SEV_FATAL = 3          /* the bus cannot be opened at all */
};

/* What recovery does (did) about a finding. */
enum {
  SPLINTER_FIX_NONE = 0,     /* nothing to do, or nothing possible */
  SPLINTER_FIX_REPAIR = 1,   /* lossless repair (epoch, chain, empty word,
                                header copy, feed entry, probe limit) */
  SPLINTER_FIX_ROLLBACK = 2, /* key restored to its previous intact value, or
                                a damaged slot word restored from the value
                                buffer it names */
  SPLINTER_FIX_DROP = 3,     /* value (and key) removed */
  SPLINTER_FIX_TRIM = 4      /* the key's current value is kept; a damaged
                                earlier value and every older one are removed
                                from its history */
};

/* One violated rule of docs/FORMAT.md. Valid only during the callback. */
typedef struct splinter_finding {
  uint32_t rule;      /* the rule number N of "FN" in docs/FORMAT.md */
  int32_t severity;   /* SPLINTER_SEV_* */
  int32_t fix;        /* SPLINTER_FIX_* */
  int64_t slot;       /* slot index, or -1 for the header */
  const char *key;    /* the slot's key, printable-escaped, or "" */
  const char *detail; /* one line describing what is wrong */
} splinter_finding;

typedef struct splinter_report {
  uint32_t findings;      /* all findings */
  uint32_t repaired;      /* SPLINTER_FIX_REPAIR findings */
  uint32_t rolled_back;   /* SPLINTER_FIX_ROLLBACK findings */
  uint32_t dropped;       /* SPLINTER_FIX_DROP findings */
  int32_t worst;          /* highest severity seen, 0 when clean */
  uint32_t trimmed;       /* SPLINTER_FIX_TRIM findings */
} splinter_report;

typedef int (*splinter_finding_fn)(void *ctx, const splinter_finding *finding);

/* Validates the named bus against every rule of docs/FORMAT.md without
 * modifying it: opens it read-only, takes no lock, and checks a snapshot.
 * fn (optional) is called per finding (return non-zero to stop early);
 * *out (optional) receives the totals. A bus whose writer is live may show
 * transient findings (a mutation in flight); check a quiescent bus for an
 * exact verdict. Returns OK when the check ran (whatever it found; see
 * out->worst), or INVALID, NO_BUS, CORRUPT / VERSION (the header is unusable;
 * fn receives the finding first), SYSTEM. */
SPLINTER_NODISCARD SPLINTER_API int splinter_check(splinter_backing backing, const char *name,
                                                   splinter_finding_fn fn, void *ctx,
                                                   splinter_report *out);

/* As splinter_check, on an open handle (a snapshot of its mapping). */
SPLINTER_NODISCARD SPLINTER_API int splinter_check_bus(const splinter_bus *bus, splinter_finding_fn fn,
                                                       void *ctx, splinter_report *out);

/* Takes the writer role on the named bus, repairs everything the validator
 * finds (rolling each damaged value back to its last intact version where
 * one exists, dropping it otherwise), reports every finding with the fix
 * applied through fn, flushes a file bus, and releases the role. Afterwards
 * the bus validates clean. Returns OK, INVALID, NO_BUS, BUSY, CORRUPT /
 * VERSION (header unusable: nothing can be recovered), SYSTEM. */
SPLINTER_NODISCARD SPLINTER_API int splinter_recover(splinter_backing backing, const char *name,
                                                     splinter_finding_fn fn, void *ctx,
                                                     splinter_report *out);

/* ---- Diagnostics -------------------------------------------------------- */

/* A static English sentence for a status code ("unknown status" otherwise). */
SPLINTER_API const char *splinter_strerror(int status);

/* The symbolic name of a status code ("SPLINTER_E_NOT_FOUND"), or NULL. */
SPLINTER_API const char *splinter_status_name(int status);

/* A one-line reason for the last failed call on this thread, e.g.
 * "not a splinter bus (bad magic)"; "" when the last call succeeded. Valid
 * until the thread's next call of a function that takes a bus or a bus name
 * (see Errors: the diagnostics do not change it). */
SPLINTER_API const char *splinter_last_error(void);

/* The library's version string, SPLINTER_VERSION_STRING at build time. */
SPLINTER_API const char *splinter_version(void);

#ifdef __cplusplus
}
#endif

#endif /* SPLINTER_SPLINTER_H */
