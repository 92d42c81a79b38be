"""Format 4 from Python: create with options, the change feed (changes) and
per-key history (history)."""

import pytest

import splinter
from splinter import Change, Op, Value


@pytest.fixture
def deep(shm_name):
    with splinter.Bus.create(shm_name, slots=16, max_value_size=64, history_depth=2, change_ring=4) as b:
        yield b


def test_create_options_show_in_info(deep):
    info = deep.info()
    assert (info.format_version, info.history_depth, info.change_ring) == (splinter.FORMAT_VERSION, 2, 4)
    assert (info.feed_oldest, info.probe_limit) == (0, 0)  # nothing placed, nothing changed yet
    deep.set("k", b"v")
    info = deep.info()
    assert (info.feed_oldest, info.probe_limit) == (1, 1)


def test_default_options_give_no_history_and_the_default_ring(bus):
    info = bus.info()
    assert info.history_depth == 0 and info.change_ring == 1024  # 16 slots: clamped up to 1024


def test_change_ring_is_rounded_up_to_a_power_of_two(shm_name):
    with splinter.Bus.create(shm_name, slots=8, max_value_size=8, change_ring=5) as b:
        assert b.info().change_ring == 8


def test_options_out_of_range_are_invalid(shm_name):
    with pytest.raises(splinter.InvalidArgumentError):
        splinter.Bus.create(shm_name, slots=8, max_value_size=8, history_depth=splinter.HISTORY_MAX + 1)
    with pytest.raises(splinter.InvalidArgumentError):
        splinter.Bus.create(shm_name, slots=8, max_value_size=8, change_ring=splinter.RING_MAX + 1)


def test_changes_lists_every_mutation_after_since_in_epoch_order(deep):
    deep.set("a", b"1")
    deep.set("b", b"2")
    deep.unset("a")
    changes, last = deep.changes(0)
    assert changes == [Change(1, Op.SET, b"a"), Change(2, Op.SET, b"b"), Change(3, Op.UNSET, b"a")]
    assert isinstance(changes[0].op, Op) and last == 3
    assert deep.changes(2) == ([Change(3, Op.UNSET, b"a")], 3)


def test_changes_with_nothing_new_returns_since(deep):
    deep.set("a", b"1")
    assert deep.changes(1) == ([], 1)


def test_a_reader_follows_the_writers_feed(deep, shm_name):
    with splinter.Bus.open(shm_name) as reader:
        deep.set("k", b"v")
        epoch = reader.poll(since=0, timeout=None)
        changes, last = reader.changes(0)
        assert changes == [Change(1, Op.SET, b"k")] and last == epoch == 1


def test_changes_past_the_ring_raise_compacted(deep):
    for i in range(6):  # the ring holds 4
        deep.set("k", str(i))
    with pytest.raises(splinter.CompactedError) as info:
        deep.changes(0)
    assert info.value.name == "COMPACTED" and info.value.status == splinter.Status.COMPACTED
    assert deep.info().feed_oldest == 3
    changes, last = deep.changes(2)  # the oldest held is 3: from 2 on is whole
    assert [c.epoch for c in changes] == [3, 4, 5, 6] and last == 6


def test_changes_ahead_of_the_bus_raise_compacted(deep):
    deep.set("k", b"v")
    with pytest.raises(splinter.CompactedError):
        deep.changes(5)


def test_history_is_newest_first_with_epochs_up_to_the_depth(deep):
    for v in (b"one", b"two", b"three", b"four"):
        deep.set("k", v)
    assert deep.history("k") == [Value(b"four", 4), Value(b"three", 3), Value(b"two", 2)]


def test_history_of_a_key_with_one_value_is_that_value(deep):
    deep.set("k", b"")
    assert deep.history("k") == [Value(b"", 1)]


def test_history_without_depth_is_the_current_value(bus):
    bus.set("k", b"1")
    bus.set("k", b"2")
    assert bus.history("k") == [Value(b"2", 2)]


def test_history_of_an_absent_key_is_empty(deep):
    assert deep.history("missing") == []


def test_unset_ends_a_history(deep):
    deep.set("k", b"old")
    deep.unset("k")
    assert deep.history("k") == []
    deep.set("k", b"new")
    assert deep.history("k") == [Value(b"new", 3)]


def test_history_checks_the_key(deep):
    with pytest.raises(splinter.KeyTooLongError):
        deep.history("k" * 64)
