"""`splinterctl recover`: repairs, reports every key touched, then checks clean."""
import json

import cliutil
from cliutil import SET_COMMITTED, SET_EPOCH_PUBLISHED


class Recover(cliutil.CliTest):
    def test_recover_after_a_killed_writer_then_check_is_clean(self):
        b = self.new_bus()
        b.ok("set", "k", "old")
        b.crash_writer("k", "new", SET_COMMITTED)
        self.assertEqual(b.run("check").returncode, 1)
        out = b.ok("recover")
        self.assertIn(b"now clean", out)
        self.assertEqual(b.run("check").returncode, 0)
        self.assertEqual(b.ok("get", "k"), b"new")  # the committed value survives

    def test_recover_rolls_back_a_torn_value_and_names_the_key(self):
        b = self.new_bus()
        b.ok("set", "k", "PREVIOUS-VALUE-0011")
        b.crash_writer("k", "CURRENT-VALUE-0012", SET_EPOCH_PUBLISHED)
        b.flip_byte_of(b"CURRENT-VALUE-0012")
        doc = json.loads(b.ok("recover", "--json"))
        self.assertTrue(doc["clean_after"])
        self.assertEqual([(f["rule"], f["key"], f["fix"]) for f in doc["findings"]],
                         [("F12", "k", "rollback")])
        self.assertEqual(doc["report"]["rolled_back"], 1)
        self.assertEqual(b.ok("get", "k"), b"PREVIOUS-VALUE-0011")
        self.assertEqual(b.run("check").returncode, 0)

    def test_recover_drops_an_unrecoverable_value_and_names_the_key(self):
        b = self.new_bus()
        b.ok("set", "k", "ONLY-VALUE-EVER-0013")
        b.ok("set", "other", "fine")
        b.flip_byte_of(b"ONLY-VALUE-EVER-0013")
        r = b.run("recover")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(b"F12", r.stdout)
        self.assertIn(b"'k'", r.stdout)
        self.assertIn(b"drop", r.stdout)
        self.assertIn(b"1 dropped", r.stdout)
        self.assertEqual(b.run("get", "k").returncode, 4)
        self.assertEqual(b.ok("get", "other"), b"fine")
        self.assertEqual(b.run("check").returncode, 0)

    def test_recover_of_a_clean_bus_changes_nothing(self):
        b = self.new_bus()
        b.ok("set", "k", "v")
        out = b.ok("recover")
        self.assertIn(b"0 findings", out)
        self.assertEqual(b.ok("get", "k"), b"v")

    def test_recover_while_a_live_writer_holds_the_bus_fails_busy(self):
        b = self.new_bus()
        holder, _ = b.hold_writer()
        self.track(holder)
        r = b.run("recover")
        self.assertEqual(r.returncode, 1)
        self.assertIn(b"cannot recover " + b.env_spec.encode(), r.stderr)
        holder.stdin.close()
        self.assertEqual(holder.wait(timeout=cliutil.TIMEOUT), 0)
        self.assertEqual(b.run("recover").returncode, 0)

    def test_recover_of_a_random_file_exits_3(self):
        b = self.new_bus(create=False)
        b.overwrite_random()
        before = b.read_bytes()
        r = b.run("recover")
        self.assertEqual(r.returncode, 3)
        self.assertIn(b"bad magic", r.stderr)
        self.assertEqual(b.read_bytes(), before)

    def test_recover_of_a_missing_bus_fails(self):
        b = self.new_bus(create=False)
        r = b.run("recover")
        self.assertEqual(r.returncode, 1)
        self.assertIn(b"no such bus", r.stderr)


if __name__ == "__main__":
    cliutil.main()
