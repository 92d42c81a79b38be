"""`splinterctl check`: each documented exit code, rule numbers, read-only."""
import json

import cliutil
from cliutil import SET_COMMITTED, SET_EPOCH_PUBLISHED, SET_VALUE_HALF, UNSET_COMMITTED


class Check(cliutil.CliTest):
    def test_clean_bus_exits_0(self):
        b = self.new_bus()
        b.ok("set", "k", "v")
        r = b.run("check")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(b"clean", r.stdout)

    def test_clean_bus_json_has_verdict_and_no_findings(self):
        b = self.new_bus()
        doc = json.loads(b.ok("check", "--json"))
        self.assertEqual(doc["verdict"], "clean")
        self.assertEqual(doc["exit_code"], 0)
        self.assertEqual(doc["findings"], [])

    def test_writer_killed_after_commit_exits_1_with_F13(self):
        b = self.new_bus()
        b.ok("set", "k", "old")
        b.crash_writer("k", "new", SET_COMMITTED)
        r = b.run("check")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn(b"F13", r.stdout)

    def test_writer_killed_after_unset_commit_exits_1(self):
        b = self.new_bus()
        b.ok("set", "k", "v")
        b.crash_writer("k", None, UNSET_COMMITTED)
        self.assertEqual(b.run("check").returncode, 1)

    def test_writer_killed_mid_value_leaves_bus_clean(self):
        b = self.new_bus()
        b.ok("set", "k", "old value")
        b.crash_writer("k", "a new value long enough to be written in halves", SET_VALUE_HALF)
        r = b.run("check")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(b.ok("get", "k"), b"old value")

    def test_torn_unflushed_value_with_intact_previous_version_exits_1(self):
        # The previous value is flushed (`set` flushes a file bus); the
        # current one was written by a writer killed before it flushed, then
        # torn: recovery can roll back to the previous value (FORMAT.md 3).
        b = self.new_bus()
        b.ok("set", "k", "PREVIOUS-VALUE-0001")
        b.crash_writer("k", "CURRENT-VALUE-0002", SET_EPOCH_PUBLISHED)
        b.flip_byte_of(b"CURRENT-VALUE-0002")
        r = b.run("check", "--json")
        self.assertEqual(r.returncode, 1, r.stdout)
        doc = json.loads(r.stdout)
        self.assertEqual(doc["verdict"], "recoverable")
        f12 = [f for f in doc["findings"] if f["rule"] == "F12"]
        self.assertEqual(len(f12), 1, doc)
        self.assertEqual(f12[0]["key"], "k")
        self.assertEqual(f12[0]["fix"], "rollback")
        self.assertIsInstance(f12[0]["slot"], int)

    def test_corrupted_flushed_value_exits_2_even_with_a_previous_version(self):
        # A flushed value that is damaged is lost: recovery never silently
        # substitutes an older one (FORMAT.md 3). For shm nothing is flushed.
        if cliutil.BACKING != "file":
            self.skipTest("flush applies to the file backing only")
        b = self.new_bus()
        b.ok("set", "k", "PREVIOUS-VALUE-0005")
        b.ok("set", "k", "CURRENT-VALUE-0006")
        b.flip_byte_of(b"CURRENT-VALUE-0006")
        self.assertEqual(b.run("check").returncode, 2)

    def test_corrupted_value_without_previous_version_exits_2(self):
        b = self.new_bus()
        b.ok("set", "k", "ONLY-VALUE-EVER-0003")
        b.flip_byte_of(b"ONLY-VALUE-EVER-0003")
        r = b.run("check")
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn(b"F12", r.stdout)
        self.assertIn(b"'k'", r.stdout)
        self.assertIn(b"drop", r.stdout)

    def test_truncated_file_exits_3(self):
        b = self.new_bus()
        b.ok("set", "k", "v")
        b.truncate(6000)
        r = b.run("check")
        self.assertEqual(r.returncode, 3, r.stdout + r.stderr)
        self.assertTrue(r.stderr.startswith(b"splinterctl: cannot check " + b.env_spec.encode()), r.stderr)

    def test_random_file_exits_3_with_F1(self):
        b = self.new_bus(create=False)
        b.overwrite_random()
        r = b.run("check")
        self.assertEqual(r.returncode, 3, r.stdout + r.stderr)
        self.assertIn(b"F1 ", r.stdout)
        self.assertIn(b"bad magic", r.stderr)

    def test_empty_file_exits_3(self):
        b = self.new_bus(create=False)
        open(b.path, "wb").close()
        self.assertEqual(b.run("check").returncode, 3)

    def test_missing_bus_exits_3(self):
        b = self.new_bus(create=False)
        r = b.run("check")
        self.assertEqual(r.returncode, 3)
        self.assertIn(b"no such bus", r.stderr)

    def test_check_never_modifies_a_damaged_bus(self):
        b = self.new_bus()
        b.ok("set", "k", "ONLY-VALUE-EVER-0004")
        b.ok("set", "j", "v")
        b.crash_writer("j", "w", SET_COMMITTED)
        b.flip_byte_of(b"ONLY-VALUE-EVER-0004")
        before = b.read_bytes()
        self.assertEqual(b.run("check").returncode, 2)
        self.assertEqual(b.read_bytes(), before)


if __name__ == "__main__":
    cliutil.main()
