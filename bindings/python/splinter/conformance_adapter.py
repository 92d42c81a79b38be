"""The Python binding's conformance adapter (conformance/PROTOCOL.md).

    splinter-conformance --adapter 'python3 -S -m splinter.conformance_adapter'

Reads one JSON request per line on stdin, answers one JSON object per line on
stdout. It only translates requests into calls of the `splinter` package and
its results (or SplinterError) into answers. Installed with the package (pip
or cmake --install); bindings/python/conformance_adapter.py runs it from a
source checkout.
"""

import base64
import ctypes
import json
import os
import resource
import sys
from typing import Any, Dict

import splinter

BACKING = {"shm": splinter.Backing.SHM, "file": splinter.Backing.FILE}
ROLE = {"reader": splinter.Role.READER, "writer": splinter.Role.WRITER}
OP = {splinter.Op.SET: "set", splinter.Op.UNSET: "unset", splinter.Op.EXPIRE: "expire"}
NO_DEADLINE = (1 << 64) - 1  # the protocol's ttl_ms of a key that never expires (splinter_ttl's UINT64_MAX)
buses: Dict[str, splinter.Bus] = {}
pkeys: Dict[str, splinter.PreparedKey] = {}


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def key_of(req: Dict[str, Any]) -> bytes:
    if "key_b64" in req:
        return base64.b64decode(req["key_b64"], validate=True)
    return bytes(req["key"].encode("utf-8", "surrogatepass"))


def report(r: splinter.Report) -> Dict[str, Any]:
    return {"findings": [{"rule": f.rule, "severity": int(f.severity), "fix": int(f.fix), "slot": f.slot,
                          "key": f.key, "detail": f.detail} for f in r.findings],
            "worst": int(r.worst), "repaired": r.repaired, "rolled_back": r.rolled_back, "dropped": r.dropped}


def resources() -> Dict[str, Any]:
    """This process's CPU time (user + system, every thread), open descriptors and mappings."""
    ru = resource.getrusage(resource.RUSAGE_SELF)
    with open("/proc/self/maps", "rb") as maps:
        n_maps = sum(1 for _ in maps)
    return {"cpu_us": int(round((ru.ru_utime + ru.ru_stime) * 1e6)), "fds": len(os.listdir("/proc/self/fd")),
            "maps": n_maps}


def handle(req: Dict[str, Any]) -> Dict[str, Any]:
    op = req["op"]
    if op == "resources":
        return resources()
    if op == "hello":
        return {"adapter": "python", "library": splinter.library_version(), "pid": os.getpid(),
                "format_version": splinter.FORMAT_VERSION}
    if op == "create":
        buses[req["bus"]] = splinter.Bus.create(req["name"], req["slots"], req["max_value_size"],
                                                backing=BACKING[req["backing"]], mode=req.get("mode", 0),
                                                change_ring=req.get("change_ring", 0),
                                                history_depth=req.get("history_depth", 0))
        return {}
    if op == "open":
        buses[req["bus"]] = splinter.Bus.open(req["name"], ROLE[req["role"]], backing=BACKING[req["backing"]])
        return {}
    if op == "close":
        buses.pop(req["bus"]).close()
        return {}
    if op == "destroy":
        splinter.destroy(req["name"], BACKING[req["backing"]])
        return {}
    if op == "key_init":
        pkeys[req["pkey"]] = splinter.PreparedKey(key_of(req))
        return {}
    if op == "key_garble":  # not a library call: one bit of the prepared key's plain data flipped
        raw = (ctypes.c_ubyte * ctypes.sizeof(pkeys[req["pkey"]]._c)).from_buffer(pkeys[req["pkey"]]._c)
        raw[req["byte"]] ^= 1
        return {}
    if op in ("check", "recover") and "bus" not in req:
        fn = splinter.check if op == "check" else splinter.recover
        return report(fn(req["name"], BACKING[req["backing"]]))
    bus = buses[req["bus"]]
    if op == "set":
        return {"epoch": bus.set(key_of(req), base64.b64decode(req["value_b64"], validate=True))}
    if op == "set_ttl":
        value = base64.b64decode(req["value_b64"], validate=True)
        return {"epoch": bus.set(key_of(req), value, ttl=req["ttl_ms"] / 1000.0)}
    if op == "ttl":
        left = bus.ttl(key_of(req))
        return {"ttl_ms": NO_DEADLINE if left is None else int(round(left * 1000))}
    if op == "expire":
        return {"removed": bus.expire(req.get("max", 0))}
    if op == "set_k":
        return {"epoch": bus.set(pkeys[req["pkey"]], base64.b64decode(req["value_b64"], validate=True))}
    if op == "unset_k":
        return {"epoch": bus.unset(pkeys[req["pkey"]])}
    if op == "get_k":
        value, epoch = bus.get_entry(pkeys[req["pkey"]])
        return {"value_b64": b64(value), "epoch": epoch}
    if op == "poll_k":
        ms = req["timeout_ms"]
        return {"epoch": bus.poll(pkeys[req["pkey"]], req["since"], None if ms < 0 else ms / 1000.0)}
    if op == "unset":
        return {"epoch": bus.unset(key_of(req))}
    if op == "get":
        if "cap" in req:
            buf = bytearray(req["cap"])
            try:
                n, epoch = bus.get_into(key_of(req), buf)
            except splinter.BufferTooSmallError as e:
                return {"status": "BUFFER", "len": e.needed}
            return {"value_b64": b64(bytes(buf[:n])), "epoch": epoch}
        value, epoch = bus.get_entry(key_of(req))
        return {"value_b64": b64(value), "epoch": epoch}
    if op == "list":
        return {"entries": [{"key_b64": b64(e.key), "len": e.value_len, "epoch": e.epoch} for e in bus.list()]}
    if op == "changes":
        changes, last = bus.changes(req["since"])
        return {"changes": [{"epoch": c.epoch, "op": OP.get(c.op, int(c.op)), "key_b64": b64(c.key)}
                            for c in changes], "last": last}
    if op == "history":
        values = bus.history(key_of(req))
        if not values:  # a live key has at least its current value: [] is the binding's "absent"
            return {"status": "NOT_FOUND"}
        return {"history": [{"epoch": v.epoch, "value_b64": b64(v.value)} for v in values]}
    if op == "poll":
        ms = req["timeout_ms"]
        key = key_of(req) if ("key" in req or "key_b64" in req) else None
        return {"epoch": bus.poll(key, req["since"], None if ms < 0 else ms / 1000.0)}
    if op == "epoch":
        return {"epoch": bus.epoch}
    if op == "info":
        i = bus.info()
        return {"format_version": i.format_version, "backing": i.backing.name.lower(),
                "role": i.role.name.lower(), "slots": i.slots, "max_value_size": i.max_value_size,
                "live_keys": i.live_keys, "tombstones": i.tombstones, "longest_probe": i.longest_probe,
                "region_size": i.region_size, "bus_epoch": i.bus_epoch, "writer_pid": i.writer_pid,
                "waiters": i.waiters, "change_ring": i.change_ring, "history_depth": i.history_depth,
                "probe_limit": i.probe_limit, "feed_oldest": i.feed_oldest}
    if op == "flush":
        bus.flush()
        return {}
    if op == "set_spin":
        bus.set_spin(req["spin_us"])
        return {}
    if op == "check":
        return report(bus.check())
    return {"status": "UNSUPPORTED", "detail": "unknown op " + op}


def answer(line: str) -> Dict[str, Any]:
    try:
        req = json.loads(line)
    except ValueError as e:
        return {"status": "ADAPTER_ERROR", "detail": "unparsable request: %s" % e}
    try:
        out = handle(req)
        out.setdefault("status", "OK")
    except splinter.SplinterError as e:
        out = {"status": e.name, "detail": e.detail}
        found = getattr(e, "report", None)  # CorruptError, VersionError
        if found is not None:
            out.update(report(found))
    except (KeyError, TypeError, ValueError) as e:
        out = {"status": "ADAPTER_ERROR", "detail": "%s: %s" % (type(e).__name__, e)}
    if isinstance(req, dict) and "id" in req:
        out["id"] = req["id"]
    return out


def main() -> int:
    for line in sys.stdin:
        if line.strip():
            sys.stdout.write(json.dumps(answer(line)) + "\n")
            sys.stdout.flush()
    for bus in buses.values():
        bus.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
