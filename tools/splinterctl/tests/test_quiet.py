"""`-q` (--quiet) for scripts: no informational messages, no message for an
absent key (the exit status says it); errors are still printed."""
import json
import subprocess

import cliutil


class Quiet(cliutil.CliTest):
    def test_create_load_destroy_print_what_they_did_unless_quiet(self):
        b = self.new_bus(create=False)
        r = b.run("create", "--slots", 4, "--max-value", 16)
        self.assertIn(b"created", r.stderr)
        b.ok("destroy")
        for args in (["-q", "create", "--slots", 4, "--max-value", 16],
                     ["load", "-", "--quiet"],
                     ["destroy", "-q"]):
            doc = json.dumps({"format": "splinter-dump", "version": 1, "entries": [{"key": "k", "value": "v"}]})
            r = b.run(*args, input=doc)
            self.assertEqual((r.returncode, r.stderr, r.stdout), (0, b"", b""), args)
        self.assertFalse(b.exists())

    def test_quiet_get_of_an_absent_key_exits_4_silently(self):
        b = self.new_bus()
        r = b.run("-q", "get", "nope")
        self.assertEqual((r.returncode, r.stdout, r.stderr), (4, b"", b""))
        r = b.run("-q", "unset", "nope")
        self.assertEqual((r.returncode, r.stderr), (4, b""))

    def test_quiet_still_prints_errors(self):
        b = self.new_bus(create=False)
        r = b.run("-q", "get", "k")
        self.assertEqual(r.returncode, 1)
        self.assert_one_line_error(r, "no such bus")

    def test_quiet_keeps_the_output(self):
        b = self.new_bus()
        b.ok("set", "k", "v")
        r = subprocess.run([cliutil.CTL, "-q"] + b.flags + ["get", "k"], capture_output=True, timeout=cliutil.TIMEOUT)
        self.assertEqual((r.returncode, r.stdout), (0, b"v"))


if __name__ == "__main__":
    cliutil.main()
