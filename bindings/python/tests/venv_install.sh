#!/usr/bin/env bash
# python.venv_install PYTHON LIBSPLINTER: the binding as a user installs it.
#
#   1. a fresh virtual environment (PYTHON -m venv; Debian: python3-venv);
#   2. pip install bindings/python with --no-index: the build must need
#      nothing from a package index (pyproject.toml's backend is in-tree);
#   3. pip wheel: a py3-none-any wheel with py.typed and the adapter;
#   4. from outside the source tree, with no SPLINTER_LIBRARY and no
#      PYTHONPATH, the installed package (not the checkout) imports, finds
#      libsplinter in the environment's prefix (<venv>/lib), and works:
#      set/get/items, TypeError for a non-bytes value, a file bus by Path;
#   5. the installed conformance adapter answers `hello`.
set -euo pipefail
py="$1"; lib="$2"
src="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
export PYTHONDONTWRITEBYTECODE=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
unset SPLINTER_LIBRARY PYTHONPATH

echo "venv_install: $py -m venv"
"$py" -m venv "$work/venv"
vpy="$work/venv/bin/python"
echo "venv_install: pip install --no-index $src"
"$vpy" -m pip install -q --no-index "$src"
echo "venv_install: pip wheel --no-index"
"$vpy" -m pip wheel -q --no-index --no-deps -w "$work/dist" "$src"
wheel=$(ls "$work/dist"/splinter_bus-*-py3-none-any.whl)
"$vpy" - "$wheel" <<'PY'
import sys, zipfile
names = set(zipfile.ZipFile(sys.argv[1]).namelist())
for want in ("splinter/__init__.py", "splinter/_lib.py", "splinter/py.typed", "splinter/conformance_adapter.py"):
    assert want in names, (want, sorted(names))
assert not any("__pycache__" in n or n.endswith("_installed.py") for n in names), sorted(names)
print("venv_install: wheel", sys.argv[1].rsplit("/", 1)[1], "has", len(names), "files")
PY

# The library in the environment's prefix, as `cmake --install --prefix <venv>` would put it.
cp "$lib" "$work/venv/lib/libsplinter.so.1"
cd "$work"
"$vpy" - "$work" <<'PY'
import os, pathlib, sys
import splinter
work = sys.argv[1]
assert splinter.__file__.startswith(work + "/venv/"), splinter.__file__
assert splinter._lib.lib._name == work + "/venv/lib/libsplinter.so.1", splinter._lib.lib._name
assert splinter.__version__ == splinter.library_version(), (splinter.__version__, splinter.library_version())
name = "splinter-venv-%d" % os.getpid()
with splinter.Bus.create(name, slots=8, max_value_size=32) as bus:
    bus.set("greeting", "hello")
    bus["n"] = b"\x00\x01"
    assert bus.get("greeting") == b"hello" and bus.get("absent") is None
    assert sorted(bus.items()) == [(b"greeting", b"hello"), (b"n", b"\x00\x01")]
    try:
        bus.set("n", 5)
        raise AssertionError("an int value was accepted")
    except TypeError:
        pass
splinter.destroy(name)
path = pathlib.Path(work) / "a.bus"
with splinter.Bus.create(path, slots=4, max_value_size=8) as bus:
    assert bus.backing == splinter.Backing.FILE
assert splinter.check(path).clean
splinter.destroy(path)
print("venv_install: installed package ok:", splinter.__file__)
PY
echo '{"op": "hello", "id": 1}' | "$vpy" -m splinter.conformance_adapter | grep -q '"status": "OK"'
echo "venv_install: ok"
