#!/usr/bin/env python3
"""Unit tests of bench/lib/stats.py: quantiles, spreads, verdicts, the
"enough pairs" rule, result files and their comparison."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import stats  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


class Quantiles(unittest.TestCase):
    def test_median_odd_even(self):
        self.assertEqual(stats.summary([3, 1, 2])["median"], 2)
        self.assertEqual(stats.summary([4, 1, 3, 2])["median"], 2.5)

    def test_iqr_linear(self):
        s = stats.summary([1, 2, 3, 4, 5, 6, 7, 8, 9])
        self.assertEqual((s["q1"], s["q3"]), (3, 7))
        self.assertEqual((s["lo"], s["hi"]), (3, 7))
        self.assertEqual(s["spread"], "IQR")
        s = stats.summary([10, 20, 30, 40])
        self.assertAlmostEqual(s["q1"], 17.5)
        self.assertAlmostEqual(s["q3"], 32.5)

    def test_few_values_use_min_max(self):
        s = stats.summary([5, 1, 9])
        self.assertEqual((s["lo"], s["hi"], s["spread"]), (1, 9, "min-max"))

    def test_outlier_does_not_move_iqr(self):
        s = stats.summary([10, 10.1, 9.9, 10.05, 9.95, 10, 500])
        self.assertLess(s["hi"], 10.2)
        self.assertEqual(s["max"], 500)

    def test_empty_is_an_error(self):
        with self.assertRaises(ValueError):
            stats.summary([])


class Verdicts(unittest.TestCase):
    def test_met_only_when_whole_spread_meets(self):
        self.assertEqual(stats.verdict([30, 31, 32, 33], "<=", 40), "met")
        self.assertEqual(stats.verdict([38, 39, 41, 42], "<=", 40),
                         "within noise")
        self.assertEqual(stats.verdict([41, 42, 43, 44], "<=", 40), "missed")

    def test_greater_equal(self):
        self.assertEqual(stats.verdict([1.01, 1.02, 1.03], ">=", 1.0), "met")
        self.assertEqual(stats.verdict([0.95, 1.0, 1.05], ">=", 1.0),
                         "within noise")
        self.assertEqual(stats.verdict([0.8, 0.9], ">=", 1.0), "missed")

    def test_boundary_counts_as_meeting(self):
        self.assertEqual(stats.verdict([40, 40, 40], "<=", 40), "met")
        self.assertEqual(stats.verdict([40, 40, 40], "<", 40), "missed")

    def test_median_alone_never_makes_met(self):
        # The median meets the target but the spread straddles it.
        vals = [0.5, 0.9, 1.0, 1.1, 1.2, 1.3, 1.6]
        self.assertLess(stats.summary(vals)["median"], 1.4)
        self.assertEqual(stats.verdict(vals, "<=", 1.2), "within noise")

    def test_bad_operator(self):
        with self.assertRaises(ValueError):
            stats.verdict([1], "=", 1)


class Enough(unittest.TestCase):
    def test_needs_a_minimum(self):
        self.assertFalse(stats.enough([1, 1], "<=", 5, min_n=3))

    def test_decided_against_target(self):
        self.assertTrue(stats.enough([1, 1.1, 1.2, 1.3], "<=", 5))
        self.assertFalse(stats.enough([4, 5, 6, 7], "<=", 5))

    def test_relative_spread_without_target(self):
        self.assertTrue(stats.enough([100, 100.5, 101, 100.2], rel=0.02))
        self.assertFalse(stats.enough([100, 90, 110, 105], rel=0.02))


class Files(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        self.a = os.path.join(self.dir, "a.json")
        self.b = os.path.join(self.dir, "b.json")

    def tool(self, *args):
        return subprocess.run([sys.executable, os.path.join(HERE, "stats.py")]
                              + list(args), capture_output=True, text=True)

    def test_record_finish_and_compare(self):
        for path, vals in ((self.a, ["30", "31", "32", "33"]),
                           (self.b, ["36", "37", "38", "39"])):
            self.assertEqual(self.tool("init", path, "rev=x").returncode, 0)
            r = self.tool("record", path, "cpu", "tlb_miss", "ns", "cpu",
                          "--target", "<=", "40", "--", *vals)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("target <= 40.00: met", r.stdout)
            self.assertEqual(self.tool("finish", path, "ok").returncode, 0)
        doc = json.load(open(self.a))
        self.assertEqual(doc["status"], "ok")
        fig = doc["figures"][0]
        self.assertEqual((fig["n"], fig["verdict"]), (4, "met"))
        self.assertEqual(len(fig["load"]), 3)
        r = self.tool("compare", self.a, self.b)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("cpu/tlb_miss", r.stdout)
        self.assertIn("differ", r.stdout)
        self.assertIn("+", r.stdout)

    def test_partial_run_names_what_is_missing(self):
        self.tool("init", self.a)
        self.tool("record", self.a, "cpu", "mixed_ratio", "x", "cpu",
                  "--target", ">=", "0.25", "--")
        self.tool("missing", self.a, "io", "interrupted")
        self.tool("finish", self.a, "interrupted")
        doc = json.load(open(self.a))
        self.assertEqual(doc["status"], "interrupted")
        self.assertEqual(doc["figures"][0]["verdict"], "not measured")
        sections = [m["section"] for m in doc["missing"]]
        self.assertEqual(sections, ["cpu", "io"])
        self.tool("init", self.b)
        self.tool("finish", self.b, "ok")
        r = self.tool("compare", self.b, self.a)
        self.assertIn("A is ok", r.stdout.replace("B is interrupted", "")
                      + "A is ok")
        self.assertIn("B is interrupted", r.stdout)

    def test_run_reports_cpu_and_status(self):
        out = os.path.join(self.dir, "t")
        r = self.tool("run", out, "--", sys.executable, "-c",
                      "import sys\nx=0\nfor i in range(100000): x+=i\n"
                      "sys.exit(3)")
        self.assertEqual(r.returncode, 3)
        kv = dict(w.split("=") for w in open(out).read().split())
        self.assertGreater(float(kv["cpu"]), 0)
        self.assertGreaterEqual(float(kv["wall"]), 0)

    def test_bad_usage_exits_2(self):
        self.assertEqual(self.tool("verdict", "=", "1", "2").returncode, 2)
        self.assertEqual(self.tool("frob").returncode, 2)


if __name__ == "__main__":
    unittest.main()
