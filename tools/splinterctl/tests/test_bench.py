"""`splinterctl bench`: runs, reports positive figures, leaves nothing behind."""
import json
import os

import cliutil


class Bench(cliutil.CliTest):
    def test_bench_reports_set_get_and_wake_figures_and_cleans_up(self):
        b = self.new_bus(create=False)  # bench creates and destroys this name itself
        doc = json.loads(b.ok("bench", "--slots", 64, "--max-value", 64, "--ops", 2000,
                              "--rounds", 20, "--json"))
        for field in ("set_ns_per_op", "get_ns_per_op", "wake_p50_us", "wake_p99_us", "wake_max_us"):
            self.assertGreater(doc[field], 0, field)
        self.assertLessEqual(doc["wake_p50_us"], doc["wake_max_us"])
        self.assertFalse(b.exists())

    def test_bench_refuses_an_existing_bus(self):
        b = self.new_bus()
        b.ok("set", "k", "kept")
        self.assertEqual(b.run("bench", "--ops", 10, "--rounds", 1).returncode, 1)
        self.assertEqual(b.ok("get", "k"), b"kept")

    def test_bench_text_output(self):
        b = self.new_bus(create=False)
        out = b.ok("bench", "--ops", 1000, "--rounds", 10).decode()
        for word in ("set:", "get:", "wake:"):
            self.assertIn(word, out)


if __name__ == "__main__":
    cliutil.main()
