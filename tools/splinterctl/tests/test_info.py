"""`splinterctl info`."""
import os

import cliutil
from cliutil import SET_COMMITTED


class Info(cliutil.CliTest):
    def test_info_reports_geometry_counts_and_epoch(self):
        b = self.new_bus(slots=10, max_value=100)
        b.ok("set", "a", "1")
        b.ok("set", "b", "2")
        b.ok("unset", "a")
        i = b.info()
        self.assertEqual(i["bus"], b.env_spec)
        self.assertEqual(i["backing"], cliutil.BACKING)
        self.assertEqual(i["format_version"], 5)
        self.assertEqual((i["slots"], i["max_value_size"]), (10, 100))
        self.assertEqual(i["region_size"], os.path.getsize(b.path))
        self.assertEqual(i["live_keys"], 1)
        self.assertEqual((i["keys_with_ttl"], i["expired_keys"]), (0, 0))
        self.assertEqual(i["bus_epoch"], 3)
        self.assertAlmostEqual(i["load_factor"], 0.1)
        self.assertGreaterEqual(i["longest_probe"], 1)
        self.assertIn("tombstones", i)
        self.assertFalse(i["writer_held"])
        self.assertIsNone(i["writer_pid"])

    def test_info_text_names_every_field(self):
        out = self.new_bus().ok("info").decode()
        for field in ("bus:", "backing:", "format_version:", "slots:", "max_value_size:", "region_size:",
                      "live_keys:", "keys_with_ttl:", "expired_keys:", "tombstones:", "load_factor:",
                      "longest_probe:", "bus_epoch:",
                      "writer:", "waiters:", "change_feed:", "history_depth:"):
            self.assertIn(field, out)

    def test_info_shows_the_change_feed_and_the_history_depth(self):
        b = self.new_bus(create=False)
        b.ok("create", "--slots", 8, "--max-value", 8, "--change-ring", 4, "--history", 2)
        i = b.info()
        self.assertEqual((i["change_ring"], i["feed_oldest"], i["history_depth"]), (4, None, 2))
        self.assertIn(b"change_feed:     4 entries, empty\n", b.ok("info"))
        for n in range(6):
            b.ok("set", "k", str(n))
        i = b.info()
        self.assertEqual((i["change_ring"], i["feed_oldest"], i["bus_epoch"]), (4, 3, 6))  # holds epochs 3..6
        out = b.ok("info")
        self.assertIn(b"change_feed:     4 entries, oldest epoch held 3\n", out)
        self.assertIn(b"history_depth:   2 earlier values per key\n", out)

    def test_info_shows_the_pid_of_a_live_writer(self):
        b = self.new_bus()
        holder, pid = b.hold_writer()
        self.track(holder)
        i = b.info()
        self.assertTrue(i["writer_held"])
        self.assertEqual(i["writer_pid"], pid)
        self.assertIn(("held by pid %d" % pid).encode(), b.ok("info"))
        holder.stdin.close()
        holder.wait(timeout=cliutil.TIMEOUT)
        self.assertFalse(b.info()["writer_held"])

    def test_info_after_a_killed_writer_shows_no_writer(self):
        b = self.new_bus()
        b.crash_writer("k", "v", SET_COMMITTED)
        self.assertFalse(b.info()["writer_held"])

    def test_info_of_a_random_file_fails_with_one_line(self):
        b = self.new_bus(create=False)
        b.overwrite_random()
        self.assert_one_line_error(b.run("info"), "cannot open " + b.env_spec, "bad magic")


if __name__ == "__main__":
    cliutil.main()
