"""Bad arguments, bad buses and hostile files: one-line messages, never a crash."""
import os
import subprocess

import cliutil

COMMANDS = ["create", "destroy", "set", "get", "ttl", "unset", "expire", "list", "watch", "info", "check",
            "recover", "dump", "load", "bench", "completion"]


def ctl(*args, env=None):
    return subprocess.run([cliutil.CTL] + [str(a) for a in args], capture_output=True,
                          env=env, timeout=cliutil.TIMEOUT)


class Errors(cliutil.CliTest):
    def test_help_of_every_command_has_an_example(self):
        for c in COMMANDS:
            r = ctl(c, "--help")
            self.assertEqual(r.returncode, 0, c)
            self.assertIn(b"Example", r.stdout, c)
            self.assertEqual(r.stderr, b"", c)
        self.assertIn(b"Example", ctl("--help").stdout)

    def test_unknown_command_is_a_usage_error(self):
        r = ctl("frobnicate")
        self.assertEqual(r.returncode, 64)
        self.assertTrue(r.stderr.startswith(b"splinterctl: "))

    def test_no_command_is_a_usage_error(self):
        self.assertEqual(ctl().returncode, 64)

    def test_missing_required_option_is_a_usage_error(self):
        b = self.new_bus(create=False)
        r = b.run("create", "--slots", 4)
        self.assertEqual(r.returncode, 64)
        self.assertIn(b"--max-value", r.stderr)
        self.assertFalse(b.exists())

    def test_non_numeric_option_is_a_usage_error(self):
        b = self.new_bus()
        self.assertEqual(b.run("watch", "--timeout", "soon").returncode, 64)

    def test_both_shm_and_file_is_a_usage_error(self):
        self.assertEqual(ctl("--shm", "x", "--file", "/tmp/x", "list").returncode, 64)

    def test_no_bus_at_all_is_a_usage_error(self):
        env = {k: v for k, v in os.environ.items() if k != "SPLINTER_BUS"}
        r = ctl("list", env=env)
        self.assertEqual(r.returncode, 64)
        self.assertIn(b"no bus given", r.stderr)

    def test_malformed_splinter_bus_variable_is_a_usage_error(self):
        r = ctl("list", env=dict(os.environ, SPLINTER_BUS="redis://x"))
        self.assertEqual(r.returncode, 64)
        self.assertIn(b"SPLINTER_BUS", r.stderr)

    def test_value_and_stdin_together_is_a_usage_error(self):
        b = self.new_bus()
        self.assertEqual(b.run("set", "k", "v", "--stdin", input=b"x").returncode, 64)

    def test_missing_bus_names_the_bus_and_the_cause(self):
        b = self.new_bus(create=False)
        for args in (["get", "k"], ["list"], ["info"], ["set", "k", "v"], ["dump"], ["watch"]):
            r = b.run(*args)
            self.assert_one_line_error(r, "cannot open", b.env_spec, "no such bus")

    def test_bus_options_may_follow_the_command(self):
        b = self.new_bus()
        r = subprocess.run([cliutil.CTL, "set", "k", "v"] + b.flags, capture_output=True)
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_hostile_files_never_crash_any_command(self):
        """Random bytes, a truncated bus, a bus with a damaged header and an
        empty file: every command fails with one line, never a signal."""
        b = self.new_bus(create=False)

        def damaged_header():
            b.create()
            with open(b.path, "r+b") as f:
                for base in (0, 2048):  # the header and its copy (FORMAT.md 1.1)
                    f.seek(base + 16)
                    f.write(b"\xff\xff\xff\xff")  # slots: breaks the header check

        setups = [lambda: b.overwrite_random(size=100000, seed=7),
                  lambda: (b.create(), b.truncate(9000)),
                  damaged_header,
                  lambda: open(b.path, "wb").close()]
        for setup in setups:
            if os.path.exists(b.path):
                os.unlink(b.path)
            setup()
            for args in (["get", "k"], ["list"], ["info"], ["set", "k", "v"], ["unset", "k"],
                         ["dump", "--json"], ["watch", "--timeout", 100]):
                r = b.run(*args)
                self.assertGreater(r.returncode, 0, (args, r))
                self.assertEqual(len(r.stderr.strip().split(b"\n")), 1, (args, r.stderr))
            for args in (["check"], ["recover"]):
                self.assertEqual(b.run(*args).returncode, 3, args)
            # destroy removes a damaged bus (its magic says it is one), never
            # a file that is not a bus at all.
            magic = b.read_bytes()[:8] == b"SPLINTER"
            r = b.run("destroy")
            self.assertEqual(r.returncode, 0 if magic else 1, r.stderr)
            self.assertEqual(os.path.exists(b.path), not magic)
        if os.path.exists(b.path):
            os.unlink(b.path)


if __name__ == "__main__":
    cliutil.main()
