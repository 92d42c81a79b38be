"""`splinterctl get`: escaped with a newline on a terminal, raw bytes when
piped, --raw / --no-raw to choose; several keys, one line each."""
import json
import os
import pty
import subprocess

import cliutil


def run_on_terminal(bus, *args):
    """Runs splinterctl with its stdout on a pseudo-terminal; returns
    (exit status, what it wrote there, stderr). Reads until the terminal
    closes (the process ended), never for a duration."""
    master, slave = pty.openpty()
    p = subprocess.Popen([bus.ctl] + bus.flags + [str(a) for a in args], stdout=slave, stderr=subprocess.PIPE)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: every writer of the terminal has closed it
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    err = p.stderr.read()
    p.stderr.close()
    return p.wait(timeout=cliutil.TIMEOUT), out.replace(b"\r\n", b"\n"), err


class GetOutput(cliutil.CliTest):
    def test_on_a_terminal_get_ends_with_a_newline(self):
        b = self.new_bus()
        b.ok("set", "greeting", "hello world")
        code, out, err = run_on_terminal(b, "get", "greeting")
        self.assertEqual((code, out, err), (0, b"hello world\n", b""))

    def test_on_a_terminal_get_escapes_control_bytes(self):
        b = self.new_bus()
        b.ok("set", "k", "--stdin", input=b"bell\x07esc\x1b[2Jtab\tnl\n\xff")
        code, out, _ = run_on_terminal(b, "get", "k")
        self.assertEqual(code, 0)
        self.assertEqual(out, b"bell\\x07esc\\x1b[2Jtab\\tnl\\n\\xff\n")

    def test_raw_on_a_terminal_writes_the_bytes(self):
        b = self.new_bus()
        b.ok("set", "k", "abc")
        self.assertEqual(run_on_terminal(b, "get", "k", "--raw")[1], b"abc")

    def test_piped_get_writes_the_raw_bytes(self):
        b = self.new_bus()
        data = bytes(range(256))
        b.ok("set", "blob", "--stdin", input=data)
        self.assertEqual(b.ok("get", "blob"), data)

    def test_no_raw_when_piped_escapes_and_ends_the_line(self):
        b = self.new_bus()
        b.ok("set", "k", "--stdin", input=b"a\x00b\n")
        self.assertEqual(b.ok("get", "k", "--no-raw"), b"a\\x00b\\n\n")

    def test_raw_and_no_raw_together_is_a_usage_error(self):
        b = self.new_bus()
        b.ok("set", "k", "v")
        self.assertEqual(b.run("get", "k", "--raw", "--no-raw").returncode, 64)

    def test_several_keys_print_one_line_each_in_order(self):
        b = self.new_bus()
        b.ok("set", "a", "1")
        b.ok("set", "b", "two words")
        self.assertEqual(b.ok("get", "b", "a"), b"two words\n1\n")
        code, out, _ = run_on_terminal(b, "get", "a", "b")
        self.assertEqual((code, out), (0, b"1\ntwo words\n"))

    def test_an_absent_key_among_several_keeps_its_line_and_exits_4(self):
        b = self.new_bus()
        b.ok("set", "a", "1")
        b.ok("set", "c", "3")
        r = b.run("get", "a", "missing", "c")
        self.assertEqual(r.returncode, 4)
        self.assertEqual(r.stdout, b"1\n\n3\n")
        self.assert_one_line_error(r, "cannot get 'missing' from " + b.env_spec, "not found")

    def test_several_keys_as_json_lines(self):
        b = self.new_bus()
        e = int(b.ok("set", "a", "1", "--print-epoch"))
        b.ok("set", "bin", "--stdin", input=b"\xff")
        r = b.run("get", "a", "nope", "bin", "--json")
        self.assertEqual(r.returncode, 4)
        docs = [json.loads(line) for line in r.stdout.decode().splitlines()]
        self.assertEqual(docs[0], {"key": "a", "epoch": e, "value": "1"})
        self.assertEqual(docs[1], {"key": "nope", "epoch": None, "value": None})
        self.assertEqual(docs[2]["value_base64"], "/w==")


if __name__ == "__main__":
    cliutil.main()
