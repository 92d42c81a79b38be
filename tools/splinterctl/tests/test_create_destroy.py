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
