/*
 * expiry.pml -- keys that expire (issue 15, format 5): docs/FORMAT.md 1.6
 * (deadlines and the clock), 2.4 step 8 (a reader's expiry test), 2.5 (a
 * poll's sleep ends at its key's deadline), 2.10 (the writer's removal of
 * expired keys) and section 3 (crashes). The code: src/read.cpp,
 * src/wait.cpp, src/write.cpp, src/recover.cpp.
 *
 * One key. Its slot word and current buffer meta are abstracted to one
 * atomic record (st, sop, ep, dl): the get of 2.4 is linearisable at its
 * stable word (protocol.pml proves it), and the deadline is read under that
 * word. What is modelled in detail is the clock against those reads.
 *
 * Processes
 *   Clock    the machine's clock of deadlines, now = 0..TMAX, monotonic (a
 *            wall-clock step is a documented change of every life, not a
 *            protocol question).
 *   Writer   a set with a time to live (deadline now + TTL), then NOPS steps,
 *            each nondeterministically: the lazy removal of the key if it has
 *            expired (2.10: TOMBSTONE with op EXPIRE), a plain set (deadline
 *            0; of an expired key: first its removal, 2.2 step 1), a set with
 *            a time to live, or nothing. Each mutation: commit the record
 *            (2.2 step 7), the feed entry, the bus epoch, the wake-up of
 *            pollers. With CRASHES it may die (once) after the commit, after
 *            the feed entry or after the bus epoch; the next writer recovers
 *            (F13: the missing feed entry from the slot, with the slot's op;
 *            the bus epoch raised) and carries on.
 *   Reader   NREADS gets: read the record, then the clock; the key is absent
 *            when its deadline has passed (2.4 step 8).
 *   Poller   a get, then a poll with since = its epoch: re-read, and sleep
 *            (eventcount handshake abstracted: wake.pml proves it) until the
 *            writer wakes it or, for a key with a deadline, until the clock
 *            reaches it (2.5 step 3.3).
 *   Monitor  judges the end state.
 *
 * Properties
 *   X1  absent from the deadline on (every reader, no writer needed): a
 *       reader never returns a value whose deadline the clock has reached
 *       (ghost gone[e], set by the clock when the LIVE value of epoch e
 *       expires) -- also after a crash and recovery: never resurrected.
 *   X2  a poll wakes at its key's deadline: once everything is done, no
 *       poller is asleep while its key's visible epoch differs from its
 *       since unless its own timeout can end the sleep.
 *   X3  crash: the key is LIVE with its deadline, or removed, and the feed
 *       holds the op of the key's last mutation; the bus epoch is backed.
 *
 * Negative controls (-D<NAME>; each must be caught by the property named)
 *   BUG_READER_IGNORES_DEADLINE   get returns the value whatever its
 *                                 deadline (the mutant expiry_ignored)  X1
 *   BUG_POLL_NO_DEADLINE          the poll's sleep ignores the key's
 *                                 deadline: only the writer can end it    X2
 *   BUG_RECOVERY_CLEARS_DEADLINE  recovery rewrites a LIVE value without
 *                                 its deadline (a rollback that drops the
 *                                 meta's deadline)                  X1 (crash)
 *   BUG_EXPIRE_FEED_AS_UNSET      the writer's removal is in the feed as an
 *                                 UNSET, the slot says EXPIRE               X3
 */

#ifndef TMAX
#define TMAX 3            /* the clock runs 0..TMAX */
#endif
#ifndef TTL
#define TTL 2
#endif
#ifndef NOPS
#define NOPS 2            /* writer steps after the first set */
#endif
#ifndef NREADS
#define NREADS 2
#endif
#ifndef CRASHES
#define CRASHES false
#endif
#define MAXE 8            /* epochs 0..MAXE-1 (at most 1 + 2 * NOPS mutations) */

#define EMPTY 0
#define LIVE 1
#define TOMB 2
#define OP_SET 1
#define OP_UNSET 2
#define OP_EXPIRE 3

/* ---- The region -------------------------------------------------------- */
byte st;                  /* slot state */
byte sop;                 /* a TOMBSTONE's op */
byte ep;                  /* the slot word's epoch */
byte dl;                  /* the current value's deadline (0: none) */
byte bus;                 /* bus_epoch */
byte fe[MAXE];            /* the feed: op of epoch e (0: no entry) */

/* ---- The clock and ghosts ------------------------------------------------ */
byte now;
bool gone[MAXE];          /* the LIVE value of epoch e has reached its deadline */
bool asleep;              /* the poller is blocked in its sleep */
byte wake_at;             /* ... and its timeout: the key's deadline (0: none) */
byte psince;
bool writer_done;
bool can_crash;
bool resurrected;         /* X1 */
bool sleeps_past_deadline;/* X2 */
bool feed_mismatch;       /* X3 */

#define EXPIRED (st == LIVE && dl != 0 && now >= dl)
/* The key's epoch as a reader sees it now (2.4 step 8, 2.5). */
#define VISIBLE (st == LIVE && !(dl != 0 && now >= dl) -> ep : 0)

bool crashed;             /* the writer died in this mutation: the rest is skipped */
#define CRASH if :: can_crash -> can_crash = false; crashed = true :: true -> skip fi

inline wake() {
    asleep = false        /* 2.6: the writer wakes its key's pollers */
}

/* One mutation: the record (commit), the feed entry, the bus epoch, wake. */
inline mutate(nst, nop, ndl) {
    if
    :: crashed -> skip
    :: !crashed ->
       atomic {
           st = nst; sop = nop; ep = bus + 1; dl = ndl;
           if   /* the clock may already be past a deadline (not with TTL >= 1) */
           :: st == LIVE && dl != 0 && now >= dl -> gone[ep] = true
           :: !(st == LIVE && dl != 0 && now >= dl) -> skip
           fi
       };
       CRASH;
       if
       :: crashed -> skip
       :: !crashed ->
#ifdef BUG_EXPIRE_FEED_AS_UNSET
          fe[bus + 1] = (nst == LIVE -> OP_SET : (nop == OP_EXPIRE -> OP_UNSET : nop));
#else
          fe[bus + 1] = (nst == LIVE -> OP_SET : nop);
#endif
          CRASH;
          if
          :: crashed -> skip
          :: !crashed ->
             bus = bus + 1;
             CRASH;
             if
             :: crashed -> skip
             :: !crashed -> wake()
             fi
          fi
       fi
    fi
}

inline expire_if_expired() {
    if
    :: EXPIRED -> mutate(TOMB, OP_EXPIRE, 0)
    :: !EXPIRED -> skip
    fi
}

active proctype Clock() {
    do
    :: now < TMAX ->
       atomic {
           now++;
           if
           :: EXPIRED -> gone[ep] = true
           :: else -> skip
           fi
       }
    :: else -> break
    od
}

active proctype Writer() {
    byte n = 0;
    can_crash = CRASHES;
    mutate(LIVE, 0, now + TTL);
    if
    :: crashed -> goto dead
    :: else -> skip
    fi;
again:
    do
    :: n < NOPS ->
       n++;
       if
       :: true -> expire_if_expired()                          /* 2.10 step 1 (lazy) or splinter_expire */
       :: true -> expire_if_expired(); mutate(LIVE, 0, 0)      /* a plain set: clears the deadline */
       :: true -> expire_if_expired(); mutate(LIVE, 0, now + TTL)
       :: true -> skip
       fi;
       if
       :: crashed -> goto dead
       :: else -> skip
       fi
    :: else -> break
    od;
    writer_done = true;
    goto out;
dead:
    /* The next writer's recovery (F13, section 3): the committed mutation's
     * feed entry from the slot, then the bus epoch; every poller woken. */
    atomic {
        crashed = false;
        if
        :: st != EMPTY && ep == bus + 1 ->
           fe[ep] = (st == LIVE -> OP_SET : sop);
           bus = ep
        :: else -> skip
        fi;
#ifdef BUG_RECOVERY_CLEARS_DEADLINE
        if
        :: st == LIVE -> dl = 0
        :: else -> skip
        fi;
#endif
        wake()
    };
    goto again;
out:
    skip
}

active proctype Reader() {
    byte r = 0, e, d;
    do
    :: r < NREADS ->
       r++;
       atomic {   /* the stable word and its meta (2.4 steps 2-6) */
           if
           :: st == LIVE -> e = ep; d = dl
           :: else -> e = 0; d = 0
           fi
       };
       atomic {   /* 2.4 step 8: the clock, then the verdict */
#ifndef BUG_READER_IGNORES_DEADLINE
           if
           :: d != 0 && now >= d -> e = 0
           :: else -> skip
           fi;
#endif
           if
           :: e != 0 && gone[e] -> resurrected = true
           :: else -> skip
           fi;
           assert(!resurrected)                                     /* X1 */
       }
    :: else -> break
    od
}

active proctype Poller() {
    byte e, d;
    /* A get: its epoch is the poll's since. */
    atomic { psince = VISIBLE };
    do
    :: atomic {
           /* 2.5 step 3: re-check (the key epoch and its deadline under one
            * stable word), then sleep until woken or the key's deadline. */
           e = VISIBLE; d = (st == LIVE -> dl : 0);
           if
           :: e != psince -> break
           :: else ->
              asleep = true;
#ifdef BUG_POLL_NO_DEADLINE
              wake_at = 0
#else
              wake_at = d
#endif
           fi
       };
end_sleep:
       if
       :: !asleep -> skip                                   /* woken by the writer */
       :: asleep && wake_at != 0 && now >= wake_at -> asleep = false   /* its own timeout */
       fi
    od
}

active proctype Monitor() {
    (writer_done && now == TMAX && (!asleep || Poller@end_sleep));
    atomic {
        /* X2: a sleeping poll whose key has changed (expired) can end its sleep. */
        if
        :: asleep && VISIBLE != psince && !(wake_at != 0 && now >= wake_at) -> sleeps_past_deadline = true
        :: else -> skip
        fi;
        assert(!sleeps_past_deadline);
        /* X3: the bus epoch is the key's last mutation, and the feed holds its op. */
        if
        :: st != EMPTY && (bus != ep || fe[ep] != (st == LIVE -> OP_SET : sop)) -> feed_mismatch = true
        :: else -> skip
        fi;
        assert(!feed_mismatch)
    }
}
