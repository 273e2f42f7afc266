#!/usr/bin/env python3
"""Optional figure: time ratio WaferBLAS / fastest peer per matrix, one panel per kernel and thread count.

    tools/bench/plot.py results.json [more.json ...] -o ratios.png [--variant waferblas_tbb]

Needs matplotlib (Debian: python3-matplotlib); the tables of summarize.py need nothing but the
standard library. Bars left of 1 mean WaferBLAS is faster. SpMM panels use the middle column count.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # leave no __pycache__ in the source tree
sys.path.insert(0, str(Path(__file__).resolve().parent))
import summarize  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("json", nargs="+")
    ap.add_argument("-o", "--output", default="waferblas_ratios.png")
    ap.add_argument("--variant", default="waferblas_tbb")
    args = ap.parse_args(argv)
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        sys.exit("plot.py: matplotlib is not installed (Debian: apt-get install python3-matplotlib)")

    results, _contexts, _errors = summarize.load(args.json)
    ix = summarize.Index(results)
    panels = []
    for kernel in ("spmv", "spmm"):
        ks = ix.ks(kernel)
        if not ks:
            continue
        k = ks[len(ks) // 2]
        for t in ix.thread_counts(kernel):
            names, ratios, colors = [], [], []
            for p in ix.problems(kernel, k if kernel == "spmm" else None):
                tv = ix.time(kernel, args.variant, p, k, t)
                _best, bt = ix.best_peer(kernel, p, k, t)
                if tv and bt:
                    names.append(p)
                    ratios.append(tv / bt)
                    colors.append("tab:green" if tv <= bt else "tab:red")
            if names:
                title = f"{kernel.upper()}{f' k={k}' if kernel == 'spmm' else ''}, {t} thread{'s' if t > 1 else ''}"
                panels.append((title, names, ratios, colors))
    if not panels:
        sys.exit(f"plot.py: no {args.variant} results with peers to compare")

    height = max(len(p[1]) for p in panels) * 0.22 + 1.5
    fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), height), squeeze=False)
    for ax, (title, names, ratios, colors) in zip(axes[0], panels):
        y = range(len(names))
        ax.barh(list(y), ratios, color=colors)
        ax.set_xscale("log")
        ax.axvline(1.0, color="black", linewidth=0.8)
        ax.set_yticks(list(y))
        ax.set_yticklabels(names, fontsize=7)
        ax.invert_yaxis()
        ax.set_title(title, fontsize=9)
        ax.set_xlabel(f"t({args.variant}) / t(fastest peer)", fontsize=8)
        ax.tick_params(axis="x", labelsize=7)
    fig.tight_layout()
    fig.savefig(args.output, dpi=120)
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
