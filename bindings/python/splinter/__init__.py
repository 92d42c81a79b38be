"""Splinter: a shared-memory key/value bus, from Python.

A pure-Python binding over the C ABI (include/splinter/splinter.h, which is
the specification of every operation) using ctypes; no dependencies beyond
the standard library.

    import splinter

    with splinter.Bus.create("demo", slots=64, max_value_size=256) as bus:
        epoch = bus.set("temperature", "21.5")
        value, epoch = bus.get_entry("temperature")
        with splinter.Bus.open("demo") as reader:          # another process, usually
            new_epoch = reader.poll("temperature", since=epoch, timeout=1.0)

Keys are str (encoded as UTF-8) or bytes: 1..63 bytes, any byte but NUL.
Values are bytes-like or str (stored as its UTF-8 bytes), 0..max_value_size
bytes; anything else is a TypeError. Values read back are bytes. Every
failure raises a SplinterError subclass whose ``name`` is the status name
("NOT_FOUND", "BUSY", ...) and whose ``detail`` is the library's one-line
reason. A ``pathlib.Path`` as a bus name means a file bus.
"""

import ctypes
import enum
import math
import os
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterator, List, NamedTuple, Optional, Tuple, TypeVar, Union, overload

from . import _lib

__version__ = "1.0.0"

__all__ = [
    "__version__", "Backing", "Role", "Status", "Severity", "Fix", "Op", "Bus", "Info", "Entry", "Value", "Change",
    "Changes", "Resync", "Finding", "Report", "PreparedKey",
    "SplinterError", "NotFoundError", "InvalidArgumentError", "KeyTooLongError", "TooLargeError",
    "BufferTooSmallError", "FullError", "BusyError", "ReadOnlyError", "PollTimeout", "ExistsError",
    "NoBusError", "CorruptError", "VersionError", "AgainError", "SystemCallError", "CompactedError",
    "destroy", "check", "recover", "library_version", "KEY_MAX", "FORMAT_VERSION",
    "HISTORY_MAX", "RING_MAX", "TTL_MAX",
]

KEY_MAX = 63
FORMAT_VERSION = 5
HISTORY_MAX = 62       # most earlier values kept per key (create's history_depth)
RING_MAX = 1 << 24     # most entries of the change feed (create's change_ring)
TTL_MAX = (1 << 40) / 1000.0  # longest ttl set accepts, in seconds (SPLINTER_TTL_MAX_MS, about 35 years)

Key = Union[str, bytes, bytearray, memoryview, "PreparedKey"]
#: What a value may be: anything with the buffer protocol (bytes, bytearray,
#: memoryview, array.array, ...) or a str, stored as its UTF-8 bytes.
ValueLike = Union[bytes, bytearray, memoryview, str]
#: A bus name: a shared-memory name, or a file path (a pathlib.Path means FILE).
Name = Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"]
_T = TypeVar("_T")
_NO_EPOCH = (1 << 64) - 1  # no epoch is this: poll(since=it, timeout=0) returns the current epoch
_NO_DEADLINE = (1 << 64) - 1  # splinter_ttl of a key that never expires


class Backing(enum.IntEnum):
    SHM = 1   # POSIX shared memory (/dev/shm/NAME): memory only
    FILE = 2  # a regular file: persistent


class Role(enum.IntEnum):
    READER = 0
    WRITER = 1


class Severity(enum.IntEnum):
    """How bad a finding is (``Finding.severity``, ``Report.worst``)."""
    CLEAN = 0          # Report.worst of a clean bus; no finding has it
    RECOVERABLE = 1    # recovery repairs it and loses nothing (or rolls a value back)
    UNRECOVERABLE = 2  # recovery must drop a value
    FATAL = 3          # the bus cannot be opened at all


class Fix(enum.IntEnum):
    """What recovery does (did) about a finding (``Finding.fix``)."""
    NONE = 0      # nothing to do, or nothing possible
    REPAIR = 1    # lossless repair (epoch, chain, empty word, header copy, feed entry, probe limit)
    ROLLBACK = 2  # key restored to its previous intact value (or a slot word from the buffer it names)
    DROP = 3      # value (and key) removed
    TRIM = 4      # current value kept; a damaged earlier value and all older ones removed from the history


class Op(enum.IntEnum):
    """What a change of the feed did (``Change.op``)."""
    SET = 1
    UNSET = 2
    EXPIRE = 3  # removed by the writer at its deadline (splinter_set_ttl)


def _enum(cls: Any, v: int) -> Any:
    """v as a member of cls, or the int itself if this binding does not know it."""
    try:
        return cls(v)
    except ValueError:
        return v


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
    COMPACTED = -16


# ---- errors ------------------------------------------------------------------

class SplinterError(Exception):
    """A non-OK status. ``status`` is the Status, ``name`` its name without the
    SPLINTER_E_ prefix ("NOT_FOUND"), ``detail`` the library's reason."""

    status: Union["Status", int]
    name: str
    detail: str

    def __init__(self, status: int, detail: str = "") -> None:
        try:
            self.status = Status(status)
            self.name = self.status.name
        except ValueError:
            self.status = status
            self.name = "UNKNOWN_%d" % status
        self.detail = detail
        message: str = _lib.lib.splinter_strerror(status).decode()
        super().__init__("%s: %s" % (self.name, detail or message))

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return str(self.args[0]) if self.args else self.name


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

    def __init__(self, status: int, detail: str = "", needed: int = 0) -> None:
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

    report: Optional["Report"] = None


class VersionError(SplinterError):
    """The bus has a format version this library does not support."""

    report: Optional["Report"] = None


class AgainError(SplinterError):
    """The writer kept changing the key during the read; retry."""


class SystemCallError(SplinterError):
    """An operating-system call failed."""


class CompactedError(SplinterError):
    """changes: the feed no longer holds the change after ``since`` (or ``since``
    is ahead of the bus). Resynchronise: note the bus epoch, read the whole bus
    (list/get), then follow the feed from that epoch. Raised by watch (without
    ``resync=True``) with ``since`` set to the epoch the watch followed from."""

    since: Optional[int] = None


_ERRORS = {
    Status.NOT_FOUND: NotFoundError, Status.INVALID: InvalidArgumentError,
    Status.KEY_TOO_LONG: KeyTooLongError, Status.TOO_LARGE: TooLargeError,
    Status.BUFFER: BufferTooSmallError, Status.FULL: FullError, Status.BUSY: BusyError,
    Status.READ_ONLY: ReadOnlyError, Status.TIMEOUT: PollTimeout, Status.EXISTS: ExistsError,
    Status.NO_BUS: NoBusError, Status.CORRUPT: CorruptError, Status.VERSION: VersionError,
    Status.AGAIN: AgainError, Status.SYSTEM: SystemCallError, Status.COMPACTED: CompactedError,
}


def _error(status: int, **extra: int) -> SplinterError:
    detail: str = (_lib.lib.splinter_last_error() or b"").decode("utf-8", "replace")
    cls: Any = _ERRORS.get(_enum(Status, status), SplinterError)
    err: SplinterError = cls(status, detail, **extra) if extra else cls(status, detail)
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


class Change(NamedTuple):
    """One committed mutation of the change feed: at ``epoch``, ``op`` of ``key``."""
    epoch: int
    op: "Op"
    key: bytes


class Resync(NamedTuple):
    """What ``watch(resync=True)`` yields when the feed no longer holds the
    changes after the epoch it followed from (``since``): the bus epoch read
    first (``epoch``), then every live key as listed after it, as
    ``{key: Value(value, epoch)}`` with epochs up to ``epoch`` (a key changed
    later is left out: the feed brings that change next). Replace what you know
    of the bus with ``entries``; the changes after ``epoch`` follow."""
    since: int
    epoch: int
    entries: Dict[bytes, "Value"]


class Changes(NamedTuple):
    """What changes() gives: the changes in epoch order, and the epoch to
    resume from (the last change's, or ``since`` when there was none)."""
    changes: List[Change]
    last: int


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
    change_ring: int    # entries the change feed holds
    history_depth: int  # earlier values kept per key
    probe_limit: int    # lookups stop after this many slots (docs/FORMAT.md F22)
    feed_oldest: int    # oldest epoch the feed holds, 0 when none


@dataclass(frozen=True)
class Finding:
    rule: int           # N of rule "FN" in docs/FORMAT.md
    severity: Severity  # RECOVERABLE, UNRECOVERABLE or FATAL
    fix: Fix            # NONE, REPAIR, ROLLBACK, DROP or TRIM
    slot: int           # -1 for the header
    key: str
    detail: str


@dataclass(frozen=True)
class Report:
    findings: List[Finding] = field(default_factory=list)
    repaired: int = 0
    rolled_back: int = 0
    dropped: int = 0
    worst: Severity = Severity.CLEAN
    trimmed: int = 0

    @property
    def clean(self) -> bool:
        return self.worst == 0


# ---- conversions ----------------------------------------------------------------

class PreparedKey:
    """A key validated and hashed once (splinter_key_init), for hot loops:
    pass it wherever a Bus method takes a key, in place of the str or bytes,
    and the call skips the key's validation and hashing. Plain data: share it
    between threads freely; it serves every bus. ``key`` is the key's bytes."""

    __slots__ = ("key", "_c")

    def __init__(self, key: "Key") -> None:
        b = _key(key)
        c = _lib.SplinterKey()
        _check(_lib.lib.splinter_key_init(ctypes.byref(c), b))
        self.key: bytes = b
        self._c = c

    def __repr__(self) -> str:
        return "PreparedKey(%r)" % (self.key,)


def _key(key: "Key") -> bytes:
    if isinstance(key, PreparedKey):
        return key.key
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


def _getter(key: "Key") -> Tuple[Any, Any]:
    """The C get for this kind of key, and the key argument to pass it."""
    if isinstance(key, PreparedKey):
        return _lib.lib.splinter_get_k, ctypes.byref(key._c)
    return _lib.lib.splinter_get, _key(key)


def _value(value: ValueLike) -> bytes:
    """The bytes of a value: a str as UTF-8, a bytes-like object as its bytes.
    Anything else (an int, a list, None) is a TypeError, as in the lmdb
    package: bytes(5) would be five zero bytes, bytes([1, 2]) a list's items."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    try:
        view = memoryview(value)
    except TypeError:
        raise TypeError("a value is bytes-like or str, not %s" % type(value).__name__) from None
    return view.tobytes()


def _ttl_ms(ttl: Any) -> int:
    """A ttl in seconds (int or float) as the library's milliseconds: rounded
    to the nearest ms, at least 1 (a positive ttl never means "no deadline").
    Zero, negative, NaN, infinite or above TTL_MAX is InvalidArgumentError
    (a ValueError); anything but a number is a TypeError."""
    if isinstance(ttl, bool) or not isinstance(ttl, (int, float)):
        raise TypeError("a ttl is a number of seconds (int or float), not %s" % type(ttl).__name__)
    if not (isinstance(ttl, int) or math.isfinite(ttl)) or not ttl > 0:
        raise InvalidArgumentError(Status.INVALID, "ttl must be a positive finite number of seconds, not %r" % (ttl,))
    if ttl > TTL_MAX:
        raise InvalidArgumentError(Status.INVALID, "ttl %r s is above TTL_MAX (%r s)" % (ttl, TTL_MAX))
    return max(1, int(round(ttl * 1000)))


def _name(name: Name) -> bytes:
    return os.fsencode(name)


def _backing(name: Name, backing: Optional["Backing"]) -> "Backing":
    """The backing given, else FILE for a path object and SHM for a str or bytes name."""
    if backing is not None:
        return Backing(backing)
    return Backing.FILE if isinstance(name, os.PathLike) else Backing.SHM


def _reporting(fn: Callable[..., int], *args: Any) -> Tuple[int, Report]:
    findings: List[Finding] = []

    def collect(_ctx: Any, f: Any) -> int:
        x = f.contents
        findings.append(Finding(x.rule, _enum(Severity, x.severity), _enum(Fix, x.fix), x.slot,
                                (x.key or b"").decode("utf-8", "replace"),
                                (x.detail or b"").decode("utf-8", "replace")))
        return 0

    callback = _lib.FINDING_FN(collect)
    out = _lib.Report()
    rc = fn(*args, callback, None, ctypes.byref(out))
    return rc, Report(findings, out.repaired, out.rolled_back, out.dropped, _enum(Severity, out.worst), out.trimmed)


def _report_or_raise(rc: int, report: Report) -> Report:
    if rc != 0:
        err = _error(rc)
        if isinstance(err, (CorruptError, VersionError)):
            err.report = report
        raise err
    return report


# ---- module-level operations -------------------------------------------------------

def destroy(name: Name, backing: Optional[Backing] = None) -> None:
    """Removes the bus's name (open handles keep working). See splinter_destroy.
    ``backing`` defaults to FILE for a path object, SHM otherwise."""
    _check(_lib.lib.splinter_destroy(int(_backing(name, backing)), _name(name)))


def check(name: Name, backing: Optional[Backing] = None) -> Report:
    """Validates the named bus without changing it. Raises CorruptError /
    VersionError (with ``.report``) when its header is unusable."""
    return _report_or_raise(*_reporting(_lib.lib.splinter_check, int(_backing(name, backing)), _name(name)))


def recover(name: Name, backing: Optional[Backing] = None) -> Report:
    """Repairs everything the validator finds; returns what was done."""
    return _report_or_raise(*_reporting(_lib.lib.splinter_recover, int(_backing(name, backing)), _name(name)))


def library_version() -> str:
    """The C library's version ("1.0.0")."""
    return str(_lib.lib.splinter_version().decode())


# ---- the bus ---------------------------------------------------------------------

class Bus:
    """A handle on a bus: a writer (from create, or open with Role.WRITER) or a
    reader. Use as a context manager, or call close(). Reader operations are
    safe from many threads; close() must not race with other calls."""

    def __init__(self, handle: Any, name: Name, backing: Backing) -> None:
        self._h = handle
        self.name = name
        self.backing = Backing(backing)
        self._cap = 256

    @classmethod
    def create(cls, name: Name, slots: int, max_value_size: int, *, backing: Optional[Backing] = None,
               mode: int = 0o600, change_ring: int = 0, history_depth: int = 0) -> "Bus":
        """Creates a new bus and returns a writer handle (ExistsError if the name is taken).
        ``backing`` defaults to FILE for a path object (pathlib.Path), SHM otherwise.
        ``history_depth`` (0..HISTORY_MAX): earlier values kept per key (see history);
        ``change_ring`` (0 = the library's default, at most RING_MAX): entries the
        change feed keeps (see changes), rounded up to a power of two."""
        b = _backing(name, backing)
        opts = _lib.Options(ctypes.sizeof(_lib.Options), slots, max_value_size, mode, change_ring, history_depth)
        h = _lib.BusPtr()
        _check(_lib.lib.splinter_create_ex(ctypes.byref(h), int(b), _name(name), ctypes.byref(opts)))
        return cls(h, name, b)

    @classmethod
    def open(cls, name: Name, role: Role = Role.READER, *, backing: Optional[Backing] = None) -> "Bus":
        """Opens an existing bus as a reader or (BusyError if taken) as the writer.
        ``backing`` defaults to FILE for a path object (pathlib.Path), SHM otherwise."""
        b = _backing(name, backing)
        h = _lib.BusPtr()
        _check(_lib.lib.splinter_open(ctypes.byref(h), int(b), _name(name), int(role)))
        return cls(h, name, b)

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

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # interpreter shutdown
            pass

    def _handle(self) -> Any:
        if not self._h:
            raise InvalidArgumentError(Status.INVALID, "the bus is closed")
        return self._h

    # -- mutations --
    def set(self, key: Key, value: ValueLike, *, ttl: Optional[float] = None) -> int:
        """Sets key to value (bytes-like, or a str stored as UTF-8); returns the
        new epoch. Any other type is a TypeError. ``ttl`` (seconds, int or
        float, rounded to the ms): the key expires that long from now -- from
        then on it is absent to every reader (see splinter_set_ttl); None (the
        default) means it never expires, and a set without ttl clears an
        earlier deadline. A ttl that is not positive and finite, or above
        TTL_MAX, is InvalidArgumentError."""
        data = _value(value)
        epoch = _lib.c_uint64()
        if ttl is not None:
            ms = _ttl_ms(ttl)
            _check(_lib.lib.splinter_set_ttl(self._handle(), _key(key), data, len(data), ms, ctypes.byref(epoch)))
        elif isinstance(key, PreparedKey):
            _check(_lib.lib.splinter_set_k(self._handle(), ctypes.byref(key._c), data, len(data), ctypes.byref(epoch)))
        else:
            _check(_lib.lib.splinter_set(self._handle(), _key(key), data, len(data), ctypes.byref(epoch)))
        return epoch.value

    def unset(self, key: Key) -> int:
        """Removes key; returns the epoch of the removal (NotFoundError if absent)."""
        epoch = _lib.c_uint64()
        if isinstance(key, PreparedKey):
            _check(_lib.lib.splinter_unset_k(self._handle(), ctypes.byref(key._c), ctypes.byref(epoch)))
        else:
            _check(_lib.lib.splinter_unset(self._handle(), _key(key), ctypes.byref(epoch)))
        return epoch.value

    def expire(self, max: int = 0) -> int:
        """Writer: removes up to ``max`` expired keys now (0 = all of them), each
        a mutation of its own (op EXPIRE in the change feed); returns how many.
        Expired keys are absent to readers anyway; call this on a timer when
        the writer is otherwise idle and followers need the feed current."""
        if isinstance(max, bool) or not isinstance(max, int):
            raise TypeError("max is an int, not %s" % type(max).__name__)
        if not 0 <= max <= 0xFFFFFFFF:
            raise InvalidArgumentError(Status.INVALID, "max must be 0..2**32-1, not %d" % max)
        removed = _lib.c_uint32()
        _check(_lib.lib.splinter_expire(self._handle(), max, ctypes.byref(removed)))
        return removed.value

    def flush(self) -> None:
        """Makes committed mutations durable (file backing)."""
        _check(_lib.lib.splinter_flush(self._handle()))

    # -- reads --
    def get_into(self, key: Key, buffer: Union[bytearray, memoryview]) -> Tuple[int, int]:
        """Copies the value into a writable buffer; returns (length, epoch).
        BufferTooSmallError (with ``needed``) when it does not fit."""
        view = memoryview(buffer).cast("B")
        if view.readonly:
            raise TypeError("get_into needs a writable buffer")
        cap = len(view)
        storage = (ctypes.c_char * cap).from_buffer(view) if cap else None
        n = _lib.c_size_t()
        epoch = _lib.c_uint64()
        get, k = _getter(key)
        rc = get(self._handle(), k, storage, cap, ctypes.byref(n), ctypes.byref(epoch))
        if rc == Status.BUFFER:
            raise _error(rc, needed=n.value)
        _check(rc)
        return n.value, epoch.value

    def get_entry(self, key: Key) -> Value:
        """The value and its epoch (NotFoundError if absent)."""
        get, k = _getter(key)
        h = self._handle()
        while True:
            buf = ctypes.create_string_buffer(self._cap)
            n = _lib.c_size_t()
            epoch = _lib.c_uint64()
            rc = get(h, k, buf, self._cap, ctypes.byref(n), ctypes.byref(epoch))
            if rc == Status.BUFFER:  # the value is larger: grow and retry (it may change meanwhile)
                self._cap = max(n.value, self._cap * 2)
                continue
            _check(rc)
            return Value(buf.raw[:n.value], epoch.value)

    def ttl(self, key: Key) -> Optional[float]:
        """The key's remaining time to live in seconds (ms precision), or None
        if it never expires. NotFoundError (a KeyError) if it is absent or
        expired, as get_entry."""
        ms = _lib.c_uint64()
        _check(_lib.lib.splinter_ttl(self._handle(), _key(key), ctypes.byref(ms)))
        return None if ms.value == _NO_DEADLINE else ms.value / 1000.0

    @overload
    def get(self, key: Key) -> Optional[bytes]: ...

    @overload
    def get(self, key: Key, default: _T) -> Union[bytes, _T]: ...

    def get(self, key: Key, default: Any = None) -> Any:
        """The value, or ``default`` if the key is absent (as a mapping's get;
        ``bus[key]`` and get_entry raise NotFoundError, a KeyError, instead)."""
        try:
            return self.get_entry(key).value
        except NotFoundError:
            return default

    def list(self) -> List[Entry]:
        """Every live key with its value length and epoch, in slot order."""
        out: List[Entry] = []

        def each(_ctx: Any, key: bytes, value_len: int, epoch: int) -> int:
            out.append(Entry(key, value_len, epoch))
            return 0

        callback = _lib.LIST_FN(each)
        _check(_lib.lib.splinter_list(self._handle(), callback, None))
        return out

    def keys(self) -> List[bytes]:
        """Every live key, in slot order."""
        return [e.key for e in self.list()]

    def items(self) -> List[Tuple[bytes, bytes]]:
        """(key, value) for every live key, in slot order. Not a snapshot: each
        value is read after the list; a key removed meanwhile is left out."""
        out = []
        for k in self.keys():
            try:
                out.append((k, self.get_entry(k).value))
            except NotFoundError:
                pass
        return out

    def values(self) -> List[bytes]:
        """The value of every live key, in slot order (see items)."""
        return [v for _, v in self.items()]

    def changes(self, since: int) -> Changes:
        """Every committed mutation with an epoch after ``since``, in epoch order,
        up to the bus epoch now, and the epoch to resume from. Raises
        CompactedError when the feed no longer holds the change after ``since``
        (resynchronise with list). To follow the bus: ``last = since``, then
        repeatedly ``poll(since=last)`` and ``changes, last = bus.changes(last)``."""
        out: List[Change] = []

        def each(_ctx: Any, epoch: int, op: int, key: bytes) -> int:
            out.append(Change(epoch, _enum(Op, op), key))
            return 0

        callback = _lib.CHANGE_FN(each)
        last = _lib.c_uint64()
        _check(_lib.lib.splinter_changes(self._handle(), since, callback, None, ctypes.byref(last)))
        return Changes(out, last.value)

    def watch(self, since: Optional[int] = None, *, timeout: Optional[float] = None,
              resync: bool = False) -> Iterator[Union[Change, Resync]]:
        """A generator of every committed mutation after ``since`` (default: the
        bus epoch now, when watch is called), as ``Change(epoch, op, key)``, in
        epoch order, each once, built on poll and changes: it waits with
        ``poll(since=last)`` and then reads ``changes(last)``, so no mutation is
        missed however fast the writer goes, as long as the feed still holds it.
        ``timeout`` (seconds, None = no limit): the longest wait for the next
        change; when it passes with none the generator ends. Waits are sliced so
        that Ctrl-C (KeyboardInterrupt) reaches a blocked watch.

        When the feed no longer holds the changes after the epoch the watch
        follows from (the ring wrapped past it, or ``since`` is ahead of the
        bus): without ``resync`` the generator raises CompactedError, whose
        ``since`` is that epoch; with ``resync=True`` it yields a Resync (the
        bus epoch, then a listing of every key) and follows on from that epoch."""
        start = self.epoch if since is None else since
        return self._watch(start, since is not None, timeout, resync)

    def _watch(self, last: int, read_first: bool, timeout: Optional[float],
               resync: bool) -> Iterator[Union[Change, Resync]]:
        slice_s = 0.25  # longest single wait, so that signals are seen between slices
        while True:
            if not read_first:
                deadline = None if timeout is None else time.monotonic() + timeout
                while True:
                    left = slice_s if deadline is None else min(slice_s, max(0.0, deadline - time.monotonic()))
                    try:
                        self.poll(since=last, timeout=left)
                        break
                    except (PollTimeout, AgainError):
                        if deadline is not None and time.monotonic() >= deadline:
                            return
            read_first = False
            try:
                changes, new_last = self.changes(last)
            except CompactedError as e:
                if not resync:
                    e.since = last
                    raise
                epoch = self.epoch  # first: changes after it come again from the feed
                yield Resync(last, epoch, self._listing(epoch))
                last = epoch
                continue
            for c in changes:
                yield c
            last = new_last

    def _listing(self, epoch: int) -> Dict[bytes, Value]:
        """Every live key with an epoch up to ``epoch`` (a resynchronisation)."""
        out: Dict[bytes, Value] = {}
        for e in self.list():
            for _ in range(4):
                try:
                    v = self.get_entry(e.key)
                except NotFoundError:
                    break  # removed after epoch: the feed brings the unset
                except AgainError:
                    continue  # being changed: retried, else the feed brings the change
                if v.epoch <= epoch:
                    out[e.key] = v
                break
        return out

    def history(self, key: Key) -> List[Value]:
        """The key's current value and up to history_depth earlier ones, newest
        first, each with the epoch of the set that wrote it (values of one
        moment, each verified). Since the key was last created: an unset ends a
        history. An empty list when the key is absent."""
        out: List[Value] = []

        def each(_ctx: Any, epoch: int, value: Optional[int], length: int) -> int:
            out.append(Value(ctypes.string_at(value, length) if value and length else b"", epoch))
            return 0

        callback = _lib.HISTORY_FN(each)
        rc = _lib.lib.splinter_history(self._handle(), _key(key), callback, None)
        if rc == Status.NOT_FOUND:
            return []
        _check(rc)
        return out

    def poll(self, key: Optional[Key] = None, since: Optional[int] = None, timeout: Optional[float] = None) -> int:
        """Waits until the key's epoch (or, with no key, the bus epoch) differs
        from ``since``; returns the new epoch. ``since`` is usually the epoch a
        get returned (no change between the two can be missed); without it the
        poll waits for the next change from now. ``timeout`` in seconds: None
        waits without limit, 0 checks once. Raises PollTimeout when it passes."""
        h = self._handle()
        poll: Any = _lib.lib.splinter_poll
        k: Any = None
        if isinstance(key, PreparedKey):
            poll, k = _lib.lib.splinter_poll_k, ctypes.byref(key._c)
        elif key is not None:
            k = _key(key)
        epoch = _lib.c_uint64()
        if since is None:  # the current epoch: no epoch equals _NO_EPOCH, so this returns at once
            _check(poll(h, k, _NO_EPOCH, 0, ctypes.byref(epoch)))
            since = epoch.value
        ms = -1 if timeout is None else max(0, int(round(timeout * 1000)))
        _check(poll(h, k, since, ms, ctypes.byref(epoch)))
        return epoch.value

    def set_spin(self, microseconds: int) -> None:
        """How long a poll on this handle spins before sleeping (0 = never; until
        called, adaptive: a poll spins briefly only while the writer outpaces it)."""
        _check(_lib.lib.splinter_set_spin(self._handle(), microseconds))

    @property
    def epoch(self) -> int:
        """The bus epoch: the number of committed mutations."""
        return int(_lib.lib.splinter_epoch(self._handle()))

    def info(self) -> Info:
        i = _lib.Info()
        _check(_lib.lib.splinter_info_get(self._handle(), ctypes.byref(i)))
        return Info(i.format_version, Backing(i.backing), Role(i.role), i.slots, i.max_value_size,
                    i.live_keys, i.tombstones, i.longest_probe, i.region_size, i.bus_epoch,
                    i.writer_pid, i.waiters, i.change_ring, i.history_depth, i.probe_limit, i.feed_oldest)

    def check(self) -> Report:
        """Validates a snapshot of this handle's mapping."""
        return _report_or_raise(*_reporting(_lib.lib.splinter_check_bus, self._handle()))

    # -- mapping-style conveniences --
    def __getitem__(self, key: Key) -> bytes:
        """The value (NotFoundError, a KeyError, if absent)."""
        return self.get_entry(key).value

    def __setitem__(self, key: Key, value: ValueLike) -> None:
        self.set(key, value)

    def __delitem__(self, key: Key) -> None:
        self.unset(key)

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, (str, bytes, bytearray, memoryview)):
            return False
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
