"""`splinterctl history KEY`: the current value and the earlier ones the bus
keeps (create --history N), newest first, with epochs; an unset ends a
history; value encodings as get's (--raw, --no-raw, --json)."""
import json

import cliutil


class History(cliutil.CliTest):
    def history_bus(self, depth):
        b = self.new_bus(create=False)
        b.ok("create", "--slots", 16, "--max-value", 64, "--history", depth)
        return b

    def test_history_is_newest_first_with_epochs_up_to_the_depth(self):
        b = self.history_bus(2)
        epochs = [int(b.ok("set", "k", v, "--print-epoch")) for v in ("one", "two", "three", "four")]
        out = b.ok("history", "k")
        self.assertEqual(out, b"%d\tfour\n%d\tthree\n%d\ttwo\n" % (epochs[3], epochs[2], epochs[1]))

    def test_a_key_set_once_has_one_value(self):
        b = self.history_bus(4)
        b.ok("set", "k", "")
        self.assertEqual(b.ok("history", "k"), b"1\t\n")

    def test_without_history_it_is_the_current_value(self):
        b = self.new_bus()
        b.ok("set", "k", "old")
        b.ok("set", "k", "new")
        self.assertEqual(b.ok("history", "k"), b"2\tnew\n")

    def test_an_unset_ends_the_history(self):
        b = self.history_bus(4)
        b.ok("set", "k", "a")
        b.ok("set", "k", "b")
        b.ok("unset", "k")
        r = b.run("history", "k")
        self.assertEqual(r.returncode, 4)
        self.assertEqual(r.stdout, b"")
        self.assertIn(b"cannot read the history of 'k'", r.stderr)
        b.ok("set", "k", "c")
        self.assertEqual(b.ok("history", "k"), b"4\tc\n")  # a and b are gone with the unset

    def test_an_absent_key_exits_4_and_is_silent_with_q(self):
        b = self.history_bus(1)
        r = b.run("history", "missing")
        self.assertEqual(r.returncode, 4)
        self.assertIn(b"key not found", r.stderr)
        r = b.run("-q", "history", "missing")
        self.assertEqual((r.returncode, r.stdout, r.stderr), (4, b"", b""))

    def test_json_is_one_object_per_value_as_get_prints_them(self):
        b = self.history_bus(1)
        b.ok("set", "k", "text")
        b.ok("set", "k", "--stdin", input=b"\x00\xff")
        docs = [json.loads(l) for l in b.ok("history", "k", "--json").decode().splitlines()]
        self.assertEqual(docs, [{"key": "k", "epoch": 2, "value_base64": "AP8="},
                                {"key": "k", "epoch": 1, "value": "text"}])
        get = json.loads(b.ok("get", "k", "--json"))
        self.assertEqual(get, docs[0])

    def test_raw_and_no_raw_choose_the_value_encoding(self):
        b = self.history_bus(1)
        b.ok("set", "k", "--stdin", input=b"a\tb\n")
        self.assertEqual(b.ok("history", "k", "--raw"), b"1\ta\tb\n\n")
        self.assertEqual(b.ok("history", "k", "--no-raw"), b"1\ta\\tb\\n\n")
        r = b.run("history", "k", "--raw", "--json")
        self.assertEqual(r.returncode, 64)


if __name__ == "__main__":
    cliutil.main()
