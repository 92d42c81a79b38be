"""Prepared keys (splinter_key): a PreparedKey is accepted wherever a Bus
method takes a key, with the same results as the str or bytes key."""

import threading

import pytest

import splinter


def test_prepared_key_gets_sets_unsets_and_polls_as_the_plain_key(bus):
    k = splinter.PreparedKey("hot")
    e1 = bus.set(k, b"one")
    assert bus.get("hot") == b"one"
    assert bus.get(k) == b"one"
    assert bus.get_entry(k) == bus.get_entry("hot")
    assert bus.history(k) == bus.history("hot") != []
    buf = bytearray(8)
    assert bus.get_into(k, buf) == (3, e1)
    assert bus.poll(k, since=0, timeout=0) == e1
    with pytest.raises(splinter.PollTimeout):
        bus.poll(k, since=e1, timeout=0)
    e2 = bus.unset(k)
    assert e2 == e1 + 1
    assert bus.get(k) is None
    with pytest.raises(splinter.NotFoundError):
        bus.unset(k)


def test_prepared_key_is_refused_as_the_plain_key_is():
    with pytest.raises(splinter.InvalidArgumentError):
        splinter.PreparedKey("")
    with pytest.raises(splinter.KeyTooLongError):
        splinter.PreparedKey("k" * 64)
    with pytest.raises(splinter.InvalidArgumentError):
        splinter.PreparedKey(b"a\0b")


def test_garbled_prepared_key_is_invalid(bus):
    k = splinter.PreparedKey("k")
    bus.set(k, b"v")
    k._c.opaque[3] ^= 1
    with pytest.raises(splinter.InvalidArgumentError):
        bus.get(k)
    with pytest.raises(splinter.InvalidArgumentError):
        bus.set(k, b"x")
    assert bus.get("k") == b"v"


def test_one_prepared_key_serves_several_threads(bus):
    k = splinter.PreparedKey(b"shared")
    bus.set(k, b"v")
    got = []
    threads = [threading.Thread(target=lambda: got.append(bus.get(k))) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == [b"v", b"v"]
