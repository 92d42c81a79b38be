"""`splinterctl dump --salvage`: every key that reads clean from a damaged bus
is exported, everything skipped is listed, and the bus is not changed."""
import json

import cliutil


class Salvage(cliutil.CliTest):
    def damaged_bus(self):
        """A bus where check finds unrecoverable damage: key 'lost' has its
        only value torn (F12), key 'broken-word-key' an invalid slot word (state 3: list skips the slot;
        check restores it from its intact buffer, F18),
        and 'good-1', 'good-2' read clean."""
        b = self.new_bus()
        b.ok("set", "good-1", "first good value")
        b.ok("set", "lost", "ONLY-VALUE-EVER-0021")
        b.ok("set", "broken-word-key", "value of the broken word")
        b.ok("set", "good-2", "second good value")
        b.flip_byte_of(b"ONLY-VALUE-EVER-0021")
        b.damage_slot_word_of(b"broken-word-key")
        self.assertEqual(b.run("check").returncode, 2)  # unrecoverable: recover would drop values
        return b

    def test_clean_bus_salvage_equals_dump_and_exits_0(self):
        b = self.new_bus()
        b.ok("set", "a", "1")
        b.ok("set", "b", "2")
        r = b.run("dump", "--salvage", "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        doc = json.loads(r.stdout)
        self.assertEqual(doc["skipped"], [])
        self.assertEqual(doc["entries"], json.loads(b.ok("dump", "--json"))["entries"])

    def test_plain_dump_of_a_damaged_bus_fails_but_salvage_exports_the_clean_keys(self):
        b = self.damaged_bus()
        self.assertEqual(b.run("dump", "--json").returncode, 1)
        r = b.run("dump", "--salvage", "--json")
        self.assertEqual(r.returncode, 2, r.stderr)  # some skipped, the rest exported
        doc = json.loads(r.stdout)
        self.assertEqual({e["key"]: e["value"] for e in doc["entries"]},
                         {"good-1": "first good value", "good-2": "second good value"})

    def test_salvage_lists_every_skipped_key_and_slot(self):
        b = self.damaged_bus()
        r = b.run("dump", "--salvage", "--json")
        skipped = json.loads(r.stdout)["skipped"]
        self.assertEqual(sorted(s["key"] for s in skipped), ["broken-word-key", "lost"])
        by_key = {s["key"]: s for s in skipped}
        self.assertIsNone(by_key["lost"]["slot"])  # a listed key whose get failed
        self.assertIn("F12", by_key["lost"]["reason"])
        self.assertIsInstance(by_key["broken-word-key"]["slot"], int)  # a slot list cannot read
        self.assertIn("F18", by_key["broken-word-key"]["reason"])
        err = r.stderr.decode()
        self.assertIn("skipped key 'lost'", err)
        self.assertIn("key 'broken-word-key'", err)
        self.assertIn("exported 2 keys, skipped 2", err)

    def test_text_salvage_prints_good_keys_on_stdout_and_skipped_ones_on_stderr(self):
        b = self.damaged_bus()
        r = b.run("dump", "--salvage")
        self.assertEqual(r.returncode, 2)
        self.assertEqual([l.split("\t")[0] for l in r.stdout.decode().splitlines()], ["good-1", "good-2"])
        self.assertEqual(r.stderr.decode().count("skipped"), 3)  # two lines and the summary
        q = b.run("-q", "dump", "--salvage")
        self.assertEqual(q.stderr.decode().count("salvage: skipped"), 2)  # -q keeps the warnings

    def test_salvage_changes_nothing(self):
        b = self.damaged_bus()
        before = b.read_bytes()
        b.run("dump", "--salvage", "--json")
        self.assertEqual(b.read_bytes(), before)

    def test_salvaged_document_loads_into_a_new_bus(self):
        b = self.damaged_bus()
        doc = b.run("dump", "--salvage", "--json").stdout
        dst = self.new_bus(create=False)
        dst.ok("load", "--create", "-", input=doc)
        self.assertEqual(dst.ok("get", "good-2"), b"second good value")
        self.assertEqual(dst.run("get", "lost").returncode, 4)

    def test_salvage_then_recover_then_load_restores_the_clean_keys(self):
        b = self.damaged_bus()
        doc = b.run("dump", "--salvage", "--json").stdout
        self.assertEqual(b.run("recover").returncode, 4)  # values dropped
        b.ok("load", "-", input=doc)
        self.assertEqual(b.ok("get", "good-1"), b"first good value")
        self.assertEqual(b.run("check").returncode, 0)

    def test_salvage_of_a_bus_with_a_damaged_header_exits_3_and_says_why(self):
        b = self.new_bus()
        b.ok("set", "k", "v")
        b.damage_header()
        self.assertEqual(b.run("check").returncode, 3)
        r = b.run("dump", "--salvage", "--json")
        self.assertEqual(r.returncode, 3)
        self.assertEqual(r.stdout, b"")
        self.assert_one_line_error(r, "cannot salvage", "header is unusable", "nothing exported")

    def test_salvage_of_a_missing_bus_exits_1(self):
        b = self.new_bus(create=False)
        r = b.run("dump", "--salvage")
        self.assertEqual(r.returncode, 1)
        self.assertIn(b"no such bus", r.stderr)


if __name__ == "__main__":
    cliutil.main()
