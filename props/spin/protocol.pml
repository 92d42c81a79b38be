/*
 * protocol.pml -- the Splinter write/read protocol (docs/FORMAT.md sections
 * 2.2-2.4, 3 and the F13 part of 4) as a Promela model for SPIN. Waiting
 * (2.5, 2.6: poll, wake and the waiter page) is modelled in wake.pml.
 *
 * Read props/README.md first: it says what is abstracted, how the C++ memory
 * orders map onto SPIN's sequentially consistent interleavings, and why that
 * is sound. Keep this file in step with docs/FORMAT.md: when the protocol
 * changes, this model changes in the same commit.
 *
 * Processes
 *   Writer   WARMUP mutations before the readers start (atomically), then
 *            MAXOPS more, each a nondeterministic set or unset of key 1 or 2;
 *            it may die (SIGKILL) after any store, once; the next writer then
 *            opens (recovery, section 4) and carries on.
 *   Reader   two gets of key 1 (retry protocol of 2.4).
 * Configuration: -DREADER=0 leaves the reader out (ctest runs writer+reader;
 * see props/CMakeLists.txt).
 *
 * Properties (assert / invalid end state)
 *   P1  a get returns only a value that was committed for that key, with its
 *       epoch, and the committed state it returns existed at some instant
 *       during the get (linearizable: no torn, mixed, stale or phantom read;
 *       a get after a completed set sees it or something newer); never
 *       CORRUPT on a healthy bus.
 *   P2  the key epochs one reader sees never go backwards.
 *   P3  after a crash and recovery the table holds exactly the committed
 *       state (every key its last committed value; the in-flight key old or
 *       new, whichever its commit store decided) and validates (F11, F13,
 *       F14, F15); the bus epoch rises by exactly 1 per commit.
 *   P5  no deadlock: every process ends.
 *
 * Negative controls (compile with -D<NAME>; each must yield a counterexample)
 *   BUG_PUBLISH_BEFORE_VALUE  set commits the slot word before the value.
 *   BUG_NO_RECHECK            get skips the seqlock re-check (2.4 step 6).
 *   BUG_NO_TOMBSTONE          unset stores EMPTY instead of TOMBSTONE.
 *   BUG_WRITE_ACTIVE_BUFFER   set writes the value into the active buffer.
 * (The waiting controls, BUG_WAKE_BEFORE_COMMIT, BUG_POLL_NO_RECHECK and
 * BUG_RECOVERY_NO_WAKE among them, are wake.pml's.)
 */

#ifndef NSLOTS
#define NSLOTS 3
#endif
#ifndef MAXOPS
#define MAXOPS 3          /* mutations by the writers, all together */
#endif
#ifndef RETRIES
#define RETRIES 1         /* get restarts before AGAIN (2.4 step 6) */
#endif
#ifndef WARMUP
#define WARMUP 2          /* mutations before the readers start */
#endif
#ifndef CRASHES
#define CRASHES true      /* the writer may die (once) */
#endif
#ifndef READER
#define READER 1          /* run the Reader process */
#endif
#define HOME (NSLOTS - 1) /* both keys hash to the last slot: probe chains wrap */
#define NONE 255
#define MAXE (WARMUP + MAXOPS)    /* largest epoch a commit can take */
#define NH (MAXE + 1)     /* history entries per key: commits 0..MAXE */

/* Slot word (1.3): state bits 0-1, active bit 2, epoch bits 3-7 (enough here). */
#define EMPTY 0
#define LIVE 1
#define TOMB 2
#define ST(w) ((w) & 3)
#define ACT(w) (((w) >> 2) & 1)
#define EP(w) ((w) >> 3)
#define WORD(st, a, e) ((st) | ((a) << 2) | ((e) << 3))
#define NEXT(s) (((s) + 1) % NSLOTS)
#define PREV(s) (((s) + NSLOTS - 1) % NSLOTS)
#define BUF(s, b) (2 * (s) + (b))

/* ---- The region ------------------------------------------------------- */
byte word[NSLOTS];           /* slot words (atomic) */
byte skey[NSLOTS];           /* key bytes, abstracted to one word: 0 none, 1, 2 */
byte mep[2 * NSLOTS];        /* buffer meta: epoch (len and check: see README) */
byte val0[2 * NSLOTS];       /* value bytes, abstracted to two words so that */
byte val1[2 * NSLOTS];       /*   a torn copy (one old word, one new) can happen */
byte bus_epoch;              /* header bus_epoch */

/* ---- Ghost state (not in the region; the oracle) ----------------------- */
byte ncommit;                /* commits so far = epoch of the last commit */
byte hep[2 * NH];            /* hep[(k-1)*NH + c]: key k's epoch after commit c (0 absent) */
byte hval[2 * NH];           /* hval[...]: its value id */
byte nextval = 1;            /* value ids: one fresh id per set attempt */
bool can_crash;              /* the writer may still die (once) */
bool started;                /* warm-up done: readers may run */
bool writer_done;

#define HEP(k, c) hep[((k) - 1) * NH + (c)]
#define HVAL(k, c) hval[((k) - 1) * NH + (c)]

/* The writer dies here, nondeterministically, at most once per run. */
#define CRASH if :: can_crash -> can_crash = false; goto dead :: true -> skip fi

/* A commit store and its ghost bookkeeping, one atomic step: the slot word
 * store IS the linearisation point of a set or unset. */
inline commit(s, neww, k, e, v) {
  d_step {
    assert(e == ncommit + 1);           /* bus epoch +1 per commit */
    word[s] = neww;
    c = 0;
    do
    :: c < 2 -> hep[c * NH + e] = hep[c * NH + ncommit];
                hval[c * NH + e] = hval[c * NH + ncommit]; c++
    :: else -> break
    od;
    HEP(k, e) = (ST(neww) == LIVE -> e : 0);
    HVAL(k, e) = (ST(neww) == LIVE -> v : 0);
    ncommit = e;
    c = 0
  }
}

/* 2.2 step 1 / 2.3 step 1: the writer's probe. Only the writer stores into
 * the slot table, so its own reads race with nothing: one atomic step. */
inline probe(k) {
    found = NONE; tomb = NONE; empty_at = NONE; nlive = 0;
    i = 0; s = HOME;
    do
    :: i < NSLOTS ->
       if
       :: ST(word[s]) == EMPTY -> empty_at = s; break
       :: ST(word[s]) == LIVE && skey[s] == k -> found = s; break
       :: ST(word[s]) == TOMB && tomb == NONE -> tomb = s
       :: else -> skip
       fi;
       s = NEXT(s); i++
    :: else -> break
    od;
    i = 0;
    do
    :: i < NSLOTS -> nlive = nlive + (ST(word[i]) == LIVE -> 1 : 0); i++
    :: else -> break
    od;
    i = 0
}

/* 2.2 set(k, fresh value) */
inline do_set(k) {
  d_step {
    probe(k);
    if
    :: found != NONE -> s = found; isnew = false
    :: found == NONE && nlive == NSLOTS -> s = NONE       /* FULL */
    :: found == NONE && nlive < NSLOTS && tomb != NONE -> s = tomb; isnew = true
    :: found == NONE && nlive < NSLOTS && tomb == NONE -> s = empty_at; isnew = true
    fi;
    if
    :: s != NONE ->
#ifdef BUG_WRITE_ACTIVE_BUFFER
       b = ACT(word[s]);
#else
       b = 1 - ACT(word[s]);
#endif
       e = bus_epoch + 1; v = nextval; nextval++
    :: else -> skip
    fi
  }
  if
  :: s != NONE ->
     /* step 4: release fence (no-op under SC) */
     CRASH;
#ifdef BUG_PUBLISH_BEFORE_VALUE
     if
     :: isnew -> skey[s] = k; CRASH
     :: else -> skip
     fi;
     commit(s, WORD(LIVE, b, e), k, e, v); CRASH;
#else
     /* step 5: the key, for a new key */
     if
     :: isnew -> skey[s] = k; CRASH
     :: else -> skip
     fi;
#endif
     /* step 6: value words, then meta (relaxed) */
     val0[BUF(s, b)] = v; CRASH;
     val1[BUF(s, b)] = v; CRASH;
     mep[BUF(s, b)] = e; CRASH;
#ifndef BUG_PUBLISH_BEFORE_VALUE
     /* step 7: commit (release) */
     commit(s, WORD(LIVE, b, e), k, e, v); CRASH;
#endif
     /* step 8, the feed entry, is not modelled; step 9: bus epoch
      * (release); step 10, the wake, is wake.pml's */
     bus_epoch = e; CRASH
  :: else -> skip
  fi
}

/* 2.3 unset(k) */
inline do_unset(k) {
  d_step {
    probe(k);
    if
    :: found != NONE -> s = found; e = bus_epoch + 1
    :: else -> skip
    fi
  }
  if
  :: found != NONE ->
#ifdef BUG_NO_TOMBSTONE
     commit(s, 0, k, e, 0); CRASH;
#else
     /* step 2: commit the tombstone (release) */
     commit(s, WORD(TOMB, ACT(word[s]), e), k, e, 0); CRASH;
#endif
     /* step 3: bus epoch (release); the feed entry and the wake are not
      * modelled here (wake.pml models the wake) */
     bus_epoch = e; CRASH;
     /* step 4: reclaim tombstones that end a probe path */
     if
     :: ST(word[NEXT(s)]) == EMPTY ->
        i = 0;
        do
        :: i < NSLOTS && ST(word[s]) == TOMB -> word[s] = 0; CRASH; s = PREV(s); i++
        :: else -> break
        od;
        i = 0
     :: else -> skip
     fi
  :: else -> skip                    /* NOT_FOUND: nothing changes */
  fi
}

/* The validator rules this model can break, and P3: the table holds exactly
 * the committed state. One atomic step (the writer is quiescent). */
inline validate() {
  d_step {
    i = 0;
    do
    :: i < NSLOTS ->
       assert(ST(word[i]) != 3);                                   /* F7 */
       assert(ST(word[i]) == EMPTY -> EP(word[i]) == 0 : true);    /* F8 */
       assert(EP(word[i]) <= bus_epoch);                            /* F13 */
       if
       :: ST(word[i]) == LIVE ->
          b = ACT(word[i]);
          assert(mep[BUF(i, b)] == EP(word[i]) && EP(word[i]) >= 1);             /* F11 */
          assert(val0[BUF(i, b)] == val1[BUF(i, b)]);                            /* F12 */
          /* P3: it is the key's committed value */
          assert(HEP(skey[i], ncommit) == EP(word[i]) && HVAL(skey[i], ncommit) == val0[BUF(i, b)]);
          /* F14: reachable from home; F15: the first (only) live copy */
          s = HOME;
          do
          :: s == i -> break
          :: else -> assert(ST(word[s]) != EMPTY);
                     assert(!(ST(word[s]) == LIVE && skey[s] == skey[i])); s = NEXT(s)
          od
       :: else -> skip
       fi;
       i++
    :: else -> break
    od;
    /* P3: every committed live key is in the table */
    k = 1;
    do
    :: k <= 2 ->
       if
       :: HEP(k, ncommit) != 0 ->
          found = NONE; i = 0;
          do
          :: i < NSLOTS -> if :: ST(word[i]) == LIVE && skey[i] == k -> found = i :: else fi; i++
          :: else -> break
          od;
          assert(found != NONE)
       :: else -> skip
       fi;
       k++
    :: else -> break
    od;
    i = 0; s = 0; b = 0; k = 0; found = 0
  }
}

/* Section 4 on a writer open: the lossless repairs this model can need
 * (F13: raise bus_epoch to the largest slot epoch). Its wake of every word
 * (2.6 step 3) is wake.pml's. */
inline recover() {
  d_step {
    i = 0;
    do
    :: i < NSLOTS ->
       if :: ST(word[i]) != EMPTY && EP(word[i]) > bus_epoch -> bus_epoch = EP(word[i]) :: else fi;
       i++
    :: else -> break
    od;
    i = 0
  }
  validate()
}

/* One mutation: set or unset of key 1 or 2, chosen nondeterministically. */
inline mutate() {
  if
  :: k = 1
  :: k = 2
  fi;
  if
  :: do_set(k)
  :: do_unset(k)
  fi;
  d_step { k = 0; s = 0; i = 0; b = 0; c = 0; e = 0; v = 0; found = 0; tomb = 0;
           empty_at = 0; nlive = 0; isnew = false }
}

active proctype Writer() {
  byte k, s, i, b, c, e, v, found, tomb, empty_at, nlive, nops;
  bool isnew;
  /* Warm-up: WARMUP mutations before any reader runs, so that the concurrent
   * phase starts from every small table (chains, tombstones, wrap-around)
   * without paying for their interleavings. */
  atomic {
    can_crash = false;
    do
    :: nops < WARMUP -> nops++; mutate()
    :: else -> break
    od;
    nops = 0; can_crash = CRASHES; started = true
  }
again:
  do
  :: nops < MAXOPS -> nops++; mutate()
  :: else -> break
  od;
  skip;
  validate();
  writer_done = true;
  goto finish;
dead:
  /* SIGKILL: the kernel drops the OFD lock; the next writer opens. */
  recover();
  goto again;
finish:
  skip
}

/* 2.4 get(k): result r (0 OK, 1 NOT_FOUND, 2 AGAIN, 3 CORRUPT), epoch re,
 * value id rv. gs/ge: the commit counter around the call (ghost), for P1. */
#define R_OK 0
#define R_NOTFOUND 1
#define R_AGAIN 2
#define R_CORRUPT 3
inline get(k, want_value) {
  tries = 0; r = NONE; first = true;
  do
  :: r != NONE -> break
  :: r == NONE ->
     s = HOME; i = 0; restart = false;
     do
     :: i >= NSLOTS -> r = R_NOTFOUND; break
     :: i < NSLOTS ->
        d_step {                                       /* acquire */
          if :: first -> gs = ncommit; first = false :: else -> skip fi;
          w = word[s]
        }
        if
        :: ST(w) == EMPTY -> r = R_NOTFOUND; break
        :: ST(w) == LIVE ->
           if
           :: skey[s] != k -> s = NEXT(s); i++
           :: else ->
              b = ACT(w);
              me = mep[BUF(s, b)];
              if
              :: want_value -> c0 = val0[BUF(s, b)]; c1 = val1[BUF(s, b)]
              :: else -> c0 = 0; c1 = 0
              fi;
              /* step 5: acquire fence (no-op under SC) */
#ifndef BUG_NO_RECHECK
              if
              :: word[s] != w -> restart = true; break   /* step 6 */
              :: else -> skip
              fi;
#endif
              if
              :: me != EP(w) || c0 != c1 -> r = R_CORRUPT
              :: else -> r = R_OK; re = EP(w); rv = c0
              fi;
              break
           fi
        :: else -> s = NEXT(s); i++                    /* TOMBSTONE */
        fi
     od;
     if
     :: restart -> tries++;
        if
        :: tries > RETRIES -> r = R_AGAIN
        :: else -> skip
        fi
     :: else -> skip
     fi
  od;
  skip;   /* (a break may not jump into a d_step) */
  /* P1: never CORRUPT; the answer is the committed state at some commit
   * c in [gs, ncommit] (linearisable) */
  d_step {
    assert(r != R_CORRUPT);
    if
    :: r == R_OK || r == R_NOTFOUND ->
       ok = false; c = gs;
       do
       :: c <= ncommit ->
          if
          :: r == R_OK && HEP(k, c) == re && (!want_value || HVAL(k, c) == rv) -> ok = true
          :: r == R_NOTFOUND && HEP(k, c) == 0 -> ok = true
          :: else -> skip
          fi;
          c++
       :: else -> break
       od;
       assert(ok)
    :: else -> skip
    fi;
    /* dead locals are reset so that they do not multiply states */
    c = 0; ok = false; s = 0; i = 0; b = 0; w = 0; me = 0; c0 = 0; c1 = 0;
    tries = 0; restart = false; gs = 0; first = false
  }
}

#if READER
active proctype Reader() {
  byte s, i, b, w, me, c0, c1, r, re, rv, gs, tries, c, last;
  bool restart, ok, first;
  started;
  get(1, true);
  if :: r == R_OK -> last = re :: else fi;
  get(1, true);
  /* P2 */
  assert(r != R_OK || re >= last)
}
#endif
