"""`splinterctl list`."""
import json

import cliutil


class List(cliutil.CliTest):
    def test_list_prints_key_epoch_length_sorted_by_key(self):
        b = self.new_bus()
        e_b = int(b.ok("set", "b", "22", "--print-epoch"))
        e_a = int(b.ok("set", "a", "1", "--print-epoch"))
        self.assertEqual(b.ok("list").decode(), "a\t%d\t1\nb\t%d\t2\n" % (e_a, e_b))

    def test_list_of_an_empty_bus_prints_nothing(self):
        self.assertEqual(self.new_bus().ok("list"), b"")

    def test_list_escapes_keys_so_each_entry_is_one_line(self):
        b = self.new_bus()
        b.ok("set", "tab\there\nnl\\", "v")
        self.assertEqual(b.ok("list").decode().split("\t")[0], "tab\\there\\nnl\\\\")

    def test_list_json(self):
        b = self.new_bus()
        e = int(b.ok("set", "k", "abc", "--print-epoch"))
        self.assertEqual(json.loads(b.ok("list", "--json")), [{"key": "k", "epoch": e, "length": 3, "ttl_ms": None}])

    def test_list_skips_unset_keys(self):
        b = self.new_bus()
        b.ok("set", "a", "1")
        b.ok("set", "b", "2")
        b.ok("unset", "a")
        self.assertEqual([l.split("\t")[0] for l in b.ok("list").decode().splitlines()], ["b"])


if __name__ == "__main__":
    cliutil.main()
