"""`splinterctl watch` on the change feed: --since resumes exactly after an
epoch (nothing missed, nothing repeated); a set whose value is gone has no
VALUE; when the feed no longer holds the changes after the epoch a watch
follows from (COMPACTED), the watch says so and resynchronises from a listing
marked resync, then follows the feed on."""
import json
import os
import signal
import time

import cliutil
from test_watch import read_line

# A journal of mutations: (op, key, value); unset has no value.
FIRST = [("set", "a", "a1"), ("set", "b", "b1"), ("set", "a", "a2"), ("unset", "b", None), ("set", "c", "c1"),
         ("set", "b", "b2"), ("set", "a", "a3"), ("unset", "a", None), ("set", "c", "c2"), ("set", "a", "a4")]
SECOND = [("set", "b", "b3"), ("unset", "c", None), ("set", "c", "c3"), ("set", "a", "a5"), ("set", "b", "b4")]


def apply(bus, journal):
    """Makes each mutation; returns [(epoch, op, key, value)]."""
    out = []
    for op, key, value in journal:
        args = ("set", key, value) if op == "set" else ("unset", key)
        out.append((int(bus.ok(*args, "--print-epoch")), op, key, value))
    return out


def expected_lines(journal, since=0):
    """The lines a watch prints for `journal` (all made before it reads them)
    after `since`, on a bus whose history holds every value: a set's value is
    readable unless an unset of its key came after it (an unset ends a
    history)."""
    lines = []
    for i, (epoch, op, key, value) in enumerate(journal):
        if epoch <= since:
            continue
        if op == "unset":
            lines.append([str(epoch), "unset", key])
        elif any(o == "unset" and k == key for _, o, k, _ in journal[i + 1:]):
            lines.append([str(epoch), "set", key])
        else:
            lines.append([str(epoch), "set", key, value])
    return lines


def lines_of(out):
    return [l.split("\t") for l in out.decode().splitlines()]


def process_state(pid):
    with open("/proc/%d/stat" % pid) as f:
        return f.read().rsplit(")", 1)[1].split()[0]


class WatchFeed(cliutil.CliTest):
    def feed_bus(self, *options):
        b = self.new_bus(create=False)
        b.ok("create", "--slots", 64, "--max-value", 64, *options)
        return b

    def test_since_resumes_exactly_after_the_epoch_printed_last(self):
        b = self.feed_bus("--history", 8)
        first = apply(b, FIRST)
        r = b.run("watch", "--since", 0, "--count", 4, "--timeout", cliutil.WATCH_MS)
        self.assertEqual(r.returncode, 0, r.stderr)
        head = lines_of(r.stdout)
        self.assertEqual(head, expected_lines(first)[:4])
        resume_from = int(head[-1][0])
        journal = first + apply(b, SECOND)
        # The resumed watch prints the backlog, then follows new changes.
        w = self.track(b.popen("watch", "--since", resume_from, "--count", len(journal) - 4 + 2,
                               "--timeout", cliutil.WATCH_MS))
        backlog = [read_line(w).rstrip("\n").split("\t") for _ in range(len(journal) - 4)]
        self.assertEqual(backlog, expected_lines(journal, since=resume_from))
        b.wait_for_waiters(1)
        journal += apply(b, [("set", "d", "d1"), ("unset", "c", None)])  # d1 stays readable
        out, err = w.communicate(timeout=cliutil.TIMEOUT)
        self.assertEqual(w.returncode, 0, err)
        self.assertEqual(err, b"")
        self.assertEqual(lines_of(out), expected_lines(journal, since=journal[-3][0]))
        # All together: every epoch once, in order, none missed, none repeated.
        epochs = [int(l[0]) for l in head + backlog + lines_of(out)]
        self.assertEqual(epochs, list(range(1, len(journal) + 1)))

    def test_changes_made_while_the_watch_prints_a_batch_follow_it(self):
        # The watch reads a batch of 40 changes (its first line is out), then
        # blocks writing the rest: they are 160 KB and the pipe holds 64 KiB
        # until this test reads. Changes made meanwhile must follow the batch,
        # i.e. the watch goes on from the batch's last epoch, not from a bus
        # epoch read after it.
        b = self.new_bus(create=False)
        b.ok("create", "--slots", 64, "--max-value", "4K")
        doc = {"format": "splinter-dump", "version": 1,
               "entries": [{"key": "big-%02d" % i, "value": "%02d" % i + "x" * 3998} for i in range(40)]}
        b.ok("load", "-", input=json.dumps(doc))
        w = self.track(b.popen("watch", "--since", 0, "--count", 43, "--timeout", cliutil.WATCH_MS))
        first = w.stdout.readline()
        self.assertTrue(first.startswith(b"1\tset\tbig-00\t00xxx"), first[:40])
        for k in ("late-1", "late-2", "late-3"):
            b.ok("set", k, "v")
        out, err = w.communicate(timeout=cliutil.TIMEOUT)
        self.assertEqual(w.returncode, 0, err)
        lines = lines_of(out)
        self.assertEqual([int(l[0]) for l in lines], list(range(2, 44)))
        self.assertEqual([l[2] for l in lines[-3:]], ["late-1", "late-2", "late-3"])

    def test_key_watch_since_prints_only_that_keys_changes_after_the_epoch(self):
        b = self.feed_bus("--history", 8)
        journal = apply(b, FIRST)
        since = journal[2][0]  # after "set a a2"
        wanted = [l for l in expected_lines(journal, since) if l[2] == "a"]
        r = b.run("watch", "a", "--since", since, "--count", len(wanted), "--timeout", cliutil.WATCH_MS)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(lines_of(r.stdout), wanted)

    def test_a_set_overwritten_before_the_watch_read_it_has_no_value_without_history(self):
        b = self.feed_bus()
        b.ok("set", "k", "first")
        b.ok("set", "k", "second")
        r = b.run("watch", "--since", 0, "--count", 2, "--timeout", cliutil.WATCH_MS)
        self.assertEqual(lines_of(r.stdout), [["1", "set", "k"], ["2", "set", "k", "second"]])
        r = b.run("watch", "--since", 0, "--count", 2, "--timeout", cliutil.WATCH_MS, "--json")
        docs = [json.loads(l) for l in r.stdout.decode().splitlines()]
        self.assertEqual(docs[0], {"epoch": 1, "op": "set", "key": "k", "overwritten": True})
        self.assertEqual(docs[1], {"epoch": 2, "op": "set", "key": "k", "value": "second"})

    def test_the_history_gives_the_value_of_an_overwritten_set(self):
        b = self.feed_bus("--history", 1)
        b.ok("set", "k", "first")
        b.ok("set", "k", "second")
        r = b.run("watch", "--since", 0, "--count", 2, "--timeout", cliutil.WATCH_MS)
        self.assertEqual(lines_of(r.stdout), [["1", "set", "k", "first"], ["2", "set", "k", "second"]])

    def test_compacted_since_is_reported_and_resynchronised_from_a_listing(self):
        b = self.feed_bus("--change-ring", 4)
        journal = apply(b, [("set", "a", "x1"), ("set", "b", "y1"), ("set", "a", "x2"), ("unset", "b", None),
                            ("set", "c", "z1"), ("set", "a", "x3"), ("set", "d", "w1")])
        self.assertEqual(b.info()["feed_oldest"], 4)  # the ring holds epochs 4..7
        w = self.track(b.popen("watch", "--since", 1, "--count", 1, "--timeout", cliutil.WATCH_MS))
        resync = [read_line(w).rstrip("\n").split("\t") for _ in range(4)]
        self.assertEqual(resync, [["7", "resync"], ["6", "resync", "a", "x3"], ["5", "resync", "c", "z1"],
                                  ["7", "resync", "d", "w1"]])
        b.wait_for_waiters(1)  # then it follows the feed from epoch 7
        b.ok("set", "e", "v1")
        out, err = w.communicate(timeout=cliutil.TIMEOUT)
        self.assertEqual(w.returncode, 0, err)
        self.assertEqual(lines_of(out), [["8", "set", "e", "v1"]])
        err = err.decode()
        self.assertEqual(len(err.splitlines()), 1, err)
        self.assertIn("no longer holds the changes after epoch 1", err)
        self.assertIn("from epoch 4", err)
        self.assertIn("resync", err)
        self.assertEqual(len(journal), 7)

    def test_since_at_the_oldest_entry_held_needs_no_resync(self):
        b = self.feed_bus("--change-ring", 4)
        journal = apply(b, [("set", "k", "v%d" % i) for i in range(7)])
        r = b.run("watch", "--since", 3, "--count", 4, "--timeout", cliutil.WATCH_MS)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr, b"")
        self.assertEqual([l[0] for l in lines_of(r.stdout)], ["4", "5", "6", "7"])
        self.assertEqual(journal[-1][0], 7)

    def test_resync_in_json_and_for_a_key_watch(self):
        b = self.feed_bus("--change-ring", 2)
        apply(b, [("set", "a", "1"), ("set", "b", "2"), ("set", "a", "3"), ("set", "c", "4")])
        r = b.run("watch", "a", "--since", 0, "--timeout", 0, "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        docs = [json.loads(l) for l in r.stdout.decode().splitlines()]
        self.assertEqual(docs, [{"epoch": 4, "op": "resync"}, {"epoch": 3, "op": "resync", "key": "a", "value": "3"}])
        self.assertIn(b"resync", r.stderr)

    def test_since_ahead_of_the_bus_is_reported_and_resynchronised(self):
        b = self.feed_bus()
        b.ok("set", "k", "v")
        r = b.run("watch", "--since", 100, "--timeout", 0)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(lines_of(r.stdout), [["1", "resync"], ["1", "resync", "k", "v"]])
        self.assertIn(b"epoch 100 is ahead of the bus (epoch 1", r.stderr)

    def test_a_watch_that_falls_behind_the_ring_resyncs_then_follows_on(self):
        b = self.feed_bus("--change-ring", 4)
        b.ok("set", "k", "v0")
        w = self.track(b.popen("watch", "--timeout", cliutil.WATCH_MS))
        b.wait_for_waiters(1)
        b.ok("set", "k", "v1")
        self.assertEqual(read_line(w).rstrip("\n").split("\t"), ["2", "set", "k", "v1"])
        w.send_signal(signal.SIGSTOP)  # the watcher stops; the writer laps the ring meanwhile
        end = time.monotonic() + cliutil.TIMEOUT
        while process_state(w.pid) != "T":
            self.assertLess(time.monotonic(), end, "the watch did not stop")
            time.sleep(0.01)  # how often to look, not a bound
        apply(b, [("set", "k", "v%d" % i) for i in range(2, 8)] + [("set", "other", "o")])  # epochs 3..9
        w.send_signal(signal.SIGCONT)
        lines = [read_line(w).rstrip("\n").split("\t") for _ in range(3)]
        self.assertEqual(lines, [["9", "resync"], ["8", "resync", "k", "v7"], ["9", "resync", "other", "o"]])
        b.wait_for_waiters(1)
        b.ok("unset", "other")
        self.assertEqual(read_line(w).rstrip("\n").split("\t"), ["10", "unset", "other"])
        w.send_signal(signal.SIGINT)
        self.assertEqual(w.wait(timeout=cliutil.TIMEOUT), 0)
        self.assertIn(b"no longer holds the changes after epoch 2", w.stderr.read())


if __name__ == "__main__":
    cliutil.main()
