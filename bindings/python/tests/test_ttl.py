"""Keys that expire (splinter_set_ttl, splinter_ttl, splinter_expire):
``bus.set(key, value, ttl=seconds)``, ``bus.ttl(key)``, ``bus.expire(max)``.
Expiry is waited for with a poll of the key (it wakes at the deadline and
reports epoch 0), never with a sleep."""

import math

import pytest

import splinter


def _wait_expired(bus, key, epoch):
    """Blocks until key (set at epoch with a short ttl) has expired: the poll
    wakes at its deadline and reports the key absent."""
    assert bus.poll(key, since=epoch, timeout=None) == 0


def test_a_key_expires_and_is_then_absent(bus):
    e = bus.set("lease", b"v", ttl=0.001)
    _wait_expired(bus, "lease", e)
    assert bus.get("lease") is None
    assert "lease" not in bus
    assert bus.keys() == []
    with pytest.raises(splinter.NotFoundError):
        bus.ttl("lease")


def test_ttl_gives_the_remaining_time_in_seconds(bus):
    bus.set("k", b"v", ttl=3600)
    left = bus.ttl("k")
    assert isinstance(left, float)
    assert 3500 < left <= 3600
    assert bus.get("k") == b"v"


def test_fractional_ttl_is_kept_to_the_millisecond(bus):
    bus.set("k", b"v", ttl=1.5 * 3600)
    assert 5300 < bus.ttl("k") <= 5400


def test_a_key_without_deadline_has_ttl_none(bus):
    bus.set("k", b"v")
    assert bus.ttl("k") is None


def test_ttl_of_an_absent_key_raises_not_found(bus):
    with pytest.raises(splinter.NotFoundError):
        bus.ttl("nope")
    with pytest.raises(KeyError):
        bus.ttl("nope")


def test_a_plain_set_clears_the_deadline(bus):
    bus.set("k", b"v", ttl=3600)
    bus.set("k", b"w")
    assert bus.ttl("k") is None


def test_ttl_none_is_a_plain_set(bus):
    bus.set("k", b"v", ttl=3600)
    bus.set("k", b"w", ttl=None)
    assert bus.ttl("k") is None


def test_a_later_ttl_replaces_the_deadline(bus):
    bus.set("k", b"v", ttl=3600)
    bus.set("k", b"v", ttl=60)
    assert 0 < bus.ttl("k") <= 60


def test_set_with_ttl_takes_a_prepared_key(bus):
    k = splinter.PreparedKey("k")
    e = bus.set(k, b"v", ttl=3600)
    assert bus.get_entry("k") == (b"v", e)
    assert 3500 < bus.ttl(k) <= 3600


def _expire_entries(bus):
    """How many keys the writer has removed at their deadline so far (a set
    may remove an expired key lazily before expire is called)."""
    return sum(1 for c in bus.changes(0).changes if c.op == splinter.Op.EXPIRE)


def test_expire_removes_expired_keys_and_counts_them(bus):
    bus.set("c", b"3", ttl=3600)
    e1 = bus.set("a", b"1", ttl=0.001)
    e2 = bus.set("b", b"2", ttl=0.001)
    _wait_expired(bus, "a", e1)
    _wait_expired(bus, "b", e2)
    pending = 2 - _expire_entries(bus)  # "b" at least: no set came after it
    before = bus.epoch
    assert bus.expire() == pending >= 1
    assert bus.epoch == before + pending
    assert _expire_entries(bus) == 2
    assert bus.expire() == 0
    assert bus.keys() == [b"c"]


def test_expire_max_bounds_the_removals(bus):
    epochs = {k: bus.set(k, b"v", ttl=0.001) for k in ("a", "b", "c")}
    for k, e in epochs.items():
        _wait_expired(bus, k, e)
    pending = 3 - _expire_entries(bus)  # "c" at least: no set came after it
    assert bus.expire(max=1) == 1
    assert bus.expire(0) == pending - 1
    assert _expire_entries(bus) == 3


def test_expire_removals_are_in_the_feed_as_op_expire(shm_name):
    with splinter.Bus.create(shm_name, slots=16, max_value_size=64, change_ring=16) as bus:
        e = bus.set("k", b"v", ttl=0.001)
        _wait_expired(bus, "k", e)
        assert bus.expire() == 1
        changes, last = bus.changes(e)
        assert changes == [splinter.Change(e + 1, splinter.Op.EXPIRE, b"k")]
        assert last == e + 1


def test_expire_on_a_reader_is_read_only(bus, shm_name):
    with splinter.Bus.open(shm_name) as reader:
        with pytest.raises(splinter.ReadOnlyError):
            reader.expire()
        with pytest.raises(splinter.ReadOnlyError):
            reader.set("k", b"v", ttl=1)


def test_a_reader_sees_the_ttl(bus, shm_name):
    bus.set("k", b"v", ttl=3600)
    with splinter.Bus.open(shm_name) as reader:
        assert 3500 < reader.ttl("k") <= 3600


@pytest.mark.parametrize("bad", [0, 0.0, -1, -0.5, math.nan, math.inf, -math.inf, splinter.TTL_MAX * 2])
def test_a_bad_ttl_is_a_clear_value_error(bus, bad):
    with pytest.raises(splinter.InvalidArgumentError, match="ttl"):
        bus.set("k", b"v", ttl=bad)
    with pytest.raises(ValueError):
        bus.set("k", b"v", ttl=bad)
    assert bus.get("k") is None


@pytest.mark.parametrize("bad", ["1", b"1", [1], True])
def test_a_ttl_that_is_not_a_number_is_a_type_error(bus, bad):
    with pytest.raises(TypeError, match="ttl"):
        bus.set("k", b"v", ttl=bad)
    assert bus.get("k") is None


def test_a_tiny_ttl_still_sets_a_deadline(bus):
    # 0.1 ms rounds to 0 ms, which the C ABI would take for "never": it is 1 ms.
    e = bus.set("k", b"v", ttl=0.0001)
    _wait_expired(bus, "k", e)


@pytest.mark.parametrize("bad", [-1, 1 << 32])
def test_expire_max_out_of_range_is_invalid(bus, bad):
    with pytest.raises(splinter.InvalidArgumentError):
        bus.expire(bad)
