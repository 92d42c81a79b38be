"""`splinterctl dump` and `load`: an exact round trip, binary values included."""
import json

import cliutil

BINARY = bytes(range(256))
VALUES = {
    "text": b"hello",
    "empty": b"",
    "utf8": "naïve ☃".encode(),
    "binary": BINARY,
    "nul": b"a\x00b",
    "bad-utf8": b"\xc0\x80\xed\xa0\x80",  # overlong NUL, surrogate: not valid UTF-8
    "k\xe9y": b"key is not UTF-8",       # set with a latin-1 key byte below
}


def fill(bus):
    for k, v in VALUES.items():
        bus.ok("set", k.encode("latin-1"), "--stdin", input=v)


def entries(doc):
    out = {}
    for e in doc["entries"]:
        import base64
        key = e["key"].encode() if "key" in e else base64.b64decode(e["key_base64"])
        val = e["value"].encode() if "value" in e else base64.b64decode(e["value_base64"])
        out[key] = val
    return out


class DumpLoad(cliutil.CliTest):
    def test_round_trip_is_exact_with_binary_values_and_keys(self):
        src = self.new_bus(max_value=512)
        fill(src)
        doc = json.loads(src.ok("dump", "--json"))
        self.assertEqual(doc["format"], "splinter-dump")
        expected = {k.encode("latin-1"): v for k, v in VALUES.items()}
        self.assertEqual(entries(doc), expected)
        dst = self.new_bus(max_value=512)
        dst.ok("load", "-", input=json.dumps(doc))
        for k, v in expected.items():
            self.assertEqual(dst.ok("get", k), v)
        self.assertEqual(entries(json.loads(dst.ok("dump", "--json"))), expected)

    def test_dump_entries_are_in_epoch_order(self):
        b = self.new_bus()
        for k in ("z", "a", "m"):
            b.ok("set", k, k)
        doc = json.loads(b.ok("dump", "--json"))
        self.assertEqual([e["key"] for e in doc["entries"]], ["z", "a", "m"])
        epochs = [e["epoch"] for e in doc["entries"]]
        self.assertEqual(epochs, sorted(epochs))

    def test_load_from_a_file(self):
        b = self.new_bus()
        path = self.tmp + "/doc.json"
        with open(path, "w") as f:
            json.dump({"format": "splinter-dump", "version": 1,
                       "entries": [{"key": "k", "value_base64": "AP8="}]}, f)
        b.ok("load", path)
        self.assertEqual(b.ok("get", "k"), b"\x00\xff")

    def test_text_dump_is_one_escaped_line_per_key(self):
        b = self.new_bus()
        b.ok("set", "k", "--stdin", input=b"a\tb\n\x01")
        self.assertEqual(b.ok("dump").decode().split("\t")[2], "a\\tb\\n\\x01\n")

    def test_malformed_documents_load_nothing(self):
        b = self.new_bus(max_value=4)
        good = {"key": "ok", "value": "v"}
        bad_docs = [
            "not json",
            json.dumps([1, 2]),
            json.dumps({"format": "other", "version": 1, "entries": []}),
            json.dumps({"format": "splinter-dump", "version": 99, "entries": []}),
            json.dumps({"format": "splinter-dump", "version": 1, "entries": [good, {"key": "x"}]}),
            json.dumps({"format": "splinter-dump", "version": 1,
                        "entries": [good, {"key": "x", "value": "v", "value_base64": "dg=="}]}),
            json.dumps({"format": "splinter-dump", "version": 1, "entries": [good, {"key": "x", "value_base64": "!!"}]}),
            json.dumps({"format": "splinter-dump", "version": 1, "entries": [good, {"key": "", "value": "v"}]}),
            json.dumps({"format": "splinter-dump", "version": 1, "entries": [good, {"key": "k" * 64, "value": "v"}]}),
            json.dumps({"format": "splinter-dump", "version": 1, "entries": [good, {"key": "x", "value": "toolong"}]}),
            json.dumps({"format": "splinter-dump", "version": 1, "entries": [good, {"key": 5, "value": "v"}]}),
        ]
        for d in bad_docs:
            r = b.run("load", "-", input=d)
            self.assert_one_line_error(r, "load")
            self.assertEqual(b.ok("list"), b"", d)

    # -- capacity: all or nothing --------------------------------------------
    def doc(self, keys, **geometry):
        d = {"format": "splinter-dump", "version": 1, "entries": [{"key": k, "value": "v-" + k} for k in keys]}
        d.update(geometry)
        return json.dumps(d)

    def test_load_that_does_not_fit_loads_nothing_and_says_why(self):
        b = self.new_bus(slots=4)
        b.ok("set", "old", "kept")
        before = b.ok("dump")
        r = b.run("load", "-", input=self.doc(["a", "b", "c", "d"]))  # 1 live + 4 new > 4 slots
        self.assert_one_line_error(r, "4 keys the bus does not hold", "4 slots with 1 live keys",
                                   "room for 3 more", "nothing loaded")
        self.assertEqual(b.ok("dump"), before)

    def test_load_that_exactly_fits_loads_everything(self):
        b = self.new_bus(slots=4)
        b.ok("set", "old", "kept")
        b.ok("load", "-", input=self.doc(["a", "b", "c"]))
        self.assertEqual(b.info()["live_keys"], 4)

    def test_keys_already_on_a_full_bus_need_no_room(self):
        b = self.new_bus(slots=2)
        b.ok("set", "a", "1")
        b.ok("set", "b", "2")
        b.ok("load", "-", input=self.doc(["a", "b", "a"]))  # repeated keys count once
        self.assertEqual(b.ok("get", "a"), b"v-a")

    # -- load --create ------------------------------------------------------
    def test_load_create_makes_the_bus_with_the_dumps_geometry(self):
        src = self.new_bus(slots=16, max_value=512)
        fill(src)
        doc = src.ok("dump", "--json")
        dst = self.new_bus(create=False)
        dst.ok("load", "--create", "-", input=doc)
        info = dst.info()
        self.assertEqual((info["slots"], info["max_value_size"]), (16, 512))
        self.assertEqual(entries(json.loads(dst.ok("dump", "--json"))), entries(json.loads(doc)))

    def test_load_create_refuses_an_existing_bus_and_changes_nothing(self):
        b = self.new_bus()
        b.ok("set", "old", "kept")
        before = b.read_bytes()
        r = b.run("load", "--create", "-", input=self.doc(["a"], slots=4, max_value_size=8))
        self.assert_one_line_error(r, "already exists", "without --create", "nothing loaded")
        self.assertEqual(b.read_bytes(), before)

    def test_load_create_without_geometry_creates_nothing(self):
        b = self.new_bus(create=False)
        r = b.run("load", "--create", "-", input=self.doc(["a"]))
        self.assert_one_line_error(r, "records no geometry", "nothing created")
        self.assertFalse(b.exists())

    def test_load_create_of_a_document_that_does_not_fit_its_geometry_creates_nothing(self):
        b = self.new_bus(create=False)
        for doc in (self.doc(["a", "b"], slots=1, max_value_size=8),
                    self.doc(["a"], slots=1, max_value_size=2),  # "v-a" is 3 bytes
                    self.doc(["a"], slots=0, max_value_size=8)):  # create refuses 0 slots
            r = b.run("load", "--create", "-", input=doc)
            self.assertEqual(r.returncode, 1, doc)
            self.assertFalse(b.exists(), doc)

    def test_load_of_a_missing_file_fails(self):
        b = self.new_bus()
        self.assert_one_line_error(b.run("load", self.tmp + "/missing.json"), "cannot read")


if __name__ == "__main__":
    cliutil.main()
