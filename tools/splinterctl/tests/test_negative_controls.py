"""Negative controls: the oracles of these tests catch the bugs the mutant
libraries plant (src/mutants.h). Each test runs an oracle against a
splinterctl (or crash writer) linked to a mutant and asserts that it fails."""
import cliutil
from cliutil import SET_VALUE_HALF
from test_watch import assert_key_watch_sees_each_update


class NegativeControls(cliutil.CliTest):
    def test_watch_oracle_catches_no_epoch_bump_on_overwrite(self):
        mutant = cliutil.MUTANTS["no_epoch_bump_on_overwrite"]
        b = self.new_bus(ctl=mutant)
        with self.assertRaises(AssertionError):
            assert_key_watch_sees_each_update(self, b, n=3, ctl=mutant)

    def test_watch_oracle_passes_with_the_real_library(self):
        assert_key_watch_sees_each_update(self, self.new_bus(), n=3)

    def test_check_catches_a_torn_value_of_write_active_buffer(self):
        # With the real library a writer killed mid-value leaves the old value
        # intact (test_check); with this mutant the live value is torn in
        # place and check must say so: F12, unrecoverable.
        b = self.new_bus()
        b.ok("set", "k", "old value, long enough to be torn")
        b.crash_writer("k", "NEW VALUE, LONG ENOUGH TO BE TORN", SET_VALUE_HALF,
                       helper=cliutil.CRASH_WRITER_MUTANT_WRITE_ACTIVE_BUFFER)
        r = b.run("check")
        self.assertEqual(r.returncode, 2, r.stdout)
        self.assertIn(b"F12", r.stdout)

    def test_get_refusing_damaged_values_catches_no_checksum_verify(self):
        def get_refuses_damaged(ctl):
            b = self.new_bus()
            b.ok("set", "k", "ONLY-VALUE-EVER-0021")
            b.flip_byte_of(b"ONLY-VALUE-EVER-0021")
            r = b.run("get", "k", ctl=ctl)
            self.assertEqual(r.returncode, 1, r.stdout)
            self.assertEqual(r.stdout, b"")

        get_refuses_damaged(cliutil.CTL)
        with self.assertRaises(AssertionError):
            get_refuses_damaged(cliutil.MUTANTS["no_checksum_verify"])


if __name__ == "__main__":
    cliutil.main()
