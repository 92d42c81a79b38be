/*
 * wake.pml -- the format-4 wake protocol (issue 13): per-key wait buckets and
 * an eventcount handshake in a waiter page that any reader may scribble on.
 * docs/FORMAT.md 1.2, 2.5 (poll) and 2.6 (wake); the code: src/wait.cpp and
 * src/eventcount.h. Read props/README.md section 3 first (memory orders,
 * abstractions, configurations, controls).
 *
 * The slot table is abstracted to one committed epoch per key (ke[k]): the
 * key-epoch read of 2.5 is linearisable (protocol.pml's reader configuration
 * proves it for the get of 2.4, of which it is a part), so one atomic read of
 * ke[k] is what a poller can observe. Only the waiting is modelled in detail.
 *
 * Waiter words W[0..NB-1] (key_wait buckets; the format has 512) and W[BUSW]
 * (bus_wait): bit 0 = announced, the bits above a sequence. Keys 1 and 3
 * share bucket 0, key 2 is alone in bucket 1.
 *
 * Processes
 *   Writer   NSETS sets, each of key 1, 2 or 3 (nondeterministic): commit the
 *            key's epoch (2.2 step 7), store bus_epoch (step 9), seq_cst fence
 *            (2.6 step 1), then for the key's bucket word and the bus word
 *            (2.6 step 2): load; if bit 0 is set, fetch_add(1) and FUTEX_WAKE.
 *            With CRASHES it may die (once) after any step from the commit on
 *            -- between a fetch_add and its FUTEX_WAKE too; the next writer
 *            then opens: F13 (bus_epoch raised), the wake of 2.6 step 3, and
 *            carries on.
 *   Poller   NP of them; poller i polls key PKEYi (0: the bus), POLLS times
 *            with no timeout, each with since = the epoch the previous one
 *            returned: 2.5 step 1 check, then the loop of step 3: fetch_or(1)
 *            (seq_cst) + fence, re-check, FUTEX_WAIT(word, v, slice) (compare
 *            and sleep atomically, as the kernel does); on a wake, EAGAIN or
 *            the slice's expiry, re-check, then loop. The slice is a timeout
 *            transition that is enabled whenever the poller is asleep.
 *   Hostile  (HOSTILE > 0) up to HOSTILE writes, at any time, to the first
 *            poller's bucket word or the bus word: 0, set bit 0, clear bit 0,
 *            the value minus 1 (undoes a writer's advance: ABA) or plus 2.
 *   Monitor  judges lost wakes once the writer is done.
 *
 * Properties
 *   W1  no lost wake (honest page, HOSTILE = 0): once the writer is done, no
 *       poller is asleep while its key's (the bus) epoch differs from its
 *       since -- across a writer crash too. The slice's timeouts are in the
 *       model but W1 judges the state, so it says the protocol never needs
 *       the slice on an honest page.
 *   W2  no lost wake beyond the slice (hostile page): (a) a poller asleep
 *       while the writer is done and its key has changed is in a timed wait
 *       (its timeout transition is enabled: no untimed sleep); (b) a poller
 *       whose slice expired after its key changed does not sleep again (it
 *       re-announces, re-checks and returns). Together: a hostile page
 *       delays a wake by at most one slice.
 *   W3  one wake per sleep (honest page): the writer advances (and wakes) a
 *       word only if a poller has announced on it since the writer last
 *       advanced it -- no system call on a word nobody announced on.
 *   W4  the writer never loops, whatever the page holds: per set and word, at
 *       most one read-modify-write and at most one FUTEX_WAKE.
 *   W5  per-key wake: a FUTEX_WAKE of a set of key k finds asleep only
 *       pollers of the bus or of keys in k's bucket.
 * Each failure sets or names its own variable (lost_wake, sleeps_forever,
 * late, annp, nrmw/nwake, other_bucket_woken), so check.sh --expect can tell
 * which property caught a control.
 *
 * Negative controls (-D<NAME>; each must yield a counterexample)
 *   BUG_WRITER_NO_FENCE      no fence in 2.6 step 1: the writer's loads of
 *                            the words are satisfied before its commit is
 *                            visible (store->load reordering)           W1
 *   BUG_WAKE_BEFORE_COMMIT   the whole wake (2.6) before the commit       W1
 *   BUG_POLL_NO_RECHECK      the poller sleeps without re-reading the epoch
 *                            after announcing (under SC also the model of
 *                            a re-check without the fence, satisfied
 *                            before the announcement is visible)        W1
 *   BUG_NO_REANNOUNCE        after a wake the poller sleeps on the word's
 *                            current value without fetch_or              W1
 *   BUG_WRONG_BUCKET         the writer wakes the bucket of another key   W5/W1
 *   BUG_ONE_WORD             every poller waits on the bus word (the
 *                            format-3 design: one word for all)          W5
 *   BUG_WAKE_KEEPS_BIT       the writer advances by 2: bit 0 stays set    W3
 *   BUG_WRITER_CAS_LOOP      the writer clears bit 0 with a CAS retried
 *                            until it succeeds                           W4
 *   BUG_NO_SLICE             a registered poll with no timeout sleeps in an
 *                            untimed FUTEX_WAIT                          W2a
 *   BUG_SLICE_NO_RECHECK     when a slice expires the poller waits again
 *                            without re-announcing and re-checking       W2b
 *   BUG_RECOVERY_NO_WAKE     the next writer does not wake at all         W1
 *   BUG_RECOVERY_ANNOUNCED_ONLY  the next writer wakes only the words whose
 *                            bit 0 is set, and the bus word (the design's
 *                            first text): a writer that died between its
 *                            fetch_add and its FUTEX_WAKE left the bit
 *                            clear and a poller asleep                  W1
 */

#ifndef NSETS
#define NSETS 2           /* sets by the writers, all together */
#endif
#ifndef NP
#define NP 3              /* pollers (at most 4) */
#endif
#ifndef POLLS
#define POLLS 1           /* polls per poller (e = poll(key, e, -1) in a loop) */
#endif
#ifndef PKEY0              /* the pollers' keys (0: the bus) */
#define PKEY0 1
#endif
#ifndef PKEY1
#define PKEY1 3
#endif
#ifndef PKEY2
#define PKEY2 2
#endif
#ifndef PKEY3
#define PKEY3 0
#endif
#ifndef HOSTILE
#define HOSTILE 0         /* writes the hostile process may make */
#endif
#ifndef CRASHES
#define CRASHES false     /* the writer may die (once) */
#endif

#define NB 2              /* key buckets modelled */
#define BUSW NB           /* index of the bus-wide word */
#define NW (NB + 1)
#define NK 3              /* keys 1..NK */
#define BUCKET(k) (((k) + 1) % NB)      /* key_hash & 511: keys 1, 3 -> 0; key 2 -> 1 */
#ifdef BUG_WRONG_BUCKET
#define KW(k) BUCKET((k) % NK + 1)      /* the bucket of the next key */
#else
#define KW(k) BUCKET(k)                 /* the word a set of key k wakes */
#endif

/* ---- The region -------------------------------------------------------- */
byte ke[NK + 1];          /* committed epoch of each key (slot words, abstracted) */
byte bus;                 /* header bus_epoch */
byte W[NW];               /* waiter page: key_wait[0..NB-1], bus_wait */

/* ---- Ghost state ---------------------------------------------------------- */
byte pkey[4];             /* poller p's key (0: the bus); set by init */
byte psince[4];           /* what poller p waits to see change */
bool polling[4];          /* poller p is inside a poll */
bool asleep[4];           /* poller p is blocked in FUTEX_WAIT */
byte sleepw[4];           /* ... on this word */
bool late[4];             /* poller p's slice expired after its key changed */
bool untimed[4];          /* ... with no timeout (BUG_NO_SLICE only) */
bool annp[NW];            /* a poller announced on the word since the writer last advanced it */
byte nrmw[NW];            /* read-modify-writes by the writer on the word in this set */
byte nwake[NW];           /* FUTEX_WAKEs by the writer on the word in this set */
bool lost_wake;           /* set only to fail W1, W2a, W5 under their own names */
bool sleeps_forever;
bool other_bucket_woken;
bool can_crash;
bool writer_done;

#if HOSTILE > 0
#define ANNOUNCED(w) skip          /* W3 is judged on an honest page only */
#else
#define ANNOUNCED(w) annp[w] = true
#endif
#define CUR(p) (pkey[p] == 0 -> bus : ke[pkey[p]])
#define CHANGED(p) (polling[p] && CUR(p) != psince[p])

/* The writer dies here, nondeterministically, at most once per run. */
#define CRASH if :: can_crash -> can_crash = false; goto dead :: true -> skip fi

/* FUTEX_WAKE(all) on word w, by a set of key k (0: by a recovering writer). */
inline futex_wake(w, k) {
    nwake[w]++;
    assert(k == 0 || nwake[w] <= 1);                          /* W4 */
    p = 0;
    do
    :: p < NP ->
       if
       :: asleep[p] && sleepw[p] == w ->
          /* W5: only pollers of the bus or of k's bucket */
          if
          :: k != 0 && !(pkey[p] == 0 -> w == BUSW : BUCKET(pkey[p]) == BUCKET(k)) ->
             other_bucket_woken = true
          :: else -> skip
          fi;
          assert(!other_bucket_woken);
          asleep[p] = false; untimed[p] = false
       :: else -> skip
       fi;
       p++
    :: else -> break
    od;
    p = 0
}

/* The writer's read-modify-write that clears bit 0 and advances the
 * sequence: fetch_add(1) (relaxed). */
inline advance(w, k) {
#ifdef BUG_WAKE_KEEPS_BIT
    W[w] = W[w] + 2;
#else
    W[w] = W[w] + 1;
#endif
    nrmw[w]++;
    assert(k == 0 || nrmw[w] <= 1);                           /* W4 */
    assert(HOSTILE > 0 || k == 0 || annp[w]);                 /* W3 */
    annp[w] = false
}

/* 2.6 step 2 for one word, by a set of key k: x = load (relaxed); if bit 0
 * is set, fetch_add(1) and FUTEX_WAKE. On an honest page the load and the
 * fetch_add are one step here: between them a poller can only set a bit
 * that is already set, which changes nothing. */
inline wake_word(w, k) {
#if defined(BUG_WRITER_CAS_LOOP)
  /* do { x = load } while ((x & 1) && !CAS(x, x + 1)); then wake */
  do
  :: x = W[w];
     if
     :: (x & 1) == 0 -> break
     :: else ->
        if
        :: d_step { W[w] == x -> W[w] = x + 1; nrmw[w]++; assert(k == 0 || nrmw[w] <= 1); annp[w] = false };
           d_step { futex_wake(w, k) }; break
        :: d_step { W[w] != x -> nrmw[w]++; assert(k == 0 || nrmw[w] <= 1) }   /* failed: retry */
        fi
     fi
  od;
#elif HOSTILE > 0
  x = W[w];
  if
  :: (x & 1) -> d_step { advance(w, k) }; CRASH; d_step { futex_wake(w, k) }
  :: else -> skip                                             /* no system call */
  fi;
#else
  d_step { x = W[w]; if :: (x & 1) -> advance(w, k) :: else -> skip fi }
  if
  :: (x & 1) -> CRASH; d_step { futex_wake(w, k) }
  :: else -> skip                                             /* no system call */
  fi;
#endif
  x = 0
}

/* 2.2 set(k): commit, bus_epoch, fence, wake the key's bucket and the bus. */
inline do_set(k) {
#ifdef BUG_WAKE_BEFORE_COMMIT
  wake_word(KW(k), k); wake_word(BUSW, k);
#endif
#ifdef BUG_WRITER_NO_FENCE
  /* the loads of 2.6 step 2 are satisfied before the commit is visible */
  x = W[KW(k)]; y = W[BUSW];
#endif
  d_step { e = bus + 1; ke[k] = e }                           /* step 7: commit (release) */
  CRASH;
  bus = e;                                                    /* step 9 (release) */
  CRASH;
  /* 2.6 step 1: atomic_thread_fence(seq_cst) -- a no-op under SC */
#ifdef BUG_WRITER_NO_FENCE
  if :: (x & 1) -> d_step { advance(KW(k), k) }; d_step { futex_wake(KW(k), k) } :: else -> skip fi;
  if :: (y & 1) -> d_step { advance(BUSW, k) }; d_step { futex_wake(BUSW, k) } :: else -> skip fi;
  x = 0; y = 0;
#elif !defined(BUG_WAKE_BEFORE_COMMIT)
  wake_word(KW(k), k);
  CRASH;
  wake_word(BUSW, k);
#endif
  d_step { e = 0; w = 0; do :: w < NW -> nrmw[w] = 0; nwake[w] = 0; w++ :: else -> break od; w = 0 }
}

/* The next writer's open: F13 (bus_epoch raised to the largest committed
 * epoch), then 2.6 step 3: fence; every word: advance it if bit 0 is set,
 * and FUTEX_WAKE it (unconditionally: a writer that died between its
 * fetch_add and its FUTEX_WAKE left the bit clear and a poller asleep). */
inline recover() {
  d_step {
    w = 1;
    do
    :: w <= NK -> if :: ke[w] > bus -> bus = ke[w] :: else -> skip fi; w++
    :: else -> break
    od;
    w = 0;
    do :: w < NW -> nrmw[w] = 0; nwake[w] = 0; w++ :: else -> break od;
    w = 0
  }
#ifndef BUG_RECOVERY_NO_WAKE
  /* One step per word: only a poller's fetch_or (no change to a set bit),
   * its compare-and-sleep or a hostile write can come between these, and
   * each has the same effect before the step or after it. */
  do
  :: w < NW ->
     d_step {
       x = W[w];
       if :: (x & 1) -> advance(w, 0) :: else -> skip fi;
#ifdef BUG_RECOVERY_ANNOUNCED_ONLY
       if :: (x & 1) || w == BUSW -> futex_wake(w, 0) :: else -> skip fi;
#else
       futex_wake(w, 0);
#endif
       x = 0
     }
     w++
  :: else -> break
  od;
  skip;   /* (a break may not jump into a d_step) */
  d_step { w = 0; do :: w < NW -> nrmw[w] = 0; nwake[w] = 0; w++ :: else -> break od; w = 0 }
#endif
}

proctype Writer() {
  byte n, k, e, x, y, w, p;
  can_crash = CRASHES;
again:
  do
  :: n < NSETS ->
     n++;
     if
     :: k = 1
     :: k = 2
     :: k = 3
     fi;
     do_set(k);
     k = 0
  :: else -> break
  od;
  writer_done = true;
  goto finish;
dead:
  /* SIGKILL: the kernel drops the OFD lock; the next writer opens. */
  skip;
  d_step { k = 0; e = 0; x = 0; y = 0 }
  recover();
  goto again;
finish:
  skip
}

/* 2.5 poll(key, since, no timeout), POLLS times, each with since = the
 * epoch the previous one returned (the first: 0, see init).
 * RECHECK: read the key's (the bus) epoch -- one linearisable read -- and
 * return it if it differs from since. */
#define RECHECK atomic { e = CUR(me); if :: e != psince[me] -> goto done :: else -> e = 0 fi }
proctype Poller(byte me) {
  byte w, v, e, n;
#ifdef BUG_ONE_WORD
  w = BUSW;
#else
  w = (pkey[me] == 0 -> BUSW : BUCKET(pkey[me]));
#endif
next_poll:
  /* step 1 */
  RECHECK;
  /* step 3, the loop: announce (fetch_or(1), seq_cst); v = the value it left */
announce:
  atomic { v = W[w] | 1; W[w] = v; ANNOUNCED(w) };
announced:
  /* atomic_thread_fence(seq_cst) (pairs with the writer's, 2.6 step 1), then
   * the re-check */
#ifndef BUG_POLL_NO_RECHECK
  RECHECK;
#endif
wait:
  /* FUTEX_WAIT_BITSET(word, v, min(deadline, now + slice)): the kernel
   * compares and sleeps atomically */
  atomic {
    if
    :: W[w] == v ->
       assert(!late[me]);                                     /* W2b */
       asleep[me] = true; sleepw[me] = w;
#ifdef BUG_NO_SLICE
       untimed[me] = true
#endif
    :: else -> goto woken                                     /* EAGAIN */
    fi
  }
end_asleep:
  if
  :: !asleep[me]                                              /* woken */
#ifndef BUG_NO_SLICE
  :: atomic { asleep[me] -> asleep[me] = false; late[me] = CHANGED(me) }; /* the slice expired */
#ifdef BUG_SLICE_NO_RECHECK
     goto wait
#endif
#endif
  fi;
woken:
  /* Look before announcing again (the code re-checks as soon as FUTEX_WAIT
   * returns): a poll that a wake ends then leaves no announcement behind
   * for the next set to clear. Only a return on a changed epoch is added. */
  RECHECK;
#ifdef BUG_NO_REANNOUNCE
  v = W[w];
  goto announced;
#else
  goto announce;
#endif
done:
  skip;
  d_step {
    n++;
    if
    :: n < POLLS -> psince[me] = e
    :: else -> polling[me] = false
    fi;
    v = 0; e = 0; late[me] = false
  }
  if
  :: n < POLLS -> goto next_poll
  :: else -> skip
  fi
}

#if HOSTILE > 0
/* Any process that can open the object read-write: any value, any word,
 * any time. */
proctype Hostile() {
  byte n, w;
end_idle:
  do
  :: n < HOSTILE ->
     if
     :: w = BUCKET(PKEY0)          /* the first poller's bucket, */
     :: w = BUSW                   /* and the bus word */
     fi;
     if
     :: W[w] = 0
     :: W[w] = W[w] | 1
     :: W[w] = W[w] & 254
     :: W[w] = W[w] - 1
     :: W[w] = W[w] + 2
     fi;
     d_step { n++; w = 0 }
  :: else -> break
  od
}
#endif

/* W1 / W2a: once no writer will run again, no poller is asleep while its
 * key has changed (honest page), or is, but only in a timed wait (any page). */
#define LOST(p) (asleep[p] && CHANGED(p))
#define LOST_ANY (LOST(0) || (NP > 1 && LOST(1)) || (NP > 2 && LOST(2)) || (NP > 3 && LOST(3)))
#define UNTIMED_LOST_ANY ((LOST(0) && untimed[0]) || (NP > 1 && LOST(1) && untimed[1]) || \
                          (NP > 2 && LOST(2) && untimed[2]) || (NP > 3 && LOST(3) && untimed[3]))
active proctype Monitor() {
end_watch:
  atomic {
#if HOSTILE > 0
    writer_done && UNTIMED_LOST_ANY -> sleeps_forever = true; assert(!sleeps_forever)   /* W2a */
#else
    writer_done && LOST_ANY -> lost_wake = true; assert(!lost_wake)                     /* W1 */
#endif
  }
}

init {
  atomic {
    /* every poll starts with since = 0, the epoch of every key before the
     * writer's first set: a poll that starts later is the same as one with
     * fewer sets */
    pkey[0] = PKEY0; pkey[1] = PKEY1; pkey[2] = PKEY2; pkey[3] = PKEY3;
    polling[0] = true; polling[1] = NP > 1; polling[2] = NP > 2; polling[3] = NP > 3;
    run Writer();
    run Poller(0);
    if :: NP > 1 -> run Poller(1) :: else -> skip fi;
    if :: NP > 2 -> run Poller(2) :: else -> skip fi;
    if :: NP > 3 -> run Poller(3) :: else -> skip fi;
#if HOSTILE > 0
    run Hostile()
#endif
  }
}
