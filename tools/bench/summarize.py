#!/usr/bin/env python3
"""Turn waferblas_bench JSON output into the markdown tables of docs/performance.md.

    tools/bench/summarize.py results.json [more.json ...] [--out summary.md] [--csv summary.csv]
                             [--doc docs/performance.md] [--large-bytes 33554432]

Reads Google Benchmark JSON (--benchmark_out_format=json). With --benchmark_repetitions=N and
--benchmark_report_aggregates_only=true each configuration has a "median" aggregate, which is used;
without aggregates the median of the iteration entries is used. Several files (separate runs) are
combined by taking the median of their per-run values.

Benchmark names are <kernel>/<library>/<problem>[/k:<cols>]/threads:<T>[/real_time] (see
benchmarks/common.hpp). All times are wall-clock ("real_time").

Ratios are time(waferblas variant) / time(fastest peer) on the same matrix and thread count:
< 1 means WaferBLAS is faster. Peers: Eigen, GraphBLAS (the better of graphblas and
graphblas_accum, as in the peer baseline), librsb. "% triad" is the variant's effective bandwidth
(compulsory CSR bytes / time) as a fraction of the STREAM triad bandwidth of the same run and
thread count, shown only for matrices whose per-call traffic exceeds --large-bytes (smaller ones
run from cache, where the fraction means nothing).

The paired benchmarks (paired_spmv, paired_spmm: WaferBLAS and every peer timed in alternation, see
benchmarks/bench_paired.cpp) carry their ratios as counters (ratio_best, ratio_<peer>, t_<library>,
triad_fraction, and with --paired-ceilings triad_fraction_rows_sorted and
triad_fraction_rows_sorted_x_l1); their medians are tabled under "Paired ratios". paired_level1
(dot and axpy with the triad in the same rounds) carries triad_fraction and
triad_fraction_<variant>, tabled under "dot and axpy, paired".

--doc replaces the text between "<!-- bench-results:begin -->" and "<!-- bench-results:end -->"
in the given file with the generated tables. Standard library only.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import statistics
import sys
from collections import defaultdict
from pathlib import Path

UNIT_SECONDS = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}

WAFERBLAS = ["waferblas_tbb", "waferblas_omp", "waferblas_seq", "waferblas_plan_tbb"]
PEER_LIBS = {"eigen": "Eigen", "graphblas": "GraphBLAS", "graphblas_accum": "GraphBLAS", "librsb": "librsb"}
PEERS = ["Eigen", "GraphBLAS", "librsb"]
SHORT = {
    "waferblas_tbb": "wb tbb",
    "waferblas_omp": "wb omp",
    "waferblas_seq": "wb seq",
    "waferblas_plan_tbb": "wb plan",
}
BEGIN = "<!-- bench-results:begin -->"
END = "<!-- bench-results:end -->"


# --------------------------------------------------------------------------------------------------
# Loading


def parse_name(name: str):
    """'spmm/eigen/bcsstk16/k:32/threads:2/real_time' -> ('spmm', 'eigen', 'bcsstk16', {'k': 32, 'threads': 2})."""
    parts = [p for p in name.split("/") if p not in ("real_time", "process_time", "manual_time")]
    if len(parts) < 3:
        return None
    kernel, lib, prob = parts[0], parts[1], parts[2]
    params = {}
    for p in parts[3:]:
        if ":" in p:
            key, value = p.split(":", 1)
            try:
                params[key] = int(value)
            except ValueError:
                params[key] = value
    params.setdefault("threads", 1)
    return kernel, lib, prob, params


class Result:
    __slots__ = ("kernel", "lib", "problem", "k", "threads", "time", "gbs", "gflops", "rows", "cols", "nnz", "cv", "counters",
                 "counter_runs")

    def __init__(self, kernel, lib, problem, k, threads):
        self.kernel, self.lib, self.problem, self.k, self.threads = kernel, lib, problem, k, threads
        self.time = self.gbs = self.gflops = None
        self.rows = self.cols = self.nnz = None
        self.cv = None  # coefficient of variation of the repetitions' times, when reported
        self.counters = {}  # the paired benchmarks' ratio_* and t_* counters
        self.counter_runs = {}  # the same, one value per run (JSON file) that reported it


def load(paths):
    """Returns (results keyed by (kernel, lib, problem, k, threads), contexts, errors)."""
    samples = defaultdict(lambda: defaultdict(list))  # key -> field -> per-run values
    contexts, errors = [], {}
    cvs = defaultdict(list)
    for path in paths:
        data = json.loads(Path(path).read_text())
        contexts.append(data.get("context", {}))
        per_file = defaultdict(lambda: defaultdict(list))
        has_median = set()
        for b in data.get("benchmarks", []):
            run_name = b.get("run_name") or b.get("name", "")
            parsed = parse_name(run_name)
            if parsed is None:
                continue
            kernel, lib, prob, params = parsed
            key = (kernel, lib, prob, params.get("k", 0), params["threads"])
            if b.get("error_occurred"):
                errors[key] = b.get("error_message", "error")
                continue
            if b.get("run_type") == "aggregate":
                if b.get("aggregate_name") == "cv":
                    cvs[key].append(float(b["real_time"]))
                    continue
                if b.get("aggregate_name") != "median":
                    continue
                has_median.add(key)
                target = per_file[key]
                target.clear()
            elif key in has_median:
                continue
            else:
                target = per_file[key]
            unit = UNIT_SECONDS[b.get("time_unit", "ns")]
            target["time"].append(b["real_time"] * unit)
            for field, name in (("gbs", "GB/s"), ("gflops", "GFLOP/s"), ("rows", "rows"), ("cols", "cols"), ("nnz", "nnz")):
                if name in b:
                    target[field].append(float(b[name]))
            for name, value in b.items():
                if name.startswith(("ratio_", "t_", "triad_")):
                    target["counter:" + name].append(float(value))
        for key, fields in per_file.items():
            for field, values in fields.items():
                samples[key][field].append(statistics.median(values))
    results = {}
    for key, fields in samples.items():
        r = Result(*key)
        for field, values in fields.items():
            if field.startswith("counter:"):
                r.counters[field.split(":", 1)[1]] = statistics.median(values)
                r.counter_runs[field.split(":", 1)[1]] = list(values)
            else:
                setattr(r, field, statistics.median(values))
        if cvs.get(key):
            r.cv = max(cvs[key])
        results[key] = r
        if key in errors:  # kept: a configuration that failed in one run does not meet a target
            errors[key] = "in some of the runs: " + errors[key]
    return results, contexts, errors


# --------------------------------------------------------------------------------------------------
# Formatting


def fmt_time_us(seconds):
    if seconds is None:
        return "–"
    us = seconds * 1e6
    if us >= 100:
        return f"{us:,.0f}"
    if us >= 10:
        return f"{us:.1f}"
    return f"{us:.2f}"


NOISY_CV = 0.25


def fmt_result_time(res):
    """Time of a Result in µs, marked † when its repetitions disagree (CV > NOISY_CV)."""
    if res is None:
        return "–"
    return fmt_time_us(res.time) + (" †" if res.cv is not None and res.cv > NOISY_CV else "")


def fmt_ratio(r, bold_above=1.10):
    if r is None:
        return "–"
    s = f"{r:.2f}"
    return f"**{s}**" if r > bold_above else s


def fmt_count(n):
    if n is None:
        return "–"
    n = int(n)
    if n >= 10_000_000:
        return f"{n / 1e6:.1f}M"
    if n >= 100_000:
        return f"{n / 1e3:.0f}k"
    return f"{n:,}"


def table(header, rows, align=None):
    align = align or ["l"] + ["r"] * (len(header) - 1)
    sep = ["---:" if a == "r" else "---" for a in align]
    out = ["| " + " | ".join(header) + " |", "| " + " | ".join(sep) + " |"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def geomean(values):
    values = [v for v in values if v and v > 0]
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else None


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


# --------------------------------------------------------------------------------------------------
# Analysis


class Index:
    def __init__(self, results):
        self.r = results

    def get(self, kernel, lib, prob, k, t):
        return self.r.get((kernel, lib, prob, k, t))

    def time(self, kernel, lib, prob, k, t):
        x = self.get(kernel, lib, prob, k, t)
        return x.time if x else None

    def problems(self, kernel, k=None):
        """Problems in first-seen order (the suite registers them by increasing size)."""
        seen = {}
        for (kern, _lib, prob, kk, _t), res in self.r.items():
            if kern == kernel and (k is None or kk == k) and prob not in seen:
                seen[prob] = res
        return sorted(seen, key=lambda p: (self.nnz(kernel, p) or 0, p))

    def nnz(self, kernel, prob):
        for (kern, _lib, p, _k, _t), res in self.r.items():
            if kern == kernel and p == prob and res.nnz is not None:
                return res.nnz
        return None

    def rows_cols(self, kernel, prob):
        for (kern, _lib, p, _k, _t), res in self.r.items():
            if kern == kernel and p == prob and res.rows is not None:
                return int(res.rows), int(res.cols)
        return None, None

    def peer_times(self, kernel, prob, k, t):
        """{'Eigen': (time, variant), 'GraphBLAS': ..., 'librsb': ...} for the peers present."""
        best = {}
        for lib, peer in PEER_LIBS.items():
            tm = self.time(kernel, lib, prob, k, t)
            if tm is not None and (peer not in best or tm < best[peer][0]):
                best[peer] = (tm, lib)
        return best

    def best_peer(self, kernel, prob, k, t):
        peers = self.peer_times(kernel, prob, k, t)
        if not peers:
            return None, None
        name = min(peers, key=lambda p: peers[p][0])
        return name, peers[name][0]

    def thread_counts(self, kernel):
        return sorted({t for (kern, _l, _p, _k, t) in self.r if kern == kernel})

    def ks(self, kernel):
        return sorted({k for (kern, _l, _p, k, _t) in self.r if kern == kernel})

    def triad(self, t):
        for (kern, _lib, _p, _k, tt), res in self.r.items():
            if kern == "stream_triad" and tt == t:
                return res.gbs
        return None


def spmv_bytes(rows, cols, nnz):
    return 12.0 * nnz + 8.0 * (rows + cols)


def section_context(contexts, results_count):
    ctx = contexts[0] if contexts else {}
    lines = []
    def cache(c):
        kind = {"Data": "d", "Instruction": "i"}.get(c.get("type"), "")
        size = c["size"] // 1024
        size_s = f"{size // 1024} MiB" if size >= 1024 and size % 1024 == 0 else f"{size} KiB"
        count = ctx.get("num_cpus", 1) // c["num_sharing"] if c.get("num_sharing") else 1
        return f"L{c['level']}{kind} {size_s}" + (f" x{count}" if count > 1 else "")

    caches = ", ".join(cache(c) for c in ctx.get("caches", []))
    lines.append(f"* Run: {ctx.get('date', '?')} on `{ctx.get('host_name', '?')}`, {ctx.get('num_cpus', '?')} CPUs"
                 f" at {ctx.get('mhz_per_cpu', '?')} MHz; caches: {caches or '?'}")
    if ctx.get("load_avg"):
        lines.append("* Load average when the run started (1, 5, 15 min): "
                     + ", ".join(f"{x:.2f}" for x in ctx["load_avg"]) + f" on {ctx.get('num_cpus', '?')} CPUs")
    omp = [f"{v}={ctx[v]}" for v in ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT", "OMP_NUM_THREADS", "OMP_PROC_BIND") if v in ctx]
    lines.append("* OpenMP environment: " + (", ".join(omp) if omp else "defaults"))
    if len(contexts) > 1:
        lines.append(f"* {len(contexts)} runs combined (median of per-run medians)")
    if "git_commit" in ctx:
        lines.append(f"* WaferBLAS {ctx.get('waferblas_version', '?')} at commit {ctx['git_commit']}")
    lines.append(f"* Compiler: {ctx.get('compiler', '?')}; build type {ctx.get('build_type', '?')};"
                 f" flags `{ctx.get('cxx_flags', '').strip()}`")
    peers = [f"{name} {ctx[key]}" for key, name in (("eigen", "Eigen"), ("graphblas", "SuiteSparse:GraphBLAS"),
                                                    ("librsb", "librsb"), ("tbb", "oneTBB"), ("openmp", "OpenMP"))
             if key in ctx]
    lines.append("* Libraries: " + ", ".join(peers))
    lines.append(f"* Google Benchmark library build: {ctx.get('library_build_type', '?')};"
                 f" {results_count} configurations")
    return "\n".join(lines)


def section_bandwidth(ix):
    rows = []
    for t in ix.thread_counts("stream_triad"):
        res = [r for (kern, _l, _p, _k, tt), r in ix.r.items() if kern == "stream_triad" and tt == t][0]
        rows.append([f"STREAM triad, n = {res.problem.split(':')[-1]}", t, f"{res.gbs:.1f}", f"{res.time * 1e3:.1f} ms"])
    if not rows:
        return "_No STREAM triad result in this run._"
    return table(["reference", "threads", "GB/s", "time"], rows)


def section_level1(ix):
    rows = []
    for kernel in ("dot", "axpy"):
        for (kern, lib, prob, _k, t), res in sorted(ix.r.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][4])):
            if kern != kernel:
                continue
            triad = ix.triad(t)
            ref = ix.time(kernel, "reference", prob, 0, t)
            rows.append([kernel, lib, t, f"{res.time * 1e3:.2f}", f"{res.gbs:.1f}",
                         f"{100 * res.gbs / triad:.0f} %" if triad else "–",
                         fmt_ratio(res.time / ref) if ref and lib != "reference" else "–"])
    if not rows:
        return "_No dot/axpy results in this run._"
    return table(["kernel", "library", "threads", "time (ms)", "GB/s", "% of triad", "t / t(reference)"], rows,
                 ["l", "l", "r", "r", "r", "r", "r"])


#: Issue #3's level-1 target: dot and axpy at least 0.9x of STREAM-bound.
LEVEL1_TARGET = 0.9
LEVEL1_ORDER = ["waferblas_tbb", "waferblas_omp", "waferblas_seq", "reference"]


def section_paired_level1(ix, errors=None):
    """% of the triad timed in the same rounds (paired_level1, bench_level1.cpp): per kernel and
    thread count, every variant's (the benchmark's own library: counter triad_fraction; the others:
    triad_fraction_<name>), and whether the first meets issue #3 in every run. A configuration that
    failed in any run (a wrong result, say) does not meet it."""
    errors = errors or {}
    found = sorted(((p, t, lib, r, (kern, lib, p, k, t) in errors) for (kern, lib, p, k, t), r in ix.r.items()
                    if kern == "paired_level1"), key=lambda x: (x[0] != "dot", x[0], x[1]))
    if not found:
        return ""
    names = set()
    cells = []
    for kernel, t, lib, res, failed in found:
        fractions = {lib: res.counters.get("triad_fraction")}
        fractions.update({name[len("triad_fraction_"):]: v for name, v in res.counters.items() if name.startswith("triad_fraction_")})
        names.update(fractions)
        runs = res.counter_runs.get("triad_fraction", [])
        verdict = "yes" if runs and not failed and all(x >= LEVEL1_TARGET for x in runs) else "**no**"
        if failed:
            verdict += ", failed in a run"
        cells.append((kernel, t, lib, fractions, verdict, len(runs)))
    names = sorted(names, key=lambda n: (LEVEL1_ORDER.index(n) if n in LEVEL1_ORDER else len(LEVEL1_ORDER), n))
    rows = [[kernel, t, f"{SHORT.get(lib, lib)}: {verdict} ({runs} run{'s' if runs != 1 else ''})"]
            + [f"{100 * fractions[n]:.0f} %" if fractions.get(n) is not None else "–" for n in names]
            for kernel, t, lib, fractions, verdict, runs in cells]
    return table(["kernel", "threads", f"≥ {LEVEL1_TARGET:.0%} in every run"] + [f"% of triad ({SHORT.get(n, n)})" for n in names],
                 rows, ["l", "r", "l"] + ["r"] * len(names))


def section_spmv(ix, t, large_bytes):
    probs = ix.problems("spmv")
    variants = [v for v in WAFERBLAS if any(ix.get("spmv", v, p, 0, t) for p in probs)]
    peers_present = [p for p in PEERS if any(p in ix.peer_times("spmv", q, 0, t) for q in probs)]
    header = ["matrix", "rows", "nnz"] + [SHORT[v] for v in variants] + peers_present + ["best peer"]
    ratio_variants = [v for v in ("waferblas_tbb", "waferblas_omp", "waferblas_plan_tbb") if v in variants]
    header += [f"{SHORT[v]} / best" for v in ratio_variants] + ["% triad (wb tbb)"]
    rows = []
    for p in probs:
        r, c = ix.rows_cols("spmv", p)
        nnz = ix.nnz("spmv", p)
        peers = ix.peer_times("spmv", p, 0, t)
        best_name, best_t = ix.best_peer("spmv", p, 0, t)
        row = [p, fmt_count(r), fmt_count(nnz)]
        row += [fmt_result_time(ix.get("spmv", v, p, 0, t)) for v in variants]
        for peer in peers_present:
            if peer in peers:
                tm, lib = peers[peer]
                row.append(fmt_result_time(ix.get("spmv", lib, p, 0, t)) + (" ᵃ" if lib == "graphblas_accum" else ""))
            else:
                row.append("–")
        row.append(best_name or "–")
        for v in ratio_variants:
            tv = ix.time("spmv", v, p, 0, t)
            row.append(fmt_ratio(tv / best_t) if tv and best_t else "–")
        triad = ix.triad(t)
        wb = ix.get("spmv", "waferblas_tbb", p, 0, t)
        big = r is not None and nnz is not None and spmv_bytes(r, c, nnz) >= large_bytes
        row.append(f"{100 * wb.gbs / triad:.0f} %" if big and wb and triad else "")
        rows.append(row)
    return table(header, rows, ["l"] + ["r"] * (len(header) - 1))


def ratio_stats(ix, kernel, variant, k, t, min_nnz=0):
    ratios, wins, per_peer = [], 0, defaultdict(list)
    for p in ix.problems(kernel, k if kernel == "spmm" else None):
        nnz = ix.nnz(kernel, p) or 0
        if nnz < min_nnz:
            continue
        tv = ix.time(kernel, variant, p, k, t)
        best_name, best_t = ix.best_peer(kernel, p, k, t)
        if tv is None or best_t is None:
            continue
        ratios.append(tv / best_t)
        wins += tv < best_t
        for peer, (tm, _lib) in ix.peer_times(kernel, p, k, t).items():
            per_peer[peer].append(tv / tm)
    return ratios, wins, per_peer


def section_headline(ix):
    rows = []
    for kernel in ("spmv", "spmm"):
        for k in ix.ks(kernel):
            for t in ix.thread_counts(kernel):
                for variant in WAFERBLAS:
                    ratios, wins, per_peer = ratio_stats(ix, kernel, variant, k, t)
                    if not ratios:
                        continue
                    big, big_wins, _ = ratio_stats(ix, kernel, variant, k, t, 50_000)
                    what = kernel.upper() + (f" k={k}" if kernel == "spmm" else "")
                    rows.append([what, t, SHORT[variant], len(ratios), f"**{median(ratios):.2f}**",
                                 f"{geomean(ratios):.2f}", f"{wins}/{len(ratios)}",
                                 f"{median(big):.2f}" if big else "–", f"{geomean(big):.2f}" if big else "–",
                                 f"{big_wins}/{len(big)}" if big else "–"]
                                + [f"{median(per_peer[p]):.2f}" if per_peer.get(p) else "–" for p in PEERS])
    header = ["kernel", "threads", "variant", "matrices", "median t/t_best", "geomean", "wins",
              "median, nnz ≥ 50k", "geomean, nnz ≥ 50k", "wins, nnz ≥ 50k"] + [f"median t/t_{p}" for p in PEERS]
    return table(header, rows, ["l", "r", "l"] + ["r"] * (len(header) - 3))


def section_spmm(ix, t):
    ks = ix.ks("spmm")
    probs = ix.problems("spmm")
    header = ["matrix", "nnz"]
    for k in ks:
        header += [f"k={k}: wb tbb", "best peer", "tbb / best", "plan / best"]
    rows = []
    for p in probs:
        row = [p, fmt_count(ix.nnz("spmm", p))]
        for k in ks:
            tv = ix.time("spmm", "waferblas_tbb", p, k, t)
            tp = ix.time("spmm", "waferblas_plan_tbb", p, k, t)
            name, bt = ix.best_peer("spmm", p, k, t)
            row += [fmt_result_time(ix.get("spmm", "waferblas_tbb", p, k, t)), f"{fmt_time_us(bt)} ({name})" if name else "–",
                    fmt_ratio(tv / bt) if tv and bt else "–", fmt_ratio(tp / bt) if tp and bt else "–"]
        rows.append(row)
    return table(header, rows, ["l"] + ["r"] * (len(header) - 1))


PAIRED = {"paired_spmv": "SpMV", "paired_spmm": "SpMM", "paired_spmv_chunks": "SpMV, diagonal-chunk plan",
          "paired_spmv_sorted": "SpMV, rows-by-length plan"}
#: Issue #3's SpMM target: 1.2x the best peer, i.e. a time ratio of at most 1 / 1.2.
SPMM_TARGET = 1 / 1.2
#: The peers issue #3 names for each kernel: a matrix whose rounds lack one of them does not count
#: as meeting the target (a build without GraphBLAS would otherwise "win" against the others).
REQUIRED_PEERS = {"paired_spmm": ("Eigen", "GraphBLAS")}
REQUIRED_PEERS_SPMV = ("Eigen", "GraphBLAS", "librsb")


def paired_results(ix, kernel, k, t):
    """{problem: Result} of one paired kernel, k and thread count."""
    return {res.problem: res for (kern, _lib, _p, kk, tt), res in ix.r.items()
            if kern == kernel and kk == k and tt == t and "ratio_best" in res.counters}


def fastest_peer(res):
    """The peer with the largest ratio_<peer>: the one whose calls were fastest in the rounds."""
    peers = {name[len("ratio_"):]: v for name, v in res.counters.items() if name.startswith("ratio_") and name != "ratio_best"}
    return max(peers, key=peers.get) if peers else "–"


def meets_target(res, kernel, target, every_run=False):
    """Whether a paired result meets issue #3: the median ratio (or, every_run, each run's) within
    target, against every peer the issue names for the kernel."""
    if any("ratio_" + peer not in res.counters for peer in REQUIRED_PEERS.get(kernel, REQUIRED_PEERS_SPMV)):
        return False
    values = res.counter_runs.get("ratio_best", []) if every_run else [res.counters["ratio_best"]]
    return bool(values) and all(x <= target for x in values)


def section_paired_headline(ix, errors=None):
    errors = errors or {}
    rows = []
    for kernel, label in PAIRED.items():
        for k in ix.ks(kernel):
            for t in ix.thread_counts(kernel):
                res = paired_results(ix, kernel, k, t)
                if not res:
                    continue
                # Configurations that failed in any run count as matrices that do not meet the target.
                failed = {p for (kern, _lib, p, kk, tt) in errors if kern == kernel and kk == k and tt == t}
                ok = {p: r for p, r in res.items() if p not in failed}
                ratios = [r.counters["ratio_best"] for r in res.values()]
                n = len(set(res) | failed)
                target = SPMM_TARGET if kernel == "paired_spmm" else 1.0
                rows.append([label + (f" k={k}" if kernel == "paired_spmm" else ""), t, n, f"**{median(ratios):.2f}**",
                             f"{geomean(ratios):.2f}", f"{sum(x < 1 for x in ratios)}/{n}",
                             f"{sum(x <= 1.10 for x in ratios)}/{n}",
                             f"{sum(meets_target(r, kernel, target) for r in ok.values())}/{n}",
                             f"{sum(meets_target(r, kernel, target, every_run=True) for r in ok.values())}/{n}",
                             f"{max(ratios):.2f} ({max(res, key=lambda p: res[p].counters['ratio_best'])})"])
    return table(["kernel", "threads", "matrices", "median t/t_best", "geomean", "wins", "within 1.10",
                  "meets issue #3", "in every run", "worst"], rows, ["l", "r", "r", "r", "r", "r", "r", "r", "r", "l"])


def section_paired(ix, kernel):
    ks, ts = ix.ks(kernel), ix.thread_counts(kernel)
    cols = [(k, t) for k in ks for t in ts]
    probs = sorted({p for k, t in cols for p in paired_results(ix, kernel, k, t)}, key=lambda p: (ix.nnz(kernel, p) or 0, p))
    header = ["matrix", "nnz"] + [(f"k={k}, " if kernel == "paired_spmm" else "") + f"{t}T: t / t_best (fastest peer)"
                                  for k, t in cols]
    per_col = {c: paired_results(ix, kernel, *c) for c in cols}
    rows = []
    for p in probs:
        row = [p, fmt_count(ix.nnz(kernel, p))]
        for c in cols:
            res = per_col[c].get(p)
            row.append(f"{fmt_ratio(res.counters['ratio_best'])} ({fastest_peer(res)})" if res else "–")
        rows.append(row)
    return table(header, rows, ["l"] + ["r"] * (len(header) - 1))


# The ceilings of bench_paired.cpp (--paired-ceilings): counter suffix and column label.
CEILINGS = (("rows_sorted", "rows sorted"), ("rows_sorted_x_l1", "rows sorted, x in L1"))


def section_paired_bandwidth(ix):
    """% of the triad per matrix: the free function (paired_spmv), the diagonal-chunk plan, and the
    free function's ceilings when the run timed them."""
    kernels = [(kern, name) for kern, name in (("paired_spmv", "wb tbb"), ("paired_spmv_chunks", "chunk plan"),
                                               ("paired_spmv_sorted", "rows-by-length plan"))
               if ix.thread_counts(kern)]
    cols = [(kern, name, t, "triad_fraction") for kern, name in kernels for t in ix.thread_counts(kern)]
    per_col = {(kern, t): {p: r for p, r in paired_results(ix, kern, 0, t).items() if "triad_fraction" in r.counters}
               for kern, _name, t, _c in cols}
    cols += [("paired_spmv", label, t, "triad_fraction_" + suffix) for suffix, label in CEILINGS
             for t in ix.thread_counts("paired_spmv")
             if any("triad_fraction_" + suffix in r.counters for r in per_col.get(("paired_spmv", t), {}).values())]
    probs = sorted({p for c in per_col.values() for p in c}, key=lambda p: (ix.nnz("paired_spmv", p) or 0, p))
    if not probs:
        return ""

    def cell(kern, t, counter, p):
        res = per_col[(kern, t)].get(p)
        return f"{100 * res.counters[counter]:.0f} %" if res and counter in res.counters else "–"

    rows = [[p, fmt_count(ix.nnz("paired_spmv", p))] + [cell(kern, t, counter, p) for kern, _name, t, counter in cols]
            for p in probs]
    return table(["matrix", "nnz"] + [f"{t}T: % of triad ({name})" for _kern, name, t, _c in cols], rows,
                 ["l"] + ["r"] * (1 + len(cols)))


def section_losses(ix, limit=12):
    """The configurations where WaferBLAS (tbb free function) is furthest behind the best peer."""
    worst = []
    for (kernel, lib, prob, k, t), res in ix.r.items():
        if lib != "waferblas_tbb" or kernel not in ("spmv", "spmm"):
            continue
        name, bt = ix.best_peer(kernel, prob, k, t)
        if bt:
            worst.append((res.time / bt, kernel, prob, k, t, name, res.time, bt))
    worst.sort(reverse=True)
    rows = [[kernel.upper() + (f" k={k}" if kernel == "spmm" else ""), prob, t, f"{ratio:.2f}", fmt_time_us(tw),
             f"{fmt_time_us(bt)} ({name})"] for ratio, kernel, prob, k, t, name, tw, bt in worst[:limit]]
    return table(["kernel", "matrix", "threads", "wb tbb / best", "wb tbb (µs)", "best peer (µs)"], rows,
                 ["l", "l", "r", "r", "r", "r"])


def section_noise(ix):
    """waferblas_tbb and waferblas_seq run the same code at 1 thread: their spread is the noise."""
    spreads = []
    for kernel in ("spmv", "spmm"):
        for k in ix.ks(kernel):
            for p in ix.problems(kernel, k if kernel == "spmm" else None):
                a = ix.time(kernel, "waferblas_tbb", p, k, 1)
                b = ix.time(kernel, "waferblas_seq", p, k, 1)
                if a and b:
                    spreads.append(max(a / b, b / a))
    noisy = [r for r in ix.r.values() if r.cv is not None and r.cv > NOISY_CV]
    lines = []
    if spreads:
        spreads.sort()
        p90 = spreads[min(len(spreads) - 1, int(0.9 * len(spreads)))]
        lines.append(f"* Same code, two names: at 1 thread `waferblas_tbb` runs exactly the sequential kernel, so "
                     f"its time over `waferblas_seq`'s measures the noise between two configurations of one run: "
                     f"median spread {statistics.median(spreads):.2f}x, 90th percentile {p90:.2f}x, "
                     f"max {spreads[-1]:.2f}x over {len(spreads)} matrices.")
    with_cv = [r for r in ix.r.values() if r.cv is not None]
    if with_cv:
        lines.append(f"* {len(noisy)} of {len(with_cv)} configurations (†) have repetitions whose times disagree by "
                     f"more than {NOISY_CV:.0%} (coefficient of variation); median CV "
                     f"{statistics.median(r.cv for r in with_cv):.1%}.")
    return "\n".join(lines) if lines else "_No repetitions to judge the noise by._"


def section_plan_build(ix):
    """Plan construction time against one SpMV execution (waferblas_tbb, 1 thread)."""
    rows = []
    worst = {}
    for p in ix.problems("plan_build"):
        spmv = ix.time("spmv", "waferblas_tbb", p, 0, 1)
        row = [p, fmt_count(ix.nnz("plan_build", p))]
        for pl in ("row_blocks", "row_blocks_borrowed", "checkerboard", "row_blocks_chunks", "row_blocks_chunks_moved",
                   "row_blocks_sorted"):
            t = ix.time("plan_build", pl, p, 0, 1)
            row.append(fmt_time_us(t) if t else "–")
            if t and spmv:
                row.append(f"{t / spmv:.2f}")
                worst[pl] = max(worst.get(pl, 0.0), t / spmv)
            else:
                row.append("–")
        row.append(fmt_time_us(spmv) if spmv else "–")
        rows.append(row)
    if not rows:
        return "_No plan_build results in this run._"
    text = table(["matrix", "nnz", "row_blocks build (µs)", "/ SpMV", "borrowing A (µs)", "/ SpMV", "checkerboard build (µs)", "/ SpMV",
                  "row_blocks, diagonal chunks (µs)", "/ SpMV", "the same from an rvalue (µs)", "/ SpMV",
                  "row_blocks, rows by length (µs)", "/ SpMV", "SpMV wb tbb 1T (µs)"], rows)
    summary = ", ".join(f"{pl}: at most {r:.2f} SpMVs" for pl, r in worst.items())
    return text + ("\n\nLargest build / SpMV ratio: " + summary + "." if summary else "")


def section_spmv_transposed(ix):
    """A^T x by the free function (a parallel scatter): 2 threads against 1, and against A x."""
    rows = []
    speedups = []
    for p in ix.problems("spmv_transposed"):
        t1 = ix.time("spmv_transposed", "waferblas", p, 0, 1)
        t2 = ix.time("spmv_transposed", "waferblas", p, 0, 2)
        n1 = ix.time("spmv", "waferblas_tbb", p, 0, 1)
        row = [p, fmt_count(ix.nnz("spmv_transposed", p)), fmt_time_us(t1) if t1 else "–", fmt_time_us(t2) if t2 else "–"]
        if t1 and t2:
            row.append(f"{t1 / t2:.2f}")
            speedups.append(t1 / t2)
        else:
            row.append("–")
        row.append(f"{t1 / n1:.2f}" if t1 and n1 else "–")
        rows.append(row)
    if not rows:
        return "_No spmv_transposed results in this run._"
    text = table(["matrix", "nnz", "A^T x 1T (µs)", "A^T x 2T (µs)", "speed-up 2T", "A^T x / A x (1T)"], rows)
    if speedups:
        text += f"\n\nMedian 2-thread speed-up {median(speedups):.2f} over {len(speedups)} matrices."
    return text


def render(results, contexts, errors, large_bytes):
    ix = Index(results)
    out = ["<!-- generated by tools/bench/summarize.py; do not edit by hand -->", "",
           "### Run", "", section_context(contexts, len(results)), "",
           "### Headline", "",
           "Time ratio of each WaferBLAS variant to the fastest peer on the same matrix and thread count "
           "(median and geometric mean over matrices; < 1 means WaferBLAS is faster), how often it beat every "
           "peer (wins), the same over the matrices with at least 50,000 nonzeros (where call overheads matter "
           "less), and the median ratio to each peer separately.", "",
           section_headline(ix), "",
           "### Noise", "", section_noise(ix), "",
           "### Bandwidth reference", "", section_bandwidth(ix), "",
           "### dot and axpy", "", section_level1(ix), ""]
    paired_level1 = section_paired_level1(ix, errors)
    if paired_level1:
        out += ["#### dot and axpy, paired", "",
                "Every variant and the STREAM triad timed in alternation (`paired_level1`, `benchmarks/bench_level1.cpp`; "
                "rounds as in `bench_paired.cpp`: a batch of each in an order shuffled every round), on operands on huge pages as the triad's: each variant's "
                "bandwidth (STREAM's bytes: 16 per element for dot, 24 for axpy) over the triad's in the same round, "
                "median over the rounds (and over repetitions and runs). Issue #3 asks for at least 90 % "
                "(the default backend's, in the third column).", "", paired_level1, ""]
    for t in ix.thread_counts("spmv"):
        out += [f"### SpMV, {t} thread{'s' if t > 1 else ''}", "",
                "Median wall time per call in µs. GraphBLAS is the better of `graphblas` and `graphblas_accum` "
                "(ᵃ: the accum variant). Ratios > 1.10 (WaferBLAS slower by more than the noise band) in bold; "
                f"† marks a time whose {'repetitions'} disagree (coefficient of variation > {NOISY_CV:.0%}).", "",
                section_spmv(ix, t, large_bytes), ""]
    for t in ix.thread_counts("spmm"):
        out += [f"### SpMM, {t} thread{'s' if t > 1 else ''}", "",
                "Median wall time per call in µs; dense B and C row-major with k columns. † as above.", "",
                section_spmm(ix, t), ""]
    if ix.problems("plan_build"):
        out += ["### Plan construction", "",
                "Median time to build `plan_spmv(A, grid, placement)` (row_blocks on 1 x 2, checkerboard on 2 x 2; "
                "row_blocks with `spmv_layout::diagonal_chunks` on the generated stencils and bands, from a "
                "matrix and from an rvalue the plan takes over; with `spmv_layout::rows_by_length` on the other "
                "matrices) "
                "in units of one SpMV call (`waferblas_tbb`, 1 thread) on the same matrix.", "",
                section_plan_build(ix), ""]
    if ix.problems("spmv_transposed"):
        out += ["### Transposed SpMV", "",
                "`spmv(op::transpose, ...)` on CSR: a scatter, one partial y per thread reduced in PE order "
                "(no peer timed).", "", section_spmv_transposed(ix), ""]
    if any(paired_results(ix, kern, k, t) for kern in PAIRED for k in ix.ks(kern) for t in ix.thread_counts(kern)):
        out += ["### Paired ratios", "",
                "WaferBLAS's default free function and every peer timed in alternation in the same process "
                "(`benchmarks/bench_paired.cpp`): rounds of a batch of calls per library in an order shuffled every round, "
                "each batch after a 2 ms busy pause and one untimed call; per round WaferBLAS's time per call over "
                "the fastest peer's, "
                "median over the rounds (and over repetitions and runs). Machine-wide slow phases then hit both "
                "sides of a ratio alike. \"meets issue #3\": ratio ≤ 1 for SpMV, ≤ 1/1.2 for SpMM, in rounds "
                "with every peer the issue names (Eigen, GraphBLAS and librsb for SpMV; Eigen and GraphBLAS for SpMM), "
                "with no failed run; \"in every run\": the same for each run's ratio, not only their median. A matrix "
                "whose configuration failed counts among the matrices and not among those that meet the target.", "",
                section_paired_headline(ix, errors), ""]
        for kern, label in PAIRED.items():
            if ix.problems(kern):
                out += [f"#### {label}, paired", "", section_paired(ix, kern), ""]
        bandwidth = section_paired_bandwidth(ix)
        if bandwidth:
            out += ["#### Bandwidth, paired", "",
                    "SpMV beyond the caches (calls of at least `--paired-triad-bytes`, 32 MiB by default) against the STREAM "
                    "triad timed in the same rounds: "
                    "the SpMV's effective bandwidth (12 B per nonzero plus the vectors) over the triad's, median "
                    "over the rounds, for the default free function and for an SpMV plan with "
                    "`spmv_layout::diagonal_chunks` (which moves fewer bytes than it is credited with); with "
                    "`--paired-ceilings` also for the free function on the matrix with its rows sorted by length "
                    "(\"rows sorted\") and with every column folded into the first 1024 as well (\"x in L1\"): "
                    "the same bytes of values and indices with the row lengths and x made cheap, a bound on "
                    "a CSR row loop. Issue #3 asks for at least 85 %.", "", bandwidth, ""]
    if any(res.lib == "waferblas_tbb" for res in results.values()):
        out += ["### Largest gaps", "", "The configurations where `waferblas_tbb` is furthest behind the fastest peer.", "",
                section_losses(ix), ""]
    if errors:
        out += ["### Failed configurations", ""]
        out += [f"* `{'/'.join(str(x) for x in key)}`: {msg}" for key, msg in sorted(errors.items())]
        out.append("")
    return "\n".join(out)


def write_csv(path, results):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["kernel", "library", "problem", "k", "threads", "time_s", "GB/s", "GFLOP/s", "rows", "cols", "nnz"])
        for key in sorted(results):
            r = results[key]
            w.writerow([r.kernel, r.lib, r.problem, r.k, r.threads, f"{r.time:.6e}",
                        "" if r.gbs is None else f"{r.gbs:.4f}", "" if r.gflops is None else f"{r.gflops:.4f}",
                        "" if r.rows is None else int(r.rows), "" if r.cols is None else int(r.cols),
                        "" if r.nnz is None else int(r.nnz)])


def update_doc(path, text):
    doc = Path(path).read_text()
    if BEGIN not in doc or END not in doc:
        sys.exit(f"summarize.py: {path} has no '{BEGIN}' ... '{END}' section")
    head, rest = doc.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    Path(path).write_text(head + BEGIN + "\n" + text.rstrip() + "\n" + END + tail)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("json", nargs="+", help="Google Benchmark JSON output(s) of waferblas_bench")
    ap.add_argument("--out", help="write the markdown here too")
    ap.add_argument("--csv", help="write every median as CSV here")
    ap.add_argument("--doc", help="replace the bench-results section of this markdown file")
    ap.add_argument("--large-bytes", type=float, default=32 * 2**20,
                    help="SpMV traffic per call above which '%% triad' is shown (default 32 MiB, the L3 of the project machine)")
    args = ap.parse_args(argv)
    results, contexts, errors = load(args.json)
    if not results:
        sys.exit("summarize.py: no benchmark results found")
    text = render(results, contexts, errors, args.large_bytes)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n")
    if args.csv:
        write_csv(args.csv, results)
    if args.doc:
        update_doc(args.doc, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
