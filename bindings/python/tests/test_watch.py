"""Bus.watch: a generator over poll + changes that yields every mutation once,
in epoch order -- also against a concurrent writer process -- and, once the
change feed has wrapped past the epoch it follows from, raises CompactedError
or (resync=True) yields a Resync with a listing and follows on."""

import itertools
import json
import os
import subprocess
import sys

import pytest

import splinter
from splinter import Change, Op, Resync, Value


# The longest wait of a watch in these tests: a liveness bound, never reached
# unless a change is missed (the watch then ends and the test fails).
LIVENESS = 30


def take(iterator, n):
    return list(itertools.islice(iterator, n))


@pytest.fixture
def small_ring(shm_name):
    with splinter.Bus.create(shm_name, slots=16, max_value_size=64, change_ring=4) as b:
        yield b


def test_watch_yields_each_change_after_since_in_epoch_order(bus):
    bus.set("a", b"1")
    bus.set("b", b"2")
    bus.unset("a")
    bus.set("a", b"3")
    assert take(bus.watch(since=1, timeout=LIVENESS), 3) == [Change(2, Op.SET, b"b"), Change(3, Op.UNSET, b"a"),
                                           Change(4, Op.SET, b"a")]


def test_watch_without_since_starts_from_the_epoch_when_it_is_called(bus):
    bus.set("before", b"x")
    w = bus.watch(timeout=LIVENESS)
    bus.set("after", b"y")  # after the call, before the first next(): it is a change after "now"
    assert next(w) == Change(2, Op.SET, b"after")


def test_watch_ends_when_the_timeout_passes_without_a_change(bus):
    assert list(bus.watch(timeout=0)) == []
    bus.set("k", b"v")
    bus.set("k", b"w")
    assert list(bus.watch(since=0, timeout=0)) == [Change(1, Op.SET, b"k"), Change(2, Op.SET, b"k")]


def test_a_resumed_watch_repeats_nothing_and_misses_nothing(bus):
    for i in range(10):
        bus.set("k%d" % (i % 3), str(i))
    first = take(bus.watch(since=0, timeout=LIVENESS), 4)
    rest = list(bus.watch(since=first[-1].epoch, timeout=0))
    assert [c.epoch for c in first + rest] == list(range(1, 11))


# The writer of test_watch_misses_no_mutation_of_a_concurrent_writer, in its
# own process: it opens the bus as writer and says "ready"; then per round, on
# "go" it makes half of the round's random mutations and says "half", on
# "more" the other half and says "done". At the end it prints its journal.
WRITER = r"""
import json, random, sys
import splinter
name, rounds, per_round = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rnd = random.Random(7)
journal = []
def mutate(w, n):
    for _ in range(n):
        key = "key-%d" % rnd.randrange(24)
        if rnd.random() < 0.3 and w.get(key) is not None:
            journal.append([w.unset(key), int(splinter.Op.UNSET), key])
        else:
            journal.append([w.set(key, "v%d" % len(journal)), int(splinter.Op.SET), key])
with splinter.Bus.open(name, splinter.Role.WRITER) as w:
    print("ready", flush=True)
    for _ in range(rounds):
        assert sys.stdin.readline() == "go\n"
        mutate(w, per_round // 2)
        print("half", flush=True)
        assert sys.stdin.readline() == "more\n"
        mutate(w, per_round - per_round // 2)
        print("done", flush=True)
print(json.dumps(journal), flush=True)
"""


def test_watch_misses_no_mutation_of_a_concurrent_writer(shm_name):
    rounds, per_round = 8, 250
    half = per_round // 2
    with splinter.Bus.create(shm_name, slots=64, max_value_size=16, change_ring=rounds * per_round) as created:
        start = created.epoch
    writer = subprocess.Popen([sys.executable, "-c", WRITER, shm_name, str(rounds), str(per_round)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=os.environ.copy())

    def tell(word):
        writer.stdin.write(word + "\n")
        writer.stdin.flush()

    try:
        assert writer.stdout.readline() == "ready\n"
        seen = []
        with splinter.Bus.open(shm_name) as reader:
            w = reader.watch(since=start, timeout=LIVENESS)
            for r in range(rounds):
                # The first half is written before the watch reads it: it comes
                # as one batch of changes, and the watch stops at its end ...
                tell("go")
                assert writer.stdout.readline() == "half\n"
                seen += take(w, half)
                tell("more")
                if r % 2 == 0:
                    # ... so the second half, written while the watch is
                    # stopped there, must follow from that batch's last epoch
                    # (not from the bus epoch read later, which is past it);
                    assert writer.stdout.readline() == "done\n"
                    seen += take(w, per_round - half)
                else:
                    # in odd rounds the watch polls and reads while the writer
                    # goes on.
                    seen += take(w, per_round - half)
                    assert writer.stdout.readline() == "done\n"
            journal = json.loads(writer.stdout.readline())
            assert list(reader.watch(timeout=0)) == []  # nothing beyond the journal
        assert writer.wait(timeout=60) == 0
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
    assert [(c.epoch, int(c.op), c.key.decode()) for c in seen] == [tuple(j) for j in journal]
    assert [c.epoch for c in seen] == list(range(start + 1, start + rounds * per_round + 1))


def test_watch_raises_compacted_once_the_ring_has_wrapped_past_since(small_ring):
    for i in range(6):  # the ring holds 4: epochs 3..6
        small_ring.set("k", str(i))
    with pytest.raises(splinter.CompactedError) as info:
        next(small_ring.watch(since=1, timeout=LIVENESS))
    assert info.value.since == 1 and info.value.status == splinter.Status.COMPACTED
    assert [c.epoch for c in take(small_ring.watch(since=2, timeout=LIVENESS), 4)] == [3, 4, 5, 6]  # oldest held: 3


def test_watch_with_resync_yields_a_listing_then_follows_on(small_ring):
    small_ring.set("a", b"x")
    for i in range(6):
        small_ring.set("k", str(i))  # epochs 2..7; the ring holds 4..7
    w = small_ring.watch(since=0, timeout=LIVENESS, resync=True)
    assert next(w) == Resync(0, 7, {b"a": Value(b"x", 1), b"k": Value(b"5", 7)})
    small_ring.unset("a")
    assert next(w) == Change(8, Op.UNSET, b"a")


def test_a_watch_that_falls_behind_the_ring_resyncs(small_ring):
    w = small_ring.watch(timeout=LIVENESS, resync=True)
    small_ring.set("k", b"0")
    assert next(w) == Change(1, Op.SET, b"k")
    for i in range(1, 7):  # while the watch is not reading: the ring (4) laps
        small_ring.set("k", str(i))
    assert next(w) == Resync(1, 7, {b"k": Value(b"6", 7)})
    small_ring.set("j", b"")
    assert next(w) == Change(8, Op.SET, b"j")


def test_watch_ahead_of_the_bus_is_compacted(bus):
    bus.set("k", b"v")
    with pytest.raises(splinter.CompactedError):
        next(bus.watch(since=5, timeout=LIVENESS))
    assert next(bus.watch(since=5, timeout=LIVENESS, resync=True)) == Resync(5, 1, {b"k": Value(b"v", 1)})
