#!/usr/bin/env bash
# tools/bench/run_benchmarks.sh — build waferblas_bench (Release), run the whole suite once with
# repetitions, and turn the JSON into the markdown tables of docs/performance.md.
#
#   tools/bench/run_benchmarks.sh [extra waferblas_bench / --benchmark_* flags ...]
#
# Environment (all optional):
#   BUILD_DIR     build directory                      (default: <repo>/build-bench)
#   OUT_DIR       results directory                    (default: $BUILD_DIR/bench-results)
#   NATIVE=1      compile with -march=native           (default: portable flags, -O3 from Release)
#   REPETITIONS   --benchmark_repetitions              (default: 5; medians are reported)
#   MIN_TIME      --benchmark_min_time in seconds      (default: 0.05; ~1300 configurations x 5)
#   FILTER        --benchmark_filter regex             (default: everything)
#   DOC           markdown file whose "bench-results" section is replaced (e.g. docs/performance.md)
#   WAFERBLAS_MATRICES       shared Matrix Market directory (default: ../shared/matrices)
#   WAFERBLAS_BENCH_POISSON  3D Poisson sides (default 32,64,128; add 200 for the 8M-row case)
#   WAFERBLAS_BENCH_RMAT     R-MAT scales (default 16,18)
#   OMP_WAIT_POLICY          exported as "passive" unless OMP_WAIT_POLICY or GOMP_SPINCOUNT is set:
#                            libgomp's default busy-wait (up to ~300k pause loops, milliseconds on
#                            this CPU) turns every 2-thread OpenMP call into a scheduler time slice
#                            (4-16 ms) whenever another process holds a core; see docs/performance.md
#
# Outputs in $OUT_DIR: results.json (Google Benchmark), summary.md, summary.csv, machine.txt,
# console.txt. A default run takes about 15 minutes on a 2-core machine.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${BUILD_DIR:-$repo/build-bench}
out=${OUT_DIR:-$build/bench-results}
reps=${REPETITIONS:-5}
min_time=${MIN_TIME:-0.05}
filter=${FILTER:-}

generator=()
if command -v ninja >/dev/null 2>&1; then generator=(-G Ninja); fi
cxx_flags=""
if [[ "${NATIVE:-0}" == 1 ]]; then cxx_flags="-march=native"; fi

# An existing build directory keeps its generator; only pass -G to a fresh one.
if [[ -f "$build/CMakeCache.txt" ]]; then generator=(); fi
cmake -S "$repo" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS="$cxx_flags" \
      -DWAFERBLAS_BUILD_BENCHMARKS=ON -DWAFERBLAS_BUILD_TESTS=OFF -DWAFERBLAS_BUILD_EXAMPLES=OFF \
      -DWAFERBLAS_BUILD_TOOLS=OFF >/dev/null
cmake --build "$build" --target waferblas_bench

if [[ -z "${OMP_WAIT_POLICY:-}" && -z "${GOMP_SPINCOUNT:-}" ]]; then export OMP_WAIT_POLICY=passive; fi

mkdir -p "$out"
commit=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ -n "$(git -C "$repo" status --porcelain 2>/dev/null)" ]]; then commit="$commit with uncommitted changes"; fi
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit: $commit"
  echo "cxx: $(c++ --version | head -n 1)"
  echo "flags: Release (-O3 -DNDEBUG) $cxx_flags"
  echo "OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-} GOMP_SPINCOUNT=${GOMP_SPINCOUNT:-}"
  lscpu | grep -E '^(Model name|CPU\(s\)|Thread|Core|Socket|L1d|L2|L3|NUMA node\(s\)|Hypervisor)' || true
  free -g | head -n 2
  uptime
} >"$out/machine.txt"

args=(--benchmark_repetitions="$reps" --benchmark_report_aggregates_only=true --benchmark_min_time="$min_time"
      --benchmark_out="$out/results.json" --benchmark_out_format=json)
if [[ -n "$filter" ]]; then args+=(--benchmark_filter="$filter"); fi

status=0
start=$(date +%s)
WAFERBLAS_BENCH_COMMIT="$commit" "$build/benchmarks/waferblas_bench" "${args[@]}" "$@" 2>&1 | tee "$out/console.txt" || status=$?
echo "waferblas_bench: $(( $(date +%s) - start )) s, exit status $status" | tee -a "$out/machine.txt"
echo "after the run: $(uptime)" >>"$out/machine.txt"

summary_args=("$out/results.json" --out "$out/summary.md" --csv "$out/summary.csv")
if [[ -n "${DOC:-}" ]]; then summary_args+=(--doc "$DOC"); fi
python3 "$repo/tools/bench/summarize.py" "${summary_args[@]}" >/dev/null
echo "results: $out/summary.md ($out/results.json, $out/summary.csv)"
exit "$status"
