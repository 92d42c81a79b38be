"""`splinterctl watch`: every change printed, in order, none missed; ends by
count, timeout or Ctrl-C."""
import datetime
import json
import signal
import time

import cliutil


def read_line(proc, timeout=cliutil.TIMEOUT):
    """One stdout line of a watch, or AssertionError after timeout (a
    liveness bound, generous so that a loaded machine passes: a line that
    never comes, e.g. a missed change, fails only after it)."""
    import select
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        ready, _, _ = select.select([proc.stdout], [], [], 0.05)
        if ready:
            line = proc.stdout.readline()
            if not line:
                raise AssertionError("watch ended early: %r" % proc.stderr.read())
            return line.decode()
    raise AssertionError("watch printed nothing within %.0f s" % timeout)


def assert_key_watch_sees_each_update(test, bus, n=20, ctl=None):
    """The oracle for key watches: a writer sets the key n times, waiting for
    each line before the next set; the watch must print every value, in order,
    with increasing epochs."""
    w = test.track(bus.popen("watch", "k", "--timeout", cliutil.WATCH_MS, ctl=ctl))
    bus.wait_for_waiters(1)
    last_epoch = 0
    for i in range(n):
        bus.ok("set", "k", "value-%d" % i, ctl=ctl)
        epoch, op, key, value = read_line(w).rstrip("\n").split("\t")
        test.assertEqual((op, key, value), ("set", "k", "value-%d" % i))
        test.assertGreater(int(epoch), last_epoch)
        last_epoch = int(epoch)
    w.send_signal(signal.SIGINT)
    test.assertEqual(w.wait(timeout=cliutil.TIMEOUT), 0)


class Watch(cliutil.CliTest):
    def test_key_watch_sees_each_update_in_order(self):
        assert_key_watch_sees_each_update(self, self.new_bus())

    def test_bus_watch_sees_every_key_of_a_burst_in_order(self):
        b = self.new_bus(slots=256)
        start = int(b.ok("set", "before", "x", "--print-epoch"))
        n = 100
        doc = {"format": "splinter-dump", "version": 1,
               "entries": [{"key": "burst-%03d" % i, "value": "v%d" % i} for i in range(n)]}
        w = self.track(b.popen("watch", "--since", start, "--count", n, "--timeout", cliutil.WATCH_MS))
        b.ok("load", "-", input=json.dumps(doc))  # n sets as fast as one writer goes
        out, err = w.communicate(timeout=cliutil.TIMEOUT)
        self.assertEqual(w.returncode, 0, err)
        lines = [l.split("\t") for l in out.decode().splitlines()]
        self.assertEqual([l[2] for l in lines], ["burst-%03d" % i for i in range(n)])
        self.assertEqual([l[3] for l in lines], ["v%d" % i for i in range(n)])
        self.assertEqual([int(l[0]) for l in lines], list(range(start + 1, start + n + 1)))

    def test_key_watch_of_a_burst_prints_every_set_once_in_epoch_order(self):
        # The watch follows the change feed: 50 sets of one key are 50 lines,
        # epochs consecutive; a value overwritten before the watch read it
        # (no history on this bus) has no VALUE field, any other is that set's.
        b = self.new_bus()
        start = int(b.ok("set", "k", "start", "--print-epoch"))
        w = self.track(b.popen("watch", "k", "--count", 50, "--timeout", cliutil.WATCH_MS))
        b.wait_for_waiters(1)
        doc = {"format": "splinter-dump", "version": 1,
               "entries": [{"key": "k", "value": "v%d" % i} for i in range(50)]}
        b.ok("load", "-", input=json.dumps(doc))
        out, err = w.communicate(timeout=cliutil.TIMEOUT)
        self.assertEqual(w.returncode, 0, err)
        lines = [l.split("\t") for l in out.decode().splitlines()]
        self.assertEqual([int(l[0]) for l in lines], list(range(start + 1, start + 51)))
        for i, l in enumerate(lines):
            self.assertEqual(l[1:3], ["set", "k"])
            self.assertIn(l[3:], ([], ["v%d" % i]))
        self.assertEqual(lines[-1][3:], ["v49"])  # the current value is always readable

    def test_bus_watch_reports_sets_and_unsets(self):
        b = self.new_bus()
        b.ok("set", "gone", "soon")
        w = self.track(b.popen("watch", "--count", 2, "--timeout", cliutil.WATCH_MS, "--json"))
        b.wait_for_waiters(1)
        b.ok("set", "new", "value")
        b.ok("unset", "gone")
        out, err = w.communicate(timeout=cliutil.TIMEOUT)
        self.assertEqual(w.returncode, 0, err)
        changes = [json.loads(l) for l in out.decode().splitlines()]
        self.assertEqual([(c["op"], c["key"]) for c in changes], [("set", "new"), ("unset", "gone")])
        self.assertEqual(changes[0]["value"], "value")
        self.assertNotIn("value", changes[1])

    def test_key_watch_reports_an_unset(self):
        b = self.new_bus()
        b.ok("set", "k", "v")
        w = self.track(b.popen("watch", "k", "--count", 1, "--timeout", cliutil.WATCH_MS))
        b.wait_for_waiters(1)
        b.ok("unset", "k")
        out, _ = w.communicate(timeout=cliutil.TIMEOUT)
        self.assertEqual(out.decode().split("\t")[1:], ["unset", "k\n"])

    def test_since_prints_the_current_value_at_once(self):
        b = self.new_bus()
        b.ok("set", "k", "current")
        r = b.run("watch", "k", "--since", 0, "--count", 1, "--timeout", cliutil.WATCH_MS)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.decode().split("\t")[1:], ["set", "k", "current\n"])

    def test_binary_values_are_escaped_in_text_and_base64_in_json(self):
        b = self.new_bus()
        b.ok("set", "k", "--stdin", input=b"\x00\xff\n")
        r = b.run("watch", "k", "--since", 0, "--count", 1, "--timeout", cliutil.WATCH_MS)
        self.assertEqual(r.stdout.decode().split("\t")[3], "\\x00\\xff\\n\n")
        r = b.run("watch", "k", "--since", 0, "--count", 1, "--timeout", cliutil.WATCH_MS, "--json")
        self.assertEqual(json.loads(r.stdout)["value_base64"], "AP8K")

    def test_timeout_without_count_exits_0(self):
        b = self.new_bus()
        t0 = time.monotonic()
        r = b.run("watch", "--timeout", 300)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, b"")
        self.assertGreaterEqual(time.monotonic() - t0, 0.3)

    def test_timeout_before_count_exits_5(self):
        b = self.new_bus()
        r = b.run("watch", "k", "--count", 1, "--timeout", 200)
        self.assertEqual(r.returncode, 5)
        self.assertIn(b"timed out", r.stderr)

    def test_ctrl_c_ends_the_watch_cleanly(self):
        b = self.new_bus()
        w = self.track(b.popen("watch"))  # no --timeout: only the signal can end it
        b.wait_for_waiters(1)
        w.send_signal(signal.SIGINT)
        out, err = w.communicate(timeout=cliutil.TIMEOUT)
        self.assertEqual(w.returncode, 0)
        self.assertEqual(err, b"")
        # ...and its announcement (FORMAT.md 2.5) goes with the next change,
        # which wakes its word for nobody.
        b.ok("set", "k", "v")
        self.assertEqual(b.info()["waiters"], 0)

    def test_time_starts_each_line_with_the_local_time_it_was_seen(self):
        b = self.new_bus()
        w = self.track(b.popen("watch", "k", "--time", "--timeout", cliutil.WATCH_MS))
        b.wait_for_waiters(1)
        before = datetime.datetime.now().astimezone()
        epoch = int(b.ok("set", "k", "v", "--print-epoch"))
        when, e, op, key, value = read_line(w).rstrip("\n").split("\t")
        after = datetime.datetime.now().astimezone()
        self.assertRegex(when, r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$")
        seen = datetime.datetime.fromisoformat(when)
        # Milliseconds are truncated, so the line may read up to 1 ms before `before`.
        self.assertLessEqual(before - datetime.timedelta(milliseconds=1), seen)
        self.assertLessEqual(seen, after)
        self.assertEqual((int(e), op, key, value), (epoch, "set", "k", "v"))

    def test_time_in_json_is_a_field(self):
        b = self.new_bus()
        b.ok("set", "k", "v")
        r = b.run("watch", "--since", 0, "--count", 1, "--time", "--json", "--timeout", cliutil.WATCH_MS)
        doc = json.loads(r.stdout)
        self.assertEqual(datetime.datetime.fromisoformat(doc["time"]).utcoffset() is not None, True)
        self.assertEqual((doc["op"], doc["key"], doc["value"]), ("set", "k", "v"))

    def test_sigterm_ends_the_watch_cleanly(self):
        b = self.new_bus()
        w = self.track(b.popen("watch", "k"))
        b.wait_for_waiters(1)
        w.send_signal(signal.SIGTERM)
        self.assertEqual(w.wait(timeout=cliutil.TIMEOUT), 0)


if __name__ == "__main__":
    cliutil.main()
