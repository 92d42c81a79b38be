"""ctypes declarations of the C ABI in include/splinter/splinter.h.

Only this module touches ctypes. The shared library is looked for, in order:

1. the path in $SPLINTER_LIBRARY, if set (and nowhere else then);
2. where `cmake --install` put it beside this package (the relative path is
   written into splinter/_installed.py at install time);
3. when this package is imported from a source checkout
   (bindings/python/splinter), the checkout's build trees: build/release,
   build/demo, build;
4. <sys.prefix>/lib (an interpreter or virtual environment whose prefix
   Splinter was installed into);
5. libsplinter.so.1 on the loader's path (ldconfig, LD_LIBRARY_PATH), then
   ctypes.util.find_library("splinter").
"""

import ctypes
import ctypes.util
import os
import re
import sys
from pathlib import Path
from typing import Any, List

ABI_MAJOR = 1

c_int = ctypes.c_int
c_char_p = ctypes.c_char_p
c_void_p = ctypes.c_void_p
c_size_t = ctypes.c_size_t
c_uint32 = ctypes.c_uint32
c_uint64 = ctypes.c_uint64
c_int64 = ctypes.c_int64


class Info(ctypes.Structure):
    _fields_ = [
        ("format_version", c_uint32),
        ("backing", c_uint32),
        ("role", c_uint32),
        ("slots", c_uint32),
        ("max_value_size", c_uint32),
        ("live_keys", c_uint32),
        ("tombstones", c_uint32),
        ("longest_probe", c_uint32),
        ("region_size", c_uint64),
        ("bus_epoch", c_uint64),
        ("writer_pid", ctypes.c_int32),
        ("waiters", c_uint32),
        ("change_ring", c_uint32),
        ("history_depth", c_uint32),
        ("probe_limit", c_uint32),
        ("reserved", c_uint32),
        ("feed_oldest", c_uint64),
    ]


class Options(ctypes.Structure):
    _fields_ = [
        ("size", c_uint32),
        ("slots", c_uint32),
        ("max_value_size", c_uint32),
        ("mode", c_uint32),
        ("change_ring", c_uint32),
        ("history_depth", c_uint32),
    ]


class Finding(ctypes.Structure):
    _fields_ = [
        ("rule", c_uint32),
        ("severity", ctypes.c_int32),
        ("fix", ctypes.c_int32),
        ("slot", c_int64),
        ("key", c_char_p),
        ("detail", c_char_p),
    ]


class Report(ctypes.Structure):
    _fields_ = [
        ("findings", c_uint32),
        ("repaired", c_uint32),
        ("rolled_back", c_uint32),
        ("dropped", c_uint32),
        ("worst", ctypes.c_int32),
        ("trimmed", c_uint32),
    ]


LIST_FN = ctypes.CFUNCTYPE(c_int, c_void_p, c_char_p, c_size_t, c_uint64)
FINDING_FN = ctypes.CFUNCTYPE(c_int, c_void_p, ctypes.POINTER(Finding))
CHANGE_FN = ctypes.CFUNCTYPE(c_int, c_void_p, c_uint64, c_int, c_char_p)
HISTORY_FN = ctypes.CFUNCTYPE(c_int, c_void_p, c_uint64, c_void_p, c_size_t)

BusPtr = c_void_p


LIBRARY_NAME = "libsplinter.so.%d" % ABI_MAJOR
BUILD_TREES = ("build/release", "build/demo", "build")


def candidates() -> List[str]:
    """Where the library is looked for, in order (see the module's docstring)."""
    env = os.environ.get("SPLINTER_LIBRARY")
    if env:
        return [env]
    here = Path(__file__).resolve().parent
    paths = []
    installed = here / "_installed.py"  # written by cmake --install: LIBRARY = "relative/path"
    if installed.is_file():
        m = re.search(r'^LIBRARY = "(.*)"$', installed.read_text(encoding="utf-8"), re.M)
        if m:
            paths.append(os.path.normpath(os.path.join(str(here), m.group(1))))
    root = here.parent.parent.parent
    if (root / "include" / "splinter" / "splinter.h").is_file():
        paths += [str(root / tree / "src" / LIBRARY_NAME) for tree in BUILD_TREES]
    paths.append(os.path.join(sys.prefix, "lib", LIBRARY_NAME))
    out = [p for p in paths if os.path.isfile(p)]
    out.append(LIBRARY_NAME)
    found = ctypes.util.find_library("splinter")
    if found:
        out.append(found)
    return out


def _load() -> ctypes.CDLL:
    errors = []
    for candidate in candidates():
        try:
            return ctypes.CDLL(candidate)  # CDLL releases the GIL during calls
        except OSError as e:
            errors.append(str(e))
    raise ImportError("cannot load the splinter C library %s (install it with cmake --install, or set "
                      "SPLINTER_LIBRARY to its path): %s" % (LIBRARY_NAME, "; ".join(errors)))


lib = _load()


def _declare(name: str, restype: Any, *argtypes: Any) -> None:
    fn = getattr(lib, name)
    fn.restype = restype
    fn.argtypes = list(argtypes)


_declare("splinter_create", c_int, ctypes.POINTER(BusPtr), c_int, c_char_p, c_uint32, c_uint32, c_uint32)
_declare("splinter_create_ex", c_int, ctypes.POINTER(BusPtr), c_int, c_char_p, ctypes.POINTER(Options))
_declare("splinter_open", c_int, ctypes.POINTER(BusPtr), c_int, c_char_p, c_int)
_declare("splinter_close", None, BusPtr)
_declare("splinter_destroy", c_int, c_int, c_char_p)
_declare("splinter_set", c_int, BusPtr, c_char_p, c_void_p, c_size_t, ctypes.POINTER(c_uint64))
_declare("splinter_set_ttl", c_int, BusPtr, c_char_p, c_void_p, c_size_t, c_uint64, ctypes.POINTER(c_uint64))
_declare("splinter_expire", c_int, BusPtr, c_uint32, ctypes.POINTER(c_uint32))
_declare("splinter_ttl", c_int, BusPtr, c_char_p, ctypes.POINTER(c_uint64))
_declare("splinter_unset", c_int, BusPtr, c_char_p, ctypes.POINTER(c_uint64))
_declare("splinter_flush", c_int, BusPtr)
_declare("splinter_get", c_int, BusPtr, c_char_p, c_void_p, c_size_t, ctypes.POINTER(c_size_t),
         ctypes.POINTER(c_uint64))
_declare("splinter_list", c_int, BusPtr, LIST_FN, c_void_p)
_declare("splinter_changes", c_int, BusPtr, c_uint64, CHANGE_FN, c_void_p, ctypes.POINTER(c_uint64))
_declare("splinter_history", c_int, BusPtr, c_char_p, HISTORY_FN, c_void_p)
_declare("splinter_poll", c_int, BusPtr, c_char_p, c_uint64, c_int64, ctypes.POINTER(c_uint64))
_declare("splinter_set_spin", c_int, BusPtr, c_uint32)


class SplinterKey(ctypes.Structure):
    """splinter_key: a prepared key (plain data, 80 bytes)."""
    _fields_ = [("opaque", c_uint64 * 10)]


KeyPtr = ctypes.POINTER(SplinterKey)
_declare("splinter_key_init", c_int, KeyPtr, c_char_p)
_declare("splinter_get_k", c_int, BusPtr, KeyPtr, c_void_p, c_size_t, ctypes.POINTER(c_size_t),
         ctypes.POINTER(c_uint64))
_declare("splinter_set_k", c_int, BusPtr, KeyPtr, c_void_p, c_size_t, ctypes.POINTER(c_uint64))
_declare("splinter_unset_k", c_int, BusPtr, KeyPtr, ctypes.POINTER(c_uint64))
_declare("splinter_poll_k", c_int, BusPtr, KeyPtr, c_uint64, c_int64, ctypes.POINTER(c_uint64))
_declare("splinter_epoch", c_uint64, BusPtr)
_declare("splinter_info_get", c_int, BusPtr, ctypes.POINTER(Info))
_declare("splinter_check", c_int, c_int, c_char_p, FINDING_FN, c_void_p, ctypes.POINTER(Report))
_declare("splinter_check_bus", c_int, BusPtr, FINDING_FN, c_void_p, ctypes.POINTER(Report))
_declare("splinter_recover", c_int, c_int, c_char_p, FINDING_FN, c_void_p, ctypes.POINTER(Report))
_declare("splinter_strerror", c_char_p, c_int)
_declare("splinter_status_name", c_char_p, c_int)
_declare("splinter_last_error", c_char_p)
_declare("splinter_version", c_char_p)
