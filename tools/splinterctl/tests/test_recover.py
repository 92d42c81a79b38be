"""`splinterctl recover`: backs the bus up first, repairs, reports every key
touched, then checks clean; exit 4 when a value was rolled back or dropped."""
import json
import os
import subprocess

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
        r = b.run("recover", "--json")
        self.assertEqual(r.returncode, 4, r.stderr)  # clean, but a value was rolled back
        doc = json.loads(r.stdout)
        self.assertEqual(doc["exit_code"], 4)
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
        self.assertEqual(r.returncode, 4, r.stderr)  # clean, but a value was dropped
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
        self.assertFalse(os.path.exists(b.backup_path()))  # recovery did not run: no backup left
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
        self.assertFalse(os.path.exists(b.backup_path()))

    # -- the backup ---------------------------------------------------------
    def dropping_bus(self):
        """A bus whose recovery must drop key 'k' (its only value is torn)."""
        b = self.new_bus()
        b.ok("set", "k", "ONLY-VALUE-EVER-0031")
        b.ok("set", "other", "fine")
        b.flip_byte_of(b"ONLY-VALUE-EVER-0031")
        return b

    def test_recover_first_writes_a_backup_with_the_damaged_bytes(self):
        b = self.dropping_bus()
        before = b.read_bytes()
        r = b.run("recover", "--json")
        self.assertEqual(r.returncode, 4, r.stderr)
        self.assertEqual(json.loads(r.stdout)["backup"], b.backup_path())
        self.assertIn(("backed up %s to %s" % (b.env_spec, b.backup_path())).encode(), r.stderr)
        with open(b.backup_path(), "rb") as f:
            self.assertEqual(f.read(), before)
        self.assertNotEqual(b.read_bytes(), before)

    def test_the_backup_opens_as_a_bus_of_the_same_backing_and_keeps_the_lost_value(self):
        b = self.dropping_bus()
        self.assertEqual(b.run("recover").returncode, 4)
        copy = cliutil.Bus(self.tmp, backing=b.backing)
        copy.name = b.name + ".backup"
        copy.path = b.backup_path()
        copy.flags = ["--" + b.backing, copy.name]
        self.assertEqual(copy.run("check").returncode, 2)  # the damage, as it was
        self.assertIn(b"k", copy.run("list").stdout)
        self.assertEqual(copy.ok("get", "other"), b"fine")

    def test_recover_refuses_to_overwrite_an_existing_backup_and_changes_nothing(self):
        b = self.dropping_bus()
        with open(b.backup_path(), "wb") as f:
            f.write(b"an older backup")
        before = b.read_bytes()
        r = b.run("recover")
        self.assert_one_line_error(r, "already exists", "--overwrite-backup", "nothing recovered")
        self.assertEqual(b.read_bytes(), before)
        with open(b.backup_path(), "rb") as f:
            self.assertEqual(f.read(), b"an older backup")
        self.assertEqual(b.run("recover", "--overwrite-backup").returncode, 4)
        with open(b.backup_path(), "rb") as f:
            self.assertEqual(f.read(), before)

    def test_recover_backup_goes_where_backup_says(self):
        b = self.dropping_bus()
        before = b.read_bytes()
        where = os.path.join(self.tmp, "elsewhere.copy")
        self.assertEqual(b.run("recover", "--backup", where).returncode, 4)
        with open(where, "rb") as f:
            self.assertEqual(f.read(), before)
        self.assertFalse(os.path.exists(b.backup_path()))

    def test_recover_no_backup_writes_none(self):
        b = self.dropping_bus()
        self.assertEqual(b.run("recover", "--no-backup").returncode, 4)
        self.assertFalse(os.path.exists(b.backup_path()))

    def test_lossless_recovery_exits_0_and_a_lossy_one_4(self):
        lossless = self.new_bus()
        lossless.ok("set", "k", "old")
        lossless.crash_writer("k", "new", SET_COMMITTED)  # F13 only: repaired, nothing lost
        self.assertEqual(lossless.run("recover").returncode, 0)
        self.assertEqual(self.dropping_bus().run("recover").returncode, 4)

    def test_check_or_recover_in_a_shell_fails_when_a_value_was_lost(self):
        b = self.dropping_bus()
        ctl = " ".join([cliutil.CTL] + b.flags)
        r = subprocess.run(["sh", "-c", '%s check >/dev/null || %s recover >/dev/null' % (ctl, ctl)],
                           capture_output=True, timeout=cliutil.TIMEOUT)
        self.assertEqual(r.returncode, 4, r.stderr)


if __name__ == "__main__":
    cliutil.main()
