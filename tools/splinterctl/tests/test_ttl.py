"""Keys that expire (issue 15): `set --ttl`, `ttl`, `expire`, and what `list`,
`info`, `get`, `history`, `watch`, `check` and `recover` show of deadlines.

No test waits for a duration except a TTL itself: expired keys come from
tests/past_writer.cpp (deadlines an hour in the past, set by a writer whose
clock runs behind), or from a real `--ttl 1ms` followed by waiting for the
key to read as absent (Bus.wait_expired). A live key has `--ttl 1h` or more,
and the bounds on its remaining time leave ten minutes for a slow machine.
"""
import json

import cliutil

HOUR = 3600 * 1000
SLACK = 600 * 1000  # ms a live key may have lost between set and ttl (a test takes far less)
AHEAD = 60 * 1000   # ms a ttl may read above its TTL (a step of the wall clock; one tick is ~10 ms)


class Ttl(cliutil.CliTest):
    def assert_ttl_near(self, b, key, expected_ms):
        ms = int(b.ok("ttl", key))
        self.assertGreater(ms, expected_ms - SLACK, key)
        self.assertLessEqual(ms, expected_ms + AHEAD, key)

    # -- set --ttl and ttl -----------------------------------------------------
    def test_set_with_ttl_gives_the_key_its_remaining_time_in_ms(self):
        b = self.new_bus()
        b.ok("set", "--ttl", "1h", "lease", "agent-7")
        self.assertEqual(b.ok("get", "lease"), b"agent-7")
        self.assert_ttl_near(b, "lease", HOUR)

    def test_durations_take_ms_s_m_h_and_exact_fractions(self):
        b = self.new_bus()
        cases = {"7200000ms": 2 * HOUR, "5400s": HOUR + HOUR // 2, "150m": 2 * HOUR + HOUR // 2,
                 "3h": 3 * HOUR, "1.5h": HOUR + HOUR // 2, "90.5m": 90 * 60000 + 30000, "3600.25s": HOUR + 250}
        for i, (text, ms) in enumerate(cases.items()):
            b.ok("set", "--ttl", text, "k%d" % i, "v")
            self.assert_ttl_near(b, "k%d" % i, ms)

    def test_ttl_of_a_key_without_deadline_is_never(self):
        b = self.new_bus()
        b.ok("set", "k", "v")
        self.assertEqual(b.ok("ttl", "k"), b"never\n")
        self.assertEqual(json.loads(b.ok("ttl", "k", "--json")), {"key": "k", "ttl_ms": None})

    def test_ttl_json_gives_the_remaining_ms(self):
        b = self.new_bus()
        b.ok("set", "k", "v", "--ttl", "2h")
        doc = json.loads(b.ok("ttl", "k", "--json"))
        self.assertEqual(doc["key"], "k")
        self.assertGreater(doc["ttl_ms"], 2 * HOUR - SLACK)
        self.assertLessEqual(doc["ttl_ms"], 2 * HOUR + AHEAD)

    def test_a_plain_set_clears_the_deadline(self):
        b = self.new_bus()
        b.ok("set", "k", "v1", "--ttl", "1h")
        b.ok("set", "k", "v2")
        self.assertEqual(b.ok("ttl", "k"), b"never\n")

    def test_a_later_ttl_replaces_the_deadline(self):
        b = self.new_bus()
        b.ok("set", "k", "v1", "--ttl", "1h")
        b.ok("set", "k", "v2", "--ttl", "5h")
        self.assert_ttl_near(b, "k", 5 * HOUR)

    def test_ttl_of_an_absent_key_exits_4(self):
        b = self.new_bus()
        r = b.run("ttl", "nope")
        self.assertEqual(r.returncode, 4)
        self.assert_one_line_error(r, "cannot read the time to live of 'nope' in " + b.env_spec, "not found")
        self.assertEqual(b.run("-q", "ttl", "nope").stderr, b"")

    def test_bad_durations_are_usage_errors_that_set_nothing(self):
        b = self.new_bus()
        cases = {"abc": "not a duration", "30": "has no unit", "30x": "unknown unit 'x'", "30 s": "unknown unit",
                 "30S": "unknown unit 'S'", "0s": "give 1 ms to", "0.0001s": "not a whole number of milliseconds",
                 "=-5s": "negative", "305420h": "give 1 ms to", "99999999999999999999ms": "too large",
                 "5124095576030432h": "too large", "1.s": "not a duration", ".5": "has no unit"}
        for text, fragment in cases.items():
            arg = "--ttl" + text if text.startswith("=") else "--ttl=" + text
            r = b.run("set", arg, "k", "v")
            self.assertEqual(r.returncode, 64, (text, r.stderr))
            self.assert_one_line_error(r, "--ttl", fragment)
        self.assertEqual(b.run("get", "k").returncode, 4)

    def test_the_longest_ttl_is_accepted(self):
        b = self.new_bus()
        b.ok("set", "--ttl", "%dms" % (1 << 40), "k", "v")  # SPLINTER_TTL_MAX_MS
        self.assert_ttl_near(b, "k", 1 << 40)
        self.assertEqual(b.run("set", "--ttl", "%dms" % ((1 << 40) + 1), "k", "v").returncode, 64)

    # -- expired keys ------------------------------------------------------------
    def test_a_key_expires_at_its_deadline(self):
        b = self.new_bus()
        b.ok("set", "--ttl", "1ms", "k", "v")
        b.wait_expired("k")
        self.assertEqual(b.run("get", "k").returncode, 4)
        self.assertEqual(b.ok("list"), b"")

    def test_an_expired_key_is_absent_to_every_reader_before_the_writer_removes_it(self):
        b = self.new_bus()
        b.ok("set", "live", "v")
        b.set_expired("gone")
        self.assertEqual(b.info()["live_keys"], 2)  # still in the table
        for args in (["get", "gone"], ["ttl", "gone"], ["history", "gone"]):
            r = b.run(*args)
            self.assertEqual(r.returncode, 4, args)
            self.assert_one_line_error(r, "'gone'", "not found")
        self.assertEqual([l.split("\t")[0] for l in b.ok("list").decode().splitlines()], ["live"])
        self.assertNotIn(b"gone", b.ok("dump", "--json"))

    def test_expire_removes_every_expired_key_and_prints_how_many(self):
        b = self.new_bus()
        b.ok("set", "plain", "v")
        b.ok("set", "lease", "v", "--ttl", "1h")
        b.set_expired("a", "b", "c")
        self.assertEqual(b.ok("expire"), b"3\n")
        i = b.info()
        self.assertEqual((i["live_keys"], i["expired_keys"], i["keys_with_ttl"]), (2, 0, 1))
        self.assertEqual(b.ok("expire"), b"0\n")
        self.assertEqual(b.ok("get", "lease"), b"v")

    def test_expire_max_removes_at_most_n(self):
        b = self.new_bus()
        b.set_expired("a", "b", "c")
        self.assertEqual(b.ok("expire", "--max", 2), b"2\n")
        self.assertEqual(b.info()["expired_keys"], 1)
        self.assertEqual(b.ok("expire", "--max", 2), b"1\n")
        self.assertEqual(b.info()["live_keys"], 0)

    def test_expire_max_must_be_at_least_1(self):
        b = self.new_bus()
        for n in ("0", "-1", "x", "4294967296"):
            self.assertEqual(b.run("expire", "--max", n).returncode, 64, n)

    def test_expire_needs_the_writer_role(self):
        b = self.new_bus()
        holder, pid = b.hold_writer()
        self.track(holder)
        r = b.run("expire")
        self.assertEqual(r.returncode, 1)
        self.assert_one_line_error(r, "cannot open (as writer) " + b.env_spec, "pid %d" % pid)
        holder.communicate(timeout=cliutil.TIMEOUT)  # closes its stdin: it lets go of the role
        self.assertEqual(b.ok("expire"), b"0\n")

    def test_a_bus_full_of_expired_keys_accepts_new_ones(self):
        b = self.new_bus(slots=2)
        b.set_expired("a", "b")
        b.ok("set", "c", "3")
        b.ok("set", "d", "4")
        self.assertEqual(b.ok("get", "c"), b"3")

    # -- list, info ---------------------------------------------------------------
    def test_list_adds_the_remaining_ttl_only_for_keys_with_a_deadline(self):
        b = self.new_bus()
        e_a = int(b.ok("set", "a", "1", "--print-epoch"))
        e_b = int(b.ok("set", "b", "22", "--ttl", "1h", "--print-epoch"))
        b.set_expired("c")
        lines = [l.split("\t") for l in b.ok("list").decode().splitlines()]
        self.assertEqual([l[:3] for l in lines], [["a", str(e_a), "1"], ["b", str(e_b), "2"]])
        self.assertEqual(len(lines[0]), 3)
        self.assertEqual(len(lines[1]), 4)
        self.assertGreater(int(lines[1][3]), HOUR - SLACK)
        self.assertLessEqual(int(lines[1][3]), HOUR + AHEAD)

    def test_list_json_gives_ttl_ms_or_null(self):
        b = self.new_bus()
        b.ok("set", "a", "1")
        b.ok("set", "b", "2", "--ttl", "1h")
        a, bb = json.loads(b.ok("list", "--json"))
        self.assertIsNone(a["ttl_ms"])
        self.assertGreater(bb["ttl_ms"], HOUR - SLACK)

    def test_info_counts_keys_with_ttl_and_expired_keys(self):
        b = self.new_bus()
        b.ok("set", "plain", "v")
        b.ok("set", "l1", "v", "--ttl", "1h")
        b.ok("set", "l2", "v", "--ttl", "2h")
        b.set_expired("x", "y", "z")
        i = b.info()
        self.assertEqual((i["live_keys"], i["keys_with_ttl"], i["expired_keys"]), (6, 2, 3))
        out = b.ok("info")
        self.assertIn(b"keys_with_ttl:   2 (", out)
        self.assertIn(b"expired_keys:    3 (", out)

    # -- the change feed -------------------------------------------------------------
    def test_watch_names_the_writers_removal_expire(self):
        b = self.new_bus()
        since = b.info()["bus_epoch"]
        b.set_expired("k")
        b.ok("expire")
        out = b.ok("watch", "--since", since, "--count", 2, "--timeout", cliutil.WATCH_MS)
        self.assertEqual(out.decode().splitlines()[1], "%d\texpire\tk" % (since + 2))
        docs = [json.loads(l) for l in
                b.ok("watch", "--since", since, "--count", 2, "--timeout", cliutil.WATCH_MS, "--json").splitlines()]
        self.assertEqual(docs[1], {"epoch": since + 2, "op": "expire", "key": "k"})
        # The set's value expired before the watch read it: no value, as an overwritten one.
        self.assertEqual((docs[0]["op"], docs[0].get("overwritten")), ("set", True))

    def test_a_live_watch_wakes_for_the_removal(self):
        b = self.new_bus()
        b.set_expired("k")
        w = self.track(b.popen("watch", "--count", 1, "--timeout", cliutil.WATCH_MS))
        b.wait_for_waiters(1)
        b.ok("expire")
        out, err = w.communicate(timeout=cliutil.TIMEOUT)
        self.assertEqual(w.returncode, 0, err)
        self.assertTrue(out.decode().endswith("\texpire\tk\n"), out)

    # -- validation --------------------------------------------------------------------
    def test_check_and_recover_name_a_damaged_deadline_F23(self):
        # A deadline beyond 2^48 - 1 (FORMAT.md 1.4): the high byte of the
        # u64 just before the value bytes. The key was set once (and a file
        # bus flushed): nothing to roll back to, so recovery drops it.
        b = self.new_bus()
        b.ok("set", "k", "DEADLINE-OF-THIS-VALUE", "--ttl", "1h")
        b.ok("set", "other", "fine", "--ttl", "1h")
        value_at = b.read_bytes().index(b"DEADLINE-OF-THIS-VALUE")
        b.xor_byte_at(value_at - 1, 0xFF)
        r = b.run("check")
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        line = [l for l in r.stdout.decode().splitlines() if l.startswith("F23 ")]
        self.assertEqual(len(line), 1, r.stdout)
        self.assertIn("key 'k': unrecoverable (fix: drop): ", line[0])
        self.assertIn("deadline", line[0])
        f23 = [f for f in json.loads(b.run("check", "--json").stdout)["findings"] if f["rule"] == "F23"]
        self.assertEqual([(f["key"], f["fix"]) for f in f23], [("k", "drop")])
        r = b.run("recover", "--no-backup")
        self.assertEqual(r.returncode, 4, r.stdout + r.stderr)  # clean, but a value was dropped
        self.assertIn(b"F23", r.stdout)
        self.assertIn(b"'k'", r.stdout)
        self.assertEqual(b.run("get", "k").returncode, 4)
        self.assertEqual(b.ok("get", "other"), b"fine")
        self.assertEqual(b.run("check").returncode, 0)


if __name__ == "__main__":
    cliutil.main()
