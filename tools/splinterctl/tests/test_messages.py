"""Messages that say what is wrong and what to do (issue 22): one line
each, the nearest command or option for a typo, the writer's pid for BUSY,
`splinterctl recover` for damage, the system's reason for file errors."""
import subprocess

import cliutil
from cliutil import SET_EPOCH_PUBLISHED


def ctl(*args):
    return subprocess.run([cliutil.CTL] + [str(a) for a in args], capture_output=True, timeout=cliutil.TIMEOUT)


class Messages(cliutil.CliTest):
    def test_unknown_command_suggests_the_nearest(self):
        r = ctl("lst")
        self.assertEqual(r.returncode, 64)
        self.assert_one_line_error(r, "unknown command 'lst'", "did you mean list?")
        self.assert_one_line_error(ctl("--shm", "x", "dupm"), "did you mean dump?")
        self.assert_one_line_error(ctl("rec"), "did you mean recover?")  # the start of one command

    def test_unknown_command_far_from_every_command_suggests_nothing(self):
        r = ctl("frobnicate")
        self.assert_one_line_error(r, "unknown command 'frobnicate'", "splinterctl --help")
        self.assertNotIn(b"did you mean", r.stderr)

    def test_unknown_option_suggests_the_nearest_option_of_the_command(self):
        b = self.new_bus()
        r = b.run("list", "--jsn")
        self.assertEqual(r.returncode, 64)
        self.assert_one_line_error(r, "unknown option '--jsn' for list", "did you mean --json?")

    def test_set_without_a_value_says_no_value_was_given(self):
        b = self.new_bus()
        r = b.run("set", "greeting")
        self.assertEqual(r.returncode, 64)
        self.assert_one_line_error(r, "no value given for 'greeting'", "--stdin")
        self.assertEqual(b.run("get", "greeting").returncode, 4)

    def test_extra_words_say_to_quote_the_value_or_use_double_dash(self):
        b = self.new_bus()
        r = b.run("set", "greeting", "hello", "big", "world")
        self.assertEqual(r.returncode, 64)
        self.assert_one_line_error(r, "unexpected extra arguments 'big' 'world'", "'hello big world'", "--")
        self.assertEqual(b.run("get", "greeting").returncode, 4)  # nothing was set

    def test_a_value_that_looks_like_an_option_says_to_use_double_dash(self):
        b = self.new_bus()
        r = b.run("set", "k", "-v-")
        self.assertEqual(r.returncode, 64)
        self.assert_one_line_error(r, "unknown option '-v-' for set", "put -- before it")

    def test_usage_errors_of_a_command_point_to_its_help(self):
        b = self.new_bus(create=False)
        self.assert_one_line_error(b.run("create", "--slots", 0, "--max-value", 1), "splinterctl create --help")

    def test_busy_names_the_writers_pid_and_what_to_do(self):
        b = self.new_bus()
        holder, pid = b.hold_writer()
        self.track(holder)
        for args in (["set", "k", "v"], ["recover"]):
            r = b.run(*args)
            self.assertEqual(r.returncode, 1)
            self.assert_one_line_error(r, "another writer holds the bus", "the writer is pid %d" % pid,
                                       "stop it or let it finish, then retry")
        holder.stdin.close()
        self.assertEqual(holder.wait(timeout=cliutil.TIMEOUT), 0)

    def test_a_bus_that_needs_recovery_names_splinterctl_recover(self):
        b = self.new_bus()
        b.ok("set", "k", "ONLY-VALUE-EVER-0031")
        b.ok("set", "j", "PREVIOUS-VALUE-0032")
        b.crash_writer("j", "CURRENT-VALUE-0033", SET_EPOCH_PUBLISHED)
        b.flip_byte_of(b"ONLY-VALUE-EVER-0031")  # needs a lossy fix: a writer may not open it
        r = b.run("set", "x", "y")
        self.assert_one_line_error(r, "`splinterctl --%s %s recover`" % (b.backing, b.name))
        self.assertNotIn(b"splinter_recover", r.stderr)

    def test_a_damaged_value_names_check_and_recover(self):
        b = self.new_bus()
        b.ok("set", "k", "ONLY-VALUE-EVER-0034")
        b.flip_byte_of(b"ONLY-VALUE-EVER-0034")
        r = b.run("get", "k")
        self.assertEqual(r.returncode, 1)
        self.assert_one_line_error(r, "F12", "`splinterctl --%s %s check`" % (b.backing, b.name),
                                   "`splinterctl --%s %s recover`" % (b.backing, b.name))

    def test_sizes_accept_suffixes(self):
        for text, size in (("1K", 1024), ("4MiB", 4 << 20), ("2kb", 2000), ("512", 512), ("1k", 1024)):
            b = self.new_bus(create=False)
            b.ok("create", "--slots", 2, "--max-value", text)
            self.assertEqual(b.info()["max_value_size"], size, text)

    def test_a_bad_or_too_large_size_is_a_usage_error_that_says_why(self):
        b = self.new_bus(create=False)
        r = b.run("create", "--slots", 2, "--max-value", "4Q")
        self.assertEqual(r.returncode, 64)
        self.assert_one_line_error(r, "--max-value", "unknown size suffix 'Q'")
        r = b.run("create", "--slots", 2, "--max-value", "5G")
        self.assertEqual(r.returncode, 64)
        self.assert_one_line_error(r, "--max-value", "5 GiB")
        self.assertFalse(b.exists())

    def test_file_errors_include_the_systems_reason(self):
        b = self.new_bus()
        r = b.run("load", self.tmp + "/no-such-dump.json")
        self.assertEqual(r.returncode, 1)
        self.assert_one_line_error(r, "cannot read " + self.tmp + "/no-such-dump.json", "No such file or directory")
        r = b.run("load", self.tmp)
        self.assert_one_line_error(r, "Is a directory")
        r = subprocess.run([cliutil.CTL, "--file", self.tmp + "/missing-dir/x.bus", "create", "--slots", "1",
                            "--max-value", "1"], capture_output=True, timeout=cliutil.TIMEOUT)
        self.assert_one_line_error(r, "No such file or directory")


if __name__ == "__main__":
    cliutil.main()
