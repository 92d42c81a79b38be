"""Shared helpers for the splinterctl CLI tests (ctest label `cli`).

Every test runs real processes: the splinterctl binary named by $SPLINTERCTL
against a bus of the backing named by $SPLINTER_TEST_BACKING (shm or file).
Each test gets its own bus name (pid + counter) and temporary directory, and
destroys what it made.
"""
import itertools
import json
import os
import random
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

CTL = os.environ.get("SPLINTERCTL", "splinterctl")
BACKING = os.environ.get("SPLINTER_TEST_BACKING", "shm")
CRASH_WRITER = os.environ.get("CRASH_WRITER", "")
CRASH_WRITER_MUTANT_WRITE_ACTIVE_BUFFER = os.environ.get("CRASH_WRITER_MUTANT_WRITE_ACTIVE_BUFFER", "")
PAST_WRITER = os.environ.get("PAST_WRITER", "")
MUTANTS = {k[len("SPLINTERCTL_MUTANT_"):]: v for k, v in os.environ.items()
           if k.startswith("SPLINTERCTL_MUTANT_")}

# Crash points of src/test_hooks.h.
SET_VALUE_HALF = 3
SET_COMMITTED = 6
SET_EPOCH_PUBLISHED = 7  # the set is complete; killed before any flush
UNSET_COMMITTED = 8

# Where things are in a region (docs/FORMAT.md, section 1): the only byte
# offsets the CLI tests use, kept here so that a format change moves them in
# one place. Everything else finds its bytes by content (flip_byte_of).
def format_offset(what):
    """The byte offset of `what` (docs/FORMAT.md 1.1, 1.3): "header.max_value_size"
    and "header_copy.max_value_size" (in the region), "slot_table" (in the
    region), "slot.key" (in a 128-byte slot, from the slot's word)."""
    return {"header.max_value_size": 20, "header_copy.max_value_size": 2048 + 20,
            "slot_table": 8192, "slot.key": 16}[what]


TIMEOUT = 30  # seconds; no single command should come near it
# --timeout of the tests' watches (ms): a safety net that is never reached;
# each test ends its watches itself (--count, a signal, or tearDown).
WATCH_MS = 600000
_counter = itertools.count()


class Bus:
    """One bus of the test's backing: its name, its address flags, the path
    of its backing object (for tests that damage bytes), and a runner."""

    def __init__(self, tmpdir, ctl=CTL, backing=BACKING):
        n = next(_counter)
        self.backing = backing
        self.ctl = ctl
        if backing == "shm":
            self.name = "splinterctl-test-%d-%d" % (os.getpid(), n)
            self.path = "/dev/shm/" + self.name
        else:
            self.name = os.path.join(tmpdir, "bus-%d.bus" % n)
            self.path = self.name
        self.flags = ["--" + backing, self.name]
        self.env_spec = "%s:%s" % (backing, self.name)

    def run(self, *args, input=None, ctl=None, env=None, timeout=TIMEOUT):
        """Runs `splinterctl --<backing> NAME args...`; returns CompletedProcess (bytes)."""
        if isinstance(input, str):
            input = input.encode()
        return subprocess.run([ctl or self.ctl] + self.flags + [a if isinstance(a, bytes) else str(a) for a in args],
                              input=input, capture_output=True, env=env, timeout=timeout)

    def ok(self, *args, **kw):
        """Runs and asserts exit status 0; returns stdout bytes."""
        r = self.run(*args, **kw)
        if r.returncode != 0:
            raise AssertionError("splinterctl %s: exit %d\nstdout: %r\nstderr: %r"
                                 % (" ".join(map(str, args)), r.returncode, r.stdout, r.stderr))
        return r.stdout

    def popen(self, *args, ctl=None, **kw):
        return subprocess.Popen([ctl or self.ctl] + self.flags + [a if isinstance(a, bytes) else str(a) for a in args],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0, **kw)

    def create(self, slots=64, max_value=256):
        self.ok("create", "--slots", slots, "--max-value", max_value)
        return self

    def exists(self):
        return os.path.exists(self.path)

    def backup_path(self):
        """Where `recover` puts its backup by default (the object's path + .backup)."""
        return self.path + ".backup"

    def destroy_quietly(self):
        for extra in (self.backup_path(),):
            if os.path.exists(extra):
                os.unlink(extra)
        if self.exists():
            subprocess.run([CTL] + self.flags + ["destroy"], capture_output=True, timeout=TIMEOUT)
        if self.exists():  # not a bus any more (a test wrote garbage): remove it by hand
            os.unlink(self.path)

    def info(self):
        return json.loads(self.ok("info", "--json"))

    def wait_for_waiters(self, n=1, timeout=TIMEOUT):
        """Waits until n wait words hold an announcement -- n watches of
        different words (the bus, a key's bucket) are blocked in poll, ready:
        an observable state, never a pause; the timeout is a liveness bound."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.info()["waiters"] >= n:
                return
            time.sleep(0.02)  # how often to look, not a bound
        raise AssertionError("no watcher blocked in poll after %.0f s" % timeout)

    # -- damage, done to the backing object's bytes directly ---------------
    def read_bytes(self):
        with open(self.path, "rb") as f:
            return f.read()

    def flip_byte_of(self, marker):
        """Flips one byte inside the only occurrence of marker in the region."""
        data = self.read_bytes()
        at = data.find(marker)
        assert at >= 0 and data.find(marker, at + 1) < 0, "marker must occur exactly once"
        with open(self.path, "r+b") as f:
            f.seek(at + len(marker) // 2)
            f.write(bytes([data[at + len(marker) // 2] ^ 0xFF]))

    def xor_byte_at(self, offset, mask=0xFF):
        """XORs the byte at `offset` of the backing object with mask."""
        with open(self.path, "r+b") as f:
            f.seek(offset)
            old = f.read(1)[0]
            f.seek(offset)
            f.write(bytes([old ^ mask]))

    def damage_header(self):
        """One damaged byte in the fixed header (max_value_size) and the same
        byte of its copy: both fail their checks (F6; one alone is repaired
        from the other, F16), so nothing can be opened (check exits 3)."""
        self.xor_byte_at(format_offset("header.max_value_size"), 0x01)
        self.xor_byte_at(format_offset("header_copy.max_value_size"), 0x01)

    def damage_slot_word_of(self, key):
        """Sets the state bits of the slot word of `key` (a unique byte string
        in the region) to 3: an invalid state, while the key and its hash
        stay valid: list skips the slot, and check restores the word from the
        value buffer it names (F18)."""
        data = self.read_bytes()
        table = format_offset("slot_table")
        # The slot table comes before the change feed (which repeats keys).
        at = data.find(key, table) - format_offset("slot.key")
        assert at >= table and (at - table) % 128 == 0, "key not found in a slot"
        self.xor_byte_at(at, 0x03 ^ (data[at] & 0x03))

    def truncate(self, size):
        os.truncate(self.path, size)

    def overwrite_random(self, size=65536, seed=1234):
        rnd = random.Random(seed)
        with open(self.path, "wb") as f:
            f.write(bytes(rnd.getrandbits(8) for _ in range(size)))

    # -- writers that die or hold the role ---------------------------------
    def crash_writer(self, key, value, point, helper=None):
        """Runs a writer that SIGKILLs itself at crash point `point` while
        setting key (value None: unsetting it); asserts it died by SIGKILL."""
        helper = helper or CRASH_WRITER
        r = subprocess.run([helper, self.backing, self.name, key,
                            "-" if value is None else value, str(point)],
                           capture_output=True, timeout=TIMEOUT)
        assert r.returncode == -signal.SIGKILL, (r.returncode, r.stderr)

    def set_expired(self, *keys):
        """Sets each key to "expired:KEY" with a deadline an hour in the past
        (tests/past_writer.cpp, a writer whose clock runs two hours behind):
        expired at once for every splinterctl, and not removed by that
        writer -- no waiting for a deadline."""
        r = subprocess.run([PAST_WRITER, self.backing, self.name] + list(keys),
                           capture_output=True, timeout=TIMEOUT)
        assert r.returncode == 0, (r.returncode, r.stderr)

    def wait_expired(self, key, timeout=TIMEOUT):
        """Waits until `splinterctl ttl key` says the key is absent (exit 4):
        the observable state of a key whose own TTL ran out; the timeout is
        a liveness bound."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            r = self.run("ttl", key)
            if r.returncode == 4:
                return
            assert r.returncode == 0, (r.returncode, r.stderr)
            time.sleep(0.001)  # how often to look, not a bound
        raise AssertionError("%r did not expire within %.0f s" % (key, timeout))

    def hold_writer(self, key="held", value="by a live writer"):
        """Starts a process holding the writer role; close its stdin to end it."""
        p = subprocess.Popen([CRASH_WRITER, self.backing, self.name, key, value, "hold"],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        line = p.stdout.readline().decode()
        assert line.startswith("ready"), (line, p.stderr.read())
        return p, int(line.split()[1])


class CliTest(unittest.TestCase):
    """Base class: self.tmp (a fresh directory) and self.new_bus()."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="splinterctl-test-")
        self.buses = []
        self.procs = []

    def tearDown(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
            p.wait()
        for b in self.buses:
            b.destroy_quietly()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def new_bus(self, create=True, **kw):
        b = Bus(self.tmp, **{k: v for k, v in kw.items() if k in ("ctl", "backing")})
        self.buses.append(b)
        if create:
            b.create(**{k: v for k, v in kw.items() if k in ("slots", "max_value")})
        return b

    def track(self, proc):
        self.procs.append(proc)
        return proc

    def assert_one_line_error(self, r, *fragments):
        """Non-zero exit, nothing on stdout, one 'splinterctl: ...' line on stderr."""
        err = r.stderr.decode(errors="replace")
        self.assertNotEqual(r.returncode, 0, err)
        self.assertGreater(r.returncode, 0, "killed by a signal: %s" % err)
        lines = err.strip("\n").split("\n")
        self.assertEqual(len(lines), 1, err)
        self.assertTrue(lines[0].startswith("splinterctl: "), err)
        for f in fragments:
            self.assertIn(f, lines[0])


def main():
    unittest.main(verbosity=2)
