"""The Python binding's own tests: idiomatic behaviour over the C ABI.
(Conformance with the reference is checked by splinter-conformance.)"""

import os
import threading
import time

import pytest

import splinter
from splinter import Backing, Role


def test_create_set_get_round_trips_bytes(bus):
    epoch = bus.set("k", b"\x00\x01binary\xff")
    assert epoch == 1
    assert bus.get("k") == b"\x00\x01binary\xff"
    assert bus.get_entry("k") == splinter.Value(b"\x00\x01binary\xff", 1)


def test_empty_value_is_not_absent(bus):
    bus.set("e", b"")
    assert bus.get("e") == b""
    assert "e" in bus
    assert "missing" not in bus


def test_missing_key_raises_not_found_which_is_a_key_error(bus):
    with pytest.raises(splinter.NotFoundError) as info:
        bus.get_entry("missing")
    assert info.value.name == "NOT_FOUND"
    assert info.value.status == splinter.Status.NOT_FOUND
    with pytest.raises(KeyError):
        bus["missing"]


def test_values_must_be_bytes(bus):
    with pytest.raises(TypeError):
        bus.set("k", 5)
    bus.set("k", bytearray(b"ba"))
    bus.set("m", memoryview(b"mv"))
    assert bus.get("k") == b"ba" and bus.get("m") == b"mv"


def test_str_and_bytes_keys_are_the_same_key(bus):
    bus.set("clé", b"1")
    assert bus.get("clé".encode()) == b"1"


def test_key_limits_carry_status_names(bus):
    bus.set("k" * 63, b"ok")
    with pytest.raises(splinter.KeyTooLongError) as info:
        bus.set("k" * 64, b"no")
    assert info.value.name == "KEY_TOO_LONG"
    with pytest.raises(splinter.InvalidArgumentError) as info:
        bus.set("", b"x")
    assert info.value.name == "INVALID"


def test_key_with_nul_is_refused_not_truncated(bus):
    with pytest.raises(splinter.InvalidArgumentError):
        bus.set(b"a\x00b", b"x")
    with pytest.raises(splinter.NotFoundError):
        bus.get_entry("a")


def test_too_large_and_full(shm_name):
    with splinter.Bus.create(shm_name, slots=1, max_value_size=4) as b:
        with pytest.raises(splinter.TooLargeError):
            b.set("a", b"12345")
        b.set("a", b"1234")
        with pytest.raises(splinter.FullError) as info:
            b.set("b", b"1")
        assert info.value.name == "FULL"
        assert b.epoch == 1


def test_get_into_reports_needed_size(bus):
    bus.set("k", b"hello")
    with pytest.raises(splinter.BufferTooSmallError) as info:
        bus.get_into("k", bytearray(2))
    assert info.value.needed == 5
    buf = bytearray(8)
    assert bus.get_into("k", buf) == (5, 1)
    assert bytes(buf[:5]) == b"hello"


def test_get_grows_its_buffer_for_large_values(shm_name):
    with splinter.Bus.create(shm_name, slots=2, max_value_size=100000) as b:
        big = bytes(range(256)) * 390
        b.set("big", big)
        assert b.get("big") == big


def test_unset_returns_epoch_and_removes(bus):
    bus.set("k", b"v")
    assert bus.unset("k") == 2
    with pytest.raises(splinter.NotFoundError):
        bus.unset("k")
    assert bus.epoch == 2


def test_mapping_protocol(bus):
    bus["a"] = b"1"
    bus["b"] = b"2"
    del bus["a"]
    assert list(bus) == [b"b"]
    assert len(bus) == 1


def test_list_gives_entries(bus):
    bus.set("a", b"xyz")
    (entry,) = bus.list()
    assert entry == splinter.Entry(b"a", 3, 1)


def test_context_manager_closes(shm_name):
    with splinter.Bus.create(shm_name, slots=4, max_value_size=8) as b:
        pass
    assert b.closed
    with pytest.raises(splinter.InvalidArgumentError):
        b.get("k")
    # The writer role was released: it can be taken again.
    with splinter.Bus.open(shm_name, Role.WRITER):
        pass


def test_second_writer_busy_and_reader_read_only(bus, shm_name):
    with pytest.raises(splinter.BusyError) as info:
        splinter.Bus.open(shm_name, Role.WRITER)
    assert info.value.name == "BUSY"
    with splinter.Bus.open(shm_name) as reader:
        with pytest.raises(splinter.ReadOnlyError):
            reader.set("k", b"v")


def test_create_existing_raises_exists(bus, shm_name):
    with pytest.raises(splinter.ExistsError):
        splinter.Bus.create(shm_name, slots=4, max_value_size=8)


def test_open_missing_raises_no_bus():
    with pytest.raises(splinter.NoBusError):
        splinter.Bus.open("splinter-py-missing-%d" % os.getpid())


# How long a test waits for another thread to get somewhere: a liveness bound,
# generous so that a loaded machine passes, never a speed target.
LIVENESS = 60.0


def wait_for_waiters(bus, n):
    """Waits (an observable state, not a pause) until n readers are blocked in poll."""
    end = time.monotonic() + LIVENESS
    while bus.info().waiters < n:
        assert time.monotonic() < end, "no reader blocked in poll after %.0f s" % LIVENESS
        time.sleep(0.01)  # how often to look, not a bound


def test_poll_returns_the_new_epoch_when_another_thread_sets(bus, shm_name):
    with splinter.Bus.open(shm_name) as reader:
        result = {}

        def wait():
            result["epoch"] = reader.poll("k", since=0, timeout=LIVENESS)

        t = threading.Thread(target=wait)
        t.start()
        wait_for_waiters(bus, 1)  # the set below must wake a blocked poll
        bus.set("k", b"v")
        t.join(LIVENESS)
        assert not t.is_alive(), "the set did not wake the poll"
        assert result["epoch"] == 1


def test_poll_timeout_raises_poll_timeout(bus):
    start = time.monotonic()
    with pytest.raises(splinter.PollTimeout) as info:
        bus.poll("k", since=0, timeout=0.05)
    assert info.value.name == "TIMEOUT"
    assert isinstance(info.value, TimeoutError)
    assert time.monotonic() - start >= 0.04


def test_poll_on_bus_epoch(bus):
    bus.set("a", b"1")
    assert bus.poll(since=0, timeout=0) == 1


def test_info(bus):
    i = bus.info()
    assert (i.slots, i.max_value_size, i.role, i.backing) == (16, 64, Role.WRITER, Backing.SHM)
    assert i.writer_pid == os.getpid()


def test_file_backing_persists_and_validates(tmp_path):
    path = tmp_path / "bus.spl"
    with splinter.Bus.create(path, slots=8, max_value_size=16, backing=Backing.FILE) as b:
        b.set("k", b"durable")
        b.flush()
    with splinter.Bus.open(path, backing=Backing.FILE) as r:
        assert r.get("k") == b"durable"
        assert r.check().clean
    assert splinter.check(path, Backing.FILE).clean
    assert splinter.recover(path, Backing.FILE).findings == []
    splinter.destroy(path, Backing.FILE)
    assert not path.exists()


def test_check_of_a_non_bus_raises_corrupt_with_report(tmp_path):
    path = tmp_path / "junk"
    path.write_bytes(b"not a bus at all" * 100)
    with pytest.raises(splinter.CorruptError) as info:
        splinter.check(path, Backing.FILE)
    assert info.value.name == "CORRUPT"
    assert [f.rule for f in info.value.report.findings] == [1]


def test_error_message_names_status_and_detail(bus):
    with pytest.raises(splinter.SplinterError) as info:
        bus.get("k" * 64)
    assert str(info.value).startswith("KEY_TOO_LONG: ")
