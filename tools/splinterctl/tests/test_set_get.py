"""`splinterctl set`, `get` and `unset`."""
import json
import os

import cliutil


class SetGet(cliutil.CliTest):
    def test_set_then_get_prints_the_raw_value(self):
        b = self.new_bus()
        b.ok("set", "greeting", "hello world")
        self.assertEqual(b.ok("get", "greeting"), b"hello world")

    def test_set_from_stdin_is_binary_safe(self):
        b = self.new_bus()
        data = bytes(range(256))
        b.ok("set", "blob", "--stdin", input=data)
        self.assertEqual(b.ok("get", "blob"), data)

    def test_empty_value_is_a_value(self):
        b = self.new_bus()
        b.ok("set", "empty", "")
        self.assertEqual(b.ok("get", "empty"), b"")
        self.assertEqual(json.loads(b.ok("get", "empty", "--json"))["value"], "")

    def test_get_json_gives_text_values_as_text(self):
        b = self.new_bus()
        epoch = int(b.ok("set", "k", "héllo", "--print-epoch"))
        self.assertEqual(json.loads(b.ok("get", "k", "--json")),
                         {"key": "k", "epoch": epoch, "value": "héllo"})

    def test_get_json_gives_binary_values_in_base64(self):
        b = self.new_bus()
        b.ok("set", "k", "--stdin", input=b"\x00\x01\xfe\xff")
        doc = json.loads(b.ok("get", "k", "--json"))
        self.assertEqual(doc["value_base64"], "AAH+/w==")
        self.assertNotIn("value", doc)

    def test_epochs_increase_by_one_per_set(self):
        b = self.new_bus()
        e1 = int(b.ok("set", "a", "1", "--print-epoch"))
        e2 = int(b.ok("set", "b", "2", "--print-epoch"))
        self.assertEqual(e2, e1 + 1)

    def test_value_starting_with_a_dash_after_double_dash(self):
        b = self.new_bus()
        b.ok("set", "--", "k", "-v-")
        self.assertEqual(b.ok("get", "k"), b"-v-")

    def test_get_of_an_absent_key_exits_4(self):
        b = self.new_bus()
        r = b.run("get", "nope")
        self.assertEqual(r.returncode, 4)
        self.assert_one_line_error(r, "cannot get 'nope' from " + b.env_spec, "not found")

    def test_unset_removes_the_key(self):
        b = self.new_bus()
        b.ok("set", "k", "v")
        b.ok("unset", "k")
        self.assertEqual(b.run("get", "k").returncode, 4)
        self.assertEqual(b.run("unset", "k").returncode, 4)

    def test_too_long_key_is_refused(self):
        b = self.new_bus()
        self.assert_one_line_error(b.run("set", "k" * 64, "v"), "cannot set")
        b.ok("set", "k" * 63, "v")

    def test_too_large_value_is_refused(self):
        b = self.new_bus(max_value=8)
        self.assert_one_line_error(b.run("set", "k", "123456789"), "cannot set 'k' in " + b.env_spec)
        b.ok("set", "k", "12345678")

    def test_full_bus_is_reported(self):
        b = self.new_bus(slots=2)
        b.ok("set", "a", "1")
        b.ok("set", "b", "2")
        self.assert_one_line_error(b.run("set", "c", "3"), "cannot set 'c'")

    def test_set_while_another_writer_holds_the_bus_fails_busy(self):
        b = self.new_bus()
        holder, _ = b.hold_writer()
        self.track(holder)
        self.assert_one_line_error(b.run("set", "k", "v"), "cannot open (as writer) " + b.env_spec)
        holder.stdin.close()
        holder.wait(timeout=cliutil.TIMEOUT)
        b.ok("set", "k", "v")

    def test_bus_from_the_environment(self):
        b = self.new_bus()
        env = dict(os.environ, SPLINTER_BUS=b.env_spec)
        import subprocess
        r = subprocess.run([cliutil.CTL, "set", "k", "from-env"], env=env, capture_output=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        r = subprocess.run([cliutil.CTL, "get", "k"], env=env, capture_output=True)
        self.assertEqual(r.stdout, b"from-env")


if __name__ == "__main__":
    cliutil.main()
