"""The Python-facing API (issue 22): value types, mapping-style reads, poll
from now, file buses by Path, finding enums, packaging metadata and where the
library is loaded from."""

import array
import ctypes
import os
import pathlib
import re
import subprocess
import sys
import threading
import time

import pytest

import splinter
from splinter import Backing, Fix, Role, Severity

HERE = pathlib.Path(__file__).resolve().parent
PACKAGE_ROOT = HERE.parent                     # bindings/python
REPO = PACKAGE_ROOT.parent.parent


# ---- values ------------------------------------------------------------------

def test_str_value_is_stored_as_utf8(bus):
    bus.set("k", "crème")
    assert bus.get("k") == "crème".encode("utf-8")


@pytest.mark.parametrize("value", [5, 0, True, [1, 2], None, 1.5, {"a": 1}, object()])
def test_non_bytes_value_raises_type_error_and_stores_nothing(bus, value):
    with pytest.raises(TypeError):
        bus.set("k", value)
    with pytest.raises(TypeError):
        bus["k"] = value
    assert bus.epoch == 0
    assert "k" not in bus


def test_bytes_like_values_are_their_bytes(bus):
    bus.set("ba", bytearray(b"ba"))
    bus.set("mv", memoryview(b"xmvx")[1:3])
    bus.set("arr", array.array("B", [1, 2, 3]))
    assert (bus.get("ba"), bus.get("mv"), bus.get("arr")) == (b"ba", b"mv", b"\x01\x02\x03")


# ---- reads ---------------------------------------------------------------------

def test_get_of_an_absent_key_returns_the_default(bus):
    assert bus.get("absent") is None
    assert bus.get("absent", b"fallback") == b"fallback"
    bus.set("present", b"")
    assert bus.get("present", b"fallback") == b""


def test_subscript_and_get_entry_of_an_absent_key_raise_key_error(bus):
    with pytest.raises(KeyError):
        bus["absent"]
    with pytest.raises(splinter.NotFoundError):
        bus.get_entry("absent")


def test_get_raises_errors_other_than_absence(bus):
    with pytest.raises(splinter.KeyTooLongError):
        bus.get("k" * 64)
    with pytest.raises(splinter.KeyTooLongError):
        bus.get("k" * 64, b"default")


def test_items_values_and_keys_agree_in_slot_order(bus):
    for k, v in (("a", b"1"), ("b", b"22"), ("c", b"")):
        bus.set(k, v)
    items = bus.items()
    assert sorted(items) == [(b"a", b"1"), (b"b", b"22"), (b"c", b"")]
    assert [k for k, _ in items] == bus.keys() == list(bus)
    assert bus.values() == [v for _, v in items]


# ---- poll ------------------------------------------------------------------------

def test_poll_without_since_does_not_return_for_an_existing_key(bus):
    bus.set("k", b"v")
    with pytest.raises(splinter.PollTimeout):
        bus.poll("k", timeout=0)
    with pytest.raises(splinter.PollTimeout):
        bus.poll(timeout=0)          # the bus epoch, from now
    assert bus.poll("k", since=0, timeout=0) == 1   # an explicit since still works


def _wait_for_waiters(bus, n):
    """Until n readers are blocked in poll (the bus's waiter count: an event, not a delay)."""
    deadline = time.monotonic() + 60
    while bus.info().waiters < n:
        assert time.monotonic() < deadline, "no reader blocked in poll"
        time.sleep(0.001)


@pytest.mark.parametrize("key", ["k", None])
def test_poll_without_since_wakes_on_the_next_change(bus, shm_name, key):
    bus.set("k", b"old")
    with splinter.Bus.open(shm_name) as reader:
        result = {}
        t = threading.Thread(target=lambda: result.setdefault("epoch", reader.poll(key, timeout=30.0)))
        t.start()
        _wait_for_waiters(bus, 1)
        epoch = bus.set("k", b"new")
        t.join(30)
        assert result["epoch"] == epoch == 2


# ---- names and backings -------------------------------------------------------------

def test_a_path_means_a_file_bus(tmp_path):
    path = tmp_path / "p.bus"
    with splinter.Bus.create(path, slots=4, max_value_size=8) as w:
        assert w.backing == Backing.FILE and w.info().backing == Backing.FILE
        w.set("k", "v")
        w.flush()
    assert path.is_file()
    with splinter.Bus.open(path) as r:
        assert r.get("k") == b"v"
    with splinter.Bus.open(path, Role.WRITER):
        pass
    assert splinter.check(path).clean
    assert splinter.recover(path).findings == []
    splinter.destroy(path)
    assert not path.exists()


def test_a_str_name_means_shared_memory(shm_name):
    with splinter.Bus.create(shm_name, slots=4, max_value_size=8) as b:
        assert b.backing == Backing.SHM
    assert os.path.exists("/dev/shm/" + shm_name)


# ---- findings -------------------------------------------------------------------------

def test_finding_severity_and_fix_are_enums(tmp_path):
    path = tmp_path / "junk"
    path.write_bytes(b"not a bus at all" * 100)
    with pytest.raises(splinter.CorruptError) as info:
        splinter.check(path)
    report = info.value.report
    (finding,) = report.findings
    assert finding.severity is Severity.FATAL and isinstance(finding.fix, Fix)
    assert report.worst is Severity.FATAL and not report.clean


def test_a_clean_report_has_worst_clean(bus):
    report = bus.check()
    assert report.worst is Severity.CLEAN and report.clean


def test_enum_values_match_the_c_header():
    header = (REPO / "include" / "splinter" / "splinter.h").read_text()
    for member in Severity:
        if member is not Severity.CLEAN:
            assert re.search(r"SPLINTER_SEV_%s = %d\b" % (member.name, member.value), header), member
    for member in Fix:
        assert re.search(r"SPLINTER_FIX_%s = %d\b" % (member.name, member.value), header), member
    for member in splinter.Op:
        assert re.search(r"SPLINTER_OP_%s = %d\b" % (member.name, member.value), header), member
    codes = {m.group(1): int(m.group(2)) for m in re.finditer(r"SPLINTER_E_(\w+) = (-\d+)", header)}
    assert codes == {m.name: m.value for m in splinter.Status if m is not splinter.Status.OK}
    assert set(codes) == {s.name for s in splinter._ERRORS}  # every failure has its exception class


def _c_fields(header, struct):
    body = re.search(r"typedef struct %s \{(.*?)\} %s;" % (struct, struct), header, re.S).group(1)
    body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
    return [(m.group(1), m.group(2)) for m in re.finditer(r"\b(u?int\d+)_t (\w+);", body)]


@pytest.mark.parametrize("struct, cls", [("splinter_info", "Info"), ("splinter_report", "Report"),
                                         ("splinter_options", "Options")])
def test_ctypes_structs_are_the_c_structs_field_by_field(struct, cls):
    # A struct that lags the header makes the library write past the buffer.
    from splinter import _lib
    header = (REPO / "include" / "splinter" / "splinter.h").read_text()
    names = {"uint32": _lib.c_uint32, "int32": ctypes.c_int32, "uint64": _lib.c_uint64}
    fields = [(name, names[ctype]) for ctype, name in _c_fields(header, struct)]
    assert fields and getattr(_lib, cls)._fields_ == fields


# ---- the package -----------------------------------------------------------------------

def test_version_is_the_projects():
    pyproject = (PACKAGE_ROOT / "pyproject.toml").read_text()
    cmake = (REPO / "CMakeLists.txt").read_text()
    assert re.search(r'^version = "%s"$' % re.escape(splinter.__version__), pyproject, re.M)
    assert re.search(r"project\(splinter VERSION %s\b" % re.escape(splinter.__version__), cmake)


def test_package_is_typed():
    assert (pathlib.Path(splinter.__file__).parent / "py.typed").is_file()


def test_splinter_library_names_the_only_candidate(monkeypatch):
    monkeypatch.setenv("SPLINTER_LIBRARY", "/nonexistent/libsplinter.so.1")
    assert splinter._lib.candidates() == ["/nonexistent/libsplinter.so.1"]


def test_a_source_checkout_loads_its_build_tree_without_environment(tmp_path):
    trees = [REPO / t / "src" / "libsplinter.so.1" for t in splinter._lib.BUILD_TREES]
    existing = [str(p) for p in trees if p.is_file()]
    if not existing:
        pytest.skip("no build tree under build/ in this checkout")
    env = {k: v for k, v in os.environ.items() if k not in ("SPLINTER_LIBRARY", "PYTHONPATH")}
    out = subprocess.run([sys.executable, "-c", "import splinter; print(splinter._lib.lib._name)"],
                         cwd=str(PACKAGE_ROOT), env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == existing[0]


# ---- type hints (py.typed) --------------------------------------------------------------

def _mypy(tmp_path, code):
    pytest.importorskip("mypy", reason="mypy not installed (Debian python3-mypy, in ci/packages.txt)")
    user = tmp_path / "user.py"
    user.write_text(code)
    env = dict(os.environ, MYPYPATH=str(PACKAGE_ROOT))
    return subprocess.run([sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "cache"),
                           str(user)], env=env, capture_output=True, text=True)


def test_user_code_type_checks_against_the_hints(tmp_path):
    out = _mypy(tmp_path, "import pathlib\nimport splinter\n"
                "def use(bus: splinter.Bus) -> bytes:\n"
                "    bus.set('k', 'text')\n"
                "    bus.set('lease', b'1', ttl=1.5)\n"
                "    left: 'float | None' = bus.ttl('lease')\n"
                "    removed: int = bus.expire()\n"
                "    bus['b'] = b'bytes'\n"
                "    value: bytes = bus.get('k', b'')\n"
                "    maybe: 'bytes | None' = bus.get('k')\n"
                "    for k, v in bus.items():\n"
                "        value += k + v\n"
                "    report = splinter.check(pathlib.Path('/tmp/x.bus'))\n"
                "    assert report.worst is splinter.Severity.CLEAN\n"
                "    return value + bus.get_entry('k').value + (maybe or b'')\n")
    assert out.returncode == 0, out.stdout + out.stderr


def test_type_checker_catches_a_non_bytes_value(tmp_path):
    # The negative control of the test above: the hints do reject misuse.
    out = _mypy(tmp_path, "import splinter\ndef use(bus: splinter.Bus) -> None:\n    bus.set('k', 5)\n")
    assert out.returncode == 1 and 'user.py:3: error: Argument 2 to "set" of "Bus"' in out.stdout, out.stdout
