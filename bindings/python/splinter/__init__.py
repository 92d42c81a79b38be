"""Splinter: a shared-memory key/value bus, from Python.

A pure-Python binding over the C ABI (include/splinter/splinter.h, which is
the specification of every operation) using ctypes; no dependencies beyond
the standard library.

    import splinter

    with splinter.Bus.create("demo", slots=64, max_value_size=256) as bus:
        epoch = bus.set("temperature", b"21.5")
        value, epoch = bus.get_entry("temperature")
        with splinter.Bus.open("demo") as reader:          # another process, usually
            new_epoch = reader.poll("temperature", since=epoch, timeout=1.0)

Keys are str (encoded as UTF-8) or bytes: 1..63 bytes, any byte but NUL.
Values are bytes-like, 0..max_value_size bytes. Every failure raises a
SplinterError subclass whose ``name`` is the status name ("NOT_FOUND",
"BUSY", ...) and whose ``detail`` is the library's one-line reason.
"""

import ctypes
import enum
from dataclasses import dataclass, field
from typing import Iterator, List, NamedTuple, Optional, Tuple, Union

from . import _lib

__all__ = [
    "Backing", "Role", "Status", "Bus", "Info", "Entry", "Value", "Finding", "Report",
    "SplinterError", "NotFoundError", "InvalidArgumentError", "KeyTooLongError", "TooLargeError",
    "BufferTooSmallError", "FullError", "BusyError", "ReadOnlyError", "PollTimeout", "ExistsError",
    "NoBusError", "CorruptError", "VersionError", "AgainError", "SystemCallError",
    "destroy", "check", "recover", "library_version", "KEY_MAX", "FORMAT_VERSION",
]

KEY_MAX = 63
FORMAT_VERSION = 3

Key = Union[str, bytes, bytearray, memoryview]


class Backing(enum.IntEnum):
    SHM = 1   # POSIX shared memory (/dev/shm/NAME): memory only
    FILE = 2  # a regular file: persistent


class Role(enum.IntEnum):
    READER = 0
    WRITER = 1


class Status(enum.IntEnum):
    OK = 0
    NOT_FOUND = -1
    INVALID = -2
    KEY_TOO_LONG = -3
    TOO_LARGE = -4
    BUFFER = -5
    FULL = -6
    BUSY = -7
    READ_ONLY = -8
    TIMEOUT = -9
    EXISTS = -10
    NO_BUS = -11
    CORRUPT = -12
    VERSION = -13
    AGAIN = -14
    SYSTEM = -15


# ---- errors ------------------------------------------------------------------

class SplinterError(Exception):
    """A non-OK status. ``status`` is the Status, ``name`` its name without the
    SPLINTER_E_ prefix ("NOT_FOUND"), ``detail`` the library's reason."""

    status = None  # set per subclass

    def __init__(self, status: int, detail: str = ""):
        try:
            self.status = Status(status)
            self.name = self.status.name
        except ValueError:
            self.status = status
            self.name = "UNKNOWN_%d" % status
        self.detail = detail
        message = _lib.lib.splinter_strerror(status).decode()
        super().__init__("%s: %s" % (self.name, detail or message))

    def __str__(self):  # KeyError would otherwise quote the message
        return self.args[0] if self.args else self.name


class NotFoundError(SplinterError, KeyError):
    """The key is absent (get, unset)."""


class InvalidArgumentError(SplinterError, ValueError):
    """An argument is invalid (empty key, key with a NUL byte, bad geometry or name, closed bus)."""


class KeyTooLongError(SplinterError, ValueError):
    """The key is longer than 63 bytes. It was not truncated."""


class TooLargeError(SplinterError, ValueError):
    """The value is longer than the bus's max_value_size."""


class BufferTooSmallError(SplinterError):
    """get_into: the buffer is too small; ``needed`` is the value's length."""

    def __init__(self, status: int, detail: str = "", needed: int = 0):
        super().__init__(status, detail)
        self.needed = needed


class FullError(SplinterError):
    """A new key while every slot holds a live key."""


class BusyError(SplinterError):
    """Another writer holds the bus."""


class ReadOnlyError(SplinterError):
    """A mutation through a reader handle."""


class PollTimeout(SplinterError, TimeoutError):
    """poll: the timeout passed with no change."""


class ExistsError(SplinterError):
    """create: something of that name exists (it was not touched)."""


class NoBusError(SplinterError):
    """No bus of that name."""


class CorruptError(SplinterError):
    """The bus fails validation. ``report`` holds the findings when check/recover produced them."""

    report = None


class VersionError(SplinterError):
    """The bus has a format version this library does not support."""

    report = None


class AgainError(SplinterError):
    """The writer kept changing the key during the read; retry."""


class SystemCallError(SplinterError):
    """An operating-system call failed."""


_ERRORS = {
    Status.NOT_FOUND: NotFoundError, Status.INVALID: InvalidArgumentError,
    Status.KEY_TOO_LONG: KeyTooLongError, Status.TOO_LARGE: TooLargeError,
    Status.BUFFER: BufferTooSmallError, Status.FULL: FullError, Status.BUSY: BusyError,
    Status.READ_ONLY: ReadOnlyError, Status.TIMEOUT: PollTimeout, Status.EXISTS: ExistsError,
    Status.NO_BUS: NoBusError, Status.CORRUPT: CorruptError, Status.VERSION: VersionError,
    Status.AGAIN: AgainError, Status.SYSTEM: SystemCallError,
}


def _error(status: int, **extra) -> SplinterError:
    detail = (_lib.lib.splinter_last_error() or b"").decode("utf-8", "replace")
    cls = _ERRORS.get(status, SplinterError)
    err = cls(status, detail, **extra) if extra else cls(status, detail)
    return err


def _check(status: int) -> None:
    if status != 0:
        raise _error(status)


# ---- values returned ----------------------------------------------------------

class Value(NamedTuple):
    value: bytes
    epoch: int


class Entry(NamedTuple):
    key: bytes
    value_len: int
    epoch: int


@dataclass(frozen=True)
class Info:
    format_version: int
    backing: Backing
    role: Role
    slots: int
    max_value_size: int
    live_keys: int
    tombstones: int
    longest_probe: int
    region_size: int
    bus_epoch: int
    writer_pid: int
    waiters: int


@dataclass(frozen=True)
class Finding:
    rule: int      # N of rule "FN" in docs/FORMAT.md
    severity: int  # 1 recoverable, 2 unrecoverable, 3 fatal
    fix: int       # 0 none, 1 repair, 2 rollback, 3 drop
    slot: int      # -1 for the header
    key: str
    detail: str


@dataclass(frozen=True)
class Report:
    findings: List[Finding] = field(default_factory=list)
    repaired: int = 0
    rolled_back: int = 0
    dropped: int = 0
    worst: int = 0  # 0 when clean

    @property
    def clean(self) -> bool:
        return self.worst == 0


# ---- conversions ----------------------------------------------------------------

def _key(key: Key) -> bytes:
    if isinstance(key, str):
        b = key.encode("utf-8")
    elif isinstance(key, (bytes, bytearray, memoryview)):
        b = bytes(key)
    else:
        raise TypeError("a key is str or bytes, not %s" % type(key).__name__)
    if b"\0" in b:
        # The C ABI takes NUL-terminated keys: passing this on would silently
        # cut the key at the NUL. Refuse it as the library refuses bad keys.
        raise InvalidArgumentError(Status.INVALID, "key contains a NUL byte")
    return b


def _name(name: Union[str, bytes, "os.PathLike"]) -> bytes:
    import os
    return os.fsencode(name)


def _reporting(fn, *args) -> Tuple[int, Report]:
    findings: List[Finding] = []

    def collect(_ctx, f):
        x = f.contents
        findings.append(Finding(x.rule, x.severity, x.fix, x.slot,
                                (x.key or b"").decode("utf-8", "replace"),
                                (x.detail or b"").decode("utf-8", "replace")))
        return 0

    callback = _lib.FINDING_FN(collect)
    out = _lib.Report()
    rc = fn(*args, callback, None, ctypes.byref(out))
    return rc, Report(findings, out.repaired, out.rolled_back, out.dropped, out.worst)


def _report_or_raise(rc: int, report: Report) -> Report:
    if rc != 0:
        err = _error(rc)
        if isinstance(err, (CorruptError, VersionError)):
            err.report = report
        raise err
    return report


# ---- module-level operations -------------------------------------------------------

def destroy(name, backing: Backing = Backing.SHM) -> None:
    """Removes the bus's name (open handles keep working). See splinter_destroy."""
    _check(_lib.lib.splinter_destroy(int(backing), _name(name)))


def check(name, backing: Backing = Backing.SHM) -> Report:
    """Validates the named bus without changing it. Raises CorruptError /
    VersionError (with ``.report``) when its header is unusable."""
    return _report_or_raise(*_reporting(_lib.lib.splinter_check, int(backing), _name(name)))


def recover(name, backing: Backing = Backing.SHM) -> Report:
    """Repairs everything the validator finds; returns what was done."""
    return _report_or_raise(*_reporting(_lib.lib.splinter_recover, int(backing), _name(name)))


def library_version() -> str:
    return _lib.lib.splinter_version().decode()


# ---- the bus ---------------------------------------------------------------------

class Bus:
    """A handle on a bus: a writer (from create, or open with Role.WRITER) or a
    reader. Use as a context manager, or call close(). Reader operations are
    safe from many threads; close() must not race with other calls."""

    def __init__(self, handle, name, backing: Backing):
        self._h = handle
        self.name = name
        self.backing = Backing(backing)
        self._cap = 256

    @classmethod
    def create(cls, name, slots: int, max_value_size: int, *, backing: Backing = Backing.SHM,
               mode: int = 0o600) -> "Bus":
        """Creates a new bus and returns a writer handle (ExistsError if the name is taken)."""
        h = _lib.BusPtr()
        _check(_lib.lib.splinter_create(ctypes.byref(h), int(backing), _name(name), slots, max_value_size, mode))
        return cls(h, name, backing)

    @classmethod
    def open(cls, name, role: Role = Role.READER, *, backing: Backing = Backing.SHM) -> "Bus":
        """Opens an existing bus as a reader or (BusyError if taken) as the writer."""
        h = _lib.BusPtr()
        _check(_lib.lib.splinter_open(ctypes.byref(h), int(backing), _name(name), int(role)))
        return cls(h, name, backing)

    # -- lifetime --
    def close(self) -> None:
        h, self._h = self._h, None
        if h:
            _lib.lib.splinter_close(h)

    @property
    def closed(self) -> bool:
        return not self._h

    def __enter__(self) -> "Bus":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:  # interpreter shutdown
            pass

    def _handle(self):
        if not self._h:
            raise InvalidArgumentError(Status.INVALID, "the bus is closed")
        return self._h

    # -- mutations --
    def set(self, key: Key, value) -> int:
        """Sets key to value (bytes-like); returns the new epoch."""
        if isinstance(value, str):
            raise TypeError("values are bytes; encode the str first")
        data = bytes(value)
        epoch = _lib.c_uint64()
        _check(_lib.lib.splinter_set(self._handle(), _key(key), data, len(data), ctypes.byref(epoch)))
        return epoch.value

    def unset(self, key: Key) -> int:
        """Removes key; returns the epoch of the removal (NotFoundError if absent)."""
        epoch = _lib.c_uint64()
        _check(_lib.lib.splinter_unset(self._handle(), _key(key), ctypes.byref(epoch)))
        return epoch.value

    def flush(self) -> None:
        """Makes committed mutations durable (file backing)."""
        _check(_lib.lib.splinter_flush(self._handle()))

    # -- reads --
    def get_into(self, key: Key, buffer) -> Tuple[int, int]:
        """Copies the value into a writable buffer; returns (length, epoch).
        BufferTooSmallError (with ``needed``) when it does not fit."""
        view = memoryview(buffer).cast("B")
        if view.readonly:
            raise TypeError("get_into needs a writable buffer")
        cap = len(view)
        storage = (ctypes.c_char * cap).from_buffer(view) if cap else None
        n = _lib.c_size_t()
        epoch = _lib.c_uint64()
        rc = _lib.lib.splinter_get(self._handle(), _key(key), storage, cap, ctypes.byref(n), ctypes.byref(epoch))
        if rc == Status.BUFFER:
            raise _error(rc, needed=n.value)
        _check(rc)
        return n.value, epoch.value

    def get_entry(self, key: Key) -> Value:
        """The value and its epoch (NotFoundError if absent)."""
        k = _key(key)
        h = self._handle()
        while True:
            buf = ctypes.create_string_buffer(self._cap)
            n = _lib.c_size_t()
            epoch = _lib.c_uint64()
            rc = _lib.lib.splinter_get(h, k, buf, self._cap, ctypes.byref(n), ctypes.byref(epoch))
            if rc == Status.BUFFER:  # the value is larger: grow and retry (it may change meanwhile)
                self._cap = max(n.value, self._cap * 2)
                continue
            _check(rc)
            return Value(buf.raw[:n.value], epoch.value)

    def get(self, key: Key) -> bytes:
        """The value (NotFoundError, a KeyError, if absent)."""
        return self.get_entry(key).value

    def list(self) -> List[Entry]:
        """Every live key with its value length and epoch, in slot order."""
        out: List[Entry] = []

        def each(_ctx, key, value_len, epoch):
            out.append(Entry(key, value_len, epoch))
            return 0

        callback = _lib.LIST_FN(each)
        _check(_lib.lib.splinter_list(self._handle(), callback, None))
        return out

    def keys(self) -> List[bytes]:
        return [e.key for e in self.list()]

    def poll(self, key: Optional[Key] = None, since: int = 0, timeout: Optional[float] = None) -> int:
        """Waits until the key's epoch (or, with no key, the bus epoch) differs
        from ``since``; returns the new epoch. ``timeout`` in seconds: None waits
        without limit, 0 checks once. Raises PollTimeout when it passes."""
        k = None if key is None else _key(key)
        ms = -1 if timeout is None else max(0, int(round(timeout * 1000)))
        epoch = _lib.c_uint64()
        _check(_lib.lib.splinter_poll(self._handle(), k, since, ms, ctypes.byref(epoch)))
        return epoch.value

    def set_spin(self, microseconds: int) -> None:
        """How long a poll on this handle spins before sleeping (0 = never)."""
        _check(_lib.lib.splinter_set_spin(self._handle(), microseconds))

    @property
    def epoch(self) -> int:
        """The bus epoch: the number of committed mutations."""
        return _lib.lib.splinter_epoch(self._handle())

    def info(self) -> Info:
        i = _lib.Info()
        _check(_lib.lib.splinter_info_get(self._handle(), ctypes.byref(i)))
        return Info(i.format_version, Backing(i.backing), Role(i.role), i.slots, i.max_value_size,
                    i.live_keys, i.tombstones, i.longest_probe, i.region_size, i.bus_epoch,
                    i.writer_pid, i.waiters)

    def check(self) -> Report:
        """Validates a snapshot of this handle's mapping."""
        return _report_or_raise(*_reporting(_lib.lib.splinter_check_bus, self._handle()))

    # -- mapping-style conveniences --
    def __getitem__(self, key: Key) -> bytes:
        return self.get(key)

    def __setitem__(self, key: Key, value) -> None:
        self.set(key, value)

    def __delitem__(self, key: Key) -> None:
        self.unset(key)

    def __contains__(self, key: Key) -> bool:
        try:
            self.get_entry(key)
            return True
        except NotFoundError:
            return False

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.keys())

    def __len__(self) -> int:
        return self.info().live_keys

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        return "<splinter.Bus %r (%s, %s)>" % (self.name, self.backing.name.lower(), state)
