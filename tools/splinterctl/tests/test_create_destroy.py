"""`splinterctl create` and `destroy`."""
import os
import stat

import cliutil


class CreateDestroy(cliutil.CliTest):
    def test_create_makes_an_empty_bus_of_the_given_geometry(self):
        b = self.new_bus(slots=100, max_value=1000)
        self.assertTrue(b.exists())
        info = b.info()
        self.assertEqual((info["slots"], info["max_value_size"], info["live_keys"]), (100, 1000, 0))
        self.assertEqual(info["backing"], cliutil.BACKING)

    def test_create_never_overwrites_an_existing_bus(self):
        b = self.new_bus()
        b.ok("set", "k", "kept")
        r = b.run("create", "--slots", 8, "--max-value", 8)
        self.assert_one_line_error(r, "cannot create " + b.env_spec)
        self.assertEqual(b.ok("get", "k"), b"kept")
        self.assertEqual(b.info()["slots"], 64)

    def test_create_applies_the_mode(self):
        b = self.new_bus(create=False)
        b.ok("create", "--slots", 4, "--max-value", 4, "--mode", "0640")
        self.assertEqual(stat.S_IMODE(os.stat(b.path).st_mode), 0o640)

    def test_create_default_mode_is_0600(self):
        b = self.new_bus()
        self.assertEqual(stat.S_IMODE(os.stat(b.path).st_mode), 0o600)

    def test_create_rejects_a_bad_mode(self):
        b = self.new_bus(create=False)
        r = b.run("create", "--slots", 4, "--max-value", 4, "--mode", "rw-")
        self.assertEqual(r.returncode, 64)
        self.assertFalse(b.exists())

    def test_create_takes_the_history_depth_and_the_change_ring(self):
        b = self.new_bus(create=False)
        r = b.run("create", "--slots", 16, "--max-value", 64, "--history", 3, "--change-ring", 5)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(b"3 earlier values per key, a change feed of 8 entries", r.stderr)
        info = b.info()
        self.assertEqual((info["history_depth"], info["change_ring"]), (3, 8))  # rounded up to a power of two
        plain = self.new_bus(create=False)
        plain.ok("create", "--slots", 16, "--max-value", 64, "--change-ring", 8)
        self.assertGreater(info["region_size"], plain.info()["region_size"])  # 5 buffers per slot, not 2

    def test_create_defaults_to_no_history_and_the_default_ring(self):
        info = self.new_bus(slots=16, max_value=64).info()
        self.assertEqual((info["history_depth"], info["change_ring"]), (0, 1024))  # 16 slots: clamped up to 1024
        info = self.new_bus(slots=3000, max_value=8).info()
        self.assertEqual(info["change_ring"], 4096)  # the slots rounded up to a power of two

    def test_create_rejects_history_and_ring_out_of_range(self):
        b = self.new_bus(create=False)
        for args in (("--history", 63), ("--change-ring", (1 << 24) + 1), ("--history", -1)):
            r = b.run("create", "--slots", 4, "--max-value", 4, *args)
            self.assertEqual(r.returncode, 64, args)
            self.assertIn(args[0].encode(), r.stderr)
            self.assertFalse(b.exists())

    def test_create_rejects_zero_slots(self):
        b = self.new_bus(create=False)
        self.assertEqual(b.run("create", "--slots", 0, "--max-value", 4).returncode, 64)
        self.assertFalse(b.exists())

    def test_destroy_removes_the_bus(self):
        b = self.new_bus()
        b.ok("destroy")
        self.assertFalse(b.exists())
        r = b.run("destroy")
        self.assert_one_line_error(r, "cannot destroy " + b.env_spec, "no such bus")

    def test_destroy_refuses_while_a_writer_holds_the_bus(self):
        b = self.new_bus()
        holder, _ = b.hold_writer()
        self.track(holder)
        self.assert_one_line_error(b.run("destroy"), "cannot destroy")
        self.assertTrue(b.exists())
        holder.stdin.close()
        holder.wait(timeout=cliutil.TIMEOUT)
        b.ok("destroy")

    def test_destroy_refuses_what_is_not_a_bus(self):
        b = self.new_bus(create=False)
        with open(b.path, "wb") as f:
            f.write(b"precious data, not a bus" * 1000)
        self.assert_one_line_error(b.run("destroy"), "cannot destroy")
        self.assertTrue(b.exists())


if __name__ == "__main__":
    cliutil.main()
