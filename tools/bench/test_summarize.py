#!/usr/bin/env python3
"""Tests of summarize.py's verdicts on issue #3's paired targets, on synthetic benchmark JSON.

Run: python3 tools/bench/test_summarize.py (ctest: benchmark_summary_verdicts)."""

import importlib.util
import json
import tempfile
import unittest
from pathlib import Path

_spec = importlib.util.spec_from_file_location("summarize", Path(__file__).with_name("summarize.py"))
summarize = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(summarize)

ALL_PEERS = {"ratio_Eigen": 0.5, "ratio_GraphBLAS": 0.6, "ratio_librsb": 0.7}


def paired(problem, ratio_best, peers=None, threads=1, error=None):
    """One median aggregate of paired_spmv/waferblas_tbb/<problem>, as Google Benchmark writes it."""
    run_name = f"paired_spmv/waferblas_tbb/{problem}/threads:{threads}/iterations:5/real_time"
    entry = {"name": run_name + "_median", "run_name": run_name, "run_type": "aggregate", "aggregate_name": "median",
             "real_time": 1000.0, "time_unit": "us", "nnz": 100.0, "rows": 10.0, "cols": 10.0}
    if error is not None:
        return {"name": run_name, "run_name": run_name, "run_type": "iteration", "error_occurred": True,
                "error_message": error}
    entry.update(ALL_PEERS if peers is None else peers)
    entry["ratio_best"] = ratio_best
    return entry


def headline_row(paths):
    """The 'SpMV' row at 1 thread of the paired headline, as {column: cell}."""
    results, _contexts, errors = summarize.load(paths)
    text = summarize.section_paired_headline(summarize.Index(results), errors)
    lines = [line for line in text.splitlines() if line.startswith("|")]
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    for line in lines[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        if cells[0] == "SpMV" and cells[1] == "1":
            return dict(zip(header, cells))
    raise AssertionError("no SpMV row:\n" + text)


def paired_level1(kernel, fraction, others, threads=1, error=None):
    """One median aggregate of paired_level1/waferblas_tbb/<kernel>/n:1000 (or its failed run)."""
    run_name = f"paired_level1/waferblas_tbb/{kernel}/n:1000/threads:{threads}/iterations:5/real_time"
    if error is not None:
        return {"name": run_name, "run_name": run_name, "run_type": "iteration", "error_occurred": True,
                "error_message": error}
    entry = {"name": run_name + "_median", "run_name": run_name, "run_type": "aggregate", "aggregate_name": "median",
             "real_time": 1000.0, "time_unit": "us", "triad_fraction": fraction}
    entry.update({"triad_fraction_" + name: v for name, v in others.items()})
    return entry


def level1_rows(paths):
    """The rows of the paired level-1 table, as {(kernel, threads): {column: cell}}."""
    results, _contexts, errors = summarize.load(paths)
    lines = [line for line in summarize.section_paired_level1(summarize.Index(results), errors).splitlines() if line.startswith("|")]
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    rows = [dict(zip(header, (c.strip() for c in line.strip("|").split("|")))) for line in lines[2:]]
    return {(r["kernel"], r["threads"]): r for r in rows}


class PairedVerdicts(unittest.TestCase):
    def write(self, directory, name, benchmarks):
        path = Path(directory) / name
        path.write_text(json.dumps({"context": {}, "benchmarks": benchmarks}))
        return str(path)

    def test_a_missing_peer_does_not_meet_the_target(self):
        with tempfile.TemporaryDirectory() as d:
            row = headline_row([self.write(d, "run.json", [
                paired("a", 0.9),
                paired("b", 0.9, peers={"ratio_Eigen": 0.5, "ratio_GraphBLAS": 0.6}),  # no librsb in its rounds
            ])])
        self.assertEqual(row["matrices"], "2")
        self.assertEqual(row["meets issue #3"], "1/2")

    def test_a_failed_configuration_counts_and_does_not_meet(self):
        with tempfile.TemporaryDirectory() as d:
            row = headline_row([self.write(d, "run.json", [paired("a", 0.9), paired("b", 0, error="eigen on b: wrong")])])
        self.assertEqual(row["matrices"], "2")
        self.assertEqual(row["meets issue #3"], "1/2")

    def test_a_failure_in_one_run_is_not_erased_by_another(self):
        with tempfile.TemporaryDirectory() as d:
            first = self.write(d, "run1.json", [paired("a", 0.9), paired("b", 0.8)])
            second = self.write(d, "run2.json", [paired("a", 0.9), paired("b", 0, error="librsb on b: wrong")])
            row = headline_row([first, second])
            _results, _contexts, errors = summarize.load([first, second])
        self.assertEqual(row["meets issue #3"], "1/2")
        self.assertTrue(any("in some of the runs" in message for message in errors.values()))

    def test_every_run_is_stricter_than_the_median(self):
        with tempfile.TemporaryDirectory() as d:
            row = headline_row([self.write(d, "run1.json", [paired("a", 0.9)]),
                                self.write(d, "run2.json", [paired("a", 1.05)])])  # median of two: 0.975
        self.assertEqual(row["meets issue #3"], "1/1")
        self.assertEqual(row["in every run"], "0/1")

    def test_a_slower_median_does_not_meet(self):
        with tempfile.TemporaryDirectory() as d:
            row = headline_row([self.write(d, "run.json", [paired("a", 1.01), paired("b", 1.0)])])
        self.assertEqual(row["meets issue #3"], "1/2")
        self.assertEqual(row["wins"], "0/2")

    def test_level1_meets_only_when_every_run_reaches_ninety_percent(self):
        with tempfile.TemporaryDirectory() as d:
            rows = level1_rows([
                self.write(d, "run1.json", [paired_level1("dot", 0.95, {"reference": 0.7}), paired_level1("axpy", 1.4, {}),
                                            paired_level1("dot", 1.1, {"waferblas_omp": 1.0}, threads=2)]),
                self.write(d, "run2.json", [paired_level1("dot", 0.88, {"reference": 0.8}), paired_level1("axpy", 1.5, {}),
                                            paired_level1("dot", 1.2, {"waferblas_omp": 1.1}, threads=2)])])
        self.assertTrue(rows[("dot", "1")]["≥ 90% in every run"].startswith("wb tbb: **no**"))  # median 0.915, one run 0.88
        self.assertEqual(rows[("dot", "1")]["% of triad (wb tbb)"], "92 %")
        self.assertEqual(rows[("dot", "1")]["% of triad (reference)"], "75 %")
        self.assertEqual(rows[("dot", "1")]["% of triad (wb omp)"], "–")
        self.assertTrue(rows[("dot", "2")]["≥ 90% in every run"].startswith("wb tbb: yes"))
        self.assertEqual(rows[("dot", "2")]["% of triad (wb omp)"], "105 %")
        self.assertTrue(rows[("axpy", "1")]["≥ 90% in every run"].startswith("wb tbb: yes"))

    def test_level1_failed_in_one_run_does_not_meet(self):
        with tempfile.TemporaryDirectory() as d:
            rows = level1_rows([self.write(d, "run1.json", [paired_level1("dot", 1.1, {})]),
                                self.write(d, "run2.json", [paired_level1("dot", 0, {}, error="waferblas_tbb dot: entry 0 is 3")])])
        self.assertTrue(rows[("dot", "1")]["≥ 90% in every run"].startswith("wb tbb: **no**, failed in a run"))


if __name__ == "__main__":
    unittest.main()
