"""Prefix and glob filters of `list`, `dump` and `watch`."""
import json

import cliutil
from test_watch import read_line


class Filters(cliutil.CliTest):
    def bus_with_keys(self):
        b = self.new_bus()
        for k in ("sensor.a", "sensor.b", "sensorx", "status", "unit"):
            b.ok("set", k, "v-" + k)
        return b

    @staticmethod
    def keys(out):
        return [line.split("\t")[0] for line in out.decode().splitlines()]

    def test_list_takes_a_glob(self):
        b = self.bus_with_keys()
        self.assertEqual(self.keys(b.ok("list", "sensor.*")), ["sensor.a", "sensor.b"])
        self.assertEqual(self.keys(b.ok("list", "--match", "s*s*")), ["sensor.a", "sensor.b", "sensorx", "status"])
        self.assertEqual(self.keys(b.ok("list", "sensor?b")), ["sensor.b"])
        self.assertEqual(self.keys(b.ok("list", "[su]n*")), ["unit"])
        self.assertEqual(b.ok("list", "nothing*"), b"")

    def test_list_takes_a_prefix(self):
        b = self.bus_with_keys()
        self.assertEqual(self.keys(b.ok("list", "--prefix", "sensor")), ["sensor.a", "sensor.b", "sensorx"])
        self.assertEqual([e["key"] for e in json.loads(b.ok("list", "--prefix", "sensor.", "--json"))],
                         ["sensor.a", "sensor.b"])

    def test_prefix_and_glob_together_must_both_match(self):
        b = self.bus_with_keys()
        self.assertEqual(self.keys(b.ok("list", "--prefix", "sensor", "*b")), ["sensor.b"])

    def test_a_glob_metacharacter_in_a_prefix_is_literal(self):
        b = self.new_bus()
        b.ok("set", "a*b", "1")
        b.ok("set", "axb", "2")
        self.assertEqual(self.keys(b.ok("list", "--prefix", "a*")), ["a*b"])
        self.assertEqual(self.keys(b.ok("list", "a\\*b")), ["a*b"])

    def test_dump_filters_text_and_json(self):
        b = self.bus_with_keys()
        self.assertEqual(self.keys(b.ok("dump", "sensor.*")), ["sensor.a", "sensor.b"])
        doc = json.loads(b.ok("dump", "--prefix", "st", "--json"))
        self.assertEqual([(e["key"], e["value"]) for e in doc["entries"]], [("status", "v-status")])

    def test_bus_watch_reports_only_matching_keys_and_counts_only_them(self):
        b = self.new_bus()
        w = self.track(b.popen("watch", "--match", "sensor.*", "--count", 2, "--timeout", cliutil.WATCH_MS))
        b.wait_for_waiters(1)
        for k in ("other", "sensor.a", "sensorx", "sensor.b", "more"):
            b.ok("set", k, "v")
        out, err = w.communicate(timeout=cliutil.TIMEOUT)
        self.assertEqual(w.returncode, 0, err)
        self.assertEqual([line.split("\t")[2] for line in out.decode().splitlines()], ["sensor.a", "sensor.b"])

    def test_bus_watch_with_a_prefix_reports_unsets_of_matching_keys(self):
        b = self.new_bus()
        b.ok("set", "app.x", "1")
        b.ok("set", "sys.y", "1")
        w = self.track(b.popen("watch", "--prefix", "app.", "--timeout", cliutil.WATCH_MS))
        b.wait_for_waiters(1)
        b.ok("unset", "sys.y")
        b.ok("unset", "app.x")
        self.assertEqual(read_line(w).rstrip("\n").split("\t")[1:], ["unset", "app.x"])
        b.ok("set", "app.z", "2")
        self.assertEqual(read_line(w).rstrip("\n").split("\t")[1:], ["set", "app.z", "2"])

    def test_a_key_watch_with_a_filter_is_a_usage_error(self):
        b = self.new_bus()
        r = b.run("watch", "k", "--prefix", "k")
        self.assertEqual(r.returncode, 64)
        self.assert_one_line_error(r, "not both")


if __name__ == "__main__":
    cliutil.main()
